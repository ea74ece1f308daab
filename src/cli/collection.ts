import type { ClientPool } from '../aws/pool.js';
import { collectSnapshot, type CollectResult } from '../collect/collect.js';
import { collectableTypes, typesNeeded } from '../collect/plan.js';
import type { CompiledRule } from '../ruleset/types.js';
import { UserError } from '../util/errors.js';
import { collectOptionsFrom, type AwsArgs } from './aws-options.js';
import { splitList } from './options.js';
import { shardOf, type ShardArgs } from './shard-options.js';

/** `--types a,b` / `--types all`: resource types to collect in addition to what the rules need. */
export function parseExtraTypes(values: readonly string[] | undefined): string[] {
  const names = splitList(values);
  if (names.includes('all')) return collectableTypes();
  const known = new Set<string>(collectableTypes());
  const bad = names.filter((n) => !known.has(n));
  if (bad.length)
    throw new UserError(`--types: not a type awsaudit collects: ${bad.join(', ')}`, `choose from: all, ${[...known].join(', ')}`);
  return names;
}

/** The resource types to collect for these rules (plus any asked for with --types). */
export function typesForRules(rules: readonly CompiledRule[], extra: readonly string[] = []): Set<string> {
  return typesNeeded(
    rules.map((r) => r.definition),
    extra,
  );
}

/** Collect what the selected rules need from the live account (through the run's client pool, when it has one); with --shard, one shard of it. */
export async function collectForRules(
  argv: AwsArgs & ShardArgs,
  rules: readonly CompiledRule[],
  extra: readonly string[] = [],
  pool?: ClientPool,
): Promise<CollectResult> {
  const shard = await shardOf(argv);
  return collectSnapshot({ ...collectOptionsFrom(argv), types: typesForRules(rules, extra), pool, shard });
}
