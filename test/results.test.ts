// The results model (src/engine/results.ts): one place builds rule results from what each source
// saw, and deduplicates and sorts the findings of a run.
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateResources, fingerprintOf } from '../src/engine/evaluate.js';
import { buildResults, compareFindings } from '../src/engine/results.js';
import { BUILTIN_RULES_DIR, compileRule, loadRuleFiles } from '../src/ruleset/load.js';
import type { CompiledRule } from '../src/ruleset/types.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type CoverageGap, type Resource, type Snapshot } from '../src/snapshot/types.js';

const ACCOUNT = '123456789012';
const NOW = { now: new Date('2026-06-01T00:00:00Z') };

const { rules: files } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const rule = (id: string): CompiledRule =>
  compileRule(
    files.find((f) => f.definition.id === id)!,
    undefined,
    'test',
  ).rule!;

function snapshot(resources: Resource[], resourceTypes: string[], gaps: CoverageGap[] = []): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    meta: {
      accounts: [ACCOUNT],
      regions: ['us-east-1'],
      collectedAt: '2026-06-01T00:00:00Z',
      tool: { name: 'awsaudit', version: 'test' },
      source: 'fixture',
      resourceTypes,
    },
    resources,
    gaps,
  };
}

const db = (id: string, multiAz: boolean): Resource => ({
  type: 'aws.rds.db-instance',
  id,
  account: ACCOUNT,
  region: 'us-east-1',
  data: { DBInstanceIdentifier: id, Engine: 'mysql', MultiAZ: multiAz },
});

describe('rule status', () => {
  it("not checked names the types that were missing: the required type, not the rule's own", () => {
    const account: Resource = {
      type: 'aws.account',
      id: ACCOUNT,
      account: ACCOUNT,
      region: 'global',
      data: { AccountId: ACCOUNT, Regions: ['us-east-1'] },
    };
    const result = evaluate(
      snapshot([account], ['aws.account']),
      [rule('cloudtrail-no-multi-region-trail'), rule('rds-instance-not-multi-az')],
      NOW,
    );
    const byId = Object.fromEntries(result.rules.map((r) => [r.ruleId, r]));
    expect(byId['cloudtrail-no-multi-region-trail']).toMatchObject({
      resource: 'aws.account',
      status: 'not-checked',
      missingTypes: ['aws.cloudtrail.trail'],
      complete: false,
    });
    expect(byId['rds-instance-not-multi-az']).toMatchObject({ status: 'not-checked', missingTypes: ['aws.rds.db-instance'] });
  });

  it('no finding but a gap on the rule\'s type is "incomplete", not "pass"; with the type read whole it is "pass"', () => {
    const gap: CoverageGap = {
      service: 'rds',
      region: 'eu-west-1',
      operation: 'DescribeDBInstances',
      resourceTypes: ['aws.rds.db-instance'],
      errorCode: 'AccessDenied',
      message: 'denied',
    };
    const withGap = evaluate(snapshot([db('a', true)], ['aws.rds.db-instance'], [gap]), [rule('rds-instance-not-multi-az')], NOW);
    expect(withGap.rules[0]).toMatchObject({
      status: 'incomplete',
      complete: false,
      passed: 1,
      missingTypes: [],
      gaps: [{ operation: 'DescribeDBInstances' }],
    });
    const whole = evaluate(snapshot([db('a', true)], ['aws.rds.db-instance']), [rule('rds-instance-not-multi-az')], NOW);
    expect(whole.rules[0]).toMatchObject({ status: 'pass', complete: true, passed: 1 });
    // A failing rule stays "fail" with a gap, and says it is incomplete.
    const failing = evaluate(snapshot([db('b', false)], ['aws.rds.db-instance'], [gap]), [rule('rds-instance-not-multi-az')], NOW);
    expect(failing.rules[0]).toMatchObject({ status: 'fail', complete: false, failed: 1 });
  });
});

describe('findings of a run', () => {
  it('a resource listed twice is one finding, and its rule counts it once', () => {
    const result = evaluate(
      snapshot([db('b', false), db('a', true), db('b', false)], ['aws.rds.db-instance']),
      [rule('rds-instance-not-multi-az')],
      NOW,
    );
    expect(result.findings.map((f) => f.resource.id)).toEqual(['b']);
    expect(result.rules[0]).toMatchObject({ evaluated: 2, failed: 1, passed: 1 });
  });

  it('the parts of several sources are joined, deduplicated and sorted in one order', () => {
    const rds = rule('rds-instance-not-multi-az');
    const one = evaluateResources(snapshot([db('z', false), db('m', false)], ['aws.rds.db-instance']), [rds], NOW);
    const other = evaluateResources(
      snapshot([db('a', false), db('m', false)], ['aws.rds.db-instance']),
      [rule('rds-instance-not-multi-az')],
      NOW,
    );
    const built = buildResults([
      one,
      {
        tallies: other.tallies.map((t) => ({ ...t, rule: { ...t.rule, id: 'copy-of-rds' } })),
        findings: other.findings.map((f) => ({ ...f, ruleId: 'copy-of-rds', fingerprint: fingerprintOf('copy-of-rds', f.resource) })),
      },
    ]);
    expect(built.findings.map((f) => `${f.ruleId} ${f.resource.id}`)).toEqual([
      'copy-of-rds a',
      'copy-of-rds m',
      'rds-instance-not-multi-az m',
      'rds-instance-not-multi-az z',
    ]);
    expect(built.findings).toEqual([...built.findings].sort(compareFindings));
    expect(built.rules.map((r) => r.ruleId)).toEqual(['copy-of-rds', 'rds-instance-not-multi-az']);
  });

  it('a rule two sources both evaluated is a mistake of the caller, not a result counted twice', () => {
    const part = evaluateResources(snapshot([db('a', false)], ['aws.rds.db-instance']), [rule('rds-instance-not-multi-az')], NOW);
    expect(() => buildResults([part, part])).toThrow(/evaluated by two sources/);
  });
});
