import type { Review } from '../findings/review.js';
import type { RuleResult } from '../engine/findings.js';
import { KINDS, SEVERITIES, type Kind, type Severity } from '../model/severity.js';

export interface Summary {
  /** Open findings: every finding that is not suppressed. */
  findings: number;
  bySeverity: Record<Severity, number>;
  byKind: Record<Kind, number>;
  /** Sum of the cost estimates of open cost findings, USD per month. */
  costMonthlyUsd: number;
  /** Findings matched by a suppression (reported, not counted above). */
  suppressed: number;
  /** Open findings folded into a broader finding of the same cause (listed, shown inside it, not counted above). */
  folded: number;
  /** With --baseline only. */
  baseline?: { new: number; unchanged: number; fixed: number; notRechecked: number };
  rules: RuleCounts;
}

/** Each rule counted once, by its status: failed + passed + incomplete + notChecked = total. */
export interface RuleCounts {
  total: number;
  failed: number;
  /** Of the failed rules, those that are incomplete too (a gap or undecided resources: there may be more findings). */
  failedIncomplete: number;
  /** No finding, and everything the rule reads was read: a clean bill. */
  passed: number;
  /** No finding, but not a clean bill: a coverage gap touches the rule, or some resources could not be decided. */
  incomplete: number;
  /** A resource type the rule reads was not collected: no result either way. */
  notChecked: number;
}

export function summarize(review: Review): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  let cost = 0;
  let open = 0;
  let suppressed = 0;
  let folded = 0;
  for (const f of review.findings) {
    if (f.suppression) {
      suppressed++;
      continue;
    }
    if (f.foldedInto !== undefined) {
      folded++;
      continue;
    }
    open++;
    bySeverity[f.severity]++;
    byKind[f.kind]++;
    cost += f.costMonthlyUsd ?? 0;
  }
  const rules = review.rules;
  const summary: Summary = {
    findings: open,
    bySeverity,
    byKind,
    costMonthlyUsd: Math.round(cost * 100) / 100,
    suppressed,
    folded,
    rules: countRules(rules),
  };
  if (review.baseline) {
    const b = review.baseline;
    summary.baseline = { new: b.new, unchanged: b.unchanged, fixed: b.fixed.length, notRechecked: b.notRechecked.length };
  }
  return summary;
}

function countRules(rules: readonly RuleResult[]): RuleCounts {
  const counts: RuleCounts = { total: rules.length, failed: 0, failedIncomplete: 0, passed: 0, incomplete: 0, notChecked: 0 };
  for (const r of rules) {
    if (r.status === 'fail') {
      counts.failed++;
      if (!r.complete) counts.failedIncomplete++;
    } else if (r.status === 'pass') counts.passed++;
    else if (r.status === 'incomplete') counts.incomplete++;
    else counts.notChecked++;
  }
  return counts;
}

/** The rule counts as every report words them: "53 rules: 14 failed (3 of them incomplete), 16 passed, 8 incomplete, 15 not checked". */
export function describeRuleCounts(c: RuleCounts): string {
  const parts = [`${c.failed} failed${c.failedIncomplete ? ` (${c.failedIncomplete} of them incomplete)` : ''}`, `${c.passed} passed`];
  if (c.incomplete) parts.push(`${c.incomplete} incomplete`);
  if (c.notChecked) parts.push(`${c.notChecked} not checked`);
  return `${c.total} rule${c.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** The rules a report lists as not checked, each with the types that were missing: "rule-id [aws.cloudtrail.trail]". */
export function notCheckedRules(rules: readonly RuleResult[]): Array<{ ruleId: string; missing: string }> {
  return rules.filter((r) => r.status === 'not-checked').map((r) => ({ ruleId: r.ruleId, missing: r.missingTypes.join(', ') }));
}

/** Rules whose answer is partial (a gap, undecided resources), failing or not. */
export function incompleteRules(rules: readonly RuleResult[]): RuleResult[] {
  return rules.filter((r) => r.status !== 'not-checked' && !r.complete);
}

/** Why a rule is incomplete beyond its gaps, for reports: " (3 undecided: i-1, i-2, i-3)", or "" when none was undecided. */
export function undecidedNote(r: Pick<RuleResult, 'undecided' | 'undecidedResources'>): string {
  if (!r.undecided) return '';
  return ` (${r.undecided} undecided: ${r.undecidedResources.join(', ')}${r.undecided > r.undecidedResources.length ? ', …' : ''})`;
}

/** Event rules with an allow-list (config `allow`) and how many matching events each left out: "rule-id (12 allowed)". */
export function allowedRules(rules: readonly RuleResult[]): Array<{ ruleId: string; allowed: number }> {
  return rules.filter((r) => r.allowed !== undefined).map((r) => ({ ruleId: r.ruleId, allowed: r.allowed! }));
}
