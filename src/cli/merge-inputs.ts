// The inputs of `awsaudit merge`: shard JSON reports (which carry their shard's snapshot) or
// shard snapshots, from files, folders or S3, each checked before anything is merged.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MergeInput } from '../org/merge.js';
import type { AccountRecord, OrgRecord } from '../org/merge-accounts.js';
import { REPORT_FORMAT } from '../findings/report-format.js';
import { checkSnapshot } from '../snapshot/read.js';
import { SNAPSHOT_FORMAT } from '../snapshot/types.js';
import { UserError, errorMessage } from '../util/errors.js';
import { isPlainObject } from '../util/json.js';
import { displayPath } from '../util/paths.js';
import { parseJson } from '../util/schema.js';
import { isS3Url } from './s3-reports.js';

export interface MergeAwsArgs {
  profile?: string | undefined;
  region?: string | undefined;
  endpointUrl?: string | undefined;
}

const HINT =
  'merge reads the JSON reports of `awsaudit scan --shard i/n` (--format json, awsaudit.json) or the snapshots of `awsaudit collect --shard i/n`';

/** Every .json file under a folder, sorted (CI artifacts arrive as one folder per shard). */
async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The shard snapshot in a report or snapshot text; a UserError naming the file otherwise. */
export function shardSnapshotOf(label: string, text: string): MergeInput {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${label}: ${parsed.problem.message}`, HINT);
  const value = parsed.value;
  if (!isPlainObject(value)) throw new UserError(`${label} is not an awsaudit JSON report or snapshot`, HINT);
  let snapshotValue: unknown;
  if (value.format === REPORT_FORMAT) {
    if (!('snapshot' in value)) {
      throw new UserError(
        `${label} is an awsaudit JSON report of a whole scan, not of a shard: it has no shard snapshot to merge`,
        'run each job with --shard INDEX/COUNT and --format json; their reports carry what merge needs',
      );
    }
    snapshotValue = value.snapshot;
  } else if (value.format === SNAPSHOT_FORMAT) snapshotValue = value;
  else throw new UserError(`${label} is not an awsaudit JSON report or snapshot (format ${JSON.stringify(value.format)})`, HINT);
  const snapshot = checkSnapshot(snapshotValue, label);
  if (!snapshot.meta.shard) {
    throw new UserError(
      `${label} is a snapshot of a whole scan, not of a shard (no --shard)`,
      'collect each part with --shard INDEX/COUNT',
    );
  }
  const { index, count, units, universe } = snapshot.meta.shard;
  const all = new Set(universe);
  if (index > count || units.some((u) => !all.has(u)))
    throw new UserError(`${label}: its shard record is inconsistent (shard ${index}/${count})`, HINT);
  const org = value.format === REPORT_FORMAT ? orgRecordOf(value) : undefined;
  return { label, snapshot, ...(org ? { org } : {}) };
}

const STATUSES = new Set(['scanned', 'partial', 'failed']);
const ACCESSES = new Set(['caller', 'role']);

/**
 * What a `scan --org --shard` report says about the organisation and each account it entered
 * (`scan.organization`, `accounts[]`), checked field by field; undefined for a one-account report.
 */
function orgRecordOf(report: Record<string, unknown>): OrgRecord | undefined {
  const scan = isPlainObject(report.scan) ? report.scan : {};
  const o = scan.organization;
  if (!isPlainObject(o)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const selection = isPlainObject(o.selection) ? o.selection : {};
  const organization: OrgRecord['organization'] = {
    id: str(o.id),
    managementAccount: str(o.managementAccount),
    callerAccount: str(o.callerAccount),
    roleArnTemplate: str(o.roleArnTemplate) ?? '',
    externalId: o.externalId === true,
    selection: { accounts: strings(selection.accounts), excludeAccounts: strings(selection.excludeAccounts) },
    accountsListed: typeof o.accountsListed === 'number' ? o.accountsListed : 0,
    maxAccountsInFlight: typeof o.maxAccountsInFlight === 'number' ? o.maxAccountsInFlight : 1,
  };
  const accounts = (Array.isArray(report.accounts) ? report.accounts : []).flatMap((a): AccountRecord[] => {
    if (!isPlainObject(a) || typeof a.account !== 'string' || !isPlainObject(a.timing)) return [];
    const t = a.timing;
    const error = isPlainObject(a.error) && typeof a.error.code === 'string' && typeof a.error.message === 'string' ? a.error : undefined;
    return [
      {
        account: a.account,
        name: str(a.name),
        status: typeof a.status === 'string' && STATUSES.has(a.status) ? (a.status as AccountRecord['status']) : 'partial',
        access: typeof a.access === 'string' && ACCESSES.has(a.access) ? (a.access as AccountRecord['access']) : 'role',
        regions: strings(a.regions),
        timing: {
          startedAt: str(t.startedAt) ?? '',
          durationMs: typeof t.durationMs === 'number' ? t.durationMs : 0,
          requests: typeof t.requests === 'number' ? t.requests : 0,
        },
        ...(typeof a.roleArn === 'string' ? { roleArn: a.roleArn } : {}),
        ...(error ? { error: { code: error.code as string, message: error.message as string } } : {}),
      },
    ];
  });
  return { organization, accounts };
}

/** Read every input (files, folders, s3:// addresses); a file that is not a shard stops the merge with exit 2. */
export async function readMergeInputs(specs: readonly string[], aws: MergeAwsArgs): Promise<MergeInput[]> {
  const texts: Array<{ label: string; text: string }> = [];
  const s3 = specs.filter(isS3Url);
  if (s3.length) {
    const [{ createPool }, { readS3Reports }] = await Promise.all([import('../aws/pool.js'), import('./s3-reports.js')]);
    const pool = createPool({
      profile: aws.profile,
      endpoint: aws.endpointUrl ?? (process.env.AWS_ENDPOINT_URL || undefined),
      maxAttempts: 5,
      retryMode: 'standard',
      maxConcurrency: 8,
    });
    try {
      const region = aws.region ?? (await pool.defaultRegion()) ?? 'us-east-1';
      for (const url of s3) texts.push(...(await readS3Reports(url, pool, region)));
    } finally {
      pool.destroy();
    }
  }
  for (const spec of specs.filter((s) => !isS3Url(s))) {
    let files: string[];
    try {
      files = (await stat(spec)).isDirectory() ? await jsonFiles(spec) : [spec];
    } catch (error) {
      throw new UserError(`cannot read ${displayPath(spec)}: ${errorMessage(error)}`, HINT);
    }
    if (files.length === 0) throw new UserError(`${displayPath(spec)}: no .json file in this folder`, HINT);
    for (const file of files) {
      try {
        texts.push({ label: displayPath(file), text: await readFile(file, 'utf8') });
      } catch (error) {
        throw new UserError(`cannot read ${displayPath(file)}: ${errorMessage(error)}`, HINT);
      }
    }
  }
  return texts.map((t) => shardSnapshotOf(t.label, t.text));
}
