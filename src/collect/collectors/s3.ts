import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import type { JsonObject, JsonValue } from '../../util/json.js';
import { allItems } from '../pages.js';
import { toJson, toJsonObject } from '../sdk-json.js';
import type { Collector, CollectorContext, CollectorDescriptor } from '../types.js';

const BUCKET = ['aws.s3.bucket'] as const;

/**
 * Per-bucket sub-calls. S3 has no call that describes many buckets at once, so each bucket
 * costs one call per setting; `absent` lists the codes that mean "not configured" (stored as
 * `null`, or `[]` for tags), which are answers, not failures.
 */
interface BucketPart {
  field: string;
  operation: string;
  action: string;
  absent: readonly string[];
  /** When "not configured" has a value other than null. */
  absentValue?: JsonValue;
  get(client: S3Client, bucket: string): Promise<JsonValue>;
}

const PARTS: readonly BucketPart[] = [
  {
    field: 'Acl', operation: 'GetBucketAcl', action: 's3:GetBucketAcl', absent: [],
    get: async (c, Bucket) => {
      const out = await c.send(new GetBucketAclCommand({ Bucket }));
      return toJsonObject({ Owner: out.Owner, Grants: out.Grants ?? [] });
    },
  },
  {
    field: 'Policy', operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy', absent: ['NoSuchBucketPolicy'],
    get: async (c, Bucket) => (await c.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? null,
  },
  {
    field: 'PublicAccessBlock', operation: 'GetPublicAccessBlock', action: 's3:GetBucketPublicAccessBlock', absent: ['NoSuchPublicAccessBlockConfiguration'],
    get: async (c, Bucket) => toJson((await c.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration) ?? null,
  },
  {
    field: 'OwnershipControls', operation: 'GetBucketOwnershipControls', action: 's3:GetBucketOwnershipControls', absent: ['OwnershipControlsNotFoundError'],
    get: async (c, Bucket) => toJson((await c.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls) ?? null,
  },
  {
    field: 'Encryption', operation: 'GetBucketEncryption', action: 's3:GetEncryptionConfiguration', absent: ['ServerSideEncryptionConfigurationNotFoundError'],
    get: async (c, Bucket) => toJson((await c.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration) ?? null,
  },
  {
    field: 'Versioning', operation: 'GetBucketVersioning', action: 's3:GetBucketVersioning', absent: [],
    get: async (c, Bucket) => {
      const out = await c.send(new GetBucketVersioningCommand({ Bucket }));
      return toJsonObject({ Status: out.Status, MFADelete: out.MFADelete });
    },
  },
  {
    field: 'Website', operation: 'GetBucketWebsite', action: 's3:GetBucketWebsite', absent: ['NoSuchWebsiteConfiguration'],
    get: async (c, Bucket) => toJsonObject(await c.send(new GetBucketWebsiteCommand({ Bucket }))),
  },
  {
    field: 'Logging', operation: 'GetBucketLogging', action: 's3:GetBucketLogging', absent: [],
    get: async (c, Bucket) => toJson((await c.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled) ?? null,
  },
  {
    field: 'Tags', operation: 'GetBucketTagging', action: 's3:GetBucketTagging', absent: ['NoSuchTagSet'], absentValue: [],
    get: async (c, Bucket) => toJson((await c.send(new GetBucketTaggingCommand({ Bucket }))).TagSet) ?? [],
  },
];

/** The bucket was deleted between the listing and the sub-call: it is simply gone. */
const VANISHED = 'NoSuchBucket';

export const s3BucketsDescriptor = {
  id: 'aws.s3.bucket',
  service: 's3',
  scope: 'regional',
  produces: ['aws.s3.bucket'],
  commands: [
    { command: 'ListBucketsCommand', action: 's3:ListAllMyBuckets', for: BUCKET },
    ...PARTS.map((p) => ({ command: `${p.operation}Command`, action: p.action, for: BUCKET })),
  ],
} as const satisfies CollectorDescriptor;

async function collectBucket(ctx: CollectorContext, client: S3Client, name: string, listed: JsonObject): Promise<void> {
  const data: JsonObject = { Name: name, CreationDate: listed.CreationDate ?? null, BucketRegion: ctx.region };
  const results = await Promise.all(
    PARTS.map((part) =>
      ctx.call(part.operation, BUCKET, () => part.get(client, name), { subject: name, absent: [...part.absent, VANISHED] }),
    ),
  );
  for (const [i, result] of results.entries()) {
    const part = PARTS[i]!;
    if (result.status === 'absent' && result.code === VANISHED) return;
    if (result.status === 'ok') data[part.field] = result.value;
    else if (result.status === 'absent') data[part.field] = part.absentValue ?? null;
    // failed: a gap is recorded and the field stays absent, as docs/resources.md says.
  }
  ctx.add({ type: 'aws.s3.bucket', id: name, arn: `arn:${ctx.partition}:s3:::${name}`, data });
}

/**
 * Buckets of one region: ListBuckets filtered by `BucketRegion` (sent to that region, as S3
 * requires), so no per-bucket GetBucketLocation is needed, then the settings of each bucket.
 * ListBuckets is sent without MaxBuckets: it then returns every bucket in one answer.
 */
export const s3BucketsCollector: Collector = {
  descriptor: s3BucketsDescriptor,
  async collect(ctx) {
    const client = ctx.client('s3');
    const listing = await ctx.call('ListBuckets', BUCKET, () => allItems(paginateListBuckets({ client }, { BucketRegion: ctx.region }), (p) => p.Buckets));
    if (listing.status !== 'ok') return;
    const buckets = listing.value
      // An endpoint that ignores the filter but says where each bucket is: keep this region's.
      .filter((b) => b.BucketRegion === undefined || b.BucketRegion === ctx.region)
      .filter((b): b is typeof b & { Name: string } => typeof b.Name === 'string');
    await Promise.all(buckets.map((b) => collectBucket(ctx, client, b.Name, toJsonObject(b))));
  },
};

const ACCOUNT_BPA = ['aws.s3.account-public-access-block'] as const;

export const s3AccountPublicAccessBlockDescriptor = {
  id: 'aws.s3.account-public-access-block',
  service: 's3control',
  scope: 'account',
  produces: ['aws.s3.account-public-access-block'],
  commands: [{ command: 'GetPublicAccessBlockCommand', action: 's3:GetAccountPublicAccessBlock', for: ACCOUNT_BPA }],
} as const satisfies CollectorDescriptor;

/** Account-level Block Public Access (S3 Control); `{}` when the account has none. */
export const s3AccountPublicAccessBlockCollector: Collector = {
  descriptor: s3AccountPublicAccessBlockDescriptor,
  async collect(ctx) {
    const client = ctx.client('s3control');
    const result = await ctx.call(
      'GetPublicAccessBlock',
      ACCOUNT_BPA,
      async () => (await client.send(new GetAccountPublicAccessBlockCommand({ AccountId: ctx.account }))).PublicAccessBlockConfiguration,
      { absent: ['NoSuchPublicAccessBlockConfiguration'] },
    );
    if (result.status === 'failed') return;
    const data = result.status === 'ok' && result.value ? toJsonObject(result.value) : {};
    ctx.add({ type: 'aws.s3.account-public-access-block', id: ctx.account, region: 'global', data });
  },
};
