import type { ClientPool } from '../../aws/pool.js';
import { UserError } from '../../util/errors.js';
import type { EventSource, SourceContext } from '../pipeline.js';
import { fileSource } from './files.js';
import { parseS3Url } from './s3-location.js';

export interface SourceOptions {
  /** The run's AWS clients: credentials, endpoint, retries and the read-only guard (src/aws/pool.ts). */
  aws: ClientPool;
  /** Regions LookupEvents reads. */
  regions?: string[];
  /** The region of the archive's S3 client (S3 follows a bucket's region on redirect). */
  region: string;
  /** Regions of the S3 archive to read (default: every region found in it). */
  archiveRegions?: string[];
  /** LookupEvents budget per region (--max-events). */
  maxEvents?: number;
}

/** A source whose code (and with it the AWS SDK package it uses) is imported only when it is read. */
function lazySource(description: string, load: () => Promise<EventSource>): EventSource {
  return {
    description,
    async run(ctx: SourceContext) {
      await (await load()).run(ctx);
    },
  };
}

export type SourceKind = 'api' | 's3' | 'files';

export function sourceKind(spec: string): SourceKind {
  if (spec === 'api') return 'api';
  if (spec.startsWith('s3://')) return 's3';
  return 'files';
}

/**
 * The sources of `--cloudtrail` values: `api` (LookupEvents), `s3://bucket/prefix` (the trail's
 * archive) and local paths (all paths are read as one source).
 */
export function openSources(specs: readonly string[], options: SourceOptions): EventSource[] {
  const sources: EventSource[] = [];
  const paths: string[] = [];
  for (const spec of new Set(specs)) {
    const kind = sourceKind(spec);
    if (kind === 'api') {
      if (!options.regions?.length) {
        throw new UserError(
          '--cloudtrail api needs the regions to read',
          'name them with --regions us-east-1,eu-west-1 (or set AWS_REGION)',
        );
      }
      const regions = options.regions;
      sources.push(
        lazySource(`LookupEvents (${regions.join(', ')})`, async () =>
          (await import('./lookup-events.js')).lookupEventsSource({
            regions,
            aws: options.aws,
            ...(options.maxEvents !== undefined ? { maxEventsPerRegion: options.maxEvents } : {}),
          }),
        ),
      );
    } else if (kind === 's3') {
      const location = parseS3Url(spec);
      sources.push(
        lazySource(`s3://${location.bucket}/${location.prefix}`, async () =>
          (await import('./s3.js')).s3Source(spec, {
            aws: options.aws,
            region: options.region,
            ...(options.archiveRegions?.length ? { regions: options.archiveRegions } : {}),
          }),
        ),
      );
    } else {
      paths.push(spec);
    }
  }
  if (paths.length) sources.push(fileSource(paths));
  return sources;
}

/** An SDK call a CloudTrail source can send, and the IAM action it needs. */
export interface SourceCommand {
  readonly command: string;
  readonly action: string;
}

/**
 * Every SDK command the CloudTrail sources can send, by source kind (local files send none).
 * `awsaudit permissions --cloudtrail` and the read-only test read this table.
 */
export const SOURCE_COMMANDS: { readonly [K in SourceKind]: readonly SourceCommand[] } = {
  api: [{ command: 'LookupEventsCommand', action: 'cloudtrail:LookupEvents' }],
  s3: [
    { command: 'ListObjectsV2Command', action: 's3:ListBucket' },
    { command: 'GetObjectCommand', action: 's3:GetObject' },
  ],
  files: [],
};

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

/**
 * IAM statements for reading the given `--cloudtrail` sources: LookupEvents (which has no
 * resource-level permissions) and, for each archive, listing its bucket and reading the
 * objects under its prefix only.
 */
export function sourceStatements(specs: readonly string[], partition = 'aws'): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const kinds = new Set(specs.map(sourceKind));
  if (kinds.has('api')) {
    statements.push({
      Sid: 'AwsauditCloudTrailEventHistory',
      Effect: 'Allow',
      Action: SOURCE_COMMANDS.api.map((c) => c.action),
      Resource: '*',
    });
  }
  const archives = [...new Set(specs.filter((s) => sourceKind(s) === 's3'))].map(parseS3Url);
  archives.forEach((location, i) => {
    const sid = `AwsauditCloudTrailArchive${archives.length > 1 ? i + 1 : ''}`;
    statements.push({
      Sid: `${sid}List`,
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: `arn:${partition}:s3:::${location.bucket}`,
    });
    statements.push({
      Sid: `${sid}Read`,
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: `arn:${partition}:s3:::${location.bucket}/${location.prefix}*`,
    });
  });
  return statements;
}
