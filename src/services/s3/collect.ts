import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, type S3ControlClient } from '@aws-sdk/client-s3-control';
import type { JsonObject, JsonValue } from '../../util/json.js';
import { allItems } from '../../collect/pages.js';
import { toJson, toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction, CollectorContext } from '../../collect/types.js';
import {
  ACCOUNT_BPA,
  BUCKET,
  BUCKET_EXTRAS,
  BUCKET_PARTS,
  BUCKET_TYPES,
  type BucketExtraType,
  type BucketPartField,
  type BucketType,
} from './produces.js';

/** How each per-bucket sub-call of BUCKET_PARTS (produces.ts) reads its setting. */
const GETTERS: { readonly [F in BucketPartField]: (client: S3Client, Bucket: string) => Promise<JsonValue> } = {
  Acl: async (c, Bucket) => {
    const out = await c.send(new GetBucketAclCommand({ Bucket }));
    return toJsonObject({ Owner: out.Owner, Grants: out.Grants ?? [] });
  },
  Policy: async (c, Bucket) => (await c.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? null,
  PublicAccessBlock: async (c, Bucket) =>
    toJson((await c.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration) ?? null,
  OwnershipControls: async (c, Bucket) =>
    toJson((await c.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls) ?? null,
  Encryption: async (c, Bucket) =>
    toJson((await c.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration) ?? null,
  Versioning: async (c, Bucket) => {
    const out = await c.send(new GetBucketVersioningCommand({ Bucket }));
    return toJsonObject({ Status: out.Status, MFADelete: out.MFADelete });
  },
  Website: async (c, Bucket) => toJsonObject(await c.send(new GetBucketWebsiteCommand({ Bucket }))),
  Logging: async (c, Bucket) => toJson((await c.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled) ?? null,
  Tags: async (c, Bucket) => toJson((await c.send(new GetBucketTaggingCommand({ Bucket }))).TagSet) ?? [],
};

/**
 * How each setting of BUCKET_EXTRAS (produces.ts) is read: the fields of its resource's data
 * besides `Name`, the "not configured" answer when its call says so.
 */
const EXTRAS: {
  readonly [T in BucketExtraType]: { read: (client: S3Client, Bucket: string) => Promise<JsonObject>; absent: JsonObject };
} = {
  'aws.s3.bucket-lifecycle': {
    read: async (c, Bucket) => ({
      Rules: toJson((await c.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? []) ?? [],
    }),
    absent: { Rules: null },
  },
  'aws.s3.bucket-notifications': {
    read: async (c, Bucket) => {
      const out = await c.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
      return toJsonObject({
        TopicConfigurations: out.TopicConfigurations ?? [],
        QueueConfigurations: out.QueueConfigurations ?? [],
        LambdaFunctionConfigurations: out.LambdaFunctionConfigurations ?? [],
        EventBridgeConfiguration: out.EventBridgeConfiguration ?? null,
      });
    },
    absent: {},
  },
  'aws.s3.bucket-object-lock': {
    read: async (c, Bucket) => ({
      ObjectLockConfiguration: toJson((await c.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration) ?? null,
    }),
    absent: { ObjectLockConfiguration: null },
  },
};

/** The bucket was deleted between the listing and the sub-call: it is simply gone. */
const VANISHED = 'NoSuchBucket';

type Context = CollectorContext<BucketType, { s3: S3Client }>;

async function collectBucket(ctx: Context, client: S3Client, name: string, listed: JsonObject): Promise<void> {
  const data: JsonObject = { Name: name, CreationDate: listed.CreationDate ?? null, BucketRegion: ctx.region };
  const results = await Promise.all(
    BUCKET_PARTS.map((part) =>
      ctx.call(part.operation, BUCKET, () => GETTERS[part.field](client, name), { subject: name, absent: [...part.absent, VANISHED] }),
    ),
  );
  for (const [i, result] of results.entries()) {
    const part = BUCKET_PARTS[i]!;
    if (result.status === 'absent' && result.code === VANISHED) return;
    if (result.status === 'ok') data[part.field] = result.value;
    else if (result.status === 'absent') data[part.field] = 'absentValue' in part ? part.absentValue : null;
    // failed: a gap is recorded and the field stays absent, as docs/resources.md says.
  }
  ctx.add({ type: 'aws.s3.bucket', id: name, arn: `arn:${ctx.partition}:s3:::${name}`, data });
}

/** One setting of BUCKET_EXTRAS for one bucket, as a resource of its own type. */
async function collectExtra(ctx: Context, client: S3Client, extra: (typeof BUCKET_EXTRAS)[number], name: string): Promise<void> {
  const how = EXTRAS[extra.type];
  const result = await ctx.call(extra.operation, [extra.type], () => how.read(client, name), {
    subject: name,
    absent: [...extra.absent, VANISHED],
  });
  if (result.status === 'failed' || (result.status === 'absent' && result.code === VANISHED)) return;
  const data: JsonObject = { Name: name, ...(result.status === 'ok' ? result.value : how.absent) };
  ctx.add({ type: extra.type, id: name, arn: `arn:${ctx.partition}:s3:::${name}`, data });
}

/**
 * Buckets of one region: ListBuckets filtered by `BucketRegion` (sent to that region, as S3
 * requires), so no per-bucket GetBucketLocation is needed, then the settings of each bucket.
 * ListBuckets is sent without MaxBuckets: it then returns every bucket in one answer.
 */
export const collectBuckets: CollectFunction<BucketType, { s3: S3Client }> = async (ctx) => {
  const client = ctx.client('s3');
  const wanted = BUCKET_TYPES.filter((t) => ctx.wants(t));
  const extras = BUCKET_EXTRAS.filter((e) => ctx.wants(e.type));
  const listing = await ctx.call('ListBuckets', wanted, () =>
    allItems(paginateListBuckets({ client }, { BucketRegion: ctx.region }), (p) => p.Buckets),
  );
  if (listing.status !== 'ok') return;
  const buckets = listing.value
    // An endpoint that ignores the filter but says where each bucket is: keep this region's.
    .filter((b) => b.BucketRegion === undefined || b.BucketRegion === ctx.region)
    .filter((b): b is typeof b & { Name: string } => typeof b.Name === 'string');
  await Promise.all(
    buckets.flatMap((b) => [
      ...(ctx.wants('aws.s3.bucket') ? [collectBucket(ctx, client, b.Name, toJsonObject(b))] : []),
      ...extras.map((e) => collectExtra(ctx, client, e, b.Name)),
    ]),
  );
};

/** Account-level Block Public Access (S3 Control); `{}` when the account has none. */
export const collectAccountPublicAccessBlock: CollectFunction<(typeof ACCOUNT_BPA)[number], { s3control: S3ControlClient }> = async (
  ctx,
) => {
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
};
