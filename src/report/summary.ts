import type { Evaluation } from '../engine/findings.js';
import { KINDS, SEVERITIES, type Kind, type Severity } from '../model/severity.js';

export interface Summary {
  findings: number;
  bySeverity: Record<Severity, number>;
  byKind: Record<Kind, number>;
  /** Sum of the cost estimates of cost findings, USD per month. */
  costMonthlyUsd: number;
  rules: { total: number; failed: number; passed: number; notChecked: number; incomplete: number };
}

export function summarize(evaluation: Evaluation): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  let cost = 0;
  for (const f of evaluation.findings) {
    bySeverity[f.severity]++;
    byKind[f.kind]++;
    cost += f.costMonthlyUsd ?? 0;
  }
  const rules = evaluation.rules;
  return {
    findings: evaluation.findings.length,
    bySeverity,
    byKind,
    costMonthlyUsd: Math.round(cost * 100) / 100,
    rules: {
      total: rules.length,
      failed: rules.filter((r) => r.status === 'fail').length,
      passed: rules.filter((r) => r.status === 'pass').length,
      notChecked: rules.filter((r) => r.status === 'not-checked').length,
      incomplete: rules.filter((r) => r.status !== 'not-checked' && !r.complete).length,
    },
  };
}
