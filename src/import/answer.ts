import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NormalizedSchema } from '@smithy/core/schema';
import { importCallFor, importFile } from './calls.js';

/**
 * Answers to the collectors' SDK calls, read from a folder of AWS CLI outputs instead of AWS.
 *
 * The AWS CLI prints a response with the API model's member names (the SDK's too), so a file
 * becomes what the SDK would have returned by walking the operation's output schema, which the
 * SDK carries: timestamps become Dates (the CLI prints ISO 8601, or epoch seconds with
 * `cli_timestamp_format = none`), blobs become bytes (the CLI prints base64), and an IAM policy
 * document the CLI decoded into JSON goes back to the string the API returns. The collectors
 * then read the answer exactly as they read AWS's: the same code maps it to resources.
 */

/** A failed call, as the SDK would throw it: `name` is the AWS error code (gaps and `absent` codes read it). */
export class ImportedError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export interface ImportFolder {
  readonly dir: string;
  /** Files read (relative paths): `import` lists the ones it never read, in case a name is wrong. */
  readonly read: Set<string>;
  /** `--account`, when no sts/get-caller-identity.json says whose the dump is. */
  readonly account?: string | undefined;
}

/** The error code in the AWS CLI's error output: `An error occurred (AccessDenied) when calling …`. */
export function cliErrorCode(text: string): string | undefined {
  return /An error occurred \(([A-Za-z0-9_.-]+)\)/.exec(text)?.[1];
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Members a paginated answer carries when the CLI printed one page only (`--max-items`, `--no-paginate`). */
const PAGE_TOKENS = ['NextToken', 'Marker', 'NextMarker', 'nextToken', 'NextContinuationToken'];

/** The SDK's answer to one command, from its file; throws an ImportedError for a missing file or the CLI's error. */
export async function answerFromFolder(
  folder: ImportFolder,
  service: string,
  region: string,
  command: string,
  input: Record<string, unknown>,
  outputSchema: unknown,
): Promise<Record<string, unknown>> {
  if (command === 'GenerateCredentialReportCommand') {
    // The report was generated before the dump (the CLI's get-credential-report needs it): "complete" if its file is there.
    const report = importFile(importCallFor('iam', 'GetCredentialReportCommand')!, region, {});
    if (await readOptional(path.join(folder.dir, `${report}.json`))) return { State: 'COMPLETE' };
    throw new ImportedError('NotImported', `no ${report}.json in the import folder`);
  }
  const call = importCallFor(service, command);
  if (!call)
    throw new ImportedError('NotImported', `awsaudit import does not read ${service} ${command.replace(/Command$/, '')} from CLI outputs`);
  const name = importFile(call, region, input);
  const json = await readOptional(path.join(folder.dir, `${name}.json`));
  if (json === undefined) {
    const error = await readOptional(path.join(folder.dir, `${name}.error`));
    if (error !== undefined) {
      folder.read.add(`${name}.error`);
      const code = cliErrorCode(error);
      throw new ImportedError(
        code ?? 'CliError',
        `${name}.error: ${error.trim().split('\n').pop()?.slice(0, 300) ?? 'the command failed'}`,
      );
    }
    if (command === 'GetCallerIdentityCommand' && folder.account)
      return { Account: folder.account, Arn: `arn:aws:iam::${folder.account}:root`, UserId: folder.account };
    throw new ImportedError('NotImported', `no ${name}.json in the import folder (\`aws ${call.cli}${call.args ? ` ${call.args}` : ''}\`)`);
  }
  folder.read.add(`${name}.json`);
  // The CLI prints nothing for an empty answer (a bucket with no logging, versioning never set).
  let parsed: unknown = {};
  if (json.trim() !== '') {
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new ImportedError('ImportFileUnreadable', `${name}.json is not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ImportedError('ImportFileUnreadable', `${name}.json is not the JSON object the AWS CLI prints for ${call.cli}`);
  const page = PAGE_TOKENS.find((t) => typeof (parsed as Record<string, unknown>)[t] === 'string');
  if (page)
    throw new ImportedError(
      'ImportFileIncomplete',
      `${name}.json holds one page only (it has ${page}): run \`aws ${call.cli}\` without --max-items or --no-paginate`,
    );
  let output = fromCliJson(NormalizedSchema.of(outputSchema as Parameters<typeof NormalizedSchema.of>[0]), parsed, name) as Record<
    string,
    unknown
  >;
  if (call.narrow) output = await call.narrow(output, input, (file) => readCliJson(folder, file));
  return output;
}

/** Another output file that a narrowing reads (a bucket's location), as parsed JSON; undefined when there is none. */
async function readCliJson(folder: ImportFolder, name: string): Promise<Record<string, unknown> | undefined> {
  const json = await readOptional(path.join(folder.dir, `${name}.json`));
  if (json === undefined) return undefined;
  folder.read.add(`${name}.json`);
  try {
    const parsed: unknown = json.trim() === '' ? {} : JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    throw new ImportedError('ImportFileUnreadable', `${name}.json is not JSON`);
  }
}

/** A value of the CLI's JSON output in the shape the SDK returns for the schema. */
function fromCliJson(ns: NormalizedSchema, value: unknown, file: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (ns.isStructSchema() && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [member, schema] of ns.structIterator()) {
      if (!Object.hasOwn(record, member)) continue;
      const v = fromCliJson(schema, record[member], file);
      if (v !== undefined) out[member] = v;
    }
    return out;
  }
  if (ns.isListSchema() && Array.isArray(value)) return value.map((item) => fromCliJson(ns.getValueSchema(), item, file));
  if (ns.isMapSchema() && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '__proto__') continue;
      out[k] = fromCliJson(ns.getValueSchema(), v, file);
    }
    return out;
  }
  if (ns.isTimestampSchema()) {
    const time = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
    if (!Number.isFinite(time))
      throw new ImportedError('ImportFileUnreadable', `${file}.json: ${JSON.stringify(value)} is not a timestamp`);
    return new Date(time);
  }
  if (ns.isBlobSchema() && typeof value === 'string') return Uint8Array.from(Buffer.from(value, 'base64'));
  // The CLI decodes IAM policy documents (URL-encoded JSON in the API) into JSON: the SDK returns the text.
  if (ns.isStringSchema() && typeof value === 'object') return JSON.stringify(value);
  return value;
}
