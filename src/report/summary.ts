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
  /** With --baseline only. */
  baseline?: { new: number; unchanged: number; fixed: number; notRechecked: number };
  rules: { total: number; failed: number; passed: number; notChecked: number; incomplete: number };
}

export function summarize(review: Review): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  let cost = 0;
  let open = 0;
  let suppressed = 0;
  for (const f of review.findings) {
    if (f.suppression) {
      suppressed++;
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
    rules: {
      total: rules.length,
      failed: rules.filter((r) => r.status === 'fail').length,
      passed: rules.filter((r) => r.status === 'pass').length,
      notChecked: rules.filter((r) => r.status === 'not-checked').length,
      incomplete: rules.filter((r) => r.status !== 'not-checked' && !r.complete).length,
    },
  };
  if (review.baseline) {
    const b = review.baseline;
    summary.baseline = { new: b.new, unchanged: b.unchanged, fixed: b.fixed.length, notRechecked: b.notRechecked.length };
  }
  return summary;
}

/** Why a rule is incomplete beyond its gaps, for reports: " (3 undecided: i-1, i-2, i-3)", or "" when none was undecided. */
export function undecidedNote(r: Pick<RuleResult, 'undecided' | 'undecidedResources'>): string {
  if (!r.undecided) return '';
  return ` (${r.undecided} undecided: ${r.undecidedResources.join(', ')}${r.undecided > r.undecidedResources.length ? ', …' : ''})`;
}
