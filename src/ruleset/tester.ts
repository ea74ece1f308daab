import { eventFacts } from '../cloudtrail/event-facts.js';
import type { CloudTrailRecord } from '../cloudtrail/records.js';
import { evaluate } from '../engine/evaluate.js';
import { resourceTypeInfo } from '../resources/types.js';
import { dataProblem } from '../snapshot/check-data.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Resource, type Snapshot } from '../snapshot/types.js';
import { compileRule, type RuleFile } from './load.js';
import { evaluateChunksInline } from '../cloudtrail/correlation/inline.js';
import type { Finding } from '../engine/findings.js';
import type { FailCase, RuleCase } from './types.js';

/** The clock for rule cases that do not set `now`, so cases with dates are reproducible. */
export const CASE_DEFAULT_NOW = '2026-06-01T00:00:00Z';
const CASE_ACCOUNT = '123456789012';
const EVENT_TYPE = 'aws.cloudtrail.event';

export interface CaseResult {
  ruleId: string;
  expect: 'fail' | 'pass' | 'unknown';
  name: string;
  ok: boolean;
  /** Why the case did not behave as declared. */
  reason?: string;
}

/**
 * The facts a case's resource starts with: the case's own, and for an event the facts a scan
 * computes from the record itself (src/cloudtrail/event-facts.ts), under the case's.
 */
export function caseFacts(type: string, c: RuleCase): RuleCase['facts'] {
  if (type !== EVENT_TYPE || !c.data) return c.facts;
  // No AWS ranges in a case: a public address's AWS-ness is unknown unless the case's facts say.
  return { ...eventFacts(c.data as CloudTrailRecord, { leakedKeyIds: new Set(), awsRanges: null }), ...c.facts };
}

function caseSnapshot(type: string, requires: readonly string[], c: RuleCase, index: number): Snapshot {
  const scope = resourceTypeInfo(type)?.scope;
  const defaultRegion = scope === 'global' ? 'global' : scope === 'local' ? 'local' : 'us-east-1';
  const account = c.account ?? CASE_ACCOUNT;
  const resource: Resource = { type, id: c.id ?? `case-${index + 1}`, account, region: c.region ?? defaultRegion, data: c.data ?? {} };
  const facts = caseFacts(type, c);
  if (facts) resource.facts = facts;
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
    meta: {
      accounts: [account],
      regions: ['us-east-1'],
      collectedAt: CASE_DEFAULT_NOW,
      tool: { name: 'awsaudit', version: 'test' },
      source: 'rule-case',
      resourceTypes,
    },
    resources: [resource, ...context],
    gaps: [],
  };
}

/** What one case produced: the findings on its resource, and whether the rule left it undecided. */
export interface CaseOutcome {
  findings: Finding[];
  undecided: boolean;
}

/** Evaluate one case of a rule (with the case's options); problems in those options come back as text. */
export function runCase(rule: RuleFile, c: RuleCase, index: number): CaseOutcome | { problems: string[] } {
  const { definition } = rule;
  const compiled = compileRule(rule, c.options ? { options: c.options } : undefined, `${definition.id} case "${c.name}"`);
  if (!compiled.rule) return { problems: compiled.problems };
  if (c.records) {
    // A correlation case is a run: its records go through the CloudTrail evaluator and the correlation, as files would.
    const result = evaluateChunksInline(
      {
        rules: [{ file: rule.file, definition, severity: compiled.rule.severity, options: compiled.rule.options }],
        now: Date.parse(c.now ?? CASE_DEFAULT_NOW),
        leakedKeyIds: [],
        attribution: { mode: 'off' },
        maxFindingsPerRule: 1000,
      },
      [c.records],
    );
    return { findings: result.findings, undecided: result.undecided[0]! > 0 };
  }
  const snapshot = caseSnapshot(definition.resource, definition.requires ?? [], c, index);
  const evaluation = evaluate(snapshot, [compiled.rule], { now: new Date(c.now ?? CASE_DEFAULT_NOW) });
  const id = snapshot.resources[0]!.id;
  return {
    findings: evaluation.findings.filter((f) => f.resource.id === id),
    undecided: evaluation.rules[0]!.undecidedResources.includes(id),
  };
}

/**
 * A pinned text: `/…/` is a regular expression (JavaScript syntax) that must match somewhere
 * in the text, anything else the exact text.
 */
export function pinnedPattern(pin: string): RegExp | undefined {
  const m = /^\/(.*)\/$/s.exec(pin);
  return m ? new RegExp(m[1]!, 'u') : undefined;
}

/**
 * Why `actual` differs from what a case pinned, or undefined when it does not: the two texts
 * one under the other, and a caret under the first character that differs.
 */
export function pinMismatch(what: string, pin: string | null, actual: string | undefined): string | undefined {
  if (pin === null) return actual === undefined ? undefined : `expected no ${what}, got:\n    ${actual}`;
  if (actual === undefined) return `expected a ${what}, the rule rendered none (a value that cannot be quoted safely?)`;
  const pattern = pinnedPattern(pin);
  if (pattern) return pattern.test(actual) ? undefined : `${what} does not match ${pin}:\n    actual:   ${actual}`;
  if (pin === actual) return undefined;
  let at = 0;
  while (at < pin.length && at < actual.length && pin[at] === actual[at]) at++;
  return `${what} differs at character ${at + 1}:\n    expected: ${pin}\n    actual:   ${actual}\n              ${' '.repeat(at)}^`;
}

/** Where a case's resource (or one of its context resources) does not have the shape of its type's data. */
function caseDataProblem(type: string, c: RuleCase): string | undefined {
  for (const [resourceType, data, where] of [
    ...(c.data ? [[type, c.data, 'data'] as const] : []),
    ...(c.records ?? []).map((r, i) => [type, r, `records[${i}]`] as const),
    ...(c.context ?? []).map((r, i) => [r.type, r.data, `context[${i}].data`] as const),
  ] as const) {
    const problem = dataProblem(resourceType, data);
    if (problem) return `${where}${problem.pointer}: ${problem.message} (the shape of ${resourceType} data: docs/resources.md)`;
  }
  return undefined;
}

/** Run one rule's own must-fail, must-pass and must-stay-undecided cases. */
export function testRule(rule: RuleFile): CaseResult[] {
  const results: CaseResult[] = [];
  const { definition } = rule;
  const run = (expect: CaseResult['expect'], c: RuleCase, i: number): CaseResult => {
    const base = { ruleId: definition.id, expect, name: c.name };
    // A case resource is data as a collector would write it: one that does not have its type's
    // shape would only be set aside by the engine, and the case would test nothing.
    const malformed = caseDataProblem(definition.resource, c);
    if (malformed) return { ...base, ok: false, reason: malformed };
    // Case facts are set directly (over computed ones), so the snapshot resource keeps them.
    const outcome = runCase(rule, c, i);
    if ('problems' in outcome) return { ...base, ok: false, reason: outcome.problems.join('; ') };
    const { findings: found, undecided } = outcome;
    if (expect === 'pass' || expect === 'unknown') {
      if (found.length > 0) return { ...base, ok: false, reason: `expected no finding, got: ${found[0]!.message}` };
      // A pass must be decided; an unknown case must be neither a finding nor a pass.
      if (expect === 'pass' && undecided)
        return {
          ...base,
          ok: false,
          reason:
            'expected a pass, the rule left it undecided (unknownWhen matched, or the data has none of the fields the rule decides on)',
        };
      if (expect === 'unknown' && !undecided)
        return { ...base, ok: false, reason: 'expected undecided, the rule passed it (unknownWhen did not match)' };
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
    const fail = c as FailCase;
    const wrong =
      (fail.message !== undefined ? pinMismatch('message', fail.message, finding.message) : undefined) ??
      (fail.cli !== undefined ? pinMismatch('command', fail.cli, finding.remediation.cli) : undefined);
    if (wrong) return { ...base, ok: false, reason: wrong };
    return { ...base, ok: true };
  };
  definition.tests.fail.forEach((c, i) => results.push(run('fail', c, i)));
  definition.tests.pass.forEach((c, i) => results.push(run('pass', c, i)));
  (definition.tests.unknown ?? []).forEach((c, i) => results.push(run('unknown', c, i)));
  return results;
}
