// One AWS access layer: the CloudTrail sources (LookupEvents, the trail's S3 archive) take their
// clients from the same pool as the collectors, so --profile, the profile's region,
// --endpoint-url and --max-attempts apply to them as to collection. The account is a moto
// server behind a small proxy that notes who signed each request and answers LookupEvents
// (which moto does not implement) with a recorded page in CloudTrail's wire shape.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutBucketAclCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A process of its own per run: profile and credential resolution is under test, and the SDK keeps what it read of the config files per process.
import { spawnCli as runCli } from './support/cli.js';
import { importsOf, sdkPackages } from './support/imports.js';
import { MOTO_CLI_ENV, sdkConfig, startMoto, type MotoServer } from './support/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const PROFILE_KEY_ID = 'AKIAPRODPROFILE00001';
const BUCKET = 'made-public';
const ARCHIVE = 'trail-archive';

/** A CloudTrail record of a StopLogging call (a `cloudtrail-logging-tampered` finding). */
function stopLogging(eventID: string, eventTime: string) {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEPRINCIPAL1',
      arn: `arn:aws:iam::${ACCOUNT}:user/mallory`,
      accountId: ACCOUNT,
      userName: 'mallory',
    },
    eventTime,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    awsRegion: REGION,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: { name: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/account-trail` },
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

interface Signed {
  keyId: string;
  region: string;
  service: string;
  target: string | undefined;
}

let moto: MotoServer | undefined;
let proxy: Server;
let endpoint: string;
let signed: Signed[] = [];
/** LookupEvents requests to answer with ThrottlingException before answering normally. */
let throttleLookups = 0;
let env: Record<string, string | undefined>;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

function lookupEvents(res: ServerResponse): void {
  if (throttleLookups > 0) {
    throttleLookups--;
    return reply(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
  }
  const record = stopLogging('5e1f0000-0000-4000-8000-000000000001', '2026-11-20T10:00:00Z');
  reply(res, 200, {
    Events: [
      {
        EventId: record.eventID,
        EventName: record.eventName,
        ReadOnly: 'false',
        EventTime: Date.parse(record.eventTime) / 1000,
        EventSource: record.eventSource,
        Username: 'mallory',
        Resources: [],
        CloudTrailEvent: JSON.stringify(record),
      },
    ],
  });
}

beforeAll(async () => {
  moto = await startMoto();
  const upstream = new URL(moto.endpoint);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization));
      const target = req.headers['x-amz-target'] as string | undefined;
      signed.push({ keyId: scope?.[1] ?? '(unsigned)', region: scope?.[2] ?? '', service: scope?.[3] ?? '', target });
      if (target === 'CloudTrail_20131101.LookupEvents') return lookupEvents(res);
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => res.writeHead(502).end(String(error)));
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  // The account: a public bucket (a live finding), and the trail's archive with one delivery file.
  const s3 = new S3Client(sdkConfig(moto.endpoint, REGION));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await s3.send(new PutBucketAclCommand({ Bucket: BUCKET, ACL: 'public-read' }));
  await s3.send(new CreateBucketCommand({ Bucket: ARCHIVE, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  const key = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/11/20/${ACCOUNT}_CloudTrail_${REGION}_20261120T1005Z_abcdefgh12345678.json.gz`;
  await s3.send(
    new PutObjectCommand({
      Bucket: ARCHIVE,
      Key: key,
      Body: gzipSync(JSON.stringify({ Records: [stopLogging('5e1f0000-0000-4000-8000-000000000002', '2026-11-20T10:01:00Z')] })),
    }),
  );
  s3.destroy();

  // A profile in files of its own: its keys and its region, and nothing in the environment.
  const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-profile-'));
  writeFileSync(path.join(dir, 'config'), `[profile prod]\nregion = ${REGION}\n`);
  writeFileSync(
    path.join(dir, 'credentials'),
    `[prod]\naws_access_key_id = ${PROFILE_KEY_ID}\naws_secret_access_key = prodProfileSecretKeyForTheEmulatorOnly0001\n`,
  );
  env = {
    ...MOTO_CLI_ENV,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_CONFIG_FILE: path.join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
  };
}, 180_000);

afterAll(async () => {
  await new Promise<void>((resolve) => {
    proxy?.closeAllConnections();
    if (proxy) proxy.close(() => resolve());
    else resolve();
  });
  await moto?.stop();
});

interface Report {
  findings: Array<{ ruleId: string; resource: { id: string; region: string } }>;
  gaps: Array<{ region: string; operation: string; errorCode: string; message: string }>;
  scan: { cloudtrail?: { events: number } };
}

async function scan(args: string[]) {
  signed = [];
  const r = await runCli(
    [
      'scan',
      '--profile',
      'prod',
      '--endpoint-url',
      endpoint,
      '--only',
      's3-bucket-public-acl,cloudtrail-logging-tampered',
      '--since',
      '2026-11-19',
      '--until',
      '2026-11-21',
      '--now',
      '2026-11-21T00:00:00Z',
      '--format',
      'json',
      '--output',
      'json=-',
      '--quiet',
      ...args,
    ],
    { env },
  );
  return { ...r, report: r.code === 2 ? undefined : (JSON.parse(r.stdout) as Report), requests: [...signed] };
}

describe('a scan imports only the SDK clients its rules need', () => {
  it('one RDS rule: STS (identity) and RDS; S3 rules: S3 and S3 Control', async () => {
    const base = ['scan', '--profile', 'prod', '--endpoint-url', endpoint, '--format', 'json', '--output', 'json=-', '--quiet'];
    const rds = await importsOf([...base, '--only', 'rds-instance-not-multi-az'], env);
    expect(rds.code, rds.stderr).toBe(0);
    expect(sdkPackages(rds.urls)).toEqual(['@aws-sdk/client-rds', '@aws-sdk/client-sts', '@aws-sdk/credential-provider-node']);
    const s3 = await importsOf([...base, '--only', 's3-bucket-public-acl'], env);
    expect(s3.code, s3.stderr).toBe(1);
    expect(sdkPackages(s3.urls)).toEqual([
      '@aws-sdk/client-s3',
      '@aws-sdk/client-s3-control',
      '@aws-sdk/client-sts',
      '@aws-sdk/credential-provider-node',
    ]);
  });
});

describe('--profile applies to the CloudTrail sources as to collection', () => {
  it('scan --account --profile prod --cloudtrail api: LookupEvents is signed with the profile, in its region', async () => {
    const r = await scan(['--account', '--cloudtrail', 'api']);
    expect(r.stderr).not.toMatch(/no AWS credentials/);
    expect(r.code, r.stderr).toBe(1);
    const rules = r.report!.findings.map((f) => `${f.ruleId} ${f.resource.id}`);
    expect(rules).toContain(`s3-bucket-public-acl ${BUCKET}`);
    expect(rules).toContain('cloudtrail-logging-tampered 5e1f0000-0000-4000-8000-000000000001');
    expect(r.report!.gaps).toEqual([]);
    const lookups = r.requests.filter((s) => s.target === 'CloudTrail_20131101.LookupEvents');
    expect(lookups).toEqual([{ keyId: PROFILE_KEY_ID, region: REGION, service: 'cloudtrail', target: 'CloudTrail_20131101.LookupEvents' }]);
    // Collection and the events alike: every request is signed with the profile's key.
    expect(r.requests.length).toBeGreaterThan(lookups.length);
    expect(new Set(r.requests.map((s) => s.keyId))).toEqual(new Set([PROFILE_KEY_ID]));
  });

  it('scan --account --profile prod --cloudtrail s3://archive: the archive is read with the profile', async () => {
    const r = await scan(['--account', '--cloudtrail', `s3://${ARCHIVE}`]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.report!.scan.cloudtrail?.events).toBe(1);
    expect(r.report!.findings.map((f) => f.ruleId).sort()).toEqual(['cloudtrail-logging-tampered', 's3-bucket-public-acl']);
    expect(r.report!.gaps).toEqual([]);
    expect(r.requests.some((s) => s.service === 's3' && s.target === undefined)).toBe(true);
    expect(new Set(r.requests.map((s) => s.keyId))).toEqual(new Set([PROFILE_KEY_ID]));
  });

  it('--max-attempts applies to LookupEvents: one attempt, and a throttled first page leaves nothing read (exit 2, saying why)', async () => {
    throttleLookups = 1;
    const r = await scan(['--cloudtrail', 'api', '--max-attempts', '1']);
    throttleLookups = 0;
    // The events were the scan's only source and none could be read: the tool could not do its job.
    expect(r.code, r.stderr).toBe(2);
    expect(r.requests.filter((s) => s.target === 'CloudTrail_20131101.LookupEvents')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^awsaudit: nothing could be read from --cloudtrail: .*LookupEvents: ThrottlingException .*still ThrottlingException after 1 attempts/,
    );
  });
});
