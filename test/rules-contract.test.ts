// The rule contract a user relies on: their own rules with their own sources and frameworks,
// cases that pin what a finding says, and regular expressions that cannot stall a run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenIngress } from '../src/services/ec2/enrich-security-group.js';
import { regexProblem } from '../src/engine/regex-safety.js';
import { BUILTIN_RULES_DIR, loadRuleFiles, type RuleFile } from '../src/ruleset/load.js';
import { pinMismatch, runCase, testRule } from '../src/ruleset/tester.js';
import type { FailCase, RuleDefinition } from '../src/ruleset/types.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';

const USER_RULES = path.join('test', 'fixtures', 'user-rules');
const { rules: builtin } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const rule = (id: string): RuleFile => builtin.find((r) => r.definition.id === id)!;
const withFail = (r: RuleFile, fail: FailCase[]): RuleFile => ({
  ...r,
  definition: { ...r.definition, tests: { ...r.definition.tests, fail } },
});

describe("a user's own rules", () => {
  it('take a free-form source and any compliance framework, and validate', async () => {
    const d = JSON.parse(readFileSync(path.join(ROOT, USER_RULES, 'network', 'net-ssh-from-internet.json'), 'utf8')) as RuleDefinition;
    expect(d.source).toEqual(['SEC-42']);
    expect(d.compliance).toEqual({ internal: ['NET-7'] });
    const r = await runCli(['rules', 'validate', USER_RULES]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1 rule file(s) valid\n');
    expect(r.code).toBe(0);
  });

  it('scan the demo next to the built-in rules, and the reports carry them', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'awsaudit-user-rules-'));
    const r = await runCli(['scan', '--demo', '--rules', USER_RULES, '--format', 'json,sarif', '--output-dir', out, '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8')) as {
      findings: Array<{ ruleId: string; message: string; resource: { id: string } }>;
    };
    const mine = report.findings.filter((f) => f.ruleId === 'net-ssh-from-internet');
    expect(mine.map((f) => [f.resource.id, f.message])).toEqual([
      ['sg-0a11c0ffee0000001', 'Security group launch-wizard-1 (sg-0a11c0ffee0000001) admits SSH from 0.0.0.0/0.'],
    ]);
    // The built-in rules still ran beside it.
    expect(report.findings.some((f) => f.ruleId === 'ec2-security-group-admin-ports-open')).toBe(true);
    const sarif = JSON.parse(readFileSync(path.join(out, 'awsaudit.sarif'), 'utf8')) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; properties: { source?: string[] } }> } } }>;
    };
    const descriptor = sarif.runs[0]!.tool.driver.rules.find((d) => d.id === 'net-ssh-from-internet');
    expect(descriptor?.properties.source).toEqual(['SEC-42']);
  });

  it('are documented with their own source and framework', async () => {
    const r = await runCli(['rules', 'docs', '--rules', USER_RULES]);
    expect(r.code).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('### net-ssh-from-internet'));
    expect(section).toContain('- Source: SEC-42\n');
    expect(section).toContain('- Compliance: internal NET-7\n');
    expect(r.stdout).toMatch(
      /\| \[net-ssh-from-internet\]\(#net-ssh-from-internet\) \| high \| security \| `aws\.ec2\.security-group` \| SEC-42 \|/,
    );
  });

  it('need no source at all', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-no-source-'));
    const d = JSON.parse(readFileSync(path.join(ROOT, USER_RULES, 'network', 'net-ssh-from-internet.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    delete d.source;
    writeFileSync(path.join(dir, 'net-ssh-from-internet.json'), JSON.stringify(d));
    const { rules, problems } = await loadRuleFiles([dir]);
    expect(problems).toEqual([]);
    expect(testRule(rules[0]!).every((c) => c.ok)).toBe(true);
  });

  it('`rules validate DIR` names an id that a built-in rule has; the built-in folder itself is no duplicate of itself', async () => {
    const dup = await runCli(['rules', 'validate', path.join('test', 'fixtures', 'user-rules-duplicate')]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain(
      `${path.join('test', 'fixtures', 'user-rules-duplicate', 'ec2-volume-unattached.json')}: /id: rule id "ec2-volume-unattached" is taken by the built-in rule ${path.join('rules', 'ec2', 'ec2-volume-unattached.json')}`,
    );
    const own = await runCli(['rules', 'validate', path.join('rules', 'ec2')]);
    expect(own.stderr).toBe('');
    expect(own.code).toBe(0);
  });

  it('the example of docs/writing-rules.md is a valid user rule whose cases pass', async () => {
    const page = readFileSync(path.join(ROOT, 'docs', 'writing-rules.md'), 'utf8');
    const json = /^## Example\n[\s\S]*?```json\n([\s\S]*?)\n```/m.exec(page)![1]!;
    const d = JSON.parse(json) as RuleDefinition;
    expect(d.source).toEqual(['SEC-42']);
    const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-readme-rule-'));
    writeFileSync(path.join(dir, `${d.id}.json`), json);
    const validate = await runCli(['rules', 'validate', dir]);
    expect(validate.stderr).toBe('');
    const { rules, problems } = await loadRuleFiles([dir]);
    expect(problems).toEqual([]);
    expect(testRule(rules[0]!).filter((c) => !c.ok)).toEqual([]);
  });
});

describe('rule cases pin their output', () => {
  const volume = rule('ec2-volume-unattached');
  const first = volume.definition.tests.fail[0]!;

  it('a wrong message fails the case, showing both texts and where they part', () => {
    const [result] = testRule(withFail(volume, [{ ...first, message: first.message!.replace('100 GiB', '10 GiB') }]));
    expect(result!.ok).toBe(false);
    expect(result!.reason).toBe(
      [
        'message differs at character 42:',
        '    expected: EBS volume vol-0123456789abcdef0 (gp3, 10 GiB, 3000 IOPS) in ap-northeast-2a is not attached to any instance; about $8/month at us-east-1 list prices.',
        '    actual:   EBS volume vol-0123456789abcdef0 (gp3, 100 GiB, 3000 IOPS) in ap-northeast-2a is not attached to any instance; about $8/month at us-east-1 list prices.',
        '              ' + ' '.repeat(41) + '^',
      ].join('\n'),
    );
  });

  it('a /regex/ pin matches anywhere in the text; a wrong command fails the case', () => {
    const results = testRule(
      withFail(volume, [
        { ...first, message: '/not attached to any instance; about \\$8\\/month/' },
        { ...first, message: '/about \\$9\\/month/' },
        { ...first, cli: first.cli!.replace('delete-volume', 'detach-volume') },
      ]),
    );
    expect(results.slice(0, 3).map((r) => r.ok)).toEqual([true, false, false]);
    expect(results[1]!.reason).toMatch(/^message does not match \/about \\\$9\\\/month\/:\n {4}actual: {3}EBS volume/);
    expect(results[2]!.reason).toMatch(/^command differs at character \d+:/);
  });

  it('"cli": null pins that no command is rendered (a value that cannot be quoted safely)', () => {
    expect(pinMismatch('command', null, undefined)).toBeUndefined();
    expect(pinMismatch('command', null, 'aws ec2 x')).toBe('expected no command, got:\n    aws ec2 x');
    expect(pinMismatch('command', 'aws ec2 x', undefined)).toMatch(/^expected a command, the rule rendered none/);
  });

  it('a rule whose message renders an empty list no longer passes all its cases', () => {
    // The shape of the bug the pins catch: a message that reads a fact that is not there.
    const admin = rule('ec2-security-group-admin-ports-open');
    const range = admin.definition.tests.fail.find((c) => c.name.startsWith('a port range 20-30'))!;
    expect(range.message).toBe(
      'Security group range (case-4) allows tcp/20-30 from 0.0.0.0/0, a range that includes administration port(s) 22.',
    );
    const broken: RuleFile = {
      ...admin,
      definition: { ...admin.definition, message: admin.definition.message.replaceAll('match.adminPorts', 'match.missingPorts') },
    };
    const results = testRule(broken).filter((r) => r.expect === 'fail');
    expect(results.find((r) => r.name === range.name)!.ok).toBe(false);
  });

  it('the security-group facts name the administration and database ports a rule admits', () => {
    const [all, range, icmp, single] = flattenIngress([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'tcp', FromPort: 20, ToPort: 3400, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'icmp', FromPort: 3, ToPort: 4, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: '6', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
    expect(all).toMatchObject({
      adminPorts: [22, 3389],
      databasePorts: [1433, 1521, 2483, 2484, 3306, 5432, 5439, 5984, 6379, 7000, 7001, 8086, 9042, 9200, 9300, 11211, 27017, 27018, 28015],
    });
    expect(range).toMatchObject({ adminPorts: [22, 3389], databasePorts: [1433, 1521, 2483, 2484, 3306] });
    expect(icmp).toMatchObject({ adminPorts: [], databasePorts: [] });
    expect(single).toMatchObject({ adminPorts: [], databasePorts: [] });
  });
});

describe('regular expressions cannot stall a run', () => {
  it('refuses exponential backtracking, with the part that causes it', () => {
    for (const re of ['^(a|aa)+$', '(a+)+b', '(a*)*$', '^(a?b?)*$', '^(\\w+\\s?)*$', '(x+x+)+y', '(a|a){20}']) {
      expect(regexProblem(re), re).toMatch(/can take exponential time on some values: "[^"]+"/);
    }
  });

  it('refuses polynomial backtracking, including an unanchored search that rescans', () => {
    for (const re of ['\\w+@', '.*foo', '(?<=a+)b', '\\s*\\s*;']) {
      expect(regexProblem(re), re).toMatch(/can take (quadratic|polynomial) time on long values/);
    }
  });

  it('refuses backreferences and names syntax errors', () => {
    expect(regexProblem('(a)\\1')).toMatch(/uses a backreference/);
    expect(regexProblem('(?<x>a)\\k<x>')).toMatch(/uses a backreference/);
    expect(regexProblem('a{1,2}{')).toMatch(/^Invalid regular expression/);
  });

  it('accepts the everyday expressions', () => {
    for (const re of [
      '^aurora',
      'AKIA[0-9A-Z]{16}',
      '^\\d{1,3}(\\.\\d{1,3}){3}$',
      '(\\d{1,3}\\.){3}\\d{1,3}',
      '^.*foo',
      '^[^@]+@[^@]+$',
      'prod|staging',
      '^(?:sg|vpc)-[0-9a-f]+$',
      '(FullAccess|^AdministratorAccess)$',
    ]) {
      expect(regexProblem(re), re).toBeUndefined();
    }
  });

  it('a custom rule with ^(a|aa)+$ stops `rules test` and a scan with a located error (exit 2), not a hang', async () => {
    const dir = path.join('test', 'fixtures', 'redos-rules');
    const test = await runCli(['rules', 'test', '--rules', dir], { timeoutMs: 30_000 });
    expect(test.code).toBe(2);
    expect(test.stderr).toContain(
      `${path.join(dir, 'tag-value-pattern.json')}: /condition/value: regular expression "^(a|aa)+$" can take exponential time`,
    );
    const scan = await runCli(['scan', '--demo', '--rules', dir, '--format', 'json', '--output', 'json=/dev/null'], { timeoutMs: 30_000 });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain('can take exponential time');
  });

  it('a config option cannot bring one in either', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-redos-config-'));
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ rules: { 'cloudtrail-admin-policy-attached': { options: { policyPattern: '^(a|aa)+$' } } } }));
    const r = await runCli(['scan', '--demo', '--config', config, '--format', 'json', '--output', 'json=/dev/null'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/policyPattern|\/value\/\$option/);
    expect(r.stderr).toContain('can take exponential time');
  });

  it('the built-in admin-policy decision is no regex over the document: hostile text is read at once and said to be unreadable; a large policy is analysed', () => {
    const old = '"Action"\\s*:\\s*("(\\*|[a-z0-9-]+:\\*)"|\\[[^\\]]*"(\\*|[a-z0-9-]+:\\*)")';
    expect(regexProblem(old)).toMatch(/can take quadratic time/);
    const admin = rule('cloudtrail-admin-policy-attached');
    const put = admin.definition.tests.fail.find((c) => c.data?.eventName === 'PutUserPolicy')!;
    const params = put.data!.requestParameters as Record<string, unknown>;
    // Every "Action": [ left open: the old expression scanned to the end from each one (about
    // 40 s for this document). The policy parser reads it once and says it is not JSON.
    const hostile = '"Action":['.repeat(48_000);
    expect(hostile.length).toBeGreaterThanOrEqual(480_000);
    const outcome = (doc: string) =>
      runCase(admin, { ...put, data: { ...put.data, requestParameters: { ...params, policyDocument: doc } } }, 0);
    const unreadable = outcome(hostile);
    expect('findings' in unreadable && unreadable.findings.map((f) => [f.severity, /could not be read/.test(f.message)])).toEqual([
      ['medium', true],
    ]);
    // 10,000 narrow statements, then one that grants everything: the analyzer finds it.
    const narrow = Array.from({ length: 10_000 }, (_, i) => ({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::bucket-${i}/*`,
    }));
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [...narrow, { Effect: 'Allow', Action: ['*'], Resource: '*' }] });
    expect(big.length).toBeGreaterThanOrEqual(480_000);
    const found = outcome(big);
    expect('findings' in found && found.findings.map((f) => f.severity)).toEqual(['critical']);
    expect(outcome(JSON.stringify({ Version: '2012-10-17', Statement: narrow }))).toMatchObject({ findings: [] });
  });
});
