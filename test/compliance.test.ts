// The compliance catalogues, the status of each recommendation from a run's rule results, and
// the generated tables in docs/compliance/.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { complianceRules } from '../src/cli/compliance.js';
import {
  FRAMEWORKS,
  FRAMEWORK_IDS,
  evaluateCompliance,
  parseFrameworks,
  renderMappingMarkdown,
  type ComplianceRule,
  type Framework,
} from '../src/compliance/index.js';
import type { RuleResult } from '../src/engine/findings.js';
import { BUILTIN_RULES_DIR, loadRuleFiles } from '../src/ruleset/load.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-compliance-');
const { rules: files } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const builtin = complianceRules(files);

/** The 63 recommendation ids of CIS AWS Foundations v6.0.0, written out so a lost or extra id fails. */
const CIS_IDS = [
  ...Array.from({ length: 21 }, (_, i) => `2.${i + 1}`),
  '3.1.1', '3.1.2', '3.1.3', '3.1.4', '3.2.1', '3.2.2', '3.2.3', '3.2.4', '3.3.1',
  ...Array.from({ length: 9 }, (_, i) => `4.${i + 1}`),
  ...Array.from({ length: 16 }, (_, i) => `5.${i + 1}`),
  '6.1.1', '6.1.2', '6.2', '6.3', '6.4', '6.5', '6.6', '6.7',
]; // prettier-ignore

describe('the catalogues', () => {
  it('CIS AWS Foundations v6.0.0 has its 63 recommendations, each with a title, a section, a profile level and CIS’s assessment', () => {
    const cis = FRAMEWORKS['cis-aws-6.0'];
    expect(cis.recommendations.map((r) => r.id)).toEqual(CIS_IDS);
    const sections = new Set(cis.sections.map((s) => s.id));
    for (const r of cis.recommendations) {
      expect(r.title.length, r.id).toBeGreaterThan(10);
      expect(sections.has(r.section), r.id).toBe(true);
      expect([1, 2]).toContain(r.level);
      expect(['automated', 'manual']).toContain(r.assessment);
    }
    // Spot checks against the published benchmark.
    const byId = new Map(cis.recommendations.map((r) => [r.id, r]));
    expect(byId.get('2.7')!.title).toMatch(/minimum length of 14/);
    expect(byId.get('3.3.1')!.title).toMatch(/EFS/);
    expect(byId.get('5.16')!.title).toMatch(/Security Hub/);
    expect(byId.get('6.7')!.title).toMatch(/IMDSv2/);
    expect(byId.get('2.20')!.level).toBe(2);
  });

  it('the Security Hub catalogue has unique control ids, a severity each, and a section per service', () => {
    const fsbp = FRAMEWORKS.fsbp;
    const ids = fsbp.recommendations.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of fsbp.recommendations) {
      expect(r.id).toMatch(/^[A-Za-z0-9]+\.\d+$/);
      expect(['critical', 'high', 'medium', 'low']).toContain(r.severity);
      expect(fsbp.sections.map((s) => s.id)).toContain(r.section);
    }
    for (const service of [
      'IAM',
      'EC2',
      'S3',
      'RDS',
      'ELB',
      'Lambda',
      'CloudTrail',
      'Config',
      'KMS',
      'EFS',
      'GuardDuty',
      'CloudWatch',
      'SNS',
      'Macie',
      'Account',
    ]) {
      expect(
        ids.some((id) => id.startsWith(`${service}.`)),
        service,
      ).toBe(true);
    }
    expect(fsbp.recommendations.find((r) => r.id === 'IAM.7')!.title).toMatch(/[Pp]assword polic/);
  });

  it('every manual recommendation says how to check it by hand', () => {
    for (const framework of Object.values<Framework>(FRAMEWORKS)) {
      for (const r of framework.recommendations.filter((x) => x.manual !== undefined)) expect(r.manual!.length, r.id).toBeGreaterThan(80);
    }
  });

  it('every compliance id a built-in rule cites is in the catalogue', () => {
    const missing = builtin.flatMap((rule) =>
      FRAMEWORK_IDS.flatMap((framework) => {
        const known = new Set(FRAMEWORKS[framework].recommendations.map((r) => r.id));
        return (rule.compliance?.[framework] ?? []).filter((id) => !known.has(id)).map((id) => `rule ${rule.id} cites ${framework} ${id}`);
      }),
    );
    expect(missing, 'ids a rule cites that src/compliance/ does not list (a wrong id, or a catalogue entry to add)').toEqual([]);
  });
});

/** A rule result as the engine gives it. */
function result(ruleId: string, status: RuleResult['status'], failed = 0, missingTypes: string[] = []): RuleResult {
  return {
    ruleId,
    resource: 'aws.test.thing',
    severity: 'high',
    kind: 'security',
    evaluated: failed + 1,
    failed,
    passed: status === 'pass' ? 1 : 0,
    undecided: 0,
    undecidedResources: [],
    status,
    complete: status === 'pass',
    missingTypes,
    gaps: [],
  };
}

const rule = (id: string, ids: string[], extra: Partial<ComplianceRule> = {}): ComplianceRule => ({
  id,
  title: id,
  compliance: { 'cis-aws-6.0': ids },
  events: false,
  ...extra,
});

describe('the status of a recommendation', () => {
  const cis = FRAMEWORKS['cis-aws-6.0'];
  const status = (rules: ComplianceRule[], results: RuleResult[], id: string) =>
    evaluateCompliance(cis, rules, results).recommendations.find((r) => r.id === id)!;

  it('fails when any of its rules failed, whatever the others say', () => {
    const rules = [rule('a', ['2.15']), rule('b', ['2.15']), rule('c', ['2.15'])];
    const r = status(rules, [result('a', 'pass'), result('b', 'fail', 3), result('c', 'not-checked', 0, ['aws.iam.role'])], '2.15');
    expect(r.status).toBe('fail');
    expect(r.reason).toBe('failed: b (3 findings)');
    expect(r.rules.map((x) => x.status)).toEqual(['pass', 'fail', 'not-checked']);
  });

  it('is incomplete when none failed but one could not decide everything', () => {
    expect(status([rule('a', ['2.3']), rule('b', ['2.3'])], [result('a', 'pass'), result('b', 'incomplete')], '2.3').status).toBe(
      'incomplete',
    );
  });

  it('is incomplete, not passed, when only some of its rules ran', () => {
    const r = status([rule('a', ['3.1.4']), rule('b', ['3.1.4'])], [result('a', 'pass')], '3.1.4');
    expect(r.status).toBe('incomplete');
    expect(r.reason).toMatch(/a passed, but b \(not run in this scan\) gave no result/);
  });

  it('passes only when every rule it needs ran and passed', () => {
    expect(status([rule('a', ['2.4']), rule('b', ['2.4'])], [result('a', 'pass'), result('b', 'pass')], '2.4')).toMatchObject({
      status: 'pass',
      reason: 'passed: a, b',
    });
  });

  it('is not checked without a rule, never passed: an automatable recommendation with no rule yet says so', () => {
    const r = status([], [], '2.7');
    expect(r).toMatchObject({ status: 'not-checked', reason: 'no awsaudit rule checks this yet', rules: [] });
  });

  it('is not checked when its rules did not run (not selected, opt-in) or their types were not collected, and says which', () => {
    const rules = [rule('a', ['2.9']), rule('b', ['2.9'], { enabled: false }), rule('c', ['2.9'])];
    const r = status(rules, [result('c', 'not-checked', 0, ['aws.iam.user'])], '2.9');
    expect(r.status).toBe('not-checked');
    expect(r.reason).toContain('a (not run in this scan)');
    expect(r.reason).toContain('b (opt-in rule, not enabled');
    expect(r.reason).toContain('c (aws.iam.user not collected)');
  });

  it('does not wait for rules over CloudTrail events, but fails on them', () => {
    const rules = [rule('state', ['2.6']), rule('events', ['2.6'], { events: true })];
    expect(status(rules, [result('state', 'pass')], '2.6').status).toBe('pass');
    expect(status(rules, [result('state', 'pass'), result('events', 'fail', 1)], '2.6').status).toBe('fail');
    // Only event rules, none run: nothing answered it.
    expect(status([rule('events', ['2.6'], { events: true })], [], '2.6').status).toBe('not-checked');
  });

  it('is manual when no API call decides it, even when the rules that cover part of it pass; a failing rule still fails it', () => {
    expect(status([], [], '2.20')).toMatchObject({ status: 'manual', manual: expect.stringContaining('list-users') });
    const partial = [rule('peering', ['6.6'])];
    expect(status(partial, [result('peering', 'pass')], '6.6')).toMatchObject({
      status: 'manual',
      reason: expect.stringMatching(/^peering passed/),
    });
    expect(status(partial, [result('peering', 'fail', 2)], '6.6').status).toBe('fail');
  });

  it('counts per framework and section; percent passing is of what an API call decides, rounded down', () => {
    const c = evaluateCompliance(cis, [rule('a', ['2.3']), rule('b', ['2.4'])], [result('a', 'pass'), result('b', 'fail', 1)]);
    const manual = cis.recommendations.filter((r) => r.manual).length;
    expect(c.summary).toEqual({
      total: 63,
      pass: 1,
      fail: 1,
      incomplete: 0,
      manual,
      notChecked: 61 - manual,
      percentPassing: Math.floor(100 / (63 - manual)),
    });
    expect(c.sections.find((s) => s.id === '2')).toMatchObject({ total: 21, pass: 1, fail: 1 });
    expect(c.sections.reduce((n, s) => n + s.total, 0)).toBe(63);
  });

  it('lists ids a rule cites that the catalogue does not have, without counting them', () => {
    expect(evaluateCompliance(cis, [rule('typo', ['2.99'])], []).uncatalogued).toEqual([{ ruleId: 'typo', id: '2.99' }]);
  });

  it('--compliance takes frameworks, comma lists and "all", and refuses anything else', () => {
    expect(parseFrameworks(['all'])).toEqual(['cis-aws-6.0', 'fsbp']);
    expect(parseFrameworks(['fsbp,cis-aws-6.0'])).toEqual(['cis-aws-6.0', 'fsbp']);
    expect(() => parseFrameworks(['cis'])).toThrow(/--compliance cis: unknown framework/);
  });
});

describe('docs/compliance/', () => {
  for (const id of FRAMEWORK_IDS) {
    const file = path.join('docs', 'compliance', `${id}.md`);
    const committed = readFileSync(path.join(ROOT, file), 'utf8');
    it(`${file} is up to date with the rules (regenerate: awsaudit rules compliance ${id} --format markdown > ${file})`, () => {
      expect(renderMappingMarkdown(FRAMEWORKS[id], builtin)).toBe(committed);
    });
    it(`\`awsaudit rules compliance ${id}\` prints the same Markdown`, async () => {
      const r = await runCli(['rules', 'compliance', id]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(committed);
    });
  }
  it('every rule the tables link to has its heading in docs/rules.md', () => {
    const rulesMd = readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8');
    for (const id of FRAMEWORK_IDS) {
      const md = readFileSync(path.join(ROOT, 'docs', 'compliance', `${id}.md`), 'utf8');
      const linked = [...md.matchAll(/\]\(\.\.\/rules\.md#([a-z0-9-]+)\)/g)].map((m) => m[1]!);
      expect(linked.length).toBeGreaterThan(0);
      expect(linked.filter((rule) => !rulesMd.includes(`\n### ${rule}\n`))).toEqual([]);
    }
  });
  it('cis-aws-6.0.md lists all 63 recommendations, each with rules or manual or "no rule yet"', () => {
    const md = readFileSync(path.join(ROOT, 'docs', 'compliance', 'cis-aws-6.0.md'), 'utf8');
    for (const id of CIS_IDS)
      expect(md).toMatch(
        new RegExp(`^\\| ${id.replace(/\./g, '\\.')} \\| .* \\| (rules|rules \\+ manual|manual|no rule yet) \\| .* \\|$`, 'm'),
      );
    expect(md).toContain('**2.20**');
  });
});

describe('the compliance view of a scan', () => {
  it('`rules list --compliance cis-aws-6.0` prints each recommendation with its rules or how to check it', async () => {
    const r = await runCli(['rules', 'list', '--compliance', 'cis-aws-6.0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2\.3 +rules +Ensure no 'root' user account access key exists\n +rule iam-root-access-keys-exist$/m);
    expect(r.stdout).toMatch(/^2\.20 +manual +.*\n +by hand: /m);
    expect(r.stdout).toMatch(/\d+ by rules, \d+ by rules and by hand, \d+ by hand, \d+ without a rule yet\n$/);
  });

  it('scan --demo --compliance all: the JSON report has a compliance section per framework, the text report a summary', async () => {
    const dir = tmp();
    const r = await runCli(['scan', '--demo', '--compliance', 'all', '--format', 'text,json', '-o', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^CIS Amazon Web Services Foundations Benchmark v6\.0\.0: 63 recommendations, \d+ passed, \d+ failed/m);
    const report = JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8')) as {
      compliance: Array<{ framework: string; recommendations: Array<{ id: string; status: string; rules: Array<{ ruleId: string }> }> }>;
      rules: Array<{ ruleId: string; status: string }>;
    };
    expect(report.compliance.map((c) => c.framework)).toEqual(['cis-aws-6.0', 'fsbp']);
    const cis = new Map(report.compliance[0]!.recommendations.map((x) => [x.id, x]));
    expect(cis.size).toBe(63);
    // A recommendation fails exactly when one of its rules failed in the same report.
    const failedRules = new Set(report.rules.filter((x) => x.status === 'fail').map((x) => x.ruleId));
    for (const rec of cis.values()) expect(rec.status === 'fail', rec.id).toBe(rec.rules.some((x) => failedRules.has(x.ruleId)));
    expect(cis.get('2.20')!.status).toBe('manual');
  });

  it('the config file’s `compliance` asks for it too; --compliance wins; a wrong name stops the run with exit 2', async () => {
    const dir = tmp();
    const config = path.join(dir, 'awsaudit.json');
    writeFileSync(config, JSON.stringify({ compliance: 'fsbp' }));
    const run = async (...extra: string[]) => {
      const r = await runCli(['scan', '--demo', '--config', config, '--format', 'json', '--output', 'json=-', ...extra]);
      return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as { compliance?: Array<{ framework: string }> }) : undefined };
    };
    expect((await run()).report!.compliance!.map((c) => c.framework)).toEqual(['fsbp']);
    expect((await run('--compliance', 'cis-aws-6.0')).report!.compliance!.map((c) => c.framework)).toEqual(['cis-aws-6.0']);
    const bad = await runCli(['scan', '--demo', '--compliance', 'cis-aws-5.0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--compliance cis-aws-5\.0: unknown framework.*\n.*cis-aws-6\.0, fsbp, all/);
    writeFileSync(config, JSON.stringify({ compliance: ['nist'] }));
    const invalid = await runCli(['scan', '--demo', '--config', config]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/compliance/);
  });

  it('without --compliance the reports have no compliance section', async () => {
    const r = await runCli(['scan', '--demo', '--format', 'json', '--output', 'json=-']);
    expect(JSON.parse(r.stdout)).not.toHaveProperty('compliance');
  });
});
