import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import { sdkClient } from '../../aws/client.js';
import { anyObject, boolean, integer, listOf, object, orNull, string, tags } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { s3BucketEnricher } from './enrich-bucket.js';
import { s3LifecycleEnricher } from './enrich-lifecycle.js';
import { ACCOUNT_BPA, BUCKET, BUCKET_EXTRAS, BUCKET_PARTS, BUCKET_TYPES } from './produces.js';

/** S3 Block Public Access settings (of a bucket, or of the account). */
const BLOCK_PUBLIC_ACCESS = object({
  BlockPublicAcls: boolean,
  IgnorePublicAcls: boolean,
  BlockPublicPolicy: boolean,
  RestrictPublicBuckets: boolean,
});

const TYPES = {
  'aws.s3.bucket': {
    scope: 'regional',
    title: 'S3 bucket',
    id: 'Name',
    region: "the bucket's region",
    data: '`{ Name, CreationDate, BucketRegion, Acl: {Owner, Grants}, Policy: string\\|null (the policy JSON text), PublicAccessBlock: PublicAccessBlockConfiguration\\|null, OwnershipControls: {Rules}\\|null, Encryption: ServerSideEncryptionConfiguration\\|null, Versioning: {Status?, MFADelete?}, Website: {IndexDocument?, ErrorDocument?, RedirectAllRequestsTo?, RoutingRules?}\\|null, Logging: LoggingEnabled\\|null, Tags: [{Key, Value}] ([] when none) }`. Buckets are listed per scanned region (`ListBuckets` with `BucketRegion`); buckets in regions that are not scanned are not collected.',
    facts:
      '`publicAccessBlock` (effective, bucket OR account), `aclPublicGrants` (`[{group, permission, access}]`), `policyPublicStatements` (`[{index, sid, action, access}]`), `publicViaAcl`, `publicViaPolicy`, `publicAclAccess` / `publicPolicyAccess` (what the public grants that take effect let anyone do, the highest of `read` objects < `list` keys < `write` objects < `control` permissions; an ACL READ on the bucket is `list`, `NotAction` is `control`; null when not public that way), `public`, `publicReasons`; `secureTransportEnforced` (a Deny for everyone on `s3:*` when `aws:SecureTransport` is false; null when the policy could not be read), `cloudTrailLogBucket` (a trail delivers to it; null when trails were not collected), `cloudTrailTrails`; `crossAccountAdminStatements` (`[{index, sid, accounts, actions}]`: Allow statements that grant another AWS account, or Principal `*` without a restricting condition, `s3:DeleteBucketPolicy`, `s3:PutBucketAcl`, `s3:PutBucketPolicy`, `s3:PutEncryptionConfiguration` or `s3:PutObjectAcl`, by `Action` or `NotAction`, wildcards matched; null when the policy could not be read)',
    factsReadsNote: 'trails when collected; `s3-bucket-cloudtrail-logs-public` requires them',
    // A setting is null when not configured, absent when its call failed (a gap).
    dataSchema: object(
      {
        Name: string,
        Acl: object({ Grants: listOf(object({ Grantee: object({ Type: string, URI: string }), Permission: string })) }),
        // The policy's JSON text as S3 returns it (an already parsed object is read too).
        Policy: { type: ['string', 'object', 'null'] },
        PublicAccessBlock: orNull(BLOCK_PUBLIC_ACCESS),
        OwnershipControls: orNull(object({ Rules: listOf(object({ ObjectOwnership: string })) })),
        Encryption: orNull(object({ Rules: listOf(object({ ApplyServerSideEncryptionByDefault: object({ SSEAlgorithm: string }) })) })),
        Versioning: object({ Status: string, MFADelete: string }),
        Logging: orNull(object({ TargetBucket: string, TargetPrefix: string })),
        Website: orNull(
          object({ IndexDocument: object({ Suffix: string }), RedirectAllRequestsTo: object({ HostName: string, Protocol: string }) }),
        ),
        Tags: tags,
      },
      ['Name'],
    ),
  },
  'aws.s3.bucket-lifecycle': {
    scope: 'regional',
    title: 'Lifecycle configuration of an S3 bucket',
    id: 'bucket name',
    region: "the bucket's region",
    data: '`{ Name, Rules: [LifecycleRule]\\|null }` (`GetBucketLifecycleConfiguration`; `null` when the bucket has none). Read only when a rule over this type runs: one call per bucket.',
    facts:
      "`enabledRules` (lifecycle rules with `Status` `Enabled`), `versioning` (the bucket's versioning status, `Disabled` when never enabled; null when buckets were not collected in the same scan or the bucket's versioning could not be read)",
    factsReadsNote: 'buckets when collected; `s3-bucket-versioned-without-lifecycle` requires them',
    dataSchema: object({ Name: string, Rules: orNull(listOf(object({ ID: string, Status: string }))) }, ['Name']),
  },
  'aws.s3.bucket-notifications': {
    scope: 'regional',
    title: 'Event notification configuration of an S3 bucket',
    id: 'bucket name',
    region: "the bucket's region",
    data: '`{ Name, TopicConfigurations, QueueConfigurations, LambdaFunctionConfigurations ([] when none), EventBridgeConfiguration: {}\\|null }` (`GetBucketNotificationConfiguration`). Read only when a rule over this type runs: one call per bucket.',
    dataSchema: object(
      {
        Name: string,
        TopicConfigurations: listOf(anyObject),
        QueueConfigurations: listOf(anyObject),
        LambdaFunctionConfigurations: listOf(anyObject),
        EventBridgeConfiguration: orNull(anyObject),
      },
      ['Name'],
    ),
  },
  'aws.s3.bucket-object-lock': {
    scope: 'regional',
    title: 'Object Lock configuration of an S3 bucket',
    id: 'bucket name',
    region: "the bucket's region",
    data: '`{ Name, ObjectLockConfiguration: {ObjectLockEnabled, Rule?: {DefaultRetention: {Mode, Days?, Years?}}}\\|null }` (`GetObjectLockConfiguration`; `null` when Object Lock was never enabled). Read only when a rule over this type runs: one call per bucket.',
    dataSchema: object(
      {
        Name: string,
        ObjectLockConfiguration: orNull(
          object({
            ObjectLockEnabled: string,
            Rule: object({ DefaultRetention: object({ Mode: string, Days: integer, Years: integer }) }),
          }),
        ),
      },
      ['Name'],
    ),
  },
  'aws.s3.account-public-access-block': {
    scope: 'global',
    title: 'S3 Block Public Access settings of the account',
    id: 'account id',
    data: '`PublicAccessBlockConfiguration` from S3 Control (`{}` when none is set).',
    // {} when none is set.
    dataSchema: BLOCK_PUBLIC_ACCESS,
  },
} as const satisfies ResourceTypeTable;

const CLIENTS = {
  // An overridden endpoint (an emulator, a proxy) has no bucket subdomains.
  s3: sdkClient(
    '@aws-sdk/client-s3',
    async () => (await import('@aws-sdk/client-s3')).S3Client,
    () => ({ forcePathStyle: true }),
  ),
  // S3 Control's endpoint rules put the account id in front of the host name, which is no
  // valid URL for an IP endpoint; a fixed provider sends every call to the endpoint as given.
  s3control: sdkClient(
    '@aws-sdk/client-s3-control',
    async () => (await import('@aws-sdk/client-s3-control')).S3ControlClient,
    (endpoint) => ({ endpointProvider: () => ({ url: new URL(endpoint) }) }),
  ),
};

/** S3 buckets with their settings (and, only when a rule reads them, their lifecycle, notification and Object Lock settings), and the account's Block Public Access (S3 Control). */
export const s3: Service<typeof TYPES, { s3: S3Client; s3control: S3ControlClient }> = {
  name: 's3',
  resourceTypes: TYPES,
  clients: CLIENTS,
  collectors: [
    {
      descriptor: {
        id: 'aws.s3.bucket',
        service: 's3',
        scope: 'regional',
        produces: BUCKET_TYPES,
        commands: [
          { command: 'ListBucketsCommand', action: 's3:ListAllMyBuckets', for: BUCKET_TYPES },
          ...BUCKET_PARTS.map((p) => ({
            command: `${p.operation}Command`,
            action: p.action,
            for: BUCKET,
            // A failed part leaves the bucket listed, without that field (collect.ts).
            fills: { 'aws.s3.bucket': [p.field] },
          })),
          ...BUCKET_EXTRAS.map((e) => ({ command: `${e.operation}Command`, action: e.action, for: [e.type] })),
        ],
      },
      load: async () => (await import('./collect.js')).collectBuckets,
    },
    {
      descriptor: {
        id: 'aws.s3.account-public-access-block',
        service: 's3control',
        scope: 'account',
        produces: ACCOUNT_BPA,
        commands: [{ command: 'GetPublicAccessBlockCommand', action: 's3:GetAccountPublicAccessBlock', for: ACCOUNT_BPA }],
      },
      load: async () => (await import('./collect.js')).collectAccountPublicAccessBlock,
    },
  ],
  enrichers: [s3BucketEnricher, s3LifecycleEnricher],
};
