// Twins of the logging lane: KMS keys, CloudTrail trails (KMS, S3 data events), AWS Config's
// recording group and S3 bucket settings (logging, Block Public Access, cross-account grants).
// Per-resource twins live in the main account's first region. The main account keeps the one
// trail of the notes' scenario (a test counts it), which is the failing twin of the trail rules;
// their compliant twins, and those of the account-level rules (data events on a multi-region
// trail), are in the compliant account. The recorder that records only some types is in the
// compliant account's second region, its twin that records everything in the first (one recorder
// per region, and the main account's second region must stay without one for
// config-recorder-missing).
import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient, PutConfigurationRecorderCommand, type RecordingGroup } from '@aws-sdk/client-config-service';
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import type { MotoClientConfig } from '../moto.js';
import { COMPLIANT_ACCOUNT, type BreadthSeeder, type Twin } from './index.js';

const MAIN_ACCOUNT = '123456789012';
const ALL_BLOCKED = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

async function createBucket(s3: S3Client, region: string, Bucket: string): Promise<void> {
  const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  await s3.send(new CreateBucketCommand({ Bucket, ...location }));
}

/** The statement CloudTrail needs to deliver to a bucket (moto does not check it; AWS does). */
function trailDelivery(bucket: string, account: string): object[] {
  return [
    {
      Sid: 'TrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: `arn:aws:s3:::${bucket}`,
    },
    {
      Sid: 'TrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
    },
  ];
}

async function seedKeys(cfg: MotoClientConfig, suffix: string): Promise<Twin[]> {
  const kms = new KMSClient(cfg);
  const create = async (Description: string, Policy?: string) =>
    (await kms.send(new CreateKeyCommand({ Description, ...(Policy ? { Policy } : {}) }))).KeyMetadata!.KeyId!;
  const unrotated = await create(`unrotated ${suffix}`);
  const rotated = await create(`rotated ${suffix}`);
  await kms.send(new EnableKeyRotationCommand({ KeyId: rotated }));
  const doomed = await create(`doomed ${suffix}`);
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed, PendingWindowInDays: 7 }));
  const shared = await create(
    `shared ${suffix}`,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }],
    }),
  );
  await kms.send(new EnableKeyRotationCommand({ KeyId: shared }));
  kms.destroy();
  return [
    { rule: 'kms-key-rotation-disabled', fail: { id: unrotated }, pass: { id: rotated } },
    { rule: 'kms-key-pending-deletion', fail: { id: doomed }, pass: { id: rotated } },
    { rule: 'kms-key-policy-public', fail: { id: shared }, pass: { id: rotated } },
  ];
}

/**
 * Two buckets in the main account: `plain` (no access logging, no Block Public Access, a partner
 * account may set object ACLs) and `guarded` (logs to a third bucket, blocks public access,
 * grants the partner object reads only). The main account's own trail (the notes' scenario) is
 * the failing twin of the trail rules; their compliant twins are in the compliant account, so
 * that the main account keeps its one trail.
 */
async function seedBuckets(cfg: MotoClientConfig, region: string, suffix: string): Promise<Twin[]> {
  const s3 = new S3Client(cfg);
  const plain = `plain-bucket-${suffix}`;
  const guarded = `guarded-bucket-${suffix}`;
  const accessLogs = `access-logs-${suffix}`;
  for (const b of [plain, guarded, accessLogs]) await createBucket(s3, region, b);
  await allowAccessLogs(s3, accessLogs);
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: plain,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PartnerUpload',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: ['s3:PutObject', 's3:PutObjectAcl'],
            Resource: `arn:aws:s3:::${plain}/*`,
          },
        ],
      }),
    }),
  );
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: guarded,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PartnerRead',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${guarded}/*`,
          },
        ],
      }),
    }),
  );
  await s3.send(new PutPublicAccessBlockCommand({ Bucket: guarded, PublicAccessBlockConfiguration: ALL_BLOCKED }));
  await s3.send(
    new PutBucketLoggingCommand({
      Bucket: guarded,
      BucketLoggingStatus: { LoggingEnabled: { TargetBucket: accessLogs, TargetPrefix: 'guarded/' } },
    }),
  );
  s3.destroy();
  return [
    { rule: 's3-bucket-access-logging-disabled', fail: { id: plain }, pass: { id: guarded } },
    { rule: 's3-bucket-block-public-access-off', fail: { id: plain }, pass: { id: guarded } },
    { rule: 's3-bucket-policy-cross-account-admin', fail: { id: plain }, pass: { id: guarded } },
    // moto keeps no MFADelete setting (GetBucketVersioning answers Status only): no compliant twin.
    { rule: 's3-bucket-mfa-delete-disabled', fail: { id: plain } },
  ];
}

/** A bucket policy that lets S3 deliver server access logs (moto checks it, as AWS does). */
async function allowAccessLogs(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${bucket}/*`,
          },
        ],
      }),
    }),
  );
}

/**
 * The compliant account's multi-region trail: encrypted with a KMS key, delivering to a bucket
 * with access logging, recording every management event and, by advanced event selectors, the
 * object-level reads and writes of every bucket but its own.
 */
async function seedCompliantTrail(
  cfg: MotoClientConfig,
  region: string,
  suffix: string,
): Promise<{ trail: string; bucket: string; plainTrail: string; plainBucket: string }> {
  const s3 = new S3Client(cfg);
  const bucket = `data-events-trail-${suffix}`;
  const accessLogs = `trail-access-logs-${suffix}`;
  for (const b of [bucket, accessLogs]) await createBucket(s3, region, b);
  await allowAccessLogs(s3, accessLogs);
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: trailDelivery(bucket, COMPLIANT_ACCOUNT) }),
    }),
  );
  await s3.send(
    new PutBucketLoggingCommand({
      Bucket: bucket,
      BucketLoggingStatus: { LoggingEnabled: { TargetBucket: accessLogs, TargetPrefix: 'trail/' } },
    }),
  );
  s3.destroy();
  const kms = new KMSClient(cfg);
  const key = (await kms.send(new CreateKeyCommand({ Description: `trail logs ${suffix}` }))).KeyMetadata!;
  await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId! }));
  kms.destroy();
  const cloudtrail = new CloudTrailClient(cfg);
  const Name = `data-events-${suffix}`;
  await cloudtrail.send(
    new CreateTrailCommand({ Name, S3BucketName: bucket, IsMultiRegionTrail: true, EnableLogFileValidation: true, KmsKeyId: key.Arn! }),
  );
  await cloudtrail.send(
    new PutEventSelectorsCommand({
      TrailName: Name,
      AdvancedEventSelectors: [
        { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        {
          Name: 'S3 objects of every bucket but the trail’s own',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            { Field: 'resources.ARN', NotStartsWith: [`arn:aws:s3:::${bucket}/`] },
          ],
        },
      ],
    }),
  );
  await cloudtrail.send(new StartLoggingCommand({ Name }));
  // Its failing twin: a single-region trail without a KMS key, to a bucket without access logging.
  const plainBucket = `plain-trail-logs-${suffix}`;
  const plainTrail = `plain-trail-${suffix}`;
  const s3again = new S3Client(cfg);
  await createBucket(s3again, region, plainBucket);
  await s3again.send(
    new PutBucketPolicyCommand({
      Bucket: plainBucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: trailDelivery(plainBucket, COMPLIANT_ACCOUNT) }),
    }),
  );
  s3again.destroy();
  await cloudtrail.send(new CreateTrailCommand({ Name: plainTrail, S3BucketName: plainBucket, EnableLogFileValidation: true }));
  await cloudtrail.send(new StartLoggingCommand({ Name: plainTrail }));
  cloudtrail.destroy();
  return { trail: Name, bucket, plainTrail, plainBucket };
}

/** A configuration recorder with this recording group (the compliant account: one recorder per region). */
async function seedRecorder(cfg: MotoClientConfig, name: string, roleARN: string, recordingGroup: RecordingGroup): Promise<string> {
  const config = new ConfigServiceClient(cfg);
  await config.send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name, roleARN, recordingGroup } }));
  config.destroy();
  return name;
}

export const seedLogging: BreadthSeeder = async (ctx) => {
  const [first, second] = [ctx.regions[0]!, ctx.regions[1] ?? ctx.regions[0]!];
  const twins = [...(await seedKeys(ctx.main(first), ctx.suffix)), ...(await seedBuckets(ctx.main(first), first, ctx.suffix))];
  const compliant = await seedCompliantTrail(ctx.compliant(first), first, ctx.suffix);
  const role = ctx.roleArn.replace(MAIN_ACCOUNT, COMPLIANT_ACCOUNT);
  const recorders = {
    full: await seedRecorder(ctx.compliant(first), `recorder-${ctx.suffix}`, role, {
      allSupported: true,
      includeGlobalResourceTypes: true,
    }),
    partial: await seedRecorder(ctx.compliant(second), `partial-recorder-${ctx.suffix}`, role, {
      allSupported: false,
      includeGlobalResourceTypes: false,
      resourceTypes: ['AWS::EC2::Instance', 'AWS::S3::Bucket'],
      recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
    }),
  };
  const inCompliant = (id: string, region = first) => ({ id, region, account: 'compliant' as const });
  twins.push(
    { rule: 'cloudtrail-trail-not-kms-encrypted', fail: inCompliant(compliant.plainTrail), pass: inCompliant(compliant.trail) },
    { rule: 's3-cloudtrail-bucket-access-logging-disabled', fail: inCompliant(compliant.plainBucket), pass: inCompliant(compliant.bucket) },
    {
      rule: 'cloudtrail-no-s3-object-write-events',
      fail: { id: MAIN_ACCOUNT, region: 'global' },
      pass: inCompliant(COMPLIANT_ACCOUNT, 'global'),
    },
    {
      rule: 'cloudtrail-no-s3-object-read-events',
      fail: { id: MAIN_ACCOUNT, region: 'global' },
      pass: inCompliant(COMPLIANT_ACCOUNT, 'global'),
    },
    // Every account of the scenario has a logging trail: only the compliant twin.
    { rule: 'cloudtrail-no-trail-logging', pass: { id: MAIN_ACCOUNT, region: 'global' } },
    {
      rule: 'config-recorder-not-recording-all-resources',
      fail: inCompliant(recorders.partial, second),
      pass: inCompliant(recorders.full),
    },
  );
  return twins;
};
