// Issue 6, acceptance 3: in a moto account, a bucket is made public; the trail's record of it
// sits in the S3 archive; a scan of the account with --cloudtrail names that event as the
// bucket finding's last change, in JSON, SARIF and HTML.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutBucketAclCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { sarifProblems } from './support/sarif.js';
import { sdkConfig, startMoto, type MotoServer } from './support/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const BUCKET = 'made-public-later';
const ARCHIVE = 'trail-archive';
const ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: REGION,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PROFILE: undefined,
};

/** A record in the shape CloudTrail delivers for an S3 management call. */
function record(eventName: string, eventTime: string, eventID: string, requestParameters: Record<string, unknown>, userName: string) {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEPRINCIPAL1',
      arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
      accountId: ACCOUNT,
      userName,
    },
    eventTime,
    eventSource: 's3.amazonaws.com',
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '198.51.100.23',
    userAgent: '[aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 command/s3api]',
    requestParameters: { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com`, ...requestParameters },
    responseElements: null,
    requestID: eventID.slice(0, 16).toUpperCase(),
    eventID,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

let moto: MotoServer | undefined;
let dir: string;
let scan: Awaited<ReturnType<typeof runCli>>;

beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client(sdkConfig(moto.endpoint, REGION));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketAclCommand({ Bucket: BUCKET, ACL: 'public-read' }));
  await s3.send(new CreateBucketCommand({ Bucket: ARCHIVE }));
  const records = [
    record('CreateBucket', '2026-11-20T09:00:00Z', '0a7e0000-0000-4000-8000-000000000101', {}, 'deployer'),
    record(
      'PutBucketAcl',
      '2026-11-20T09:30:00Z',
      '0a7e0000-0000-4000-8000-000000000102',
      { acl: [''], 'x-amz-acl': ['public-read'] },
      'django-admin',
    ),
  ];
  const key = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/11/20/${ACCOUNT}_CloudTrail_${REGION}_20261120T0935Z_abcdefgh12345678.json.gz`;
  await s3.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: key, Body: gzipSync(JSON.stringify({ Records: records })) }));
  dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-attribution-'));
  scan = await runCli(
    [
      'scan',
      '--account',
      '--endpoint-url',
      moto.endpoint,
      '--regions',
      REGION,
      '--only',
      's3-bucket-public-acl',
      '--cloudtrail',
      `s3://${ARCHIVE}`,
      '--since',
      '2026-11-19',
      '--until',
      '2026-11-21',
      '--format',
      'json,sarif,html',
      '--output-dir',
      dir,
      '--quiet',
    ],
    { env: ENV },
  );
}, 180_000);

afterAll(async () => {
  await moto?.stop();
});

describe('attribution of a live finding to the event that caused it (moto + S3 archive)', () => {
  it('the scan finds the public bucket (exit 1)', () => {
    expect(scan.code, scan.stderr).toBe(1);
  });

  it('JSON: the finding names the PutBucketAcl, not the earlier CreateBucket', () => {
    const report = JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8'));
    const finding = report.findings.find(
      (f: { ruleId: string; resource: { id: string } }) => f.ruleId === 's3-bucket-public-acl' && f.resource.id === BUCKET,
    );
    expect(finding).toBeDefined();
    expect(finding.attribution).toMatchObject({
      eventName: 'PutBucketAcl',
      eventTime: '2026-11-20T09:30:00Z',
      eventID: '0a7e0000-0000-4000-8000-000000000102',
      principalArn: `arn:aws:iam::${ACCOUNT}:user/django-admin`,
      sourceIPAddress: '198.51.100.23',
    });
  });

  it('SARIF: the result carries the attribution and says it in its message; GitHub rules pass', () => {
    const file = path.join(dir, 'awsaudit.sarif');
    expect(sarifProblems(file)).toEqual([]);
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    const result = sarif.runs[0].results.find((r: { properties: { resourceId: string } }) => r.properties.resourceId === BUCKET);
    expect(result.properties.attribution.eventName).toBe('PutBucketAcl');
    expect(result.message.text).toContain(`Last change: PutBucketAcl at 2026-11-20T09:30:00Z by arn:aws:iam::${ACCOUNT}:user/django-admin`);
  });

  it('HTML: the finding row shows the last change', () => {
    const page = readFileSync(path.join(dir, 'awsaudit.html'), 'utf8');
    expect(page).toMatch(
      /Last change: <code>PutBucketAcl<\/code> at 2026-11-20T09:30:00Z by <code>arn:aws:iam::123456789012:user\/django-admin<\/code>/,
    );
    expect(page).toContain('0a7e0000-0000-4000-8000-000000000102');
  });
});
