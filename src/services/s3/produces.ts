// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
import type { JsonValue } from '../../util/json.js';

export const BUCKET = ['aws.s3.bucket'] as const;

/**
 * Settings of a bucket that only a few rules read, each its own resource type so that a scan
 * sends its per-bucket call only when a selected rule reads it (the bucket collector lists the
 * buckets once for all of them). `absent` lists the codes that mean "not configured".
 */
export const BUCKET_EXTRAS = [
  {
    type: 'aws.s3.bucket-lifecycle',
    operation: 'GetBucketLifecycleConfiguration',
    action: 's3:GetLifecycleConfiguration',
    absent: ['NoSuchLifecycleConfiguration'],
  },
  {
    type: 'aws.s3.bucket-notifications',
    operation: 'GetBucketNotificationConfiguration',
    action: 's3:GetBucketNotification',
    absent: [],
  },
  {
    type: 'aws.s3.bucket-object-lock',
    operation: 'GetObjectLockConfiguration',
    action: 's3:GetBucketObjectLockConfiguration',
    absent: ['ObjectLockConfigurationNotFoundError'],
  },
] as const satisfies ReadonlyArray<{ type: string; operation: string; action: string; absent: readonly string[] }>;

export type BucketExtraType = (typeof BUCKET_EXTRAS)[number]['type'];
/** Every type the bucket collector produces. */
export const BUCKET_TYPES = [...BUCKET, ...BUCKET_EXTRAS.map((e) => e.type)] as const;
export type BucketType = (typeof BUCKET_TYPES)[number];
export const ACCOUNT_BPA = ['aws.s3.account-public-access-block'] as const;

/**
 * Per-bucket sub-calls. S3 has no call that describes many buckets at once, so each bucket
 * costs one call per setting; `absent` lists the codes that mean "not configured" (stored as
 * `null`, or `[]` for tags), which are answers, not failures. collect.ts says how each is read.
 */
export const BUCKET_PARTS = [
  { field: 'Acl', operation: 'GetBucketAcl', action: 's3:GetBucketAcl', absent: [] },
  { field: 'Policy', operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy', absent: ['NoSuchBucketPolicy'] },
  {
    field: 'PublicAccessBlock',
    operation: 'GetPublicAccessBlock',
    action: 's3:GetBucketPublicAccessBlock',
    absent: ['NoSuchPublicAccessBlockConfiguration'],
  },
  {
    field: 'OwnershipControls',
    operation: 'GetBucketOwnershipControls',
    action: 's3:GetBucketOwnershipControls',
    absent: ['OwnershipControlsNotFoundError'],
  },
  {
    field: 'Encryption',
    operation: 'GetBucketEncryption',
    action: 's3:GetEncryptionConfiguration',
    absent: ['ServerSideEncryptionConfigurationNotFoundError'],
  },
  { field: 'Versioning', operation: 'GetBucketVersioning', action: 's3:GetBucketVersioning', absent: [] },
  { field: 'Website', operation: 'GetBucketWebsite', action: 's3:GetBucketWebsite', absent: ['NoSuchWebsiteConfiguration'] },
  { field: 'Logging', operation: 'GetBucketLogging', action: 's3:GetBucketLogging', absent: [] },
  { field: 'Tags', operation: 'GetBucketTagging', action: 's3:GetBucketTagging', absent: ['NoSuchTagSet'], absentValue: [] as JsonValue },
] as const satisfies ReadonlyArray<{
  field: string;
  operation: string;
  action: string;
  absent: readonly string[];
  absentValue?: JsonValue;
}>;

export type BucketPartField = (typeof BUCKET_PARTS)[number]['field'];
