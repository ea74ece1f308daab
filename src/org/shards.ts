// Units of a scan and their split into shards (`--shard i/n`). Pure: no AWS, no files, no clock.
import { createHash } from 'node:crypto';
import { UserError } from '../util/errors.js';

/** The region of an account's global unit: IAM, the S3 bucket listing, trails, the account itself. */
export const GLOBAL_UNIT = 'global';

/**
 * One piece of a scan that a shard runs whole: an account's global unit (its account-scope
 * collectors, including those that walk every region themselves, such as trails) or one
 * (account, region) pair (the regional collectors in that region).
 */
export interface ScanUnit {
  account: string;
  /** A region name, or "global" for the account's global unit. */
  region: string;
}

/** A unit and the collection time spent on it (the sum of its collectors' run times, ms). */
export interface TimedUnit extends ScanUnit {
  ms: number;
}

/** `--shard i/n`: shard i (1-based) of n. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** What a shard's snapshot and report record about the shard, for `awsaudit merge`. */
export interface ShardRecord {
  index: number;
  count: number;
  /** Keys (`account/region`) of the units this shard scanned. */
  units: string[];
  /** Keys of every unit of the scan (all shards together), sorted: merge finds missing units from it. */
  universe: string[];
  /** hash: units spread by a hash of their key; time: balanced by the per-unit times of a --baseline report. */
  assignment: 'hash' | 'time';
}

export const MAX_SHARDS = 1000;

export function unitKey(unit: ScanUnit): string {
  return `${unit.account}/${unit.region}`;
}

export function parseUnitKey(key: string): ScanUnit {
  const slash = key.indexOf('/');
  return { account: key.slice(0, slash), region: key.slice(slash + 1) };
}

const SHARD = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/** Parse `--shard i/n` (1-based: `1/3`, `2/3`, `3/3`). */
export function parseShard(value: string, flag = '--shard'): ShardSpec {
  const m = SHARD.exec(value);
  const hint =
    'shards are numbered from 1: --shard 1/3, --shard 2/3 and --shard 3/3 together cover the scan once (in a Kubernetes Indexed Job, whose index starts at 0: --shard $((JOB_COMPLETION_INDEX + 1))/N)';
  if (!m) throw new UserError(`${flag} ${value}: expected INDEX/COUNT, e.g. ${flag} 2/3`, hint);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UserError(`${flag} ${value}: the shard count must be from 1 to ${MAX_SHARDS}`, hint);
  if (index < 1 || index > count) throw new UserError(`${flag} ${value}: the shard index must be from 1 to ${count}`, hint);
  return { index, count };
}

/** The units of a scan: each account's global unit and one unit per (account, region), sorted. */
export function scanUnits(accounts: ReadonlyArray<{ account: string; regions: readonly string[] }>): ScanUnit[] {
  const keys = new Set<string>();
  for (const { account, regions } of accounts) {
    keys.add(unitKey({ account, region: GLOBAL_UNIT }));
    for (const region of regions) keys.add(unitKey({ account, region }));
  }
  return [...keys].sort().map(parseUnitKey);
}

/** A stable number for a unit key (the first 48 bits of its SHA-256): the same on every machine and run. */
function hashOf(key: string): number {
  return parseInt(createHash('sha256').update(key).digest('hex').slice(0, 12), 16);
}

const byHash = (a: { key: string; hash: number }, b: { key: string; hash: number }) =>
  a.hash - b.hash || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Split the units into `count` shards; element i-1 holds shard i's units. Every unit is in
 * exactly one shard, and the same units (with the same times) always give the same split, so
 * jobs started separately agree on it without talking to each other.
 *
 * Without times, global units (the heavier ones: IAM, S3, trails) and regional units are each
 * put in a hash order and dealt round-robin, so shard sizes differ by at most one unit of each
 * kind. With the previous run's time per unit (`times`, ms by unit key), the longest units are
 * placed first, each on the shard with the least time so far (a unit the previous run did not
 * have counts as the mean of its kind), which evens out the shards' wall times.
 */
export function assignShards(units: readonly ScanUnit[], count: number, times?: ReadonlyMap<string, number>): ScanUnit[][] {
  const shards: ScanUnit[][] = Array.from({ length: count }, () => []);
  const items = [...new Map(units.map((u) => [unitKey(u), u])).entries()].map(([key, unit]) => ({ key, unit, hash: hashOf(key) }));
  const isGlobal = (u: ScanUnit) => u.region === GLOBAL_UNIT;
  if (!times || times.size === 0) {
    const ordered = [...items.filter((i) => isGlobal(i.unit)).sort(byHash), ...items.filter((i) => !isGlobal(i.unit)).sort(byHash)];
    ordered.forEach((item, p) => shards[p % count]!.push(item.unit));
  } else {
    const meanOf = (global: boolean) => {
      const known = items.filter((i) => isGlobal(i.unit) === global && times.has(i.key)).map((i) => times.get(i.key)!);
      return known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
    };
    const mean = { global: meanOf(true), regional: meanOf(false) };
    const weighted = items
      .map((i) => ({ ...i, ms: Math.max(0, times.get(i.key) ?? (isGlobal(i.unit) ? mean.global : mean.regional)) }))
      .sort((a, b) => b.ms - a.ms || byHash(a, b));
    const load = new Array<number>(count).fill(0);
    for (const item of weighted) {
      let best = 0;
      for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
      load[best]! += item.ms;
      shards[best]!.push(item.unit);
    }
  }
  for (const shard of shards) shard.sort((a, b) => (unitKey(a) < unitKey(b) ? -1 : 1));
  return shards;
}

/** The units of one shard, and the record its snapshot and report keep. */
export function selectShard(
  units: readonly ScanUnit[],
  shard: ShardSpec,
  times?: ReadonlyMap<string, number>,
): { units: ScanUnit[]; record: ShardRecord } {
  const mine = assignShards(units, shard.count, times)[shard.index - 1] ?? [];
  return {
    units: mine,
    record: {
      index: shard.index,
      count: shard.count,
      units: mine.map(unitKey),
      universe: [...new Set(units.map(unitKey))].sort(),
      assignment: times && times.size > 0 ? 'time' : 'hash',
    },
  };
}

/** Per-unit times (ms by unit key) from the `scan.units` of an earlier JSON report, for balancing. */
export function unitTimes(units: ReadonlyArray<TimedUnit>): Map<string, number> {
  const times = new Map<string, number>();
  for (const u of units) times.set(unitKey(u), (times.get(unitKey(u)) ?? 0) + u.ms);
  return times;
}

/**
 * `--org --shard i/n`: the shard of a scan of many accounts. The caller lists the accounts (and
 * the regions each is scanned in, the same in every job), enters only `accounts` (those with a
 * unit in this shard), and passes `unitsOf(account)` as `collectSnapshot`'s `units` option, so
 * each account reads only its units of this shard and its snapshot keeps the shard's record.
 */
export function shardOfAccounts(
  accounts: ReadonlyArray<{ account: string; regions: readonly string[] }>,
  shard: ShardSpec,
  times?: ReadonlyMap<string, number>,
): { accounts: string[]; record: ShardRecord; unitsOf(account: string): { units: ScanUnit[]; record: ShardRecord } } {
  const { units, record } = selectShard(scanUnits(accounts), shard, times);
  const byAccount = new Map<string, ScanUnit[]>();
  for (const u of units) byAccount.set(u.account, [...(byAccount.get(u.account) ?? []), u]);
  return {
    accounts: [...byAccount.keys()].sort(),
    record,
    unitsOf: (account) => ({ units: byAccount.get(account) ?? [], record }),
  };
}
