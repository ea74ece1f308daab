import type { Evaluation, Finding, FindingResource } from '../engine/findings.js';
import { atLeast, type Kind, type Severity } from '../model/severity.js';
import type { Baseline } from './baseline.js';
import type { Suppression } from './suppressions.js';

/**
 * What happens to findings after evaluation: suppressions from the ignore file or config,
 * and the comparison with a baseline. Kept out of the engine so the engine stays a pure
 * function of snapshot, rules and clock; this step is pure too (the clock is an input).
 */

export type BaselineState = 'new' | 'unchanged';

export interface AppliedSuppression {
  reason: string;
  /** Where the suppression is written: file#/json/pointer. */
  source: string;
  expires?: string;
}

export interface ReviewedFinding extends Finding {
  /** Present only when a baseline was given. */
  baselineState?: BaselineState;
  /** Present when a (non-expired) suppression matched: the finding is reported but does not count. */
  suppression?: AppliedSuppression;
}

/** A finding of the baseline that this run did not report. */
export interface AbsentFinding {
  fingerprint: string;
  ruleId: string;
  title: string;
  severity: Severity;
  kind: Kind;
  resource: FindingResource;
  message: string;
  location?: Finding['location'];
  /** Why it cannot be called fixed (only in `notRechecked`). */
  reason?: string;
}

export interface BaselineComparison {
  file: string;
  evaluatedAt?: string;
  new: number;
  unchanged: number;
  /** In the baseline, checked again now, and gone. */
  fixed: AbsentFinding[];
  /** In the baseline but not seen now: its rule did not run, its type was not collected, a gap, or another account. Never called fixed. */
  notRechecked: AbsentFinding[];
}

export interface ExpiredSuppression {
  source: string;
  rule?: string;
  account?: string;
  region?: string;
  resource?: string;
  reason: string;
  expires: string;
  /** Findings of this run it would have suppressed (they are now reported as open). */
  matched: number;
}

/** An evaluation with suppressions and the baseline applied; what reporters and the exit code read. */
export interface Review extends Evaluation {
  findings: ReviewedFinding[];
  baseline?: BaselineComparison;
  expiredSuppressions?: ExpiredSuppression[];
}

export interface ReviewOptions {
  suppressions?: readonly Suppression[];
  baseline?: Baseline;
  /** The evaluation clock; decides which suppressions have expired. */
  now: Date;
}

export function reviewFindings(evaluation: Evaluation, options: ReviewOptions): Review {
  const now = options.now.getTime();
  const all = options.suppressions ?? [];
  const active = all.filter((s) => s.expiresAt === undefined || now < s.expiresAt);
  const expired = all.filter((s) => s.expiresAt !== undefined && now >= s.expiresAt);
  const baselineKeys = options.baseline ? new Set(options.baseline.findings.map((f) => f.fingerprint)) : undefined;

  const findings: ReviewedFinding[] = evaluation.findings.map((finding) => {
    const reviewed: ReviewedFinding = { ...finding };
    if (baselineKeys) reviewed.baselineState = baselineKeys.has(finding.fingerprint) ? 'unchanged' : 'new';
    const match = active.find((s) => s.test(finding));
    if (match) {
      reviewed.suppression = { reason: match.reason, source: match.source };
      if (match.expires !== undefined) reviewed.suppression.expires = match.expires;
    }
    return reviewed;
  });

  // A finding folded into one the user suppressed is shown on its own again (unless suppressed
  // itself): a suppression names one finding, and must not silence another rule's.
  const suppressed = new Set(findings.filter((f) => f.suppression).map((f) => f.fingerprint));
  for (const f of findings) if (f.foldedInto !== undefined && !f.suppression && suppressed.has(f.foldedInto)) delete f.foldedInto;

  const review: Review = { ...evaluation, findings };
  review.expiredSuppressions = expired.map((s) => {
    const out: ExpiredSuppression = {
      source: s.source,
      reason: s.reason,
      expires: s.expires!,
      matched: evaluation.findings.filter((f) => s.test(f)).length,
    };
    for (const key of ['rule', 'account', 'region', 'resource'] as const) if (s[key] !== undefined) out[key] = s[key];
    return out;
  });
  if (options.baseline) review.baseline = compareWithBaseline(evaluation, findings, options.baseline);
  return review;
}

function compareWithBaseline(evaluation: Evaluation, findings: ReviewedFinding[], baseline: Baseline): BaselineComparison {
  const current = new Set(evaluation.findings.map((f) => f.fingerprint));
  const rules = new Map(evaluation.rules.map((r) => [r.ruleId, r]));
  const accounts = new Set(evaluation.meta.accounts);
  const fixed: AbsentFinding[] = [];
  const notRechecked: AbsentFinding[] = [];
  const seen = new Set<string>();
  for (const old of baseline.findings) {
    if (current.has(old.fingerprint) || seen.has(old.fingerprint)) continue;
    seen.add(old.fingerprint);
    const absent: AbsentFinding = {
      fingerprint: old.fingerprint,
      ruleId: old.ruleId,
      title: old.title ?? old.ruleId,
      severity: old.severity,
      kind: old.kind,
      resource: old.resource,
      message: old.message ?? '',
    };
    if (old.location) absent.location = old.location;
    // "Fixed" is a claim that the resource was looked at again and passed; anything less is not re-checked.
    const rule = rules.get(old.ruleId);
    let reason: string | undefined;
    if (!rule) reason = 'its rule did not run in this scan';
    else if (rule.status === 'not-checked') reason = `${rule.missingTypes.join(', ')} was not collected in this scan`;
    else if (!rule.complete) reason = 'a coverage gap touches its rule in this scan';
    else if (!accounts.has(old.resource.account) && !isLocal(old.resource.region))
      reason = `account ${old.resource.account} was not scanned`;
    if (reason) notRechecked.push({ ...absent, reason });
    else fixed.push(absent);
  }
  const comparison: BaselineComparison = {
    file: baseline.file,
    // Folded findings are counted in the finding they are folded into (they are still compared: not "fixed").
    new: findings.filter((f) => f.baselineState === 'new' && f.foldedInto === undefined).length,
    unchanged: findings.filter((f) => f.baselineState === 'unchanged' && f.foldedInto === undefined).length,
    fixed,
    notRechecked,
  };
  if (baseline.evaluatedAt) comparison.evaluatedAt = baseline.evaluatedAt;
  return comparison;
}

function isLocal(region: string): boolean {
  return region === 'local';
}

/** Findings that count: not suppressed, not folded into another (which counts for it) and, with a baseline, new. */
export function countedFindings(review: Review): ReviewedFinding[] {
  return review.findings.filter(
    (f) => !f.suppression && f.foldedInto === undefined && (review.baseline === undefined || f.baselineState === 'new'),
  );
}

/** 0: nothing that counts at or above the threshold; 1: something does. */
export function exitCodeFor(review: Review, failOn: Severity | 'none'): number {
  if (failOn === 'none') return 0;
  return countedFindings(review).some((f) => atLeast(f.severity, failOn)) ? 1 : 0;
}
