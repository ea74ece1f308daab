// The logging lane's own logic: which S3 data events a trail's selectors record, which key-policy
// and bucket-policy statements open a key or a bucket to others, and that the per-key and
// per-bucket sub-calls are sent only for the types a scan wants.
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { CallResult, CollectorContext, NewResource } from '../src/collect/types.js';
import { s3ObjectEvents } from '../src/services/cloudtrail/selectors.js';
import { collectKeys } from '../src/services/kms/collect.js';
import { publicStatements, restrictsCaller } from '../src/services/kms/enrich-key-policy.js';
import { collectBuckets } from '../src/services/s3/collect.js';
import { crossAccountAdminStatements } from '../src/services/s3/enrich-bucket.js';

const objectSelector = (...fields: object[]) => ({
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, ...fields],
});

describe('S3 object-level events a trail records', () => {
  it('basic selectors: every bucket as arn:aws:s3 or arn:aws:s3:::, in any partition; ReadWriteType decides reads and writes', () => {
    const basic = (ReadWriteType: string, Values: string[]) => ({
      EventSelectors: [{ ReadWriteType, IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values }] }],
    });
    expect(s3ObjectEvents(basic('All', ['arn:aws:s3']))).toEqual({ read: true, write: true });
    expect(s3ObjectEvents(basic('WriteOnly', ['arn:aws:s3:::']))).toEqual({ read: false, write: true });
    expect(s3ObjectEvents(basic('ReadOnly', ['arn:aws-us-gov:s3']))).toEqual({ read: true, write: false });
    expect(s3ObjectEvents(basic('All', ['arn:aws:s3:::one-bucket/']))).toEqual({ read: false, write: false });
    // Lambda data events are not S3's.
    expect(
      s3ObjectEvents({
        EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }],
      }),
    ).toEqual({ read: false, write: false });
  });

  it('advanced selectors: readOnly (Equals and NotEquals) decides; narrowing to buckets or event names does not count; excluding a bucket does', () => {
    const adv = (...fields: object[]) => ({ EventSelectors: null, AdvancedEventSelectors: [objectSelector(...fields)] });
    expect(s3ObjectEvents(adv())).toEqual({ read: true, write: true });
    expect(s3ObjectEvents(adv({ Field: 'readOnly', Equals: ['false'] }))).toEqual({ read: false, write: true });
    expect(s3ObjectEvents(adv({ Field: 'readOnly', NotEquals: ['false'] }))).toEqual({ read: true, write: false });
    expect(s3ObjectEvents(adv({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::'] }))).toEqual({ read: true, write: true });
    expect(s3ObjectEvents(adv({ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::trail-logs/'] }))).toEqual({
      read: true,
      write: true,
    });
    expect(s3ObjectEvents(adv({ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::payroll/'] }))).toEqual({ read: false, write: false });
    expect(s3ObjectEvents(adv({ Field: 'eventName', Equals: ['PutObject'] }))).toEqual({ read: false, write: false });
    // Two selectors (ORed): one for writes, one for reads.
    expect(
      s3ObjectEvents({
        AdvancedEventSelectors: [
          objectSelector({ Field: 'readOnly', Equals: ['true'] }),
          objectSelector({ Field: 'readOnly', Equals: ['false'] }),
        ],
      }),
    ).toEqual({ read: true, write: true });
  });

  it('unknown when the selectors were not read', () => {
    expect(s3ObjectEvents({ Name: 'trail' })).toEqual({ read: null, write: null });
  });
});

describe('key policies open to anyone (KMS.5)', () => {
  const policy = (statement: object) => JSON.stringify({ Statement: [statement] });
  it('Principal * or {"AWS": "*"} or NotPrincipal, without a condition that pins the caller', () => {
    expect(publicStatements(policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt' }))).toHaveLength(1);
    expect(publicStatements(policy({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['kms:Encrypt'] }))).toHaveLength(1);
    expect(
      publicStatements(policy({ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' })),
    ).toHaveLength(1);
    expect(publicStatements(policy({ Effect: 'Deny', Principal: '*', Action: 'kms:*' }))).toEqual([]);
    expect(publicStatements(policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' }))).toEqual(
      [],
    );
    expect(publicStatements('not json')).toBeUndefined();
  });

  it('a condition pins the caller only with a fixed value, a positive operator and no IfExists', () => {
    expect(restrictsCaller({ StringEquals: { 'kms:CallerAccount': '123456789012' } })).toBe(true);
    expect(restrictsCaller({ StringEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] } })).toBe(true);
    expect(restrictsCaller({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } })).toBe(false);
    expect(restrictsCaller({ StringNotEquals: { 'aws:PrincipalAccount': '123456789012' } })).toBe(false);
    expect(restrictsCaller({ StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } })).toBe(false);
    expect(restrictsCaller({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } })).toBe(false);
  });
});

describe('bucket policies that let other accounts change access or encryption (S3.6)', () => {
  const st = (s: object) => [{ Effect: 'Allow', Resource: '*', ...s }];
  it('matches actions with wildcards and reads NotAction; the own account and services do not count', () => {
    expect(crossAccountAdminStatements(st({ Principal: { AWS: '111122223333' }, Action: 's3:Put*' }), '123456789012')).toEqual([
      {
        index: 0,
        sid: null,
        accounts: ['111122223333'],
        actions: ['s3:PutBucketAcl', 's3:PutBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutObjectAcl'],
      },
    ]);
    expect(
      crossAccountAdminStatements(
        st({ Principal: { AWS: 'arn:aws:iam::111122223333:role/x' }, NotAction: ['s3:Put*', 's3:Delete*'] }),
        '123456789012',
      ),
    ).toEqual([]);
    expect(
      crossAccountAdminStatements(st({ Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:*' }), '123456789012'),
    ).toEqual([]);
    expect(crossAccountAdminStatements(st({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:*' }), '123456789012')).toEqual(
      [],
    );
    expect(
      crossAccountAdminStatements(st({ Principal: { AWS: '111122223333' }, Action: ['s3:GetObject', 's3:PutObject'] }), '123456789012'),
    ).toEqual([]);
    // Principal "*": any account, unless a condition pins the caller.
    expect(crossAccountAdminStatements(st({ Principal: '*', Action: 's3:PutObjectAcl' }), '123456789012')[0]?.accounts).toEqual(['*']);
    expect(
      crossAccountAdminStatements(
        st({ Principal: '*', Action: 's3:*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
        '123456789012',
      ),
    ).toEqual([]);
  });
});

/** A collector context that answers calls with `answer`, records what was sent and what was added. */
function fakeContext(
  wanted: readonly string[],
  clients: Record<string, unknown>,
): { ctx: CollectorContext; added: NewResource[]; sent: string[] } {
  const added: NewResource[] = [];
  const sent: string[] = [];
  const ctx = {
    account: '123456789012',
    partition: 'aws',
    region: 'us-east-1',
    regions: ['us-east-1'],
    wants: (type: string) => wanted.includes(type),
    client: (name: string) => clients[name],
    add: (r: NewResource) => void added.push(r),
    call: async <V>(
      _op: string,
      _types: readonly string[],
      fn: () => Promise<V>,
      options: { absent?: readonly string[] } = {},
    ): Promise<CallResult<V>> => {
      try {
        return { status: 'ok', value: await fn() };
      } catch (e) {
        const code = (e as { name?: string }).name ?? 'Error';
        return options.absent?.includes(code) ? { status: 'absent', code } : { status: 'failed', code };
      }
    },
  } as unknown as CollectorContext;
  return { ctx, added, sent };
}

function fakeClient<Client extends { send: unknown }>(
  client: Client,
  sent: string[],
  answer: (command: string, input: Record<string, unknown>) => unknown,
): Client {
  (client as { send: unknown }).send = (command: { input: Record<string, unknown> }) => {
    const name = command.constructor.name;
    sent.push(name);
    try {
      return Promise.resolve(answer(name, command.input));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return client;
}

const notFound = (name: string) => Object.assign(new Error(name), { name });

describe('KMS sub-calls only for the types a scan wants', () => {
  const meta = (KeyId: string, more: object) => ({
    KeyId,
    Arn: `arn:aws:kms:us-east-1:123456789012:key/${KeyId}`,
    KeyState: 'Enabled',
    KeySpec: 'SYMMETRIC_DEFAULT',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    ...more,
  });
  const keys: Record<string, object> = {
    customer: meta('customer', {}),
    managed: meta('managed', { KeyManager: 'AWS' }),
    asymmetric: meta('asymmetric', { KeySpec: 'RSA_2048' }),
    imported: meta('imported', { Origin: 'EXTERNAL' }),
    deleting: meta('deleting', { KeyState: 'PendingDeletion' }),
  };
  const run = async (wanted: string[]) => {
    const sent: string[] = [];
    const client = fakeClient(new KMSClient({ region: 'us-east-1' }), sent, (command, input) => {
      if (command === 'ListKeysCommand') return { Keys: Object.keys(keys).map((KeyId) => ({ KeyId })), Truncated: false };
      if (command === 'DescribeKeyCommand') return { KeyMetadata: keys[input.KeyId as string] };
      if (command === 'GetKeyRotationStatusCommand') return { KeyRotationEnabled: false };
      if (command === 'GetKeyPolicyCommand') return { Policy: '{"Statement":[]}' };
      throw notFound('NotFoundException');
    });
    const { ctx, added } = fakeContext(wanted, { kms: client });
    await collectKeys(ctx as unknown as Parameters<typeof collectKeys>[0]);
    return { sent, added };
  };

  it('keys only: ListKeys and DescribeKey, nothing else', async () => {
    const { sent, added } = await run(['aws.kms.key']);
    expect(sent.filter((c) => c !== 'ListKeysCommand' && c !== 'DescribeKeyCommand')).toEqual([]);
    expect(sent.filter((c) => c === 'DescribeKeyCommand')).toHaveLength(5);
    expect(added.map((r) => r.type)).toEqual(Array(5).fill('aws.kms.key'));
  });

  it('rotation: GetKeyRotationStatus for enabled customer-managed symmetric keys of KMS-made material only', async () => {
    const { sent, added } = await run(['aws.kms.key-rotation']);
    expect(sent.filter((c) => c === 'GetKeyRotationStatusCommand')).toHaveLength(1);
    expect(sent).not.toContain('GetKeyPolicyCommand');
    expect(added.map((r) => `${r.type} ${r.id}`)).toEqual(['aws.kms.key-rotation customer']);
  });

  it('policies: GetKeyPolicy for every customer-managed key, none for AWS-managed ones', async () => {
    const { sent, added } = await run(['aws.kms.key-policy']);
    expect(sent.filter((c) => c === 'GetKeyPolicyCommand')).toHaveLength(4);
    expect(sent).not.toContain('GetKeyRotationStatusCommand');
    expect(added.map((r) => r.id).sort()).toEqual(['asymmetric', 'customer', 'deleting', 'imported']);
  });
});

describe('S3 per-bucket sub-calls only for the types a scan wants', () => {
  const run = async (wanted: string[]) => {
    const sent: string[] = [];
    const client = fakeClient(new S3Client({ region: 'us-east-1' }), sent, (command) => {
      if (command === 'ListBucketsCommand') return { Buckets: [{ Name: 'one', BucketRegion: 'us-east-1' }] };
      if (command === 'GetBucketLifecycleConfigurationCommand') throw notFound('NoSuchLifecycleConfiguration');
      if (command === 'GetObjectLockConfigurationCommand') throw notFound('ObjectLockConfigurationNotFoundError');
      if (command === 'GetBucketNotificationConfigurationCommand') return {};
      return {};
    });
    const { ctx, added } = fakeContext(wanted, { s3: client });
    await collectBuckets(ctx as unknown as Parameters<typeof collectBuckets>[0]);
    return { sent, added };
  };

  it('lifecycle only: ListBuckets and GetBucketLifecycleConfiguration, "not configured" as null', async () => {
    const { sent, added } = await run(['aws.s3.bucket-lifecycle']);
    expect(sent).toEqual(['ListBucketsCommand', 'GetBucketLifecycleConfigurationCommand']);
    expect(added).toEqual([expect.objectContaining({ type: 'aws.s3.bucket-lifecycle', id: 'one', data: { Name: 'one', Rules: null } })]);
  });

  it('buckets only: none of the opt-in settings is read', async () => {
    const { sent } = await run(['aws.s3.bucket']);
    expect(sent).not.toContain('GetBucketLifecycleConfigurationCommand');
    expect(sent).not.toContain('GetBucketNotificationConfigurationCommand');
    expect(sent).not.toContain('GetObjectLockConfigurationCommand');
  });

  it('Object Lock and notifications: their "not configured" answers', async () => {
    const { added } = await run(['aws.s3.bucket-object-lock', 'aws.s3.bucket-notifications']);
    expect(added.map((r) => r.data).sort((a, b) => Object.keys(a).length - Object.keys(b).length)).toEqual([
      { Name: 'one', ObjectLockConfiguration: null },
      { Name: 'one', TopicConfigurations: [], QueueConfigurations: [], LambdaFunctionConfigurations: [], EventBridgeConfiguration: null },
    ]);
  });
});
