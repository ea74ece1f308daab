import { hash } from 'node:crypto';
import { enrichResource, factSources, type EnrichedResource } from '../enrich/index.js';
import { SnapshotIndex } from '../snapshot/index.js';
import { SEVERITY_RANK, type Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { isPlainObject } from '../util/json.js';
import type { ExplainState } from './condition.js';
import type { Evaluation, Finding, RuleResult } from './findings.js';

export interface EvaluateOptions {
  /** The clock: rules never read the time themselves, so results are reproducible. */
  now: Date;
}

export function fingerprintOf(ruleId: string, resource: { account: string; region: string; type: string; id: string }): string {
  return hash('sha256', [ruleId, resource.account, resource.region, resource.type, resource.id].join('\u0000'), 'hex').slice(0, 32);
}

function displayName(resource: EnrichedResource): string | undefined {
  const tags = resource.data.Tags ?? resource.data.TagList;
  if (Array.isArray(tags)) {
    for (const tag of tags) {
      if (isPlainObject(tag) && tag.Key === 'Name' && typeof tag.Value === 'string') return tag.Value;
    }
  }
  return undefined;
}

/**
 * Apply compiled rules to a snapshot. Pure: the same snapshot, rules and clock give the
 * same findings in the same order.
 */
export function evaluate(snapshot: Snapshot, rules: readonly CompiledRule[], options: EvaluateOptions): Evaluation {
  const now = options.now.getTime();
  const ctx = { now };
  const enrichContext = { now, index: new SnapshotIndex(snapshot) };
  // Rule indexes by resource type; counts kept in flat arrays (this loop is the hot path).
  const rulesByType = new Map<string, number[]>();
  rules.forEach((rule, i) => {
    const list = rulesByType.get(rule.definition.resource) ?? [];
    list.push(i);
    rulesByType.set(rule.definition.resource, list);
  });
  const evaluated = new Array<number>(rules.length).fill(0);
  const failed = new Array<number>(rules.length).fill(0);
  const findings: Finding[] = [];

  for (const raw of snapshot.resources) {
    const indexes = rulesByType.get(raw.type);
    if (!indexes) continue;
    const resource = enrichResource(raw, enrichContext);
    for (const i of indexes) {
      const rule = rules[i]!;
      evaluated[i]!++;
      if (!rule.condition.test(resource, ctx)) continue;
      failed[i]!++;
      findings.push(makeFinding(rule, resource, ctx));
    }
  }

  findings.sort(compareFindings);
  const collected = new Set(snapshot.meta.resourceTypes);
  const ruleResults: RuleResult[] = rules.map((rule, i) => {
    const type = rule.definition.resource;
    // A gap on a type the facts are computed from also leaves the rule's answer unsure.
    const needed = [type, ...(rule.definition.requires ?? []), ...factSources(type)];
    const gaps = snapshot.gaps
      .filter((g) => g.resourceTypes.some((t) => needed.includes(t)))
      .map((g) => ({ region: g.region, operation: g.operation, errorCode: g.errorCode }));
    // Every type the rule reads must have been collected, or its "pass" would be a guess.
    const seen = (collected.has(type) || evaluated[i]! > 0) && (rule.definition.requires ?? []).every((t) => collected.has(t));
    return {
      ruleId: rule.id,
      resource: type,
      severity: rule.severity,
      kind: rule.definition.kind,
      evaluated: evaluated[i]!,
      failed: failed[i]!,
      passed: evaluated[i]! - failed[i]!,
      status: failed[i]! > 0 ? 'fail' : seen ? 'pass' : 'not-checked',
      complete: seen && gaps.length === 0,
      gaps,
    };
  });
  ruleResults.sort((a, b) => a.ruleId.localeCompare(b.ruleId));

  return {
    meta: snapshot.meta,
    evaluatedAt: options.now.toISOString(),
    findings,
    rules: ruleResults,
    gaps: snapshot.gaps,
    resourceCount: snapshot.resources.length,
  };
}

/** The finding for one resource that failed a rule (evidence, severity overrides, templates). */
export function makeFinding(rule: CompiledRule, resource: EnrichedResource, ctx: { now: number }): Finding {
  const state: ExplainState = { evidence: [], matches: [] };
  rule.condition.explain(resource, ctx, '', state);
  let severity: Severity = rule.severity;
  let severityReason: string | undefined;
  for (const override of rule.overrides) {
    if (override.when.test(resource, ctx)) {
      severity = override.severity;
      severityReason = override.reason;
      break;
    }
  }
  const name = displayName(resource);
  const templateContext = {
    id: resource.id,
    arn: resource.arn ?? null,
    type: resource.type,
    account: resource.account,
    region: resource.region,
    name: name ?? resource.id,
    data: resource.data,
    facts: resource.facts ?? {},
    options: rule.options,
    match: state.matches[0]?.value ?? null,
    matches: state.matches.map((m) => m.value),
  };
  const finding: Finding = {
    fingerprint: fingerprintOf(rule.id, resource),
    ruleId: rule.id,
    title: rule.definition.title,
    severity,
    kind: rule.definition.kind,
    resource: {
      type: resource.type,
      id: resource.id,
      account: resource.account,
      region: resource.region,
      ...(resource.arn ? { arn: resource.arn } : {}),
      ...(name ? { name } : {}),
    },
    message: rule.message(templateContext),
    evidence: state.evidence,
    remediation: { text: rule.definition.remediation.text },
  };
  if (severityReason) finding.severityReason = severityReason;
  const cli = rule.remediationCli?.(templateContext);
  if (cli !== undefined) finding.remediation.cli = cli;
  const cost = rule.cost?.(templateContext);
  if (cost !== undefined) finding.costMonthlyUsd = Math.round(cost * 100) / 100;
  if (resource.location) finding.location = resource.location;
  return finding;
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
  return a < b ? -1 : a > b ? 1 : 0;
}
