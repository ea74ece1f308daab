import { constants } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { UserError, errorMessage } from '../util/errors.js';
import { describeAjvErrors, formatProblems, packagedValidator, parseJson } from '../util/schema.js';
import { displayPath } from '../util/paths.js';
import { closestType, dataChecker, describeInvalid, type InvalidResource } from './check-data.js';
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
  return value as Snapshot;
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
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_STRING_TOO_LONG')
      throw tooLarge(label, maxBytes + 1, maxBytes);
    throw new UserError(`cannot read snapshot ${label}: ${errorMessage(error)}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${label}: ${parsed.problem.message}`);
  const snapshot = checkSnapshot(parsed.value, label);
  checkResourceTypes(snapshot, label);
  return snapshot;
}

/**
 * The resources of a snapshot file, against the types awsaudit knows and their data schemas.
 * Throws a UserError when the file as a whole was not written the way awsaudit reads it:
 *
 * - a resource type awsaudit does not know (a misspelling, e.g. `aws.ec2.instances`): its rules
 *   would see no resource of the type they read, and pass;
 * - a type none of whose resources is an item of that type at all: a required field is missing,
 *   or a top-level field holds another kind of value (every instance still wrapped in
 *   its reservation, every credential report left as CSV text).
 *
 * Fewer malformed resources are not an error: the engine sets each one aside as undecided for
 * the rules of its type, and the report's notes name it (src/engine/evaluate.ts), so one bad
 * resource among thousands does not stop the audit.
 */
export function checkResourceTypes(snapshot: Snapshot, label: string): void {
  const unknown = new Map<string, { count: number; index: number }>();
  const byType = new Map<string, { count: number; malformed: number; first?: InvalidResource }>();
  const checkers = new Map<string, ReturnType<typeof dataChecker>>();
  const { resources } = snapshot;
  for (let index = 0; index < resources.length; index++) {
    const resource = resources[index]!;
    const { type } = resource;
    let check = checkers.get(type);
    if (!checkers.has(type)) checkers.set(type, (check = dataChecker(type)));
    if (!check) {
      const seen = unknown.get(type);
      if (seen) seen.count++;
      else unknown.set(type, { count: 1, index });
      continue;
    }
    let tally = byType.get(type);
    if (!tally) byType.set(type, (tally = { count: 0, malformed: 0 }));
    tally.count++;
    const problem = check(resource.data);
    if (problem?.shape) {
      tally.malformed++;
      tally.first ??= { resource, index, problem };
    }
  }
  const lines: string[] = [];
  for (const [type, { count, index }] of unknown) {
    const near = closestType(type);
    lines.push(
      `/resources/${index}/type: ${JSON.stringify(type)} is not a resource type awsaudit knows${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; ${count} resource(s) have it`,
    );
  }
  for (const [type, { count, malformed, first }] of byType) {
    if (malformed === count && first) {
      const which = count === 1 ? `its one ${type} resource is not` : `none of its ${count} ${type} resources is`;
      lines.push(`${which} an item of that type, e.g. ${describeInvalid(first)}`);
    }
  }
  if (lines.length === 0) return;
  throw new UserError(
    `${label} cannot be evaluated as it is:\n${lines.map((l) => `  ${l}`).join('\n')}`,
    "each resource's type is one that `awsaudit rules types` lists, and its data is one item of the AWS call the type names, as `awsaudit collect` writes it (docs/resources.md)",
  );
}
