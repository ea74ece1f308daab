import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from '../snapshot/types.js';
import { deadlineSignal, type Deadline } from '../util/deadline.js';
import { UserError } from '../util/errors.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { createPool, type AnyClient, type ClientPool } from '../aws/pool.js';
import { loadIdentityCall, loadRegionsCall } from '../services/account/index.js';
import { errorCode, isMissingCredentials, isNetworkError, isRejectedCredentials, shortMessage } from './errors.js';
import { planCollection, type CollectionPlan } from './plan.js';
import { enabledRegions, globalRegionOf, partitionOfArn, partitionOfRegion } from './regions.js';
import { CollectionRun } from './run.js';
import type { ServiceName } from '../services/index.js';
import { GLOBAL_UNIT, scanUnits, selectShard, type ScanUnit, type ShardRecord, type ShardSpec } from '../org/shards.js';

export interface CollectOptions {
  /** Resource types to collect (from the selected rules; see `typesNeeded`). */
  types: Iterable<string>;
  profile?: string | undefined;
  /** `--region`: the single region to scan, and where global calls start. */
  region?: string | undefined;
  /** `--regions a,b`. */
  regions?: readonly string[] | undefined;
  allRegions?: boolean | undefined;
  endpoint?: string | undefined;
  maxConcurrency: number;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** How long one attempt of a call may wait for an answer (`--call-timeout`). */
  callTimeoutMs?: number | undefined;
  /** When reading must stop (`--timeout`): what was collected by then is kept, the rest is a gap. */
  deadline?: Deadline | undefined;
  /** Show progress on stderr (it is shown only when stderr is a terminal). */
  progress: boolean;
  /** Extra instrumentation for every SDK client (tests intercept commands with it). */
  instrument?: (client: AnyClient, service: ServiceName, region: string) => void;
  /**
   * The run's client pool, when the caller shares it with other AWS readers (the CloudTrail
   * sources); it then stays open. Otherwise collection makes its own from the options above.
   */
  pool?: ClientPool | undefined;
  /**
   * `--shard i/n`: collect only this shard's units of the account (its global unit and/or some
   * of its regions), chosen by `selectShard`, balanced by `times` (ms by unit key) when given.
   */
  shard?: { spec: ShardSpec; times?: ReadonlyMap<string, number> | undefined } | undefined;
  /**
   * The units of this account to collect, already chosen by a caller that shards many accounts
   * at once (`--org --shard`), with the record to keep in the snapshot. Overrides `shard`.
   */
  units?: { units: readonly ScanUnit[]; record?: ShardRecord } | undefined;
}

export interface CollectStats {
  /** Commands sent, by SDK command class name. */
  commands: Record<string, number>;
  /** HTTP requests, retries included. */
  requests: number;
  durationMs: number;
}

export interface CollectResult {
  snapshot: Snapshot;
  stats: CollectStats;
  plan: CollectionPlan;
}

const NO_CREDENTIALS =
  'no AWS credentials found: pass --profile NAME or set AWS_PROFILE (after `aws configure` or `aws sso login`), export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an instance or container role (`awsaudit scan --demo` needs none)';

/** The region global calls start from before the partition is known (also where `--org` lists the organisation from). */
export async function startRegion(options: CollectOptions, pool: ClientPool): Promise<string> {
  if (options.region) return options.region;
  // The SDK's own resolution: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`.
  const region = await pool.defaultRegion();
  if (region) return region;
  // Not a listed region itself: one of them may not be enabled, and identity must not fail for that.
  if (options.regions?.length) return globalRegionOf(partitionOfRegion(options.regions[0]!));
  if (options.allRegions) return 'us-east-1';
  throw new UserError(
    'no AWS region: pass --region REGION, --regions a,b or --all-regions',
    'or set AWS_REGION, or a `region` in your AWS profile',
  );
}

/** Calls made before the collectors run, bounded by the run's deadline like theirs. */
export interface Before {
  /** The options of their `send`: the deadline's abort signal. */
  send: { abortSignal?: AbortSignal };
  /** Why nothing could be read when the deadline came first. */
  expired(): UserError | undefined;
}

/** Who the credentials belong to; a UserError that says what to do when that cannot be known. */
export async function whoAmI(
  pool: ClientPool,
  region: string,
  endpoint: string | undefined,
  profile: string | undefined,
  before: Before,
): Promise<{ account: string; partition: string }> {
  const { callerIdentity } = await loadIdentityCall();
  const sts = await pool.client('sts', region);
  try {
    const id = await callerIdentity(sts, before.send);
    if (!id.account) throw new UserError('GetCallerIdentity returned no account id');
    return { account: id.account, partition: partitionOfArn(id.arn) ?? partitionOfRegion(region) };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const expired = before.expired();
    if (expired) throw expired;
    if (isMissingCredentials(error)) {
      if (profile) {
        throw new UserError(
          `no AWS credentials for profile ${profile}: it is not in the AWS config or credentials file, or it yields no credentials (for an SSO profile, run \`aws sso login --profile ${profile}\`)`,
        );
      }
      throw new UserError(NO_CREDENTIALS);
    }
    if (isRejectedCredentials(error)) {
      throw new UserError(
        `AWS rejected the credentials (${errorCode(error)}): ${shortMessage(error)}`,
        'check the profile or keys, or log in again (`aws sso login`)',
      );
    }
    if (isNetworkError(error)) {
      throw new UserError(`cannot reach AWS${endpoint ? ` at ${endpoint}` : ''} (${errorCode(error)}): ${shortMessage(error)}`);
    }
    throw new UserError(`cannot identify the account (sts GetCallerIdentity: ${errorCode(error)}): ${shortMessage(error)}`);
  }
}

export async function scanRegions(
  options: CollectOptions,
  pool: ClientPool,
  home: string,
  partition: string,
  before: Before,
): Promise<string[]> {
  if (options.regions?.length) return [...options.regions];
  if (!options.allRegions) return [home];
  const { describeRegions } = await loadRegionsCall();
  const ec2 = await pool.client('ec2', home);
  try {
    const regions = enabledRegions(await describeRegions(ec2, before.send), partition);
    if (regions.length === 0) throw new UserError(`--all-regions: DescribeRegions listed no enabled region in partition ${partition}`);
    return regions;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const expired = before.expired();
    if (expired) throw expired;
    throw new UserError(
      `--all-regions: cannot list the account's regions (ec2 DescribeRegions: ${errorCode(error)}): ${shortMessage(error)}`,
      'pass the regions with --regions a,b instead',
    );
  }
}

/**
 * Read an AWS account into a snapshot: identify the account, settle the regions, run the
 * planned collectors (regional ones once per region, the others once) in parallel, each
 * call bounded per service and region, and turn every failure into a coverage gap. Throws
 * a UserError (exit 2) only when nothing at all could be read.
 */
export async function collectSnapshot(options: CollectOptions): Promise<CollectResult> {
  const started = Date.now();
  const plan = planCollection(options.types);
  const pool = options.pool ?? createPool(options, options.instrument);
  const { deadline } = options;
  const abortSignal = deadline ? deadlineSignal(deadline) : undefined;
  const before: Before = {
    send: abortSignal ? { abortSignal } : {},
    expired: () =>
      abortSignal?.aborted
        ? new UserError(
            `nothing could be collected: ${deadline!.flag} expired before the account could be identified`,
            'allow more time with --timeout, or find out why AWS does not answer (--call-timeout bounds each call)',
          )
        : undefined,
  };
  try {
    const start = await startRegion(options, pool);
    const { account, partition } = await whoAmI(pool, start, options.endpoint, options.profile, before);
    const home = options.region ?? (partitionOfRegion(start) === partition ? start : globalRegionOf(partition));
    const regions = await scanRegions(options, pool, home, partition, before);
    const globalRegion = partitionOfRegion(home) === partition ? home : globalRegionOf(partition);

    // Sharded: only this shard's units are read; `regions` stays the whole list (the account's
    // global unit walks it for trails, and the account resource names it), so shards add up to
    // exactly the snapshot of an unsharded scan.
    const selection =
      options.units ??
      (options.shard ? selectShard(scanUnits([{ account, regions }]), options.shard.spec, options.shard.times) : undefined);
    const mine = selection?.units.filter((u) => u.account === account);
    const only = mine
      ? { global: mine.some((u) => u.region === GLOBAL_UNIT), regions: mine.filter((u) => u.region !== GLOBAL_UNIT).map((u) => u.region) }
      : undefined;
    const run = new CollectionRun(plan, { account, partition, regions, globalRegion, ...(only ? { only } : {}) }, pool, options.progress, {
      deadline: abortSignal,
      deadlineFlag: deadline?.flag,
      // The pool's own setting: a pool shared with the CloudTrail sources was made from the same flags.
      callTimeoutMs: pool.settings.callTimeoutMs,
    });
    await run.runAll();

    const { resources } = run;
    if ((!only || only.global) && !resources.some((r) => r.type === 'aws.account')) {
      resources.push({
        type: 'aws.account',
        id: account,
        account,
        region: 'global',
        data: { AccountId: account, Partition: partition, Regions: regions },
      });
    }
    resources.sort((a, b) => cmp(a.type, b.type) || cmp(a.region, b.region) || cmp(a.id, b.id));
    const gapList = run.gaps.list();
    const durationMs = Date.now() - started;
    run.progress.finish(
      `collected ${resources.length} resource(s) from ${regions.length} region(s) with ${pool.stats.requests} API call(s) in ${(durationMs / 1000).toFixed(1)}s` +
        (gapList.length ? `; ${gapList.length} coverage gap(s)` : '') +
        (abortSignal?.aborted ? `; stopped by ${deadline!.flag}` : ''),
    );
    if (run.answered === 0 && gapList.length > 0) {
      const first = gapList[0]!;
      throw new UserError(
        `nothing could be collected: all ${gapList.length} kind(s) of call failed, e.g. ${first.service} ${first.operation} in ${first.region}: ${first.errorCode} — ${first.message}`,
        'check that the credentials allow the read-only actions listed by `awsaudit permissions`',
      );
    }
    const snapshot: Snapshot = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      meta: {
        accounts: [account],
        regions,
        collectedAt: new Date().toISOString(),
        tool: { name: TOOL_NAME, version: toolVersion() },
        source: 'aws',
        resourceTypes: plan.types,
        partition,
        ...(options.endpoint ? { notes: [`collected through the endpoint ${options.endpoint}`] } : {}),
        units: run.unitTimes(),
        ...(selection?.record ? { shard: selection.record } : {}),
      },
      resources,
      gaps: gapList,
    };
    return {
      snapshot,
      stats: { commands: Object.fromEntries([...pool.stats.commands].sort()), requests: pool.stats.requests, durationMs },
      plan,
    };
  } finally {
    if (!options.pool) pool.destroy();
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
