import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { evaluate } from '../src/engine/evaluate.js';
import { reviewFindings } from '../src/findings/review.js';
import { SEVERITY_RANK, type Severity } from '../src/model/severity.js';
import { buildSarif, cloudUri, GITHUB_LIMITS } from '../src/report/sarif.js';
import { selectRules } from '../src/ruleset/select.js';
import { readSnapshot } from '../src/snapshot/read.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { sarifProblems } from './support/sarif.js';
import { DEMO, DEMO_NOW, FILE_RULES, HOSTILE, MIXED_NOW, mixedCoverageVariant, readDemo, readJson, tempDir } from './support/snapshots.js';

interface JsonReport {
  rules: Array<{ ruleId: string }>;
  findings: Array<{
    ruleId: string;
    fingerprint: string;
    foldedInto?: string;
    severity: Severity;
    resource: { account: string; region: string; type: string; id: string; arn?: string };
  }>;
}

describe('SARIF of the demo account, validated with the SARIF multitool and the GitHub rules', async () => {
  const dir = tempDir();
  const scan = await runCli(['scan', '--demo', '--fail-on', 'none', '--format', 'sarif,json', '--output-dir', dir]);
  const sarifFile = path.join(dir, 'awsaudit.sarif');
  const log = readJson<Sarif.Log>(sarifFile);
  const report = readJson<JsonReport>(path.join(dir, 'awsaudit.json'));

  it('has no validator error or warning', () => {
    expect(scan.code).toBe(0);
    expect(sarifProblems(sarifFile)).toEqual([]);
  });

  it('one run per account, categorised by automationDetails.id, with every rule that ran', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.automationDetails?.id).toBe('awsaudit/123456789012/');
    expect(run.tool.driver).toMatchObject({
      name: 'awsaudit',
      version: expect.any(String),
      informationUri: expect.stringMatching(/^https:/),
    });
    expect(run.tool.driver.rules!.map((r) => r.id).sort()).toEqual(report.rules.map((r) => r.ruleId).sort());
    for (const rule of run.tool.driver.rules!) {
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.fullDescription?.text).toBeTruthy();
      expect(rule.help?.text).toContain('How to fix:');
      expect(rule.help?.markdown).toContain('## How to fix');
      expect(typeof rule.properties?.['security-severity']).toBe('string');
      expect(rule.properties?.tags).toEqual(expect.arrayContaining([expect.any(String)]));
      expect(rule.properties?.precision).toBeTruthy();
    }
    const byId = Object.fromEntries(run.tool.driver.rules!.map((r) => [r.id, r]));
    // critical maps above 9.0 (GitHub's "critical" band); high 7.0-8.9; medium 4.0-6.9.
    expect(Number(byId['s3-bucket-public-acl']!.properties!['security-severity'])).toBeGreaterThan(9.0);
    expect(Number(byId['ec2-security-group-admin-ports-open']!.properties!['security-severity'])).toBeGreaterThanOrEqual(7.0);
    expect(Number(byId['rds-instance-not-multi-az']!.properties!['security-severity'])).toBeLessThan(7.0);
    expect(byId['ec2-security-group-admin-ports-open']!.help!.text).toContain('CLI: aws ec2 revoke-security-group-ingress');
    // Compliance ids are tags code scanning can filter on, within GitHub's limit of tags per rule.
    expect(byId['ec2-security-group-admin-ports-open']!.properties!.tags).toEqual([
      'security',
      'ec2',
      'aws',
      'cis-aws-6.0/6.3',
      'cis-aws-6.0/6.4',
      'fsbp/EC2.13',
      'fsbp/EC2.14',
      'fsbp/EC2.53',
      'fsbp/EC2.54',
      'network',
    ]);
    for (const rule of run.tool.driver.rules!) {
      const tags = rule.properties!.tags as string[];
      expect(tags.length).toBeLessThanOrEqual(GITHUB_LIMITS.tagsPerRule);
      const cited = Object.entries((rule.properties!.compliance ?? {}) as Record<string, string[]>).flatMap(([f, ids]) =>
        ids.map((id) => `${f}/${id}`),
      );
      expect(tags.filter((t) => t.includes('/'))).toEqual(cited.slice(0, GITHUB_LIMITS.tagsPerRule - 3));
    }
  });

  it('every result: message, level, rule index, a location (aws/<account>/<region>/<service>/<id>, line 1, ARN as logical location) and the finding fingerprint', () => {
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(report.findings.filter((f) => !f.foldedInto).length);
    for (const result of run.results!) {
      expect(result.message.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe(result.ruleId);
      const location = result.locations![0]!;
      expect(location.physicalLocation!.artifactLocation!.uri).toMatch(
        /^aws\/123456789012\/(global|ap-northeast-2|us-east-1)\/[a-z0-9-]+\/[^/]+$/,
      );
      expect(location.physicalLocation!.region!.startLine).toBe(1);
      const finding = report.findings.find((f) => f.fingerprint === result.partialFingerprints!['awsaudit/v1']);
      expect(location.logicalLocations![0]!.fullyQualifiedName).toBe(
        finding!.resource.arn ?? `${finding!.resource.type}/123456789012/${finding!.resource.region}/${finding!.resource.id}`,
      );
      expect(finding?.ruleId).toBe(result.ruleId);
      expect(result.partialFingerprints!.primaryLocationLineHash).toBe(finding!.fingerprint);
    }
    const bucket = run.results!.find((r) => r.ruleId === 's3-bucket-public-acl')!;
    expect(bucket.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('aws/123456789012/ap-northeast-2/s3/ciw0707-web-site-s3');
    expect(bucket.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe('arn:aws:s3:::ciw0707-web-site-s3');
    expect(bucket.level).toBe('error');
  });
});

describe('SARIF with file findings and hostile values', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'hostile.sarif');
  const result = await runCli([
    'evaluate',
    '--snapshot',
    HOSTILE,
    '--rules',
    FILE_RULES,
    '--now',
    DEMO_NOW,
    '--format',
    'sarif',
    '--output',
    `sarif=${file}`,
  ]);
  const log = readJson<Sarif.Log>(file);

  it('validates with no error or warning', () => {
    expect(result.code).toBe(1);
    expect(sarifProblems(file)).toEqual([]);
  });

  it('file findings sit in their own run with file, line and column; paths are relative URIs', () => {
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual(['awsaudit/123456789012/', 'awsaudit/local/']);
    const local = log.runs[1]!;
    const byUri = Object.fromEntries(
      local.results!.map((r) => [r.locations![0]!.physicalLocation!.artifactLocation!.uri, r.locations![0]!.physicalLocation!]),
    );
    // A path inside the working directory is repository-relative, percent-encoded.
    expect(byUri['notes/evil%22name%20%3Cb%3E.txt']).toMatchObject({ region: { startLine: 4, startColumn: 7 } });
    // A path outside it is relative to a declared root, never an absolute URI GitHub would reject.
    expect(byUri['home/someone/.ssh/id_rsa']).toMatchObject({ artifactLocation: { uriBaseId: 'ROOT' }, region: { startLine: 1 } });
    expect(local.originalUriBaseIds).toEqual({ ROOT: { uri: 'file:///' } });
  });

  it('hostile ids become valid, readable relative URIs', () => {
    expect(
      cloudUri({ type: 'aws.iam.policy', account: '123456789012', region: 'global', id: 'arn:aws:iam::aws:policy/Admin Access' }),
    ).toBe('aws/123456789012/global/iam/arn:aws:iam::aws:policy%2FAdmin%20Access');
    expect(cloudUri({ type: 'aws.s3.bucket', account: '1', region: 'r', id: '..' })).toBe('aws/1/r/s3/%2E%2E');
    const uris = log.runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri!);
    for (const uri of uris) expect(uri).toMatch(/^aws\/[A-Za-z0-9%._~:@!$&'()*+,;=-]+(\/[A-Za-z0-9%._~:@!$&'()*+,;=-]+){3}$/);
  });

  it('coverage gaps become tool execution notifications (not silence)', () => {
    const notes = log.runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message.text).toContain('ListFunctions');
  });
});

describe('GitHub limits', () => {
  it('over 25,000 results in a run: keeps the most severe, says so on stderr and in run.properties', async () => {
    const dir = tempDir();
    const snapshot = readDemo();
    const group = (id: string, port: number) => ({
      type: 'aws.ec2.security-group',
      id,
      account: '123456789012',
      region: 'us-east-1',
      data: {
        GroupId: id,
        GroupName: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    });
    snapshot.resources = [
      ...Array.from({ length: 25_000 }, (_, i) => group(`sg-${String(i).padStart(17, '0')}`, 8080)),
      ...['sg-admin-a', 'sg-admin-b', 'sg-admin-c'].map((id) => group(id, 22)),
    ];
    const snapFile = path.join(dir, 'many.snapshot.json');
    writeFileSync(snapFile, JSON.stringify(snapshot));
    const sarifFile = path.join(dir, 'many.sarif');
    const r = await runCli([
      'evaluate',
      '--snapshot',
      snapFile,
      '--now',
      DEMO_NOW,
      '--only',
      'ec2-security-group-admin-ports-open,ec2-security-group-nonweb-port-open',
      '--format',
      'sarif,json',
      '--output',
      `sarif=${sarifFile}`,
      '--output-dir',
      dir,
    ]);
    expect(r.code).toBe(1);
    const report = readJson<JsonReport>(path.join(dir, 'awsaudit.json'));
    expect(report.findings).toHaveLength(25_003);
    const run = readJson<Sarif.Log>(sarifFile).runs[0]!;
    expect(run.results).toHaveLength(GITHUB_LIMITS.resultsPerRun);
    expect(run.results!.filter((x) => x.ruleId === 'ec2-security-group-admin-ports-open')).toHaveLength(3);
    expect(run.properties).toMatchObject({ truncated: true, resultsOmitted: 3, resultsOmittedBySeverity: { medium: 3 } });
    expect(r.stderr).toMatch(/SARIF: 3 result\(s\) of account 123456789012 left out to stay inside GitHub's limits/);
  }, 120_000);

  it('over the gzipped size limit: drops the least severe results first until the file fits', async () => {
    const snapshot = await readSnapshot(DEMO);
    const rules = await selectRules({}, await loadConfig(path.join(ROOT, 'test', 'fixtures', 'config', 'empty.awsaudit.json')));
    const now = new Date(DEMO_NOW);
    const evaluation = reviewFindings(evaluate(snapshot, rules, { now }), { now });
    const ctx = { evaluation, rules, color: false, baseDir: ROOT };
    const full = buildSarif(ctx);
    const { gzipSync } = await import('node:zlib');
    const size = gzipSync(JSON.stringify(full, null, 2) + '\n').length;
    const notices: string[] = [];
    const cut = buildSarif({ ...ctx, notice: (m) => notices.push(m) }, { ...GITHUB_LIMITS, gzipBytes: size - 200 });
    const kept = cut.runs[0]!.results!;
    expect(gzipSync(JSON.stringify(cut, null, 2) + '\n').length).toBeLessThanOrEqual(size - 200);
    expect(kept.length).toBeLessThan(full.runs[0]!.results!.length);
    expect(kept.length).toBeGreaterThan(0);
    const rank = (r: Sarif.Result) => SEVERITY_RANK[r.properties!.severity as Severity];
    const keptMin = Math.min(...kept.map(rank));
    const dropped = full.runs[0]!.results!.filter(
      (r) => !kept.some((k) => k.partialFingerprints!['awsaudit/v1'] === r.partialFingerprints!['awsaudit/v1']),
    );
    expect(Math.max(...dropped.map(rank))).toBeLessThanOrEqual(keptMin);
    expect(cut.runs[0]!.properties).toMatchObject({ truncated: true, resultsOmitted: dropped.length });
    expect(notices.join('\n')).toContain('left out');
  });

  it('more than 20 accounts in one file: the accounts that do not fit share the last run, and stderr and the log properties say so', async () => {
    const snapshot = await readSnapshot(DEMO);
    const rules = await selectRules({}, await loadConfig(path.join(ROOT, 'test', 'fixtures', 'config', 'empty.awsaudit.json')));
    const now = new Date(DEMO_NOW);
    const accounts = Array.from({ length: 21 }, (_, i) => String(100000000000 + i));
    const evaluation = reviewFindings(evaluate({ ...snapshot, meta: { ...snapshot.meta, accounts } }, rules, { now }), { now });
    const notices: string[] = [];
    const log = buildSarif({ evaluation, rules, color: false, baseDir: ROOT, notice: (m) => notices.push(m) });
    // 21 scanned accounts (empty runs close fixed alerts) + the demo's own account: 19 runs of their own, 3 in the shared one.
    expect(log.runs).toHaveLength(20);
    expect(log.runs.slice(0, 19).map((r) => r.automationDetails?.id)).toEqual(accounts.slice(0, 19).map((a) => `awsaudit/${a}/`));
    expect(log.runs[19]!.automationDetails?.id).toBe('awsaudit/other-accounts/');
    expect(log.runs[19]!.properties).toMatchObject({ account: 'other-accounts', accounts: [...accounts.slice(19), '123456789012'] });
    expect(log.runs[19]!.results!.length).toBe(evaluation.findings.filter((f) => f.foldedInto === undefined).length);
    expect(notices.join('\n')).toMatch(/GitHub code scanning accepts at most 20 runs \(categories\) per upload/);
    expect(log.properties?.warnings).toHaveLength(1);
  });
});

describe('SARIF of a run with gaps, undecided and not-checked rules', async () => {
  const dir = tempDir();
  const scan = await runCli([
    'evaluate',
    '--snapshot',
    mixedCoverageVariant(),
    '--now',
    MIXED_NOW,
    '--fail-on',
    'none',
    '--format',
    'sarif,json',
    '--output-dir',
    dir,
  ]);
  const sarifFile = path.join(dir, 'awsaudit.sarif');
  const log = readJson<Sarif.Log>(sarifFile);
  const report = readJson<{ rules: Array<{ ruleId: string; status: string; complete: boolean }> }>(path.join(dir, 'awsaudit.json'));

  it('validates with no error or warning', () => {
    expect(scan.code, scan.stderr).toBe(0);
    expect(sarifProblems(sarifFile)).toEqual([]);
  });

  it('lists the same not-checked and incomplete rules as the JSON report', () => {
    const run = log.runs[0]!;
    expect(run.properties?.notCheckedRules).toEqual(report.rules.filter((r) => r.status === 'not-checked').map((r) => r.ruleId));
    expect(run.properties?.incompleteRules).toEqual(
      report.rules
        .filter((r) => r.status === 'fail' || r.status === 'incomplete')
        .filter((r) => !r.complete)
        .map((r) => r.ruleId),
    );
  });

  it("a not-checked rule's notification names the type that was missing, not the rule's own", () => {
    const notes = log.runs[0]!.invocations![0]!.toolConfigurationNotifications!;
    const trail = notes.find((n) => n.associatedRule?.id === 'cloudtrail-no-multi-region-trail')!;
    expect(trail.message.text).toBe(
      'Rule cloudtrail-no-multi-region-trail was not checked: resource type aws.cloudtrail.trail was not collected. This is not a pass.',
    );
  });
});
