// Reads management events from CloudTrail's LookupEvents API (the console's 90-day event
// history). The only CloudTrail code that calls the CloudTrail API; it calls LookupEvents only,
// through clients of the run's pool (the same credentials, endpoint and read-only guard as the
// collectors). sources/index.ts imports this module only when `--cloudtrail api` is read.
import { LookupEventsCommand, type CloudTrailClient, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { ClientPool } from '../../aws/pool.js';
import { UserError, errorMessage } from '../../util/errors.js';
import type { EventSource, SourceContext } from '../pipeline.js';
import { RECORD_SEPARATOR } from '../split.js';
import { backoffDelay, RateLimiter, realClock, type Clock } from '../rate-limit.js';
import { cloudTrailTime } from '../window.js';

/** LookupEvents quota: 2 requests per second per account per region. */
export const LOOKUP_EVENTS_PER_SECOND = 2;
/**
 * The limiter counts from each response, so a full second already holds where requests arrive;
 * the small margin covers clock granularity on AWS's side.
 */
export const LOOKUP_EVENTS_INTERVAL_MS = 1010;
/** How far back the API goes. */
export const LOOKUP_EVENTS_RETENTION_DAYS = 90;
const PAGE_SIZE = 50;

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RateExceeded']);

export interface LookupEventsOptions {
  regions: string[];
  /** The run's AWS clients. */
  aws: ClientPool;
  /** Stop a region after this many events (a budget); the rest of its window is then noted as cut. */
  maxEventsPerRegion?: number;
  /** Attempts per page when throttled, timed out (--call-timeout) or on a server error, the first try included (default: the run's --max-attempts). */
  maxAttempts?: number;
  /** First backoff delay; doubles per attempt, capped at `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** For tests. */
  clock?: Clock;
  random?: () => number;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

function isRetryable(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // A call that timed out (--call-timeout, set on every client of the pool) is retried like a throttle.
  return (
    THROTTLING.has(errorName(error)) || errorName(error) === 'TimeoutError' || status === 429 || (status !== undefined && status >= 500)
  );
}

/**
 * `--cloudtrail api`: LookupEvents in every region, newest first, all pages (NextToken), never
 * more than 2 requests per second per region (a limiter per region; the SDK's own retries are
 * off so that every attempt goes through it), throttling retried with backoff. Each page's
 * `CloudTrailEvent` strings (the full records) go to the workers as one batch. A region whose
 * window could not be read to its start is a gap and a note says where it stopped.
 */
export function lookupEventsSource(options: LookupEventsOptions): EventSource {
  const clock = options.clock ?? realClock;
  return {
    description: `LookupEvents (${options.regions.join(', ')})`,
    async run(ctx: SourceContext) {
      const until = ctx.window.until ?? ctx.now;
      const since = ctx.window.since ?? new Date(until.getTime() - 7 * 86_400_000);
      const oldest = new Date(ctx.now.getTime() - LOOKUP_EVENTS_RETENTION_DAYS * 86_400_000);
      if (since < oldest) {
        ctx.note(
          `LookupEvents keeps ${LOOKUP_EVENTS_RETENTION_DAYS} days: events before ${cloudTrailTime(oldest)} are not available from the API (read the trail's S3 archive for them)`,
        );
      }
      await Promise.all(options.regions.map((region) => readRegion(region, since, until, ctx, options, clock)));
    },
  };
}

/** One limiter per client: a client is one region's, and the quota is per region. */
const limiters = new WeakMap<CloudTrailClient, RateLimiter>();

/**
 * The region's client, with the SDK's own retries off (this reader retries, so that every
 * attempt goes through the limiter and the backoff below) and the rate limiter installed once.
 */
async function regionClient(aws: ClientPool, region: string, clock: Clock): Promise<CloudTrailClient> {
  const client = await aws.client('cloudtrail', region, { maxAttempts: 1 });
  if (limiters.has(client)) return client;
  const limiter = new RateLimiter(LOOKUP_EVENTS_PER_SECOND, LOOKUP_EVENTS_INTERVAL_MS, clock);
  limiters.set(client, limiter);
  // The limiter wraps the innermost step, the HTTP exchange itself (every attempt), and counts
  // each request from when its response came back.
  client.middlewareStack.add(
    (next) => async (args) => {
      const release = await limiter.acquire();
      try {
        return await next(args);
      } finally {
        release();
      }
    },
    { step: 'deserialize', name: 'awsauditLookupEventsRateLimit', priority: 'low' },
  );
  return client;
}

async function readRegion(
  region: string,
  since: Date,
  until: Date,
  ctx: SourceContext,
  options: LookupEventsOptions,
  clock: Clock,
): Promise<void> {
  const client = await regionClient(options.aws, region, clock);
  const maxAttempts = options.maxAttempts ?? options.aws.settings.maxAttempts;
  let token: string | undefined;
  let page = 0;
  let read = 0;
  let reachedBack: string | undefined;
  const cut = (why: string, errorCode: string) => {
    const back = reachedBack ?? cloudTrailTime(until);
    const text = `LookupEvents ${region}: window cut (${why}): read ${read} event(s) back to ${back}; events from ${cloudTrailTime(since)} to ${back} were not read`;
    ctx.note(text);
    ctx.gap({ region, operation: 'LookupEvents', errorCode, message: text });
  };
  for (;;) {
    let response: LookupEventsCommandOutput | undefined;
    for (let attempt = 0; !response; attempt++) {
      try {
        response = await client.send(
          new LookupEventsCommand({ StartTime: since, EndTime: until, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
          // Aborted at the run's deadline: the pipeline then reports the source as not read to the end.
          ctx.signal ? { abortSignal: ctx.signal } : {},
        );
      } catch (error) {
        const name = errorName(error);
        if (name === 'CredentialsProviderError')
          throw new UserError(
            `--cloudtrail api: no AWS credentials (${errorMessage(error)})`,
            'configure credentials (--profile, AWS_PROFILE, environment, SSO) with cloudtrail:LookupEvents',
          );
        if (!isRetryable(error)) {
          cut(`${name}: ${errorMessage(error)}`, name);
          return;
        }
        if (attempt + 1 >= maxAttempts) {
          cut(`still ${name} after ${maxAttempts} attempts`, name);
          return;
        }
        await clock.sleep(backoffDelay(attempt, options.baseDelayMs ?? 500, options.maxDelayMs ?? 20_000, options.random), ctx.signal);
      }
    }
    page++;
    const texts: string[] = [];
    for (const event of response.Events ?? []) {
      if (event.CloudTrailEvent) texts.push(event.CloudTrailEvent);
      if (event.EventTime) reachedBack = cloudTrailTime(event.EventTime);
    }
    read += texts.length;
    if (texts.length) {
      await ctx.dispatch({
        kind: 'batch',
        label: `LookupEvents ${region} page ${page}`,
        bytes: Buffer.from(texts.join(String.fromCharCode(RECORD_SEPARATOR))),
        region,
      });
    }
    token = response.NextToken;
    if (!token) return;
    if (options.maxEventsPerRegion !== undefined && read >= options.maxEventsPerRegion) {
      cut(`--max-events ${options.maxEventsPerRegion} reached`, 'WindowCut');
      return;
    }
  }
}
