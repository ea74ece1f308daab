import { evaluate } from '../engine/evaluate.js';
import { resourceTypeInfo } from '../resources/types.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Resource, type Snapshot } from '../snapshot/types.js';
import { compileRule, type RuleFile } from './load.js';
import type { RuleCase } from './types.js';

/** The clock for rule cases that do not set `now`, so cases with dates are reproducible. */
export const CASE_DEFAULT_NOW = '2026-06-01T00:00:00Z';
const CASE_ACCOUNT = '123456789012';

export interface CaseResult {
  ruleId: string;
  expect: 'fail' | 'pass' | 'unknown';
  name: string;
  ok: boolean;
  /** Why the case did not behave as declared. */
  reason?: string;
}

function caseSnapshot(type: string, requires: readonly string[], c: RuleCase, index: number): Snapshot {
  const scope = resourceTypeInfo(type)?.scope;
  const defaultRegion = scope === 'global' ? 'global' : scope === 'local' ? 'local' : 'us-east-1';
  const account = c.account ?? CASE_ACCOUNT;
  const resource: Resource = { type, id: c.id ?? `case-${index + 1}`, account, region: c.region ?? defaultRegion, data: c.data };
  if (c.facts) resource.facts = c.facts;
  const context: Resource[] = (c.context ?? []).map((r) => ({
    type: r.type,
    id: r.id,
    account,
    region: r.region ?? (resourceTypeInfo(r.type)?.scope === 'global' ? 'global' : 'us-east-1'),
    data: r.data,
  }));
  // A case describes a collection that read the rule's type, the types it requires and the
  // types of its context resources (a rule whose required types were not collected is not
  // evaluated at all, so its cases assume they were).
  const resourceTypes = [...new Set([type, ...requires, ...context.map((r) => r.type)])];
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    meta: { accounts: [account], regions: ['us-east-1'], collectedAt: CASE_DEFAULT_NOW, tool: { name: 'awsaudit', version: 'test' }, source: 'rule-case', resourceTypes },
    resources: [resource, ...context],
    gaps: [],
  };
}

/** Run one rule's own must-fail, must-pass and must-stay-undecided cases. */
export function testRule(rule: RuleFile): CaseResult[] {
  const results: CaseResult[] = [];
  const { definition } = rule;
  const run = (expect: CaseResult['expect'], c: RuleCase, i: number): CaseResult => {
    const base = { ruleId: definition.id, expect, name: c.name };
    // Case facts are set directly (over computed ones), so the snapshot resource keeps them.
    const compiled = compileRule(rule, c.options ? { options: c.options } : undefined, `${definition.id} case "${c.name}"`);
    if (!compiled.rule) return { ...base, ok: false, reason: compiled.problems.join('; ') };
    const snapshot = caseSnapshot(definition.resource, definition.requires ?? [], c, i);
    const evaluation = evaluate(snapshot, [compiled.rule], { now: new Date(c.now ?? CASE_DEFAULT_NOW) });
    const found = evaluation.findings.filter((f) => f.resource.id === snapshot.resources[0]!.id);
    const undecided = evaluation.rules[0]!.undecidedResources.includes(snapshot.resources[0]!.id);
    if (expect === 'pass' || expect === 'unknown') {
      if (found.length > 0) return { ...base, ok: false, reason: `expected no finding, got: ${found[0]!.message}` };
      // A pass must be decided; an unknown case must be neither a finding nor a pass.
      if (expect === 'pass' && undecided) return { ...base, ok: false, reason: 'expected a pass, the rule left it undecided (unknownWhen matched)' };
      if (expect === 'unknown' && !undecided) return { ...base, ok: false, reason: 'expected undecided, the rule passed it (unknownWhen did not match)' };
      return { ...base, ok: true };
    }
    if (found.length !== 1) return { ...base, ok: false, reason: 'expected a finding, got none' };
    const finding = found[0]!;
    if (c.severity && finding.severity !== c.severity) {
      return { ...base, ok: false, reason: `expected severity ${c.severity}, got ${finding.severity}` };
    }
    if (/\bunknown\b/.test(finding.message) && !/\bunknown\b/.test(definition.message)) {
      return { ...base, ok: false, reason: `message has an unresolved placeholder: "${finding.message}"` };
    }
    if (finding.evidence.length === 0) return { ...base, ok: false, reason: 'finding carries no evidence' };
    return { ...base, ok: true };
  };
  definition.tests.fail.forEach((c, i) => results.push(run('fail', c, i)));
  definition.tests.pass.forEach((c, i) => results.push(run('pass', c, i)));
  (definition.tests.unknown ?? []).forEach((c, i) => results.push(run('unknown', c, i)));
  return results;
}
