import { constants } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { UserError, errorMessage } from '../util/errors.js';
import { describeAjvErrors, formatProblems, packagedValidator, parseJson } from '../util/schema.js';
import { displayPath } from '../util/paths.js';
import type { Snapshot } from './types.js';

export const SNAPSHOT_SCHEMA = 'schemas/snapshot.schema.json';

/** Validate a parsed snapshot against the versioned schema; throws a UserError listing every problem. */
export function checkSnapshot(value: unknown, label: string): Snapshot {
  const validate = packagedValidator(SNAPSHOT_SCHEMA);
  if (!validate(value)) {
    const problems = describeAjvErrors(validate.errors);
    const lines = formatProblems(label, problems.slice(0, 20));
    const more = problems.length > 20 ? `\n(and ${problems.length - 20} more)` : '';
    throw new UserError(`${label} is not a valid awsaudit snapshot:\n${lines.join('\n')}${more}`);
  }
  return value as unknown as Snapshot;
}

/**
 * The largest snapshot read: the longest string the JavaScript engine can hold (about 512 MB),
 * since a snapshot is parsed as one JSON text.
 */
export const MAX_SNAPSHOT_BYTES = constants.MAX_STRING_LENGTH;

function tooLarge(label: string, size: number, maxBytes: number): UserError {
  const mb = (n: number) => (n / 1e6 < 1 ? (n / 1e6).toFixed(2) : String(Math.round(n / 1e6)));
  const gb = size >= 1e9 ? `${(size / 1e9).toFixed(2)} GB` : `${mb(size)} MB`;
  return new UserError(
    `snapshot ${label} is ${gb}: larger than awsaudit can read in one piece (${Math.floor(maxBytes / 1e6)} MB)`,
    'collect the account in parts (collect --regions for some regions, or --only for the rules you need) and evaluate each snapshot',
  );
}

export async function readSnapshot(file: string, options: { maxBytes?: number } = {}): Promise<Snapshot> {
  const label = displayPath(file);
  const maxBytes = options.maxBytes ?? MAX_SNAPSHOT_BYTES;
  let text: string;
  try {
    // Checked before reading: a file too large fails only after it is all in memory otherwise ("Invalid string length").
    const { size } = await stat(file);
    if (size > maxBytes) throw tooLarge(label, size, maxBytes);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    // Grown since it was measured, or more characters than bytes allow for.
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_STRING_TOO_LONG') throw tooLarge(label, maxBytes + 1, maxBytes);
    throw new UserError(`cannot read snapshot ${label}: ${errorMessage(error)}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${label}: ${parsed.problem.message}`);
  return checkSnapshot(parsed.value, label);
}
