import { createPool, type ClientPool } from '../aws/pool.js';
import { stderrProgress } from '../cloudtrail/progress.js';
import { evaluateEvents, type EventSource, type EventsResult } from '../cloudtrail/pipeline.js';
import type { AttributionMode } from '../cloudtrail/event-evaluator.js';
import { nothingReadError } from '../cloudtrail/read-problems.js';
import { openSources, sourceKind } from '../cloudtrail/sources/index.js';
import { parseS3Url } from '../cloudtrail/sources/s3-location.js';
import { describeWindow, resolveWindow, type TimeWindow } from '../cloudtrail/window.js';
import type { AllowEntry, CompiledRule } from '../ruleset/types.js';
import type { AwsIpRanges } from '../cloudtrail/aws-ip-ranges.js';
import type { Deadline } from '../util/deadline.js';
import { UserError } from '../util/errors.js';
import { AWS_DEFAULTS, parseCallTimeout, runDeadline } from './aws-options.js';
import { splitList } from './options.js';

export interface CloudTrailArgs {
  cloudtrail?: string[] | undefined;
  /** yargs makes a repeated single-value flag an array: the last one wins. */
  since?: string | string[] | undefined;
  until?: string | string[] | undefined;
  maxEvents?: number | undefined;
  regions?: string[] | undefined;
  endpointUrl?: string | string[] | undefined;
  leakedKeyId?: string[] | undefined;
  awsIpRanges?: string | string[] | undefined;
  workers?: number | undefined;
  quiet?: boolean | undefined;
  /** The AWS flags, where the command has them (scan): they apply to the sources as to collection. */
  profile?: string | undefined;
  region?: string | undefined;
  maxAttempts?: number | undefined;
  retryMode?: string | undefined;
  maxConcurrency?: number | undefined;
  /** `evaluate` has no --call-timeout: its archive reads use the default. */
  callTimeout?: string | string[] | undefined;
  /** `--timeout` (scan): the run's deadline bounds the sources too. */
  timeout?: string | string[] | undefined;
}

/** A parsed, checked CloudTrail request: what to read, over which window. */
export interface CloudTrailRun {
  /** The sources, opened when the run reads them (the S3 archive and LookupEvents may need the profile's region). */
  open(): Promise<EventSource[]>;
  window: TimeWindow;
  leakedKeyIds: string[];
  /** `--aws-ip-ranges FILE` (the config's `awsIpRanges` is used when absent). */
  awsIpRangesFile?: string;
  /** AWS's published ranges, loaded by the caller (from the flag or the config). */
  awsIpRanges?: AwsIpRanges;
  /** Allow-list entries by rule id (`*`: every event rule), from the config file. */
  allow?: Record<string, AllowEntry[]>;
  workers?: number;
  /** `--timeout`: reading stops there; what was read is evaluated, the rest is a gap. */
  deadline?: Deadline;
  quiet: boolean;
  /** Close the AWS clients the run made for itself (a pool given by the caller stays open). */
  close(): void;
}

const KEY_ID = /^A[KS]IA[A-Z0-9]{16}$/;

/**
 * Check the CloudTrail flags and open the sources (no I/O yet); undefined when no --cloudtrail was
 * given. `allowApi` is false for `evaluate`, which makes no calls to the account itself.
 */
function last<T>(value: T | T[] | undefined): T | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function prepareCloudTrail(
  raw: CloudTrailArgs,
  now: Date,
  options: { allowApi: boolean; aws?: ClientPool | undefined },
): CloudTrailRun | undefined {
  const args = {
    ...raw,
    since: last(raw.since),
    until: last(raw.until),
    endpointUrl: last(raw.endpointUrl),
    awsIpRanges: last(raw.awsIpRanges),
  };
  const specs = args.cloudtrail ?? [];
  if (specs.length === 0) {
    for (const [flag, value] of [
      ['--since', args.since],
      ['--until', args.until],
      ['--max-events', args.maxEvents],
      ['--aws-ip-ranges', args.awsIpRanges],
    ] as const) {
      if (value !== undefined) throw new UserError(`${flag} applies to CloudTrail events: add --cloudtrail SOURCE`);
    }
    return undefined;
  }
  const kinds = new Set(specs.map(sourceKind));
  if (kinds.has('api') && !options.allowApi) {
    throw new UserError(
      '--cloudtrail api reads the live account, which `evaluate` does not do',
      "use `awsaudit scan --cloudtrail api`, or give the trail's archive (s3://bucket/prefix) or log files",
    );
  }
  if (args.maxEvents !== undefined && !(Number.isInteger(args.maxEvents) && args.maxEvents > 0))
    throw new UserError(`--max-events ${args.maxEvents}: expected a positive whole number`);
  if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 0 && args.workers <= 64))
    throw new UserError(`--workers ${args.workers}: expected a whole number from 0 to 64`);
  const leakedKeyIds = splitList(args.leakedKeyId);
  const bad = leakedKeyIds.filter((k) => !KEY_ID.test(k));
  if (bad.length) throw new UserError(`--leaked-key-id: ${bad.length} value(s) are not access key ids (AKIA… or ASIA…, 20 characters)`);
  // The API and the archive need a window; local files are read whole unless one is given.
  const remote = kinds.has('api') || kinds.has('s3');
  const window = resolveWindow(args, now, remote ? 7 : undefined);
  for (const spec of specs) if (sourceKind(spec) === 's3') parseS3Url(spec);
  const regions = splitList(args.regions);
  const endpoint = args.endpointUrl ?? (process.env.AWS_ENDPOINT_URL || undefined);
  // The same clients as collection (when the command collects too), else ones made from the same flags.
  const aws =
    options.aws ??
    createPool({
      profile: args.profile,
      endpoint,
      maxAttempts: args.maxAttempts ?? AWS_DEFAULTS.maxAttempts,
      retryMode: args.retryMode === 'adaptive' ? 'adaptive' : 'standard',
      maxConcurrency: args.maxConcurrency ?? AWS_DEFAULTS.maxConcurrency,
      callTimeoutMs: parseCallTimeout(args.callTimeout),
    });
  const open = async (): Promise<EventSource[]> => {
    // Where the API is read and the archive's client starts: --regions, --region, else the SDK's
    // own region (AWS_REGION, AWS_DEFAULT_REGION, the profile's region).
    const region =
      args.region ??
      regions[0] ??
      process.env.AWS_REGION ??
      process.env.AWS_DEFAULT_REGION ??
      (remote ? await aws.defaultRegion() : undefined);
    const apiRegions = regions.length ? regions : region ? [region] : [];
    return openSources(specs, {
      aws,
      region: region ?? 'us-east-1',
      ...(apiRegions.length ? { regions: apiRegions } : {}),
      ...(regions.length ? { archiveRegions: regions } : {}),
      ...(args.maxEvents !== undefined ? { maxEvents: args.maxEvents } : {}),
    });
  };
  const run: CloudTrailRun = {
    open,
    window,
    leakedKeyIds: [...new Set(leakedKeyIds)],
    quiet: Boolean(args.quiet),
    close: () => (options.aws ? undefined : aws.destroy()),
  };
  if (args.workers !== undefined) run.workers = args.workers;
  if (args.awsIpRanges !== undefined) run.awsIpRangesFile = args.awsIpRanges;
  const deadline = runDeadline(args);
  if (deadline) run.deadline = deadline;
  return run;
}

/**
 * Read the events and evaluate the CloudTrail rules, with progress and notes on stderr (unless
 * --quiet). When the events are the run's only source (`alone`), reading none of them because
 * every file, object or page failed means the tool could not do its job; beside an account
 * scan, the failures are gaps that leave the CloudTrail rules incomplete.
 */
export async function runCloudTrail(
  run: CloudTrailRun,
  rules: readonly CompiledRule[],
  now: Date,
  attribution: AttributionMode,
  alone: boolean,
): Promise<EventsResult> {
  const progress = run.quiet ? undefined : stderrProgress();
  let result: EventsResult;
  try {
    result = await evaluateEvents(await run.open(), rules, {
      now,
      window: run.window,
      leakedKeyIds: run.leakedKeyIds,
      attribution,
      ...(run.allow ? { allow: run.allow } : {}),
      ...(run.awsIpRanges ? { awsIpRanges: run.awsIpRanges } : {}),
      ...(run.workers !== undefined ? { workers: run.workers } : {}),
      ...(run.deadline ? { deadline: run.deadline } : {}),
      ...(progress ? { progress: progress.update } : {}),
    });
  } finally {
    progress?.done();
    run.close();
  }
  const nothing = alone ? nothingReadError(result) : undefined;
  if (nothing) throw nothing;
  if (!run.quiet) {
    const s = result.stats;
    process.stderr.write(
      `awsaudit: cloudtrail: ${s.events} event(s), ${describeWindow(run.window)}, from ${s.chunks} file(s)/object(s)/page(s)${result.gaps.length ? `; ${result.gaps.length} could not be read (see the report)` : ''}${s.stoppedBy ? `; stopped by ${s.stoppedBy}` : ''}\n`,
    );
    for (const note of result.notes) process.stderr.write(`awsaudit: note: ${note}\n`);
  }
  return result;
}
