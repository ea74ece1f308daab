import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  paginateListKeys,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction, CollectorContext } from '../../collect/types.js';
import type { JsonObject } from '../../util/json.js';
import { KEY, KEY_POLICY, KEY_ROTATION, type KmsType } from './produces.js';

type Context = CollectorContext<KmsType, { kms: KMSClient }>;

/** The key was deleted (or its deletion completed) between the listing and a sub-call: it is gone. */
const VANISHED = 'NotFoundException';

/**
 * Can AWS KMS rotate this key automatically? Only enabled, customer-managed, symmetric
 * encryption keys whose key material KMS generated (not imported, not in a custom key store);
 * AWS rotates the keys it manages itself, and GetKeyRotationStatus refuses the others.
 */
export function rotationApplies(meta: KeyMetadata): boolean {
  return (
    meta.KeyManager === 'CUSTOMER' &&
    meta.KeyState === 'Enabled' &&
    meta.KeySpec === 'SYMMETRIC_DEFAULT' &&
    (meta.Origin ?? 'AWS_KMS') === 'AWS_KMS'
  );
}

/** The few fields of the key that the rotation and policy resources carry, so their findings read well. */
function keySummary(meta: KeyMetadata): JsonObject {
  return toJsonObject({
    KeyId: meta.KeyId,
    Arn: meta.Arn,
    Description: meta.Description ?? '',
    KeyManager: meta.KeyManager,
    KeyState: meta.KeyState,
    KeySpec: meta.KeySpec,
  });
}

async function collectRotation(ctx: Context, client: KMSClient, meta: KeyMetadata & { KeyId: string }): Promise<void> {
  const out = await ctx.call(
    'GetKeyRotationStatus',
    [KEY_ROTATION],
    () => client.send(new GetKeyRotationStatusCommand({ KeyId: meta.KeyId })),
    { subject: meta.KeyId, absent: [VANISHED] },
  );
  if (out.status !== 'ok') return;
  const data = keySummary(meta);
  data.KeyRotationEnabled = out.value.KeyRotationEnabled ?? false;
  if (typeof out.value.RotationPeriodInDays === 'number') data.RotationPeriodInDays = out.value.RotationPeriodInDays;
  ctx.add({ type: KEY_ROTATION, id: meta.KeyId, arn: meta.Arn, data });
}

async function collectPolicy(ctx: Context, client: KMSClient, meta: KeyMetadata & { KeyId: string }): Promise<void> {
  // "default" is the only policy name a key has.
  const out = await ctx.call(
    'GetKeyPolicy',
    [KEY_POLICY],
    () => client.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' })),
    { subject: meta.KeyId, absent: [VANISHED] },
  );
  if (out.status !== 'ok') return;
  const data = keySummary(meta);
  data.Policy = out.value.Policy ?? null;
  ctx.add({ type: KEY_POLICY, id: meta.KeyId, arn: meta.Arn, data });
}

/**
 * KMS keys of a region: ListKeys (1000 a page), DescribeKey for each (KMS has no batch
 * describe), then, only when their types are wanted, GetKeyRotationStatus for each
 * customer-managed symmetric key and GetKeyPolicy for each customer-managed key. AWS-managed
 * keys are rotated by AWS and their policies are written by AWS, so neither is asked for them.
 */
export const collectKeys: CollectFunction<KmsType, { kms: KMSClient }> = async (ctx) => {
  const client = ctx.client('kms');
  const wanted = ([KEY, KEY_ROTATION, KEY_POLICY] as const).filter((t) => ctx.wants(t));
  const listing = await ctx.call('ListKeys', wanted, () => allItems(paginateListKeys({ client, pageSize: 1000 }, {}), (p) => p.Keys));
  if (listing.status !== 'ok') return;
  const ids = listing.value.map((k) => k.KeyId).filter((id): id is string => typeof id === 'string');
  await Promise.all(
    ids.map(async (KeyId) => {
      const described = await ctx.call('DescribeKey', wanted, () => client.send(new DescribeKeyCommand({ KeyId })), {
        subject: KeyId,
        absent: [VANISHED],
      });
      if (described.status !== 'ok') return;
      const meta = described.value.KeyMetadata;
      if (!meta || typeof meta.KeyId !== 'string') return;
      const key = meta as KeyMetadata & { KeyId: string };
      const work: Promise<void>[] = [];
      if (ctx.wants(KEY_ROTATION) && rotationApplies(key)) work.push(collectRotation(ctx, client, key));
      if (ctx.wants(KEY_POLICY) && key.KeyManager === 'CUSTOMER') work.push(collectPolicy(ctx, client, key));
      await Promise.all(work);
      if (ctx.wants(KEY)) ctx.add({ type: KEY, id: key.KeyId, arn: key.Arn, data: toJsonObject(key) });
    }),
  );
};
