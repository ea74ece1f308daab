import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { ShardSpec } from '../org/shards.js';
import { GLOBAL_UNIT, parseShard, unitTimes, type TimedUnit } from '../org/shards.js';
import { UserError, errorMessage } from '../util/errors.js';
import { isPlainObject } from '../util/json.js';

/** `--shard i/n` (scan, collect). */
export function shardOptions<T>(y: Argv<T>) {
  return y.option('shard', {
    type: 'string',
    describe:
      "Read only shard INDEX of COUNT (1-based, e.g. 2/3) of the scan's units (each account's global unit and each of its regions); `awsaudit merge` puts the shards' JSON reports together. With --org, the units of every selected account (give --regions: the same in every job). With --baseline, shards are balanced by its per-unit times",
    group: 'Shards:',
  });
}

export interface ShardArgs {
  shard?: string | string[] | undefined;
  baseline?: string | undefined;
}

/** The `--shard` asked for (checked), or undefined. */
export function shardSpecOf(argv: ShardArgs): ShardSpec | undefined {
  // yargs makes a repeated flag an array: the last one wins, as for the other single-value flags.
  const value = Array.isArray(argv.shard) ? argv.shard[argv.shard.length - 1] : argv.shard;
  return value === undefined ? undefined : parseShard(value);
}

/**
 * The per-unit collection times of an earlier JSON report (`scan.units`; for a report of many
 * accounts without them, `accounts[].timing`), to balance the shards.
 * A report without them (an older one, the demo) balances nothing: the shards are then split by
 * hash, and every shard of the run must see the same baseline to agree on the split.
 */
export async function baselineUnitTimes(file: string | undefined): Promise<Map<string, number> | undefined> {
  if (file === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read baseline ${file}: ${errorMessage(error)}`);
  }
  const report = isPlainObject(parsed) ? parsed : {};
  const scan = isPlainObject(report.scan) ? report.scan : {};
  const units = Array.isArray(scan.units) ? scan.units : [];
  const timed = units.filter(
    (u): u is TimedUnit =>
      isPlainObject(u) && typeof u.account === 'string' && typeof u.region === 'string' && typeof u.ms === 'number' && u.ms >= 0,
  );
  if (timed.length) return unitTimes(timed);
  // A report of many accounts without unit times: each account's time, spread evenly over its units.
  const accounts = Array.isArray(report.accounts) ? report.accounts : [];
  const spread: TimedUnit[] = accounts.flatMap((a): TimedUnit[] => {
    if (!isPlainObject(a) || typeof a.account !== 'string' || !isPlainObject(a.timing) || typeof a.timing.durationMs !== 'number')
      return [];
    const regions = Array.isArray(a.regions) ? a.regions.filter((r): r is string => typeof r === 'string') : [];
    const ms = a.timing.durationMs / (regions.length + 1);
    return [GLOBAL_UNIT, ...regions].map((region) => ({ account: a.account as string, region, ms }));
  });
  return spread.length ? unitTimes(spread) : undefined;
}

/** What collection needs for `--shard`: the spec and the baseline's times. */
export async function shardOf(argv: ShardArgs): Promise<{ spec: ShardSpec; times?: Map<string, number> | undefined } | undefined> {
  const spec = shardSpecOf(argv);
  if (!spec) return undefined;
  return { spec, times: await baselineUnitTimes(argv.baseline) };
}
