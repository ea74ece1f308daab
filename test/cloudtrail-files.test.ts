// CloudTrail from local files: detections on the real Stratus Red Team logs read from disk,
// corrupt files, the worker and single-thread paths, attribution on the demo account, leaked keys.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { evaluateEvents, type EventsResult } from '../src/cloudtrail/pipeline.js';
import { buildResults } from '../src/engine/results.js';
import { fileSource } from '../src/cloudtrail/sources/files.js';
import { compileRule } from '../src/ruleset/load.js';
import { loadAllRules } from '../src/ruleset/select.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import {
  CLOUDTRAIL_FIXTURES,
  INVICTUS_DIR,
  STRATUS_DIR,
  allRecords,
  countWhere,
  invictusFiles,
  stratusFiles,
} from './support/cloudtrail.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'awsaudit-ct-'));
interface Report {
  findings: Array<{
    fingerprint: string;
    ruleId: string;
    severity: string;
    message: string;
    resource: { type: string; id: string; account: string };
    attribution?: Record<string, string>;
    costMonthlyUsd?: number;
  }>;
  rules: Array<{ ruleId: string; evaluated: number; failed: number; passed: number; undecided: number; status: string; complete: boolean }>;
  gaps: Array<{ service: string; operation: string; errorCode: string; message: string }>;
  scan: { source: string; notes: string[]; cloudtrail?: { events: number; records: number; chunks: number } };
}
const byRule = (report: Report) => {
  const out: Record<string, number> = {};
  for (const f of report.findings) out[f.ruleId] = (out[f.ruleId] ?? 0) + 1;
  return out;
};
async function scanJson(args: string[]): Promise<{ code: number; report: Report; stderr: string; stdout: string }> {
  const r = await runCli(['scan', '--format', 'json', '--output', 'json=-', '--fail-on', 'none', ...args]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr, stdout: r.stdout };
}

describe('the Stratus Red Team detonation logs, read from disk', async () => {
  const records = allRecords(stratusFiles());
  const { report, code } = await scanJson(['--cloudtrail', STRATUS_DIR]);

  it('reads all 310 events of the 35 files, with no gap, and only the CloudTrail rules run', () => {
    expect(code).toBe(0);
    expect(records).toHaveLength(310);
    expect(report.scan.cloudtrail).toMatchObject({ events: 310, records: 310, chunks: 35 });
    expect(report.gaps).toEqual([]);
    expect(report.rules.every((r) => r.ruleId.startsWith('cloudtrail-'))).toBe(true);
    expect(report.rules.find((r) => r.ruleId === 'cloudtrail-logging-tampered')).toMatchObject({
      evaluated: 310,
      status: 'fail',
      complete: true,
    });
  });

  it('detects exactly the trail tampering, user/key/password creation, admin policies, SSH opened to the world and the console login without MFA in the files', () => {
    const expected = {
      'cloudtrail-logging-tampered': countWhere(records, [
        'StopLogging',
        'DeleteTrail',
        'PutEventSelectors',
        'DeleteFlowLogs',
        'DeleteResolverQueryLogConfig',
      ]),
      'cloudtrail-iam-credentials-created': countWhere(records, ['CreateAccessKey', 'CreateUser', 'CreateLoginProfile'], {
        successOnly: true,
      }),
      'cloudtrail-admin-policy-attached': records.filter(
        (r) =>
          /^Attach(User|Role|Group)Policy$/.test(r.eventName) &&
          /\/AdministratorAccess$/.test(String((r.requestParameters as { policyArn?: string }).policyArn)),
      ).length,
      'cloudtrail-security-group-opened-to-internet': records.filter(
        (r) =>
          r.eventName === 'AuthorizeSecurityGroupIngress' &&
          /\/0$/.test(String((r.requestParameters as { cidrIp?: string }).cidrIp)) &&
          (r.requestParameters as { fromPort?: number }).fromPort === 22,
      ).length,
      'cloudtrail-console-login-without-mfa': records.filter(
        (r) => r.eventName === 'ConsoleLogin' && (r.additionalEventData as { MFAUsed?: string }).MFAUsed === 'No',
      ).length,
      // The threat families: each detonation's own call (the files hold no other call of these names that adds or opens something).
      'cloudtrail-account-left-organization': countWhere(records, ['LeaveOrganization']),
      'cloudtrail-ec2-user-data-changed': records.filter(
        (r) => r.eventName === 'ModifyInstanceAttribute' && 'userData' in (r.requestParameters as object),
      ).length,
      'cloudtrail-snapshot-or-image-shared': countWhere(records, [
        'ModifySnapshotAttribute',
        'ModifyImageAttribute',
        'ModifyDBSnapshotAttribute',
      ]),
      'cloudtrail-role-trust-opened': records.filter(
        (r) =>
          ['UpdateAssumeRolePolicy', 'CreateRole'].includes(r.eventName) &&
          /arn:aws:iam::193672423079:root/.test(JSON.stringify(r.requestParameters)),
      ).length,
      'cloudtrail-console-password-set-for-other-user': countWhere(records, ['CreateLoginProfile', 'UpdateLoginProfile']),
      'cloudtrail-resource-policy-made-public': records.filter(
        (r) => r.eventName === 'AddPermission20150331v2' && (r.requestParameters as { principal?: string }).principal === '*',
      ).length,
      'cloudtrail-lambda-code-changed': records.filter(
        (r) =>
          r.eventName === 'UpdateFunctionCode20150331v2' ||
          (r.eventName === 'UpdateFunctionConfiguration20150331v2' && 'layers' in (r.requestParameters as object)),
      ).length,
      'cloudtrail-identity-provider-changed': countWhere(records, ['CreateTrustAnchor']),
    };
    // The same numbers, checked by hand in the files (one detonation per technique).
    expect(expected).toEqual({
      'cloudtrail-logging-tampered': 5,
      'cloudtrail-iam-credentials-created': 4,
      'cloudtrail-admin-policy-attached': 2,
      'cloudtrail-security-group-opened-to-internet': 1,
      'cloudtrail-console-login-without-mfa': 1,
      'cloudtrail-account-left-organization': 1,
      'cloudtrail-ec2-user-data-changed': 1,
      'cloudtrail-snapshot-or-image-shared': 3,
      'cloudtrail-role-trust-opened': 2,
      'cloudtrail-console-password-set-for-other-user': 2,
      'cloudtrail-resource-policy-made-public': 1,
      'cloudtrail-lambda-code-changed': 2,
      'cloudtrail-identity-provider-changed': 1,
    });
    expect(byRule(report)).toEqual(expected);
    const tampering = report.findings
      .filter((f) => f.ruleId === 'cloudtrail-logging-tampered')
      .map((f) => f.message.split(' ')[0])
      .sort();
    expect(tampering).toEqual(['DeleteFlowLogs', 'DeleteResolverQueryLogConfig', 'DeleteTrail', 'PutEventSelectors', 'StopLogging']);
  });
});

describe('unreadable files are reported as gaps and skipped; the rest goes on', async () => {
  const dir = tmp();
  const good = invictusFiles().find((f) =>
    f.records.some(
      (r) => r.eventName === 'AuthorizeSecurityGroupIngress' && (r.requestParameters as { fromPort?: number }).fromPort === 22,
    ),
  )!;
  const goodText = JSON.stringify({ Records: good.records });
  writeFileSync(path.join(dir, 'good.json.gz'), gzipSync(goodText));
  const gz = gzipSync(JSON.stringify({ Records: invictusFiles()[0]!.records }));
  writeFileSync(path.join(dir, 'truncated.json.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  writeFileSync(path.join(dir, 'not-gzip.json.gz'), 'this was never gzip, nor JSON\n');
  writeFileSync(
    path.join(dir, 'digest.json'),
    JSON.stringify({ awsAccountId: '123456789012', digestStartTime: '2023-07-10T11:00:00Z', logFiles: [] }),
  );
  writeFileSync(path.join(dir, 'README.txt'), 'not a log file name: ignored in a folder');
  const { report, stdout } = await scanJson(['--cloudtrail', dir]);
  const text = await runCli(['scan', '--cloudtrail', dir, '--fail-on', 'none', '--output-dir', dir]);

  it('names each bad file with what is wrong with it', () => {
    const gaps = Object.fromEntries(report.gaps.map((g) => [path.basename(g.operation), g.errorCode]));
    expect(gaps).toEqual({ 'truncated.json.gz': 'TruncatedFile', 'not-gzip.json.gz': 'InvalidFile', 'digest.json': 'NotCloudTrail' });
    expect(report.gaps.every((g) => g.service === 'cloudtrail')).toBe(true);
    expect(stdout).not.toContain('README.txt');
  });
  it('still evaluates the good file and the records before the cut, and no rule claims a clean result', () => {
    const cut = report.gaps.find((g) => g.errorCode === 'TruncatedFile')!;
    const salvaged = Number(/; (\d+) record\(s\) before the cut were read$/.exec(cut.message)?.[1]);
    expect(salvaged).toBeGreaterThan(0);
    expect(report.scan.cloudtrail).toMatchObject({ events: good.records.length + salvaged, chunks: 4 });
    expect(byRule(report)['cloudtrail-security-group-opened-to-internet']).toBe(1);
    expect(report.rules.every((r) => r.complete === false)).toBe(true);
    expect(text.stdout).toContain('Coverage gaps (3)');
    expect(text.stdout).toContain('Incomplete (not a clean result)');
  });
});

describe('the worker threads and this thread give the same result', async () => {
  const rules = (await loadAllRules([])).map((f) => compileRule(f, undefined, 'test').rule!);
  const run = (workers: number, wholeFileMaxBytes?: number) =>
    evaluateEvents([fileSource([CLOUDTRAIL_FIXTURES], wholeFileMaxBytes === undefined ? {} : { wholeFileMaxBytes })], rules, {
      now: new Date('2024-12-01T00:00:00Z'),
      window: {},
      workers,
      attribution: { mode: 'all' },
    });
  // The findings come in the order chunks finished; the results model sorts them.
  const comparable = (r: EventsResult) =>
    JSON.stringify({
      ...r,
      results: buildResults([r.results]),
      lastChangeByResource: [...r.lastChangeByResource].sort(([a], [b]) => (a < b ? -1 : 1)),
    });
  const [threads, inline, streamed] = await Promise.all([run(2), run(0), run(2, 1)]);

  it('findings, counts and attribution are identical, byte for byte', () => {
    expect(threads.stats.events).toBe(3210);
    // 33 before the threat families (logging, exposure, persistence, recovery, organisation rules) added 26: one per attack call in the files.
    expect(threads.results.findings.length).toBe(59);
    expect(threads.lastChangeByResource.size).toBe(88);
    expect(comparable(threads)).toBe(comparable(inline));
  });
  it('the streaming path (every file split into record batches on the way) finds the same events', () => {
    expect(buildResults([streamed.results])).toEqual(buildResults([threads.results]));
    expect(streamed.stats.events).toBe(threads.stats.events);
  });
  it('the streaming path reports a cut gzip stream after the records it could read', async () => {
    const dir = tmp();
    const gz = gzipSync(JSON.stringify({ Records: invictusFiles().flatMap((f) => f.records) }));
    writeFileSync(path.join(dir, 'cut.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.7)));
    const result = await evaluateEvents([fileSource([dir], { wholeFileMaxBytes: 1 })], rules, { now: new Date(), window: {}, workers: 2 });
    expect(result.gaps).toHaveLength(1);
    expect(result.gaps[0]).toMatchObject({ errorCode: 'TruncatedFile' });
    expect(result.gaps[0]!.message).toMatch(/^gzip stream ends early \(truncated file\); \d+ record\(s\) before the cut were read$/);
    expect(result.stats.events).toBeGreaterThan(1000);
    expect(result.stats.events).toBeLessThan(2900);
  });
});

describe('attribution: a finding on a resource names the last event that changed it', async () => {
  const events = path.join(ROOT, 'test', 'fixtures', 'cloudtrail-attribution', 'demo-account-events.json');
  const { report } = await scanJson(['--demo', '--cloudtrail', events]);
  const text = await runCli(['scan', '--demo', '--cloudtrail', events, '--fail-on', 'none', '--format', 'text']);
  const { report: withoutEvents } = await scanJson(['--demo']);

  it('the public bucket names the PutBucketAcl that made it public (not the earlier policy, the failed call, or another account)', () => {
    const bucket = report.findings.find((f) => f.ruleId === 's3-bucket-public-acl')!;
    expect(bucket.attribution).toEqual({
      eventName: 'PutBucketAcl',
      eventTime: '2026-11-20T09:30:00Z',
      eventID: '0a7e0002-0000-4000-8000-000000000002',
      eventSource: 's3.amazonaws.com',
      principalArn: 'arn:aws:iam::123456789012:user/django-admin',
      sourceIPAddress: '198.51.100.23',
      userAgent: '[aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3api.put-bucket-acl]',
    });
    expect(text.stdout).toContain(
      'last change: PutBucketAcl at 2026-11-20T09:30:00Z by arn:aws:iam::123456789012:user/django-admin from 198.51.100.23',
    );
  });
  it('the open security group names the AuthorizeSecurityGroupIngress; resources no event touched have none', () => {
    for (const f of report.findings.filter((x) => x.resource.id === 'sg-0a11c0ffee0000001')) {
      expect(f.attribution).toMatchObject({ eventName: 'AuthorizeSecurityGroupIngress', eventID: '0a7e0005-0000-4000-8000-000000000005' });
    }
    expect(report.findings.find((f) => f.ruleId === 'rds-instance-not-multi-az')!.attribution).toBeUndefined();
  });
  it('the events are also evaluated: the public ACL in both accounts, the denied attempt (at its own lower severity), and SSH opened', () => {
    const made = report.findings.filter((f) => f.ruleId === 'cloudtrail-s3-bucket-made-public');
    expect(made.map((f) => f.severity)).toEqual(['critical', 'critical', 'medium']);
    expect(made[2]!.message).toContain('It was denied (AccessDenied): an attempt, nothing changed.');
    expect(byRule(report)['cloudtrail-security-group-opened-to-internet']).toBe(1);
    // ... beside exactly the account's own findings, which the events do not change.
    const live = report.findings.filter((f) => f.resource.type !== 'aws.cloudtrail.event');
    expect(live.length).toBeGreaterThanOrEqual(7);
    expect(live.map((f) => f.fingerprint)).toEqual(withoutEvents.findings.map((f) => f.fingerprint));
  });
});

describe('the same events read twice (a copy of the archive, or two trails that log the same events)', async () => {
  const copy = path.join(tmp(), 'copy');
  mkdirSync(copy);
  for (const f of stratusFiles()) copyFileSync(path.join(STRATUS_DIR, f.name), path.join(copy, f.name));
  const [once, twice] = await Promise.all([
    scanJson(['--cloudtrail', STRATUS_DIR]),
    scanJson(['--cloudtrail', STRATUS_DIR, '--cloudtrail', copy]),
  ]);

  it('every record is read, and each event is one finding', () => {
    expect(twice.report.scan.cloudtrail).toMatchObject({ records: 620, events: 620 });
    expect(twice.report.findings.map((f) => f.fingerprint)).toEqual(once.report.findings.map((f) => f.fingerprint));
  });

  it('one counting: a rule counts each event once, like its findings (failed = findings, evaluated = distinct events = failed + passed)', () => {
    const onceRules = Object.fromEntries(once.report.rules.map((r) => [r.ruleId, r]));
    expect(twice.report.scan.cloudtrail).toMatchObject({ events: 620, distinctEvents: 310 });
    for (const r of twice.report.rules.filter((x) => x.ruleId !== 'cloudtrail-elastic-ip-allocated-not-associated')) {
      expect(r.failed, r.ruleId).toBe(byRule(twice.report)[r.ruleId] ?? 0);
      expect(r, r.ruleId).toMatchObject({
        evaluated: 310,
        failed: onceRules[r.ruleId]!.failed,
        passed: onceRules[r.ruleId]!.passed,
        undecided: onceRules[r.ruleId]!.undecided,
      });
      expect(r.evaluated, r.ruleId).toBe(r.failed + r.passed + r.undecided);
    }
    expect(twice.report.rules.find((r) => r.ruleId === 'cloudtrail-logging-tampered')).toMatchObject({
      evaluated: 310,
      failed: 5,
      passed: 305,
    });
  });
});

describe('calls made with a leaked key (--leaked-key-id; the file scanner feeds the same list)', async () => {
  const records = allRecords(stratusFiles());
  const key = 'AKIA5Q8Z0GHOBYSEN9D6'; // the Stratus file's pseudonymised key id (no secret exists)
  const { report, stdout } = await scanJson(['--cloudtrail', STRATUS_DIR, '--leaked-key-id', key]);
  it('flags every call signed with it, and never prints the key id', () => {
    const used = records.filter((r) => (r.userIdentity as { accessKeyId?: string }).accessKeyId === key).length;
    expect(used).toBe(1);
    expect(byRule(report)['cloudtrail-leaked-access-key-used']).toBe(used);
    expect(report.findings.find((f) => f.ruleId === 'cloudtrail-leaked-access-key-used')!.message).toContain('AKIA…N9D6');
    expect(stdout).not.toContain(key);
  });
  it('rejects a value that is not a key id', async () => {
    const r = await runCli(['scan', '--cloudtrail', STRATUS_DIR, '--leaked-key-id', 'hunter2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not access key ids');
  });
});

describe('Elastic IPs allocated and never associated (correlation over the whole stream)', () => {
  const alloc = '218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json';
  const release = '218007301253_CloudTrail_us-east-1_20230710T1215Z_MifI13MOmOjRfXzJ.json';
  it('the allocation alone, read up to the next day, is a cost finding; with its real release it is not', async () => {
    const dir = tmp();
    copyFileSync(path.join(INVICTUS_DIR, alloc), path.join(dir, alloc));
    const alone = await scanJson(['--cloudtrail', dir, '--until', '2023-07-10']);
    const eip = alone.report.findings.filter((f) => f.ruleId === 'cloudtrail-elastic-ip-allocated-not-associated');
    expect(eip.map((f) => f.resource.id)).toEqual(['eipalloc-08a083beb7e83dbc0']);
    expect(eip[0]!.costMonthlyUsd).toBe(3.65);
    expect(eip[0]!.attribution).toMatchObject({ eventName: 'AllocateAddress', principalArn: 'arn:aws:iam::123837392027:user/bert-jan' });
    copyFileSync(path.join(INVICTUS_DIR, release), path.join(dir, release));
    const both = await scanJson(['--cloudtrail', dir, '--until', '2023-07-10']);
    expect(byRule(both.report)['cloudtrail-elastic-ip-allocated-not-associated']).toBeUndefined();
    expect(both.report.rules.find((r) => r.ruleId === 'cloudtrail-elastic-ip-allocated-not-associated')).toMatchObject({
      evaluated: 1,
      failed: 0,
      status: 'pass',
    });
  });
  it('the whole invictus-ir set releases every address it allocates: no finding', async () => {
    const { report } = await scanJson(['--cloudtrail', INVICTUS_DIR, '--until', '2023-07-31']);
    expect(report.rules.find((r) => r.ruleId === 'cloudtrail-elastic-ip-allocated-not-associated')).toMatchObject({
      evaluated: 3,
      failed: 0,
    });
  });
});

describe('CloudTrail flags: mistakes are exit 2 with one line', () => {
  it('rejects api on evaluate, --since without a source, a missing path, a bad window', async () => {
    const demo = path.join(ROOT, 'demo', 'demo-account.snapshot.json');
    const cases: Array<[string[], RegExp]> = [
      [['evaluate', '--snapshot', demo, '--cloudtrail', 'api'], /reads the live account/],
      [['scan', '--demo', '--since', '7d'], /add --cloudtrail SOURCE/],
      [['scan', '--cloudtrail', 'no/such/folder'], /--cloudtrail no\/such\/folder/],
      [['scan', '--cloudtrail', STRATUS_DIR, '--since', 'yesterday-ish'], /not a date or a duration/],
      [['scan', '--cloudtrail', 'api'], /needs the regions/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined } });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
  it('a window on local files keeps only the events inside it', async () => {
    const records = allRecords(stratusFiles());
    const { report } = await scanJson(['--cloudtrail', STRATUS_DIR, '--since', '2024-08-01', '--until', '2024-08-01']);
    const inside = records.filter((r) => r.eventTime >= '2024-08-01T00:00:00Z' && r.eventTime < '2024-08-02T00:00:00Z').length;
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(310);
    expect(report.scan.cloudtrail).toMatchObject({ events: inside, records: 310 });
  });
});
