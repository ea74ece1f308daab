import { createHash } from 'node:crypto';
import type { RuleResult } from '../engine/findings.js';
import type { Review, ReviewedFinding } from '../findings/review.js';
import type { CompiledRule } from '../ruleset/types.js';

/**
 * What the finding-exchange formats (OCSF, ASFF) share: which findings are detections of
 * CloudTrail events, and which rules could not give an answer. Those formats are read by
 * tools that show every finding as "passed" or "failed": a rule that was not checked must
 * reach them as "not available", never as silence that reads as a pass.
 */

/** A finding on a CloudTrail event (an event rule): a detection, not the state of a resource. */
export function isEventFinding(f: ReviewedFinding): boolean {
  return f.resource.type === 'aws.cloudtrail.event';
}

/**
 * Resource rules with no finding and no clean bill: not checked (a type was not collected) or
 * incomplete (a gap, undecided resources). Event rules are left out: a detection that did not
 * run (no CloudTrail source was read) says nothing about the state of the account, and the
 * text, JSON and HTML reports list those rules as not checked.
 */
export function unansweredRules(review: Review): RuleResult[] {
  return review.rules.filter((r) => r.resource !== 'aws.cloudtrail.event' && (r.status === 'not-checked' || r.status === 'incomplete'));
}

/** A stable id for "rule R could not be checked in account A": the same on every run, like a fingerprint. */
export function unansweredId(ruleId: string, account: string): string {
  return createHash('sha256').update(`unanswered\u0000${ruleId}\u0000${account}`).digest('hex');
}

/** Why a rule has no answer, in one sentence. */
export function unansweredReason(r: RuleResult): string {
  if (r.status === 'not-checked') return `Not checked: awsaudit did not collect ${r.missingTypes.join(', ')}, which this rule reads.`;
  const gaps = r.gaps.map((g) => `${g.operation} in ${g.region} (${g.errorCode})`);
  const parts = [];
  if (gaps.length) parts.push(`calls that failed: ${gaps.slice(0, 5).join(', ')}${gaps.length > 5 ? `, and ${gaps.length - 5} more` : ''}`);
  if (r.undecided) parts.push(`${r.undecided} resource(s) could not be decided`);
  return `Incomplete, not passed: ${parts.join('; ') || 'part of what the rule reads was not seen'}.`;
}

/** The rules of a report by id. */
export function ruleTable(rules: readonly CompiledRule[]): ReadonlyMap<string, CompiledRule> {
  return new Map(rules.map((r) => [r.id, r]));
}

/** CIS and FSBP control ids of a rule as "CIS AWS Foundations Benchmark v6.0.0 2.7" / "AWS FSBP IAM.15". */
export function controlNames(rule: CompiledRule | undefined): { standards: string[]; controls: string[] } {
  const c = rule?.definition.compliance ?? {};
  const standards: string[] = [];
  const controls: string[] = [];
  for (const [framework, ids] of Object.entries(c)) {
    if (!ids?.length) continue;
    const name = FRAMEWORK_NAMES[framework] ?? framework;
    standards.push(name);
    for (const id of ids) controls.push(`${name} ${id}`);
  }
  return { standards, controls };
}

export const FRAMEWORK_NAMES: Readonly<Record<string, string>> = {
  'cis-aws-6.0': 'CIS AWS Foundations Benchmark v6.0.0',
  fsbp: 'AWS Foundational Security Best Practices',
};
