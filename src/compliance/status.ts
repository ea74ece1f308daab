import type { RuleResult } from '../engine/findings.js';
import type { Framework, FrameworkId, Recommendation } from './types.js';

/**
 * One status per recommendation of a framework, from a run's rule results (src/engine/results.ts):
 *
 * - fail: one of its rules failed (a finding);
 * - incomplete: none failed, but one could not decide everything (a coverage gap, undecided
 *   resources), or only some of its rules ran;
 * - manual: no API call decides it (the catalogue says how to check it by hand), and none of
 *   the rules that cover part of it failed;
 * - not checked: it has no rule yet, or its rules were not run (not selected, opt-in) or read a
 *   resource type that was not collected;
 * - pass: every rule it needs ran, read everything it needs, and passed.
 *
 * Rules over CloudTrail events add evidence (a failing one fails the recommendation) but a
 * recommendation about a setting does not wait for them: a scan without --cloudtrail can pass
 * it on the rules that read the setting.
 */

export type ComplianceStatus = 'pass' | 'fail' | 'incomplete' | 'manual' | 'not-checked';
export const COMPLIANCE_STATUSES: readonly ComplianceStatus[] = ['fail', 'incomplete', 'not-checked', 'manual', 'pass'];

/** What the compliance view needs of a rule, run or not. */
export interface ComplianceRule {
  id: string;
  title: string;
  compliance?: Record<string, string[] | undefined>;
  /** false: opt-in (runs only when the config file enables it or --only names it). */
  enabled?: boolean;
  /** It reads CloudTrail events, not a setting (runs with --cloudtrail). */
  events: boolean;
}

/** A rule behind a recommendation, as this run left it. */
export interface RuleStanding {
  ruleId: string;
  title: string;
  /** The rule's result, or "not-run" when the run did not evaluate it. */
  status: RuleResult['status'] | 'not-run';
  /** Findings of the rule (all resources, not only those of this recommendation). */
  failed: number;
  /** A rule over CloudTrail events: evidence, not required for a pass. */
  events?: true;
  /** Why it has no result: not selected, opt-in, or the resource types it reads that were not collected. */
  note?: string;
}

export interface RecommendationResult {
  id: string;
  title: string;
  section: string;
  level?: 1 | 2;
  assessment?: 'automated' | 'manual';
  severity?: string;
  status: ComplianceStatus;
  /** One sentence: why this status. */
  reason: string;
  /** How to check it by hand (manual recommendations). */
  manual?: string;
  rules: RuleStanding[];
}

export interface StatusCounts {
  total: number;
  pass: number;
  fail: number;
  incomplete: number;
  manual: number;
  notChecked: number;
  /**
   * Passed, out of the recommendations an API call decides (total − manual), rounded down:
   * 100 only when every one of them passed. Not checked and incomplete count as not passed.
   * null when there is none to decide.
   */
  percentPassing: number | null;
}

export interface SectionResult extends StatusCounts {
  id: string;
  title: string;
}

export interface ComplianceResult {
  framework: FrameworkId;
  name: string;
  version: string;
  url: string;
  summary: StatusCounts;
  sections: SectionResult[];
  recommendations: RecommendationResult[];
  /** Ids that rules cite under this framework but the catalogue does not have (a typo in a user's rule): listed, never counted. */
  uncatalogued: Array<{ ruleId: string; id: string }>;
}

/** The rules that cite each id of the framework, in rule-id order. */
export function rulesById(framework: Framework, rules: readonly ComplianceRule[]): Map<string, ComplianceRule[]> {
  const byId = new Map<string, ComplianceRule[]>();
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    for (const id of new Set(rule.compliance?.[framework.id] ?? [])) {
      const list = byId.get(id);
      if (list) list.push(rule);
      else byId.set(id, [rule]);
    }
  }
  return byId;
}

export function evaluateCompliance(
  framework: Framework,
  rules: readonly ComplianceRule[],
  results: readonly RuleResult[],
): ComplianceResult {
  const byId = rulesById(framework, rules);
  const resultOf = new Map(results.map((r) => [r.ruleId, r]));
  const known = new Set(framework.recommendations.map((r) => r.id));
  const uncatalogued = [...byId.entries()]
    .filter(([id]) => !known.has(id))
    .flatMap(([id, list]) => list.map((rule) => ({ ruleId: rule.id, id })));
  const recommendations = framework.recommendations.map((rec) => judge(rec, byId.get(rec.id) ?? [], resultOf));
  const sections = framework.sections.map((s) => ({
    id: s.id,
    title: s.title,
    ...count(recommendations.filter((r) => r.section === s.id)),
  }));
  return {
    framework: framework.id,
    name: framework.name,
    version: framework.version,
    url: framework.url,
    summary: count(recommendations),
    sections,
    recommendations,
    uncatalogued,
  };
}

function standing(rule: ComplianceRule, result: RuleResult | undefined): RuleStanding {
  const base = { ruleId: rule.id, title: rule.title, ...(rule.events ? { events: true as const } : {}) };
  if (!result) {
    const note =
      rule.enabled === false
        ? 'opt-in rule, not enabled (enable it in the config file or name it with --only)'
        : rule.events
          ? 'reads CloudTrail events: runs with --cloudtrail'
          : 'not run in this scan';
    return { ...base, status: 'not-run', failed: 0, note };
  }
  return {
    ...base,
    status: result.status,
    failed: result.failed,
    ...(result.status === 'not-checked' ? { note: `${result.missingTypes.join(', ')} not collected` } : {}),
  };
}

function list(rules: readonly RuleStanding[], withNote = false): string {
  return rules.map((r) => (withNote && r.note ? `${r.ruleId} (${r.note})` : r.ruleId)).join(', ');
}

function judge(rec: Recommendation, rules: readonly ComplianceRule[], resultOf: Map<string, RuleResult>): RecommendationResult {
  const standings = rules.map((rule) => standing(rule, resultOf.get(rule.id)));
  const base = {
    id: rec.id,
    title: rec.title,
    section: rec.section,
    ...(rec.level ? { level: rec.level } : {}),
    ...(rec.assessment ? { assessment: rec.assessment } : {}),
    ...(rec.severity ? { severity: rec.severity } : {}),
    ...(rec.manual ? { manual: rec.manual } : {}),
    rules: standings,
  };
  const failed = standings.filter((r) => r.status === 'fail');
  if (failed.length) {
    const findings = failed.reduce((n, r) => n + r.failed, 0);
    return { ...base, status: 'fail', reason: `failed: ${list(failed)} (${findings} finding${findings === 1 ? '' : 's'})` };
  }
  const partial = standings.filter((r) => r.status === 'incomplete');
  if (partial.length) {
    return {
      ...base,
      status: 'incomplete',
      reason: `no finding, but ${list(partial)} could not read or decide everything (a coverage gap or undecided resources): not a pass`,
    };
  }
  if (rec.manual) {
    const passed = standings.filter((r) => r.status === 'pass');
    return {
      ...base,
      status: 'manual',
      reason: passed.length
        ? `${list(passed)} passed, but no API call decides the rest: check it by hand`
        : 'no API call decides this: check it by hand',
    };
  }
  if (!standings.length) return { ...base, status: 'not-checked', reason: 'no awsaudit rule checks this yet' };
  // Rules over events are evidence; a setting is judged by the rules that read it.
  const settings = standings.filter((r) => !r.events);
  const required = settings.length ? settings : standings;
  const missing = required.filter((r) => r.status === 'not-run' || r.status === 'not-checked');
  if (missing.length === required.length) {
    return { ...base, status: 'not-checked', reason: `its rules gave no result: ${list(missing, true)}` };
  }
  if (missing.length) {
    return {
      ...base,
      status: 'incomplete',
      reason: `${list(required.filter((r) => !missing.includes(r)))} passed, but ${list(missing, true)} gave no result: not a pass`,
    };
  }
  return { ...base, status: 'pass', reason: `passed: ${list(required)}` };
}

function count(recs: readonly RecommendationResult[]): StatusCounts {
  const c = { total: recs.length, pass: 0, fail: 0, incomplete: 0, manual: 0, notChecked: 0 };
  for (const r of recs) {
    if (r.status === 'not-checked') c.notChecked++;
    else c[r.status]++;
  }
  const decidable = c.total - c.manual;
  return { ...c, percentPassing: decidable > 0 ? Math.floor((c.pass / decidable) * 100) : null };
}
