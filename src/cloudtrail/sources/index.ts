import { UserError } from '../../util/errors.js';
import type { EventSource } from '../pipeline.js';
import { fileSource } from './files.js';
import { lookupEventsSource } from './lookup-events.js';
import { s3Source } from './s3.js';

export interface SourceOptions {
  /** --endpoint-url, else AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Regions LookupEvents reads (the scanned regions). */
  regions?: string[];
  /** Regions of the S3 archive to read (default: every region found in it). */
  archiveRegions?: string[];
  /** LookupEvents budget per region (--max-events). */
  maxEvents?: number;
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
export function openSources(specs: readonly string[], options: SourceOptions = {}): EventSource[] {
  const sources: EventSource[] = [];
  const paths: string[] = [];
  for (const spec of new Set(specs)) {
    const kind = sourceKind(spec);
    if (kind === 'api') {
      if (!options.regions?.length) {
        throw new UserError('--cloudtrail api needs the regions to read', 'name them with --regions us-east-1,eu-west-1 (or set AWS_REGION)');
      }
      sources.push(
        lookupEventsSource({
          regions: options.regions,
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.maxEvents !== undefined ? { maxEventsPerRegion: options.maxEvents } : {}),
        }),
      );
    } else if (kind === 's3') {
      sources.push(s3Source(spec, { ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.archiveRegions?.length ? { regions: options.archiveRegions } : {}) }));
    } else {
      paths.push(spec);
    }
  }
  if (paths.length) sources.push(fileSource(paths));
  return sources;
}
