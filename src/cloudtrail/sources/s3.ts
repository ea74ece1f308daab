// Reads a trail's S3 archive. This is the only CloudTrail code that talks to S3 (like a
// collector); it uses ListObjectsV2 and GetObject only, through a client of the run's pool
// (the same credentials, endpoint, retries and read-only guard as the collectors).
// sources/index.ts imports this module only when an archive is read.
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { Readable } from 'node:stream';
import type { ClientPool } from '../../aws/pool.js';
import { UserError, errorMessage } from '../../util/errors.js';
import type { EventSource, SourceContext } from '../pipeline.js';
import { FileProblem } from '../records.js';
import { describeWindow, type TimeWindow } from '../window.js';
import { WHOLE_FILE_MAX_BYTES } from './files.js';
import { parseS3Url, type S3Location } from './s3-location.js';

export { parseS3Url, type S3Location };

export interface S3SourceOptions {
  /** The run's AWS clients (the endpoint, path-style addressing for it, credentials: see src/aws/pool.ts). */
  aws: ClientPool;
  /** Region for the client; S3 follows the bucket's region on redirect. */
  region: string;
  /** Only these regions of the archive (default: every region found). */
  regions?: string[];
  /** Objects downloaded at once. */
  concurrency?: number;
}

/** The UTC days whose folders can hold events of the window: files are filed under their delivery time, which follows the event. */
export function daysOf(window: TimeWindow, now: Date): string[] {
  const since = window.since ?? new Date(now.getTime() - 7 * 86_400_000);
  const until = window.until ?? now;
  const days: string[] = [];
  const day = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  // One day past `until`: events of its last minutes are delivered after midnight.
  const last = until.getTime() + 86_400_000;
  while (day.getTime() < last) {
    days.push(`${day.getUTCFullYear()}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${String(day.getUTCDate()).padStart(2, '0')}/`);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

/** Objects listed but not yet downloaded, at most. */
const MAX_QUEUED_DOWNLOADS = 256;
const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
const LOG_KEY = /\.json(\.gz)?$/i;

interface ObjectRef {
  key: string;
  size: number;
  region: string;
}

/** `s3://bucket/prefix`: the trail's archive (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`, organisation trails too). */
export function s3Source(url: string, options: S3SourceOptions): EventSource {
  const location = parseS3Url(url);
  return {
    description: `s3://${location.bucket}/${location.prefix}`,
    async run(ctx: SourceContext) {
      const client = await options.aws.client('s3', options.region, { followRegionRedirects: true });
      // Downloads start as soon as a day folder is listed; at most `concurrency` at once, and
      // listing pauses while many are waiting, so memory does not grow with the archive.
      const limit = pLimit(options.concurrency ?? 8);
      const active = new Set<Promise<void>>();
      let objects = 0;
      // A download that fails while the listing goes on has no one awaiting it yet: keep its
      // error for the end of the walk instead of leaving an unhandled rejection.
      let failed: { error: unknown } | undefined;
      const schedule = async (o: ObjectRef) => {
        while (active.size >= MAX_QUEUED_DOWNLOADS) await Promise.race(active);
        objects++;
        const download: Promise<void> = limit(() => reader.read(o))
          .catch((error: unknown) => void (failed ??= { error }))
          .finally(() => active.delete(download));
        active.add(download);
      };
      const reader: ArchiveReader = new ArchiveReader(client, location, ctx, options.regions, schedule);
      await reader.walk();
      await Promise.all(active);
      if (failed) throw failed.error;
      if (objects === 0)
        ctx.note(`s3://${location.bucket}/${location.prefix}: no CloudTrail log objects for ${describeWindow(ctx.window)}`);
    },
  };
}

class ArchiveReader {
  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
    private readonly ctx: SourceContext,
    private readonly regions: string[] | undefined,
    private readonly found: (o: ObjectRef) => Promise<void>,
  ) {}

  /** Every call is aborted at the run's deadline. */
  private get sendOptions(): { abortSignal?: AbortSignal } {
    return this.ctx.signal ? { abortSignal: this.ctx.signal } : {};
  }

  private url(key: string): string {
    return `s3://${this.location.bucket}/${key}`;
  }

  /** Every page of a listing; a failure is a gap (a missing bucket stops the run: nothing could be read). */
  private async list(
    prefix: string,
    delimiter: boolean,
  ): Promise<{ prefixes: string[]; objects: Array<{ key: string; size: number }> } | undefined> {
    const prefixes: string[] = [];
    const objects: Array<{ key: string; size: number }> = [];
    let token: string | undefined;
    do {
      // Past the run's deadline the walk stops (the pipeline reports the archive as not read to the end).
      if (this.ctx.signal?.aborted) return undefined;
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: prefix,
            ...(delimiter ? { Delimiter: '/' } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
          this.sendOptions,
        );
      } catch (error) {
        const name = (error as { name?: string }).name ?? 'Error';
        if (name === 'NoSuchBucket')
          throw new UserError(
            `--cloudtrail s3://${this.location.bucket}: no such bucket`,
            'give the bucket the trail delivers to (aws cloudtrail describe-trails shows S3BucketName)',
          );
        if (name === 'CredentialsProviderError')
          throw new UserError(
            `--cloudtrail s3://${this.location.bucket}: no AWS credentials (${errorMessage(error)})`,
            'configure credentials (--profile, AWS_PROFILE, environment, SSO) with s3:ListBucket and s3:GetObject on the bucket',
          );
        this.ctx.gap({ region: 'global', operation: `ListObjectsV2 ${this.url(prefix)}`, errorCode: name, message: errorMessage(error) });
        return undefined;
      }
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
      for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { prefixes, objects };
  }

  private static lastSegment(prefix: string): string {
    const parts = prefix.split('/').filter(Boolean);
    return parts[parts.length - 1] ?? '';
  }

  /**
   * The log objects of the window. Starts at the level the prefix names (the trail's prefix,
   * `…/AWSLogs/`, an account, an organisation, `…/CloudTrail/`, a region) and lists only each
   * region's day folders inside the window (ListObjectsV2 with Prefix per day per region).
   */
  async walk(): Promise<void> {
    const { prefix } = this.location;
    const at = prefix.lastIndexOf('AWSLogs/');
    const root = at < 0 ? `${prefix}AWSLogs/` : prefix.slice(0, at + 'AWSLogs/'.length);
    const below =
      at < 0
        ? []
        : prefix
            .slice(at + 'AWSLogs/'.length)
            .split('/')
            .filter(Boolean);
    const ct = below.indexOf('CloudTrail');
    if (ct >= 0 && below.length > ct + 2) {
      // Already inside a region (a day, a month…): list what is there, keep the window's days.
      const region = below[ct + 1]!;
      const days = new Set(daysOf(this.ctx.window, this.ctx.now));
      const listing = await this.list(prefix, false);
      for (const o of listing?.objects ?? []) {
        const day = /\/(\d{4}\/\d{2}\/\d{2}\/)[^/]+$/.exec(o.key)?.[1];
        if (LOG_KEY.test(o.key) && (!day || days.has(day))) await this.found({ ...o, region });
      }
      return;
    }
    if (ct >= 0 && below.length === ct + 2) await this.region(prefix, below[ct + 1]!);
    else if (ct >= 0) await this.regionsOf(prefix);
    else if (below.length === 0) await this.owners(root);
    else if (ACCOUNT.test(below[below.length - 1]!)) await this.regionsOf(`${root}${below.join('/')}/CloudTrail/`);
    else if (ORG.test(below[0]!)) await this.owners(`${root}${below.join('/')}/`);
    else await this.owners(prefix);
  }

  /** Account folders (12 digits) and organisation folders (o-…, holding account folders). */
  private async owners(prefix: string): Promise<void> {
    const listing = await this.list(prefix, true);
    for (const p of listing?.prefixes ?? []) {
      const name = ArchiveReader.lastSegment(p);
      if (ACCOUNT.test(name)) await this.regionsOf(`${p}CloudTrail/`);
      else if (ORG.test(name)) await this.owners(p);
    }
  }

  private async regionsOf(prefix: string): Promise<void> {
    const listing = await this.list(prefix, true);
    for (const p of listing?.prefixes ?? []) {
      const region = ArchiveReader.lastSegment(p);
      if (!this.regions || this.regions.includes(region)) await this.region(p, region);
    }
  }

  private async region(prefix: string, region: string): Promise<void> {
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    for (const day of daysOf(this.ctx.window, this.ctx.now)) {
      const listing = await this.list(`${base}${day}`, false);
      for (const o of listing?.objects ?? []) if (LOG_KEY.test(o.key)) await this.found({ ...o, region });
    }
  }

  /**
   * Download one object and hand it over: whole when small (the usual delivery file), streamed
   * when large. The SDK retries a GetObject that fails; a body that breaks off after the answer
   * began is read once more (a large one from where it broke), and a second break is a gap for
   * that object, never an error of the run.
   */
  async read(o: ObjectRef): Promise<void> {
    const label = this.url(o.key);
    const get = async (from = 0, etag?: string) => {
      // The rest of the same object: If-Match makes S3 refuse it if the object changed since.
      const ranged = from > 0 ? { Range: `bytes=${from}-`, ...(etag ? { IfMatch: etag } : {}) } : {};
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: o.key, ...ranged }),
        this.sendOptions,
      );
      if (!response.Body) throw new Error('empty response body');
      return { body: response.Body, etag: response.ETag };
    };
    let first: Awaited<ReturnType<typeof get>>;
    try {
      first = await get();
    } catch (error) {
      this.ctx.gap({
        region: o.region,
        operation: `GetObject ${label}`,
        errorCode: (error as { name?: string }).name ?? 'Error',
        message: errorMessage(error),
      });
      return;
    }
    const resumed = (start: typeof first) =>
      resumable(start.body as Readable, (from) => get(from, start.etag).then((r) => r.body as Readable));
    if (o.size > WHOLE_FILE_MAX_BYTES) {
      await this.ctx.stream(resumed(first), label, o.region);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = await first.body.transformToByteArray();
    } catch {
      try {
        bytes = await (await get()).body.transformToByteArray();
      } catch (error) {
        this.ctx.gap({
          region: o.region,
          operation: `GetObject ${label}`,
          errorCode: DOWNLOAD_INTERRUPTED,
          message: `the download broke off, and again when tried once more: ${errorMessage(error)}`,
        });
        return;
      }
    }
    await this.ctx.dispatch({ kind: 'bytes', label, bytes, region: o.region, reopen: async () => resumed(await get()) });
  }
}

const DOWNLOAD_INTERRUPTED = 'DownloadInterrupted';

/**
 * The bytes of `first`; if it breaks off, the rest comes from `from(offset)` (a Range request),
 * once. A second break ends the stream with a FileProblem: the pipeline keeps the records read
 * before it and reports the object as a gap.
 */
function resumable(first: Readable, from: (offset: number) => Promise<Readable>): Readable {
  return Readable.from(
    (async function* () {
      let offset = 0;
      let current = first;
      for (let retried = false; ; retried = true) {
        try {
          for await (const chunk of current as AsyncIterable<Uint8Array>) {
            offset += chunk.length;
            yield chunk;
          }
          return;
        } catch (error) {
          const why = `the download broke off after ${offset} byte(s)`;
          if (retried) throw new FileProblem(DOWNLOAD_INTERRUPTED, `${why}, also when read again from there: ${errorMessage(error)}`);
          try {
            current = await from(offset);
          } catch (again) {
            throw new FileProblem(DOWNLOAD_INTERRUPTED, `${why}, and reading the rest failed: ${errorMessage(again)}`);
          }
        }
      }
    })(),
    { objectMode: false },
  );
}
