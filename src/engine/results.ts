import { SEVERITY_RANK, type Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Finding, RuleGap, RuleResult } from './findings.js';
import { foldFindings } from './fold.js';

/**
 * The results model. Every source of findings — the resources of a snapshot (./evaluate.ts),
 * CloudTrail events and the correlations over them (src/cloudtrail/pipeline.ts) — hands over
 * what it saw as tallies and findings; `buildResults` is the one place that turns them into
 * rule results and into the run's deduplicated, sorted findings.
 */

/** What a source observed for one rule, before it becomes a RuleResult. */
export interface RuleTally {
  rule: CompiledRule;
  /** Resources (or events) the rule was applied to. */
  evaluated: number;
  /** Of those, the ones that failed it. Each failure is a finding, though a source may list only some (CloudTrail keeps the most recent per rule). */
  failed: number;
  /** Resources the rule could not decide (its `unknownWhen` matched). */
  undecided: number;
  /** The first few undecided resource ids. */
  undecidedResources: string[];
  /** Resource types the rule reads that the source did not collect: the rule is then not checked. */
  missingTypes: string[];
  /** Coverage gaps that touch what the rule reads. */
  gaps: RuleGap[];
  /**
   * The counts already count each resource or event once (CloudTrail: by eventID, account and
   * region), so copies among the findings are not taken off them again.
   */
  distinct?: boolean;
  /** The source saw only part of what the rule needs for a reason that is not a listed gap (a correlation past its bound, gaps past the number listed). */
  partial?: boolean;
  /** Events the rule matched that an allow-list left out (set when an allow-list applies to the rule). */
  allowed?: number;
}

/** One source's part of a run: a tally per rule it evaluated, and the findings of those rules. */
export interface SourceResults {
  tallies: RuleTally[];
  findings: Finding[];
  /** What the source could not evaluate, for the report's notes (resources a rule could not decide). */
  notes?: string[];
}

/**
 * Rule results and findings of a run from the parts its sources evaluated. A finding that more
 * than one part, or one part twice, reported (the same CloudTrail event read from two sources, a
 * resource listed twice) is kept once, and its rule counts it once: the copies are taken off
 * both its failures and its evaluations, so `evaluated = failed + passed + undecided` still holds.
 */
export function buildResults(parts: readonly SourceResults[]): { rules: RuleResult[]; findings: Finding[] } {
  const all = parts.length === 1 ? parts[0]!.findings : parts.flatMap((p) => p.findings);
  sortFindings(all);
  const seen = new Set<string>();
  const repeats = new Map<string, number>();
  const findings: Finding[] = [];
  for (let i = 0; i < all.length; i++) {
    const f = all[i]!;
    if (seen.has(f.fingerprint)) repeats.set(f.ruleId, (repeats.get(f.ruleId) ?? 0) + 1);
    else {
      seen.add(f.fingerprint);
      findings.push(f);
    }
  }
  const rules: RuleResult[] = [];
  const ruleIds = new Set<string>();
  for (const part of parts) {
    for (const tally of part.tallies) {
      // Callers split the rules between sources; a rule in two of them would be counted twice.
      if (ruleIds.has(tally.rule.id)) throw new Error(`rule ${tally.rule.id} was evaluated by two sources`);
      ruleIds.add(tally.rule.id);
      rules.push(ruleResult(tally, tally.distinct ? 0 : (repeats.get(tally.rule.id) ?? 0)));
    }
  }
  rules.sort((a, b) => a.ruleId.localeCompare(b.ruleId));
  // One cause, one finding: narrower findings fold into the broader finding on the same resource.
  const subsumes = new Map<string, readonly string[]>();
  for (const part of parts)
    for (const t of part.tallies) if (t.rule.definition.subsumes) subsumes.set(t.rule.id, t.rule.definition.subsumes);
  foldFindings(findings, subsumes);
  return { rules, findings };
}

function ruleResult(t: RuleTally, repeated: number): RuleResult {
  const evaluated = t.evaluated - repeated;
  const failed = t.failed - repeated;
  const checked = t.missingTypes.length === 0;
  const complete = checked && t.gaps.length === 0 && t.undecided === 0 && !t.partial;
  return {
    ruleId: t.rule.id,
    resource: t.rule.definition.resource,
    severity: t.rule.severity,
    kind: t.rule.definition.kind,
    evaluated,
    failed,
    passed: evaluated - failed - t.undecided,
    undecided: t.undecided,
    undecidedResources: t.undecidedResources,
    status: failed > 0 ? 'fail' : !checked ? 'not-checked' : complete ? 'pass' : 'incomplete',
    complete,
    missingTypes: t.missingTypes,
    gaps: t.gaps,
    ...(t.allowed !== undefined ? { allowed: t.allowed } : {}),
  };
}

/** account, region, type and id joined: the resource's part of a fingerprint, and its sort key. */
export function resourceKey(resource: { account: string; region: string; type: string; id: string }): string {
  return [resource.account, resource.region, resource.type, resource.id].join('\u0000');
}

/**
 * Sort in place into `compareFindings` order, faster: group by rule and severity first — the
 * leading keys — then sort each group by its resources' keys (`account\0region\0type\0id`,
 * whose string order is the order of those four fields, as no field holds "\0"), one string
 * comparison instead of four. Same order as `findings.sort(compareFindings)` (both stable).
 */
function sortFindings(findings: Finding[]): void {
  // rule id (the rule's own string object, so look-ups hash it once) -> severity -> indexes
  const byRule = new Map<string, Map<Severity, number[]>>();
  for (let k = 0; k < findings.length; k++) {
    const f = findings[k]!;
    let bySeverity = byRule.get(f.ruleId);
    if (!bySeverity) byRule.set(f.ruleId, (bySeverity = new Map<Severity, number[]>()));
    const group = bySeverity.get(f.severity);
    if (group) group.push(k);
    else bySeverity.set(f.severity, [k]);
  }
  const groups: number[][] = [];
  for (const bySeverity of byRule.values()) for (const group of bySeverity.values()) groups.push(group);
  const first = (g: number[]) => findings[g[0]!]!;
  groups.sort((a, b) => SEVERITY_RANK[first(b).severity] - SEVERITY_RANK[first(a).severity] || cmp(first(a).ruleId, first(b).ruleId));
  const keys = new Array<string>(findings.length);
  const byResource = (x: number, y: number) =>
    cmp(keys[x]!, keys[y]!) || (findings[x]!.location?.line ?? 0) - (findings[y]!.location?.line ?? 0);
  const sorted = new Array<Finding>(findings.length);
  let i = 0;
  for (const group of groups) {
    if (group.length > 1) {
      for (const k of group) keys[k] = resourceKey(findings[k]!.resource);
      group.sort(byResource);
    }
    for (let j = 0; j < group.length; j++) sorted[i++] = findings[group[j]!]!;
  }
  for (let k = 0; k < sorted.length; k++) findings[k] = sorted[k]!;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resource.account, b.resource.account) ||
    cmp(a.resource.region, b.resource.region) ||
    cmp(a.resource.type, b.resource.type) ||
    cmp(a.resource.id, b.resource.id) ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0)
  );
}

function cmp(a: string, b: string): number {
  // One ordering comparison in the common cases (distinct keys), not two.
  return a < b ? -1 : a === b ? 0 : 1;
}
