import { readFile } from 'node:fs/promises';
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

export async function readSnapshot(file: string): Promise<Snapshot> {
  const label = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read snapshot ${label}: ${errorMessage(error)}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${label}: ${parsed.problem.message}`);
  return checkSnapshot(parsed.value, label);
}
