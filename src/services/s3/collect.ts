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
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, type S3ControlClient } from '@aws-sdk/client-s3-control';
import type { JsonObject, JsonValue } from '../../util/json.js';
import { allItems } from '../../collect/pages.js';
import { toJson, toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction, CollectorContext } from '../../collect/types.js';
import { ACCOUNT_BPA, BUCKET, BUCKET_PARTS, type BucketPartField } from './produces.js';

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

/** The bucket was deleted between the listing and the sub-call: it is simply gone. */
const VANISHED = 'NoSuchBucket';

async function collectBucket(
  ctx: CollectorContext<(typeof BUCKET)[number], { s3: S3Client }>,
  client: S3Client,
  name: string,
  listed: JsonObject,
): Promise<void> {
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

/**
 * Buckets of one region: ListBuckets filtered by `BucketRegion` (sent to that region, as S3
 * requires), so no per-bucket GetBucketLocation is needed, then the settings of each bucket.
 * ListBuckets is sent without MaxBuckets: it then returns every bucket in one answer.
 */
export const collectBuckets: CollectFunction<(typeof BUCKET)[number], { s3: S3Client }> = async (ctx) => {
  const client = ctx.client('s3');
  const listing = await ctx.call('ListBuckets', BUCKET, () =>
    allItems(paginateListBuckets({ client }, { BucketRegion: ctx.region }), (p) => p.Buckets),
  );
  if (listing.status !== 'ok') return;
  const buckets = listing.value
    // An endpoint that ignores the filter but says where each bucket is: keep this region's.
    .filter((b) => b.BucketRegion === undefined || b.BucketRegion === ctx.region)
    .filter((b): b is typeof b & { Name: string } => typeof b.Name === 'string');
  await Promise.all(buckets.map((b) => collectBucket(ctx, client, b.Name, toJsonObject(b))));
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
