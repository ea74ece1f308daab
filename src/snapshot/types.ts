import type { JsonObject } from '../util/json.js';
import type { ShardRecord, TimedUnit } from '../org/shards.js';

export const SNAPSHOT_FORMAT = 'awsaudit-snapshot';
export const SNAPSHOT_VERSION = 1;

/** One thing awsaudit looked at: an AWS resource, a local file finding, a CloudTrail event. */
export interface Resource {
  type: string;
  id: string;
  arn?: string;
  /** Account id; for local files, the account the file's key belongs to when known, else "local". */
  account: string;
  /** AWS region, "global" for global services, "local" for local files. */
  region: string;
  /** AWS's own field names and shapes, with sub-calls merged in under their own names. */
  data: JsonObject;
  /** Derived values. Enrichers recompute these at evaluation time (they may depend on the clock). */
  facts?: JsonObject;
  /** Where a file resource sits, for reports that annotate lines. */
  location?: { path: string; line?: number; column?: number };
}

/** Something the collection could not see. A rule whose resource type has a gap is never "clean". */
export interface CoverageGap {
  service: string;
  region: string;
  /** The API operation (or file, or source) that failed. */
  operation: string;
  /** Resource types that are incomplete because of this gap. */
  resourceTypes: string[];
  errorCode: string;
  message: string;
  /** The account the gap is in: set in scans of many accounts (`--org`), absent in a single-account scan. */
  account?: string;
}

export interface SnapshotMeta {
  /** Account ids covered; the first is the primary. */
  accounts: string[];
  regions: string[];
  collectedAt: string;
  tool: { name: string; version: string };
  /** Where the data came from: "aws", "demo", "files", "fixture", ... */
  source: string;
  /** Resource types that collection attempted, so a type with no resources reads as "none", not "unknown". */
  resourceTypes: string[];
  partition?: string;
  /** Free-form notes, e.g. "LookupEvents window cut at ...". */
  notes?: string[];
  /** The units read (an account's global unit, or one of its regions) and the collection time of each: shards of a later run are balanced by it. */
  units?: TimedUnit[];
  /** Set when this snapshot is one shard of a scan (`--shard i/n`); `awsaudit merge` puts the shards together. */
  shard?: ShardRecord;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  meta: SnapshotMeta;
  resources: Resource[];
  gaps: CoverageGap[];
}
