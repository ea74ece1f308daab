// The S3 archive path end to end: the invictus-ir files gzipped into moto's S3 under the real
// archive layout, scanned by the CLI with --cloudtrail s3://… --endpoint-url.
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { allRecords, countWhere, invictusFiles } from './support/cloudtrail.js';
import { sdkConfig, startMoto, type MotoServer } from './support/moto.js';

const BUCKET = 'ct-archive-218007301253';
const ARCHIVE = 'trail/AWSLogs/218007301253/CloudTrail/us-east-1';
const ORG = 'org/AWSLogs/o-a1b2c3d4e5/218007301253/CloudTrail/us-east-1';

let moto: MotoServer;
const invictus = invictusFiles();
const records = allRecords(invictus);
const ORG_FILES = invictus.filter((_, i) => i % 3 === 0);

interface Report {
  findings: Array<{ ruleId: string; message: string }>;
  rules: Array<{ ruleId: string; complete: boolean; evaluated: number }>;
  gaps: Array<{ operation: string; errorCode: string; region: string; message: string }>;
  scan: { cloudtrail: { events: number; records: number; chunks: number; sources: string[] } };
}

async function scan(url: string, extra: string[] = []): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await runCli(
    [
      'scan',
      '--cloudtrail',
      url,
      '--since',
      '2023-07-01',
      '--until',
      '2023-07-31',
      '--endpoint-url',
      moto.endpoint,
      '--format',
      'json',
      '--output',
      'json=-',
      '--fail-on',
      'none',
      ...extra,
    ],
    {
      env: {
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: undefined,
        AWS_PROFILE: undefined,
      },
    },
  );
  if (r.code !== 0) throw new Error(`scan failed (${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

const count = (report: Report, ruleId: string) => report.findings.filter((f) => f.ruleId === ruleId).length;

beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client(sdkConfig(moto.endpoint, 'us-east-1'));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const put = (Key: string, Body: Uint8Array | string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  // The archive as CloudTrail writes it: one gzipped {"Records": [...]} object per delivery.
  for (const f of invictus) await put(`${ARCHIVE}/2023/07/10/${f.name}.gz`, gzipSync(JSON.stringify({ Records: f.records })));
  // Outside the window (its records would be counted if the day were listed) and beside the logs.
  await put(
    `${ARCHIVE}/2023/06/10/218007301253_CloudTrail_us-east-1_20230610T0000Z_outside.json.gz`,
    gzipSync(JSON.stringify({ Records: invictus[0]!.records })),
  );
  await put(
    'trail/AWSLogs/218007301253/CloudTrail-Digest/us-east-1/2023/07/10/digest.json.gz',
    gzipSync('{"awsAccountId":"218007301253"}'),
  );
  // An organisation trail: a third of the files, plus an object cut in half.
  for (const f of ORG_FILES) await put(`${ORG}/2023/07/20/${f.name}.gz`, gzipSync(JSON.stringify({ Records: f.records })));
  const gz = gzipSync(JSON.stringify({ Records: invictus[0]!.records }));
  await put(`${ORG}/2023/07/20/218007301253_CloudTrail_us-east-1_20230720T0000Z_cut.json.gz`, gz.subarray(0, gz.length >> 1));
  s3.destroy();
});

afterAll(async () => {
  await moto?.stop();
});

describe('--cloudtrail s3://bucket/prefix over the invictus-ir archive', () => {
  it('reads every object of the window and only those (not June, not the digests)', async () => {
    const { report, stderr } = await scan(`s3://${BUCKET}/trail`);
    expect(report.scan.cloudtrail).toMatchObject({ events: 2900, records: 2900, chunks: 55, sources: [`s3://${BUCKET}/trail/`] });
    expect(report.gaps).toEqual([]);
    // Without AWS's ip-ranges.json the instance sessions calling from public addresses are undecided: that rule alone is incomplete.
    const undecided = (r: { ruleId: string }) => r.ruleId === 'cloudtrail-instance-credentials-used-outside-aws';
    expect(report.rules.every((r) => (r.complete || undecided(r)) && r.evaluated >= 0)).toBe(true);
    expect(report.rules.find(undecided)).toMatchObject({ complete: false });
    expect(stderr).toContain('2900 event(s), 2023-07-01T00:00:00Z to 2023-08-01T00:00:00Z, from 55 file(s)');
  });

  it('detects trail tampering, user and key creation, SSH opened to the world and the console login without MFA, with the exact counts', async () => {
    const { report } = await scan(`s3://${BUCKET}/trail`);
    const expected = {
      // Failed attempts count too (all 3 StopLogging calls here failed with TrailNotFoundException).
      StopLogging: countWhere(records, ['StopLogging']),
      DeleteTrail: countWhere(records, ['DeleteTrail']),
      PutEventSelectors: countWhere(records, ['PutEventSelectors']),
      DeleteFlowLogs: countWhere(records, ['DeleteFlowLogs']),
      credentials: countWhere(records, ['CreateAccessKey', 'CreateUser', 'CreateLoginProfile'], { successOnly: true }),
      ssh: records.filter(
        (r) =>
          r.eventName === 'AuthorizeSecurityGroupIngress' &&
          JSON.stringify(r.requestParameters).includes('"cidrIp":"0.0.0.0/0"') &&
          (r.requestParameters as { fromPort?: number }).fromPort === 22,
      ).length,
      noMfa: records.filter((r) => r.eventName === 'ConsoleLogin' && (r.additionalEventData as { MFAUsed?: string }).MFAUsed === 'No')
        .length,
    };
    expect(expected).toEqual({ StopLogging: 3, DeleteTrail: 3, PutEventSelectors: 2, DeleteFlowLogs: 1, credentials: 8, ssh: 1, noMfa: 1 });
    const tampering = report.findings.filter((f) => f.ruleId === 'cloudtrail-logging-tampered').map((f) => f.message.split(' ')[0]!);
    for (const name of ['StopLogging', 'DeleteTrail', 'PutEventSelectors', 'DeleteFlowLogs'] as const) {
      expect(tampering.filter((n) => n === name).length, name).toBe(expected[name]);
    }
    expect(tampering).toHaveLength(9);
    expect(count(report, 'cloudtrail-iam-credentials-created')).toBe(expected.credentials);
    expect(count(report, 'cloudtrail-security-group-opened-to-internet')).toBe(expected.ssh);
    expect(count(report, 'cloudtrail-console-login-without-mfa')).toBe(expected.noMfa);
    expect(count(report, 'cloudtrail-admin-policy-attached')).toBe(2);
    // The threat families (one finding per attack call of the simulation: checked one by one in the rules' own cases).
    expect(
      Object.fromEntries(
        [
          'cloudtrail-snapshot-or-image-shared',
          'cloudtrail-console-password-set-for-other-user',
          'cloudtrail-lambda-code-changed',
          'cloudtrail-account-left-organization',
          'cloudtrail-identity-provider-changed',
          'cloudtrail-rds-recovery-removed',
          'cloudtrail-resource-policy-made-public',
          'cloudtrail-role-trust-opened',
        ].map((id) => [id, count(report, id)]),
      ),
    ).toEqual({
      'cloudtrail-snapshot-or-image-shared':
        countWhere(records, ['ModifySnapshotAttribute', 'ModifyImageAttribute', 'ModifyDBSnapshotAttribute']) - 3,
      'cloudtrail-console-password-set-for-other-user': countWhere(records, ['CreateLoginProfile']),
      'cloudtrail-lambda-code-changed': countWhere(records, ['UpdateFunctionCode20150331v2']),
      'cloudtrail-account-left-organization': countWhere(records, ['LeaveOrganization']),
      'cloudtrail-identity-provider-changed': countWhere(records, ['CreateTrustAnchor']),
      'cloudtrail-rds-recovery-removed': countWhere(records, ['DeleteDBSnapshot']),
      'cloudtrail-resource-policy-made-public': countWhere(records, ['AddPermission20150331v2']),
      'cloudtrail-role-trust-opened': 1,
    });
    expect(report.findings).toHaveLength(33);
  });

  it('a window that misses the day reads nothing, and says so', async () => {
    const r = await runCli(
      [
        'scan',
        '--cloudtrail',
        `s3://${BUCKET}/trail`,
        '--since',
        '2023-08-01',
        '--until',
        '2023-08-03',
        '--endpoint-url',
        moto.endpoint,
        '--format',
        'json',
        '--output',
        'json=-',
      ],
      {
        env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' },
      },
    );
    const report = JSON.parse(r.stdout) as Report & { scan: { notes: string[] } };
    expect(report.scan.cloudtrail.events).toBe(0);
    expect(report.scan.notes.join('\n')).toMatch(/no CloudTrail log objects/);
  });
});

describe('an organisation trail (AWSLogs/<org-id>/<account>/…) with a damaged object', () => {
  it('finds the accounts under the organisation, reads the good objects and reports the cut one', async () => {
    const { report } = await scan(`s3://${BUCKET}/org`);
    const orgRecords = allRecords(ORG_FILES);
    expect(report.gaps).toEqual([
      expect.objectContaining({
        operation: `s3://${BUCKET}/${ORG}/2023/07/20/218007301253_CloudTrail_us-east-1_20230720T0000Z_cut.json.gz`,
        errorCode: 'TruncatedFile',
        region: 'us-east-1',
      }),
    ]);
    // The records before the cut are read too (the object is read again as a stream).
    const salvaged = Number(/; (\d+) record\(s\) before the cut were read$/.exec(report.gaps[0]!.message)?.[1]);
    expect(salvaged).toBeGreaterThan(0);
    expect(report.scan.cloudtrail).toMatchObject({ events: orgRecords.length + salvaged, chunks: ORG_FILES.length + 1 });
    expect(count(report, 'cloudtrail-logging-tampered')).toBe(
      countWhere(orgRecords, ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'DeleteFlowLogs']),
    );
    expect(count(report, 'cloudtrail-logging-tampered')).toBeGreaterThan(0);
    expect(report.rules.every((r) => !r.complete)).toBe(true);
  });
  it('a missing bucket stops the run with exit 2', async () => {
    const r = await runCli(['scan', '--cloudtrail', 's3://no-such-bucket-here', '--endpoint-url', moto.endpoint], {
      env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such bucket');
  });
});
