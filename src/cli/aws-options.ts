import type { Argv } from 'yargs';
import type { CollectOptions } from '../collect/collect.js';
import { checkRegionNames } from '../collect/regions.js';
import { DEFAULT_CALL_TIMEOUT_MS, formatDuration } from '../aws/timeouts.js';
import type { Deadline } from '../util/deadline.js';
import { UserError } from '../util/errors.js';
import { splitList } from './options.js';

/** Defaults of the AWS flags; also what the CloudTrail readers of `evaluate` (which has no such flags) use. */
export const AWS_DEFAULTS = { maxConcurrency: 8, maxAttempts: 5 } as const;

/** How to reach AWS (scan, collect). */
export function awsOptions<T>(y: Argv<T>) {
  return y
    .option('profile', {
      type: 'string',
      describe: 'AWS profile to use (default: the SDK default chain: env, AWS_PROFILE, SSO, instance/container role)',
      group: 'AWS:',
    })
    .option('region', {
      type: 'string',
      describe: "Region to scan (default: AWS_REGION or the profile's region); global services are called from it",
      group: 'AWS:',
    })
    .option('regions', { type: 'string', array: true, describe: 'Scan these regions (comma-separated or repeated)', group: 'AWS:' })
    .option('all-regions', {
      type: 'boolean',
      default: false,
      describe: 'Scan every region enabled in the account (EC2 DescribeRegions)',
      group: 'AWS:',
    })
    .option('endpoint-url', {
      type: 'string',
      describe: 'Send every call to this endpoint (an emulator or proxy; default: AWS_ENDPOINT_URL)',
      group: 'AWS:',
    })
    .option('max-concurrency', {
      type: 'number',
      default: AWS_DEFAULTS.maxConcurrency,
      describe: 'Concurrent requests per service and region',
      group: 'AWS:',
    })
    .option('max-attempts', {
      type: 'number',
      default: AWS_DEFAULTS.maxAttempts,
      describe: 'Attempts per call, with backoff on throttling and transient errors',
      group: 'AWS:',
    })
    .option('retry-mode', {
      type: 'string',
      choices: ['standard', 'adaptive'],
      default: 'standard',
      describe: 'SDK retry mode (adaptive also rate-limits the client)',
      group: 'AWS:',
    })
    .option('call-timeout', {
      type: 'string',
      default: formatDuration(DEFAULT_CALL_TIMEOUT_MS),
      describe:
        'How long one attempt of an AWS call may wait for an answer (e.g. 30s, 2m); a call that times out is retried, then reported as a coverage gap',
      group: 'AWS:',
    })
    .option('timeout', {
      type: 'string',
      describe:
        'Stop reading this long after the start (e.g. 10m): the account, CloudTrail sources and --files; what was read is evaluated and reported, the rest is a coverage gap [default: no limit]',
      group: 'AWS:',
    });
}

export interface AwsArgs {
  profile?: string | undefined;
  region?: string | undefined;
  regions?: string[] | undefined;
  allRegions: boolean;
  endpointUrl?: string | undefined;
  maxConcurrency: number;
  maxAttempts: number;
  retryMode: string;
  callTimeout?: string | string[] | undefined;
  timeout?: string | string[] | undefined;
  quiet?: boolean | undefined;
}

function positiveInteger(value: number, flag: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new UserError(`${flag} ${value}: expected a whole number from 1 to ${max}`);
  return value;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--call-timeout 30s`, `--timeout 10m`: a number with ms, s, m or h (seconds when there is no unit). */
export function parseDuration(
  value: string | string[] | undefined,
  flag: string,
  limits: { min: number; max: number },
): number | undefined {
  // yargs makes a repeated flag an array: the last one wins.
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  if (text === undefined) return undefined;
  const m = DURATION.exec(text.trim());
  const ms = m ? Math.round(Number(m[1]) * DURATION_MS[(m[2] ?? 's').toLowerCase()]!) : NaN;
  if (!(ms >= limits.min && ms <= limits.max)) {
    throw new UserError(
      `${flag} ${text}: expected a duration from ${formatDuration(limits.min)} to ${formatDuration(limits.max)}`,
      'e.g. 90s, 5m or 1h (a number alone is seconds)',
    );
  }
  return ms;
}

/** `--call-timeout`: at least 100 ms, at most an hour. */
export function parseCallTimeout(value: string | string[] | undefined): number | undefined {
  return parseDuration(value, '--call-timeout', { min: 100, max: 3_600_000 });
}

/**
 * `--timeout`: the run's deadline, for every source it reads (the account, CloudTrail, --files).
 * Counted from the start of the process, so that the whole command ends in about that time
 * (and every source that parses the flag gets the same point in time).
 */
export function runDeadline(argv: { timeout?: string | string[] | undefined }): Deadline | undefined {
  const timeout = parseDuration(argv.timeout, '--timeout', { min: 1000, max: 7 * 86_400_000 });
  return timeout === undefined ? undefined : { at: performance.timeOrigin + timeout, flag: `--timeout ${formatDuration(timeout)}` };
}

/** Check the AWS flags and turn them into collection options (everything except the types). */
export function collectOptionsFrom(argv: AwsArgs): Omit<CollectOptions, 'types'> {
  const regions = argv.regions ? checkRegionNames(splitList(argv.regions), '--regions') : undefined;
  if (regions && argv.allRegions) throw new UserError('--regions and --all-regions cannot be used together');
  if (argv.region !== undefined) checkRegionNames([argv.region], '--region');
  const endpoint = argv.endpointUrl ?? (process.env.AWS_ENDPOINT_URL || undefined);
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new UserError(`--endpoint-url ${endpoint}: not a URL (e.g. http://127.0.0.1:5000)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UserError(`--endpoint-url ${endpoint}: expected an http:// or https:// URL`);
  }
  return {
    profile: argv.profile,
    region: argv.region,
    regions,
    allRegions: argv.allRegions,
    endpoint,
    maxConcurrency: positiveInteger(argv.maxConcurrency, '--max-concurrency', 256),
    maxAttempts: positiveInteger(argv.maxAttempts, '--max-attempts', 20),
    retryMode: argv.retryMode === 'adaptive' ? 'adaptive' : 'standard',
    callTimeoutMs: parseCallTimeout(argv.callTimeout),
    deadline: runDeadline(argv),
    progress: !argv.quiet,
  };
}
