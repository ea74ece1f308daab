// `awsaudit import` end to end: the moto account of the scenario is collected live (every
// type), the answers are written as the AWS CLI prints them (support/cli-dump.ts), imported
// into a snapshot, and both snapshots are evaluated with the same rules and clock. Rules whose
// calls import reads give the same findings; every other rule is a gap, never a pass.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_CALLS } from '../src/import/calls.js';
import { dumpScript } from '../src/import/script.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { recordCliDump, type Recording } from './support/cli-dump.js';
import { startMoto, type MotoServer } from './support/moto.js';
import { seedNotesScenario } from './support/notes-scenario.js';
import { tempDir } from './support/snapshots.js';

const REGIONS = ['us-east-1', 'ap-northeast-2'];
const LATER = new Date(Date.now() + 200 * 86_400_000).toISOString();

/** The types the brief's services cover: IAM, EC2, S3, RDS, CloudTrail and Config, read whole from CLI outputs. */
const IMPORTED_TYPES = [
  'aws.account',
  'aws.iam.user',
  'aws.iam.access-key',
  'aws.iam.group',
  'aws.iam.role',
  'aws.iam.policy',
  'aws.iam.root-user',
  'aws.iam.password-policy',
  'aws.iam.server-certificate',
  'aws.iam.virtual-mfa-device',
  'aws.ec2.security-group',
  'aws.ec2.instance',
  'aws.ec2.instance-user-data',
  'aws.ec2.volume',
  'aws.ec2.elastic-ip',
  'aws.ec2.vpc',
  'aws.ec2.subnet',
  'aws.ec2.route-table',
  'aws.ec2.internet-gateway',
  'aws.ec2.nat-gateway',
  'aws.ec2.network-acl',
  'aws.ec2.network-interface',
  'aws.ec2.flow-log',
  'aws.ec2.vpc-endpoint',
  'aws.ec2.snapshot',
  'aws.ec2.snapshot-permissions',
  'aws.ec2.launch-template',
  'aws.ec2.ebs-encryption-by-default',
  'aws.s3.bucket',
  'aws.s3.account-public-access-block',
  'aws.s3.bucket-lifecycle',
  'aws.s3.bucket-notifications',
  'aws.s3.bucket-object-lock',
  'aws.rds.db-instance',
  'aws.rds.db-cluster',
  'aws.rds.db-snapshot',
  'aws.rds.db-snapshot-attributes',
  'aws.rds.event-subscriptions',
  'aws.cloudtrail.trail',
  'aws.config.recorder',
  // And the other services.
  'aws.kms.key',
  'aws.kms.key-policy',
  'aws.kms.key-rotation',
  'aws.lambda.function',
  'aws.lambda.function-policy',
  'aws.logs.log-group',
  'aws.logs.metric-filter',
  'aws.cloudwatch.alarm',
  'aws.sns.topic',
  'aws.sns.subscription',
  'aws.efs.file-system',
  'aws.efs.backup-policy',
  'aws.efs.mount-target',
  'aws.efs.access-point',
  'aws.elb.load-balancer',
  'aws.elb.load-balancer-attributes',
  'aws.elbv2.load-balancer',
  'aws.elbv2.listener',
  'aws.elbv2.load-balancer-attributes',
  'aws.elbv2.load-balancer-targets',
  'aws.guardduty.detector',
  'aws.securityhub.hub',
  'aws.accessanalyzer.analyzers',
  'aws.macie.session',
  'aws.account.contacts',
];

interface Finding {
  fingerprint: string;
  ruleId: string;
  message: string;
  severity: string;
  resource: { type: string; id: string; region: string };
}
interface RuleResult {
  ruleId: string;
  resource: string;
  status: string;
  gaps: Array<{ operation: string; errorCode: string }>;
  missingTypes: string[];
}
interface Report {
  findings: Finding[];
  rules: RuleResult[];
  gaps: Array<{ operation: string; errorCode: string; resourceTypes: string[] }>;
}
interface SnapshotFile {
  meta: { source: string; accounts: string[]; regions: string[]; resourceTypes: string[] };
  resources: Array<{ type: string; id: string; region: string; data: unknown }>;
  gaps: Array<{ operation: string; errorCode: string; resourceTypes: string[]; message: string }>;
}

let moto: MotoServer | undefined;
let recording: Recording;
const dir = tempDir('awsaudit-import-');
const dump = path.join(dir, 'dump');
const liveFile = path.join(dir, 'live.snapshot.json');
const importedFile = path.join(dir, 'imported.snapshot.json');
let imported: SnapshotFile;
let importRun: Awaited<ReturnType<typeof runCli>>;
let live: Report;
let fromImport: Report;

async function evaluate(snapshot: string): Promise<Report> {
  const r = await runCli([
    'evaluate',
    '--snapshot',
    snapshot,
    '--now',
    LATER,
    '-f',
    'json',
    '--output',
    'json=-',
    '--fail-on',
    'none',
    '-q',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

beforeAll(async () => {
  moto = await startMoto();
  await seedNotesScenario(moto.endpoint, REGIONS);
  recording = await recordCliDump(moto.endpoint, REGIONS, dump);
  writeFileSync(liveFile, JSON.stringify(recording.snapshot));
  importRun = await runCli(['import', dump, '-o', importedFile, '--types', 'all']);
  imported = JSON.parse(readFileSync(importedFile, 'utf8')) as SnapshotFile;
  [live, fromImport] = await Promise.all([evaluate(liveFile), evaluate(importedFile)]);
}, 300_000);

afterAll(async () => {
  await moto?.stop();
});

const notImported = () => new Set(imported.gaps.filter((g) => g.errorCode === 'NotImported').flatMap((g) => g.resourceTypes));

describe('awsaudit import of AWS CLI outputs recorded from moto', () => {
  it('writes a snapshot of the same shape as collect, from the files alone', () => {
    expect(importRun.code, importRun.stderr).toBe(0);
    expect(imported.meta.source).toBe('import');
    expect(imported.meta.accounts).toEqual(recording.snapshot.meta.accounts);
    // The regions are those the folder has outputs for (sorted).
    expect(imported.meta.regions).toEqual([...REGIONS].sort());
    expect(importRun.stderr).toMatch(/wrote .*imported\.snapshot\.json: \d+ resource\(s\), 2 region\(s\), \d+ coverage gap\(s\)/);
    // Every file the recording wrote has a name import knows.
    expect(importRun.stderr).not.toMatch(/are not outputs import reads/);
  });

  it('reads the IAM, EC2, S3, RDS, CloudTrail, Config and other types whole: the same resources as the live collection', () => {
    const missing = notImported();
    for (const type of IMPORTED_TYPES) expect(missing.has(type), type).toBe(false);
    const key = (r: { type: string; region: string; id: string }) => `${r.type} ${r.region} ${r.id}`;
    for (const type of IMPORTED_TYPES) {
      const want = recording.snapshot.resources.filter((r) => r.type === type);
      const got = imported.resources.filter((r) => r.type === type);
      expect(got.map(key).sort(), type).toEqual(want.map(key).sort());
      // The data too: what the CLI printed, read back, is what the SDK gave the collectors.
      const byKey = new Map(got.map((r) => [key(r), r.data]));
      // The account lists its regions in the order given (the live scan's --regions, the import's sorted folders).
      const same = (data: unknown) => (type === 'aws.account' ? { ...(data as object), Regions: [...REGIONS].sort() } : data);
      for (const r of want) expect(same(byKey.get(key(r))), key(r)).toEqual(same(r.data));
    }
    // The scenario has resources of most of them (the rest are account settings moto leaves unset).
    const seen = IMPORTED_TYPES.filter((t) => imported.resources.some((r) => r.type === t));
    expect(seen.length).toBeGreaterThanOrEqual(50);
  });

  it('gives the same findings as the live scan for every rule whose calls it read', () => {
    const missing = notImported();
    const gapped = new Set(fromImport.rules.filter((r) => r.gaps.some((g) => g.errorCode === 'NotImported')).map((r) => r.ruleId));
    const comparable = (f: Finding) => !gapped.has(f.ruleId);
    const sig = (f: Finding) => `${f.fingerprint} ${f.ruleId} ${f.severity} ${f.message}`;
    const liveFindings = live.findings.filter(comparable).map(sig).sort();
    expect(liveFindings.length).toBeGreaterThan(40);
    expect(fromImport.findings.filter(comparable).map(sig).sort()).toEqual(liveFindings);
    // The rules compared cover the services import reads.
    const ruleTypes = new Set(live.findings.filter(comparable).map((f) => f.resource.type));
    for (const t of ['aws.iam.user', 'aws.ec2.security-group', 'aws.s3.bucket', 'aws.rds.db-instance', 'aws.iam.access-key'])
      expect(ruleTypes.has(t), t).toBe(true);
    expect(missing.size).toBeGreaterThan(0);
  });

  it('never passes a rule whose calls have no file: those are incomplete, with the NotImported gap', () => {
    const missing = notImported();
    const rulesOnMissing = fromImport.rules.filter((r) => missing.has(r.resource));
    // What import does not read: the NAT gateways' CloudWatch traffic (GetMetricData).
    expect([...missing]).toEqual(['aws.cloudwatch.nat-gateway-traffic']);
    expect(rulesOnMissing.length).toBeGreaterThanOrEqual(1);
    for (const r of rulesOnMissing) {
      expect(r.status, r.ruleId).not.toBe('pass');
      expect(
        r.gaps.some((g) => g.errorCode === 'NotImported'),
        r.ruleId,
      ).toBe(true);
    }
    for (const g of imported.gaps.filter((x) => x.errorCode === 'NotImported'))
      expect(g.message).toMatch(/no .* in the import folder|does not read/);
  });

  it('turns a removed file into a gap for its types, and an .error file into what the call said', async () => {
    const { rmSync, cpSync } = await import('node:fs');
    const copy = path.join(dir, 'dump-missing');
    cpSync(dump, copy, { recursive: true });
    rmSync(path.join(copy, 'ec2', 'us-east-1', 'describe-security-groups.json'));
    writeFileSync(
      path.join(copy, 'iam', 'get-account-authorization-details.error'),
      '\nAn error occurred (AccessDenied) when calling the GetAccountAuthorizationDetails operation: User: arn:aws:iam::123456789012:user/x is not authorized\n',
    );
    rmSync(path.join(copy, 'iam', 'get-account-authorization-details.json'));
    const out = path.join(dir, 'missing.snapshot.json');
    const r = await runCli(['import', copy, '-o', out, '--types', 'all', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const snap = JSON.parse(readFileSync(out, 'utf8')) as SnapshotFile;
    expect(snap.gaps).toContainEqual(
      expect.objectContaining({
        operation: 'DescribeSecurityGroups',
        errorCode: 'NotImported',
        resourceTypes: expect.arrayContaining(['aws.ec2.security-group']) as unknown,
      }),
    );
    expect(snap.gaps).toContainEqual(expect.objectContaining({ operation: 'GetAccountAuthorizationDetails', errorCode: 'AccessDenied' }));
    expect(snap.resources.filter((x) => x.type === 'aws.ec2.security-group' && x.region === 'us-east-1')).toEqual([]);
    const report = await evaluate(out);
    const sgRule = report.rules.find((x) => x.ruleId === 'ec2-security-group-admin-ports-open')!;
    expect(sgRule.status).not.toBe('pass');
  });
});

describe('awsaudit import: bucket regions from older AWS CLIs, and misspelt files', () => {
  it('places buckets by s3api/get-bucket-location when the list does not say their region, and never guesses', async () => {
    const { cpSync, rmSync } = await import('node:fs');
    const copy = path.join(dir, 'dump-old-cli');
    cpSync(dump, copy, { recursive: true });
    const listFile = path.join(copy, 's3api', 'list-buckets.json');
    const list = JSON.parse(readFileSync(listFile, 'utf8')) as { Buckets: Array<{ Name: string; BucketRegion?: string }> };
    mkdirSync(path.join(copy, 's3api', 'get-bucket-location'), { recursive: true });
    for (const b of list.Buckets) {
      // What `aws s3api get-bucket-location` prints: null for us-east-1.
      const constraint = b.BucketRegion === 'us-east-1' ? null : b.BucketRegion;
      writeFileSync(path.join(copy, 's3api', 'get-bucket-location', `${b.Name}.json`), JSON.stringify({ LocationConstraint: constraint }));
      delete b.BucketRegion;
    }
    writeFileSync(listFile, JSON.stringify(list));
    // A misspelt file is named on stderr.
    writeFileSync(path.join(copy, 'ec2', 'us-east-1', 'describe-securitygroups.json'), '{}');
    const out = path.join(dir, 'old-cli.snapshot.json');
    const r = await runCli(['import', copy, '-o', out, '--types', 'all']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 file\(s\) in .* are not outputs import reads .*: ec2\/us-east-1\/describe-securitygroups\.json/);
    const buckets = (s: SnapshotFile) =>
      s.resources
        .filter((x) => x.type === 'aws.s3.bucket')
        .map((x) => `${x.region} ${x.id}`)
        .sort();
    const snap = JSON.parse(readFileSync(out, 'utf8')) as SnapshotFile;
    expect(buckets(snap)).toEqual(buckets(imported));
    expect(buckets(snap).length).toBeGreaterThan(2);

    // One bucket placed by nothing: the listing is a gap, not a guess.
    rmSync(path.join(copy, 's3api', 'get-bucket-location', `${list.Buckets[0]!.Name}.json`));
    const r2 = await runCli(['import', copy, '-o', out, '--types', 'all', '-q']);
    expect(r2.code, r2.stderr).toBe(0);
    const snap2 = JSON.parse(readFileSync(out, 'utf8')) as SnapshotFile;
    expect(snap2.gaps).toContainEqual(expect.objectContaining({ operation: 'ListBuckets', errorCode: 'ImportFileIncomplete' }));
    expect(snap2.gaps.find((g) => g.errorCode === 'ImportFileIncomplete')!.message).toContain(list.Buckets[0]!.Name);
  });
});

describe('awsaudit import: the dump script and its documentation', () => {
  it('--print-script writes the bash script docs/import.md shows, naming every file import reads', async () => {
    const r = await runCli(['import', '--print-script']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(dumpScript());
    const docs = readFileSync(path.join(ROOT, 'docs', 'import.md'), 'utf8');
    expect(docs).toContain(r.stdout.trim());
    for (const call of IMPORT_CALLS) {
      expect(docs, call.cli).toContain(`| \`aws ${call.cli}`);
      const [service, operation] = call.cli.split(' ');
      expect(r.stdout, call.cli).toContain(call.global ? `"${service}/${operation}` : `"${service}/$r/${operation}`);
    }
  });

  it('clear errors: no folder, an empty folder, no account', async () => {
    const empty = tempDir();
    for (const [args, message] of [
      [['import', path.join(dir, 'nope'), '-o', '-'], /is not a folder/],
      [['import', empty, '-o', '-'], /no AWS CLI outputs under/],
      [['import', dump], /give the snapshot file to write with -o/],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    }
    const { cpSync, rmSync } = await import('node:fs');
    const anon = path.join(dir, 'anon');
    cpSync(dump, anon, { recursive: true });
    rmSync(path.join(anon, 'sts'), { recursive: true });
    const r = await runCli(['import', anon, '-o', '-', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not say whose account it is.*\n.*--account ID/);
    const ok = await runCli(['import', anon, '-o', '-', '-q', '--account', recording.snapshot.meta.accounts[0]!]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
