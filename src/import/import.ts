import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ClientPool, type AnyClient } from '../aws/pool.js';
import { collectSnapshot } from '../collect/collect.js';
import type { ServiceName } from '../services/index.js';
import type { Snapshot } from '../snapshot/types.js';
import { UserError } from '../util/errors.js';
import { answerFromFolder, type ImportFolder } from './answer.js';
import { IMPORT_CALLS } from './calls.js';

export interface ImportOptions {
  /** The folder of AWS CLI outputs. */
  dir: string;
  /** Resource types to read (from the selected rules, as for `collect`). */
  types: Iterable<string>;
  /** The regions to read; by default every region folder found. */
  regions?: readonly string[] | undefined;
  /** The account, when the folder has no sts/get-caller-identity.json. */
  account?: string | undefined;
  progress: boolean;
}

export interface ImportResult {
  snapshot: Snapshot;
  /** Files of the folder that are no output import reads (a misspelt name, a command awsaudit does not use). */
  unknown: string[];
}

/** Is this a file name import reads (whether or not this run needed it)? */
function isKnownFile(file: string): boolean {
  const name = file.replace(/\.(json|error)$/, '');
  return IMPORT_CALLS.some((c) => {
    const [service, operation] = c.cli.split(' ') as [string, string];
    const parts = name.split('/');
    const rest = c.global ? parts.slice(1) : parts.slice(2);
    if (parts[0] !== service || (!c.global && !REGION.test(parts[1] ?? ''))) return false;
    return rest[0] === operation && rest.length === (c.key ? 2 : 1);
  });
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile() && /\.(json|error)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Regions the folder has outputs for: `<service>/<region>/…` of the regional calls. */
function regionsIn(files: readonly string[]): string[] {
  const regional = new Set(IMPORT_CALLS.filter((c) => !c.global).map((c) => c.cli.split(' ')[0]!));
  const regions = new Set<string>();
  for (const file of files) {
    const [service, region] = file.split('/');
    if (service && region && regional.has(service) && REGION.test(region)) regions.add(region);
  }
  return [...regions].sort();
}

/** Credentials that are never asked for: every call is answered before it would be signed. */
const NO_CREDENTIALS = () => Promise.reject(new Error('awsaudit import sends no request to AWS'));

/**
 * A snapshot from a folder of AWS CLI outputs (docs/import.md): the same collectors as a live
 * scan, each SDK call answered from its file, so the snapshot has the shape `collect` writes;
 * a call with no file is a coverage gap (`NotImported`), so rules that need it are never passed.
 */
export async function importSnapshot(options: ImportOptions): Promise<ImportResult> {
  const dir = path.resolve(options.dir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UserError(`import: ${options.dir} is not a folder`, 'give the folder of AWS CLI outputs (see docs/import.md)');
  const files = await listFiles(dir);
  const known = new Set(IMPORT_CALLS.map((c) => c.cli.split(' ')[0]));
  if (!files.some((f) => known.has(f.split('/')[0]))) {
    throw new UserError(
      `import: no AWS CLI outputs under ${options.dir}`,
      'expected files such as sts/get-caller-identity.json, iam/get-account-authorization-details.json, ec2/us-east-1/describe-security-groups.json (docs/import.md; `awsaudit import --print-script` writes a script that makes them)',
    );
  }
  if (options.account !== undefined && !/^\d{12}$/.test(options.account))
    throw new UserError(`--account ${options.account}: expected a 12-digit account id`);
  if (!files.includes('sts/get-caller-identity.json') && options.account === undefined) {
    throw new UserError(
      `import: ${options.dir} does not say whose account it is (no sts/get-caller-identity.json)`,
      `add it (aws sts get-caller-identity > ${path.join(options.dir, 'sts', 'get-caller-identity.json')}) or pass --account ID`,
    );
  }
  const found = regionsIn(files);
  const regions = options.regions?.length ? [...options.regions] : found;
  if (regions.length === 0)
    throw new UserError(
      `import: no region folder under ${options.dir} (e.g. ec2/us-east-1/)`,
      'pass the regions the outputs are from with --regions a,b',
    );

  const folder: ImportFolder = { dir, read: new Set(), account: options.account };
  const pool = new ClientPool(
    { maxAttempts: 1, retryMode: 'standard', maxConcurrency: 16, credentials: NO_CREDENTIALS },
    (client: AnyClient, service: ServiceName, region: string) => answerFrom(folder, client, service, region),
  );
  try {
    const { snapshot } = await collectSnapshot({
      types: options.types,
      region: regions[0],
      regions,
      maxConcurrency: 16,
      maxAttempts: 1,
      retryMode: 'standard',
      progress: options.progress,
      pool,
    });
    // When the outputs were made: the newest file read (collection time of a live scan).
    const times = await Promise.all([...folder.read].map(async (f) => (await stat(path.join(dir, f))).mtimeMs));
    snapshot.meta.source = 'import';
    if (times.length) snapshot.meta.collectedAt = new Date(Math.max(...times)).toISOString();
    snapshot.meta.notes = [
      ...(snapshot.meta.notes ?? []),
      `imported from AWS CLI outputs (${folder.read.size} file(s)); calls with no output file are coverage gaps (NotImported)`,
    ];
    return { snapshot, unknown: files.filter((f) => !isKnownFile(f)) };
  } finally {
    pool.destroy();
  }
}

type Next = (args: { input: Record<string, unknown> }) => Promise<unknown>;
interface Context {
  commandName?: string;
  __smithy_context?: { commandInstance?: { schema?: unknown } };
}

/** The middleware that answers every command of a client from the folder, before anything would be sent. */
function answerFrom(folder: ImportFolder, client: AnyClient, service: ServiceName, region: string): void {
  const stack = client.middlewareStack as unknown as {
    add(middleware: (next: Next, context: Context) => Next, options: { step: string; name: string; priority: string }): void;
  };
  stack.add(
    (_next, context) => async (args) => {
      const command = context.commandName ?? 'UnknownCommand';
      // The operation schema of the SDK: [9, namespace, name, traits, input, output].
      const schema = context.__smithy_context?.commandInstance?.schema as unknown[] | undefined;
      const output = await answerFromFolder(folder, service, region, command, args.input, schema?.[5]);
      return { output: { ...output, $metadata: {} }, response: {} };
    },
    // After the pool's read-only guard (added first, same step and priority): only reads are answered.
    { step: 'initialize', name: 'awsauditImportAnswer', priority: 'high' },
  );
}
