import type { Argv } from 'yargs';
import { stderrProgress } from '../cloudtrail/progress.js';
import { evaluateEvents, type EventSource, type EventsResult } from '../cloudtrail/pipeline.js';
import type { AttributionMode } from '../cloudtrail/event-evaluator.js';
import { openSources, sourceKind } from '../cloudtrail/sources/index.js';
import { describeWindow, resolveWindow, type TimeWindow } from '../cloudtrail/window.js';
import type { CompiledRule } from '../ruleset/types.js';
import { UserError } from '../util/errors.js';
import { parseCallTimeout } from './aws-options.js';
import { splitList } from './options.js';

const GROUP = 'CloudTrail:';

/** Options of the commands that can read CloudTrail events (scan, evaluate). */
export function cloudTrailOptions<T>(y: Argv<T>) {
  return y
    .option('cloudtrail', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'Read CloudTrail events from: api (LookupEvents), s3://bucket/prefix (the trail\'s archive), or a file or folder (.json, .json.gz); repeatable',
      group: GROUP,
    })
    .option('since', { type: 'string', describe: 'Start of the event window: ISO date/time or a duration before now (7d, 12h) [default for api and s3://: 7d; files: all]', group: GROUP })
    .option('until', { type: 'string', describe: 'End of the event window (exclusive; a date alone means the end of that day) [default for api and s3://: now]', group: GROUP })
    .option('max-events', { type: 'number', describe: 'LookupEvents: stop each region after the page that reaches this many events (a note says where the window was cut)', group: GROUP })
    .option('leaked-key-id', { type: 'string', array: true, default: [] as string[], describe: 'An access key id known to be leaked: every call signed with it is a finding (repeatable)', group: GROUP })
    .option('workers', { type: 'number', describe: 'Threads that parse events and run event rules [default: one per CPU; 0: none]', group: GROUP });
}

/**
 * Where CloudTrail sources are read, for commands without the account options (evaluate);
 * `scan` has the same flags from its AWS options.
 */
export function cloudTrailTargetOptions<T>(y: Argv<T>) {
  return y
    .option('regions', { type: 'string', array: true, default: [] as string[], describe: 'Regions LookupEvents reads, and the S3 archive\'s regions to read (comma-separated or repeated) [default: api: AWS_REGION; s3://: every region in the archive]', group: GROUP })
    .option('endpoint-url', { type: 'string', describe: 'Call this AWS endpoint instead of the default one (an emulator, a VPC endpoint); AWS_ENDPOINT_URL is honoured', group: GROUP });
}

export interface CloudTrailArgs {
  cloudtrail?: string[] | undefined;
  /** yargs makes a repeated single-value flag an array: the last one wins. */
  since?: string | string[] | undefined;
  until?: string | string[] | undefined;
  maxEvents?: number | undefined;
  regions?: string[] | undefined;
  endpointUrl?: string | string[] | undefined;
  leakedKeyId?: string[] | undefined;
  workers?: number | undefined;
  /** `scan` has it from the AWS options (`evaluate` reads archives with the default). */
  callTimeout?: string | string[] | undefined;
  quiet?: boolean | undefined;
}

/** A parsed, checked CloudTrail request: what to read, over which window. */
export interface CloudTrailRun {
  sources: EventSource[];
  window: TimeWindow;
  leakedKeyIds: string[];
  workers?: number;
  quiet: boolean;
}

const KEY_ID = /^A[KS]IA[A-Z0-9]{16}$/;

/**
 * Check the CloudTrail flags and open the sources (no I/O yet); undefined when no --cloudtrail was
 * given. `allowApi` is false for `evaluate`, which makes no calls to the account itself.
 */
function last<T>(value: T | T[] | undefined): T | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function prepareCloudTrail(raw: CloudTrailArgs, now: Date, options: { allowApi: boolean }): CloudTrailRun | undefined {
  const args = { ...raw, since: last(raw.since), until: last(raw.until), endpointUrl: last(raw.endpointUrl) };
  const specs = args.cloudtrail ?? [];
  if (specs.length === 0) {
    for (const [flag, value] of [['--since', args.since], ['--until', args.until], ['--max-events', args.maxEvents]] as const) {
      if (value !== undefined) throw new UserError(`${flag} applies to CloudTrail events: add --cloudtrail SOURCE`);
    }
    return undefined;
  }
  const kinds = new Set(specs.map(sourceKind));
  if (kinds.has('api') && !options.allowApi) {
    throw new UserError('--cloudtrail api reads the live account, which `evaluate` does not do', 'use `awsaudit scan --cloudtrail api`, or give the trail\'s archive (s3://bucket/prefix) or log files');
  }
  if (args.maxEvents !== undefined && !(Number.isInteger(args.maxEvents) && args.maxEvents > 0)) throw new UserError(`--max-events ${args.maxEvents}: expected a positive whole number`);
  if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 0 && args.workers <= 64)) throw new UserError(`--workers ${args.workers}: expected a whole number from 0 to 64`);
  const leakedKeyIds = splitList(args.leakedKeyId);
  const bad = leakedKeyIds.filter((k) => !KEY_ID.test(k));
  if (bad.length) throw new UserError(`--leaked-key-id: ${bad.length} value(s) are not access key ids (AKIA… or ASIA…, 20 characters)`);
  // The API and the archive need a window; local files are read whole unless one is given.
  const remote = kinds.has('api') || kinds.has('s3');
  const window = resolveWindow(args, now, remote ? 7 : undefined);
  const regions = splitList(args.regions);
  const envRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const endpoint = args.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const callTimeoutMs = parseCallTimeout(args.callTimeout);
  const sources = openSources(specs, {
    ...(endpoint ? { endpoint } : {}),
    ...(callTimeoutMs !== undefined ? { callTimeoutMs } : {}),
    ...(regions.length ? { regions, archiveRegions: regions } : envRegion ? { regions: [envRegion] } : {}),
    ...(args.maxEvents !== undefined ? { maxEvents: args.maxEvents } : {}),
  });
  const run: CloudTrailRun = { sources, window, leakedKeyIds: [...new Set(leakedKeyIds)], quiet: Boolean(args.quiet) };
  if (args.workers !== undefined) run.workers = args.workers;
  return run;
}

/** Read the events and evaluate the CloudTrail rules, with progress and notes on stderr (unless --quiet). */
export async function runCloudTrail(run: CloudTrailRun, rules: readonly CompiledRule[], now: Date, attribution: AttributionMode): Promise<EventsResult> {
  const progress = run.quiet ? undefined : stderrProgress();
  let result: EventsResult;
  try {
    result = await evaluateEvents(run.sources, rules, {
      now,
      window: run.window,
      leakedKeyIds: run.leakedKeyIds,
      attribution,
      ...(run.workers !== undefined ? { workers: run.workers } : {}),
      ...(progress ? { progress: progress.update } : {}),
    });
  } finally {
    progress?.done();
  }
  if (!run.quiet) {
    const s = result.stats;
    process.stderr.write(`awsaudit: cloudtrail: ${s.events} event(s), ${describeWindow(run.window)}, from ${s.chunks} file(s)/object(s)/page(s)${result.gaps.length ? `; ${result.gaps.length} could not be read (see the report)` : ''}\n`);
    for (const note of result.notes) process.stderr.write(`awsaudit: note: ${note}\n`);
  }
  return result;
}
