import { hash } from 'node:crypto';
import { enrichResource, enrichersFor, factSources, type EnrichedResource } from '../enrich/index.js';
import { SnapshotIndex } from '../snapshot/index.js';
import { SEVERITY_RANK, type Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { errorMessage } from '../util/errors.js';
import { isPlainObject } from '../util/json.js';
import type { ExplainState } from './condition.js';
import type { Evaluation, Finding, RuleResult } from './findings.js';

export interface EvaluateOptions {
  /** The clock: rules never read the time themselves, so results are reproducible. */
  now: Date;
}

export function fingerprintOf(ruleId: string, resource: { account: string; region: string; type: string; id: string }): string {
  return fingerprintWithKey(ruleId, resourceKey(resource));
}

/** account, region, type and id joined: the resource's part of every fingerprint on it. */
function resourceKey(resource: { account: string; region: string; type: string; id: string }): string {
  return [resource.account, resource.region, resource.type, resource.id].join('\u0000');
}

function fingerprintWithKey(ruleId: string, key: string): string {
  return hash('sha256', ruleId + '\u0000' + key, 'hex').slice(0, 32);
}

/**
 * The remediation of a finding without a command: the same for every finding of the rule,
 * so one frozen object per rule instead of one per finding (findings are kept for the run).
 */
const textOnlyRemediations = new WeakMap<CompiledRule, Finding['remediation']>();
function textOnlyRemediation(rule: CompiledRule): Finding['remediation'] {
  let remediation = textOnlyRemediations.get(rule);
  if (!remediation) textOnlyRemediations.set(rule, (remediation = Object.freeze({ text: rule.definition.remediation.text })));
  return remediation;
}

function displayName(resource: EnrichedResource): string | undefined {
  const tags = resource.data.Tags ?? resource.data.TagList;
  if (Array.isArray(tags)) {
    for (let i = 0; i < tags.length; i++) {
      const tag: unknown = tags[i];
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
  const collected = new Set(snapshot.meta.resourceTypes);
  const rulesByType = new Map<string, number[]>();
  rules.forEach((rule, i) => {
    // A rule whose facts come from a type that was not collected is not evaluated at all:
    // its facts would describe an empty world (no trails, no recorders) and its findings
    // would be guesses. It is reported as not checked below.
    if (!(rule.definition.requires ?? []).every((t) => collected.has(t))) return;
    const list = rulesByType.get(rule.definition.resource) ?? [];
    list.push(i);
    rulesByType.set(rule.definition.resource, list);
  });
  const evaluated = new Array<number>(rules.length).fill(0);
  const failed = new Array<number>(rules.length).fill(0);
  const undecided = new Array<number>(rules.length).fill(0);
  const undecidedIds: string[][] = rules.map(() => []);
  const findings: Finding[] = [];
  const findingKeys: string[] = [];
  /** Per rule: resources it could not evaluate, and the first one's reason (sparse: rarely any). */
  const errors: number[] = [];
  const errorExamples: string[] = [];
  const undecidable = (i: number, id: string, error: unknown) => {
    evaluated[i]!++;
    undecided[i]!++;
    if (undecidedIds[i]!.length < UNDECIDED_EXAMPLES) undecidedIds[i]!.push(id);
    if ((errors[i] = (errors[i] ?? 0) + 1) === 1) errorExamples[i] = `${id}: ${errorMessage(error)}`;
  };

  // Resources are visited type by type, from the index's one grouping pass (which the
  // enrichers need anyway): the snapshot is read once to group it, not once more to look up
  // each resource's rules, and a run of one type keeps the same enricher and rules hot. The
  // order changes nothing: a rule reads one type, whose resources keep their snapshot order
  // (so do its findings, undecided examples and counts), and findings are sorted below.
  for (const [type, indexes] of rulesByType) {
    const ofType = enrichContext.index.ofType(type);
    const enrichers = enrichersFor(type);
    for (let r = 0; r < ofType.length; r++) {
      let resource: EnrichedResource;
      try {
        resource = enrichResource(ofType[r]!, enrichContext, enrichers);
      } catch (error) {
        // Its facts could not be computed from what the snapshot holds: no rule can decide it.
        for (const i of indexes) undecidable(i, ofType[r]!.id, error);
        continue;
      }
      // The finding's view of the resource, made once and shared by all of its findings.
      let identity: ResourceIdentity | undefined;
      for (let k = 0; k < indexes.length; k++) {
        const i = indexes[k]!;
        const rule = rules[i]!;
        evaluated[i]!++;
        let finding: Finding;
        try {
          if (!rule.condition.test(resource, ctx)) {
            // Not a finding; but a resource whose facts are unknown is not a pass either.
            if (rule.unknown?.test(resource, ctx)) {
              undecided[i]!++;
              if (undecidedIds[i]!.length < UNDECIDED_EXAMPLES) undecidedIds[i]!.push(resource.id);
            }
            continue;
          }
          identity ??= resourceIdentity(resource);
          finding = makeFinding(rule, resource, ctx, identity);
        } catch (error) {
          // One of the rule's paths met a value of the wrong type (or nested too deep): the rule
          // cannot decide this resource. It is undecided, never a pass, and the run goes on.
          evaluated[i]!--;
          undecidable(i, resource.id, error);
          continue;
        }
        failed[i]!++;
        findings.push(finding);
        findingKeys.push(identity.key);
      }
    }
  }

  // Let go of the last resource the scratch objects saw.
  scratchState.evidence.length = 0;
  scratchState.matches.length = 0;
  Object.assign(scratchContext, { data: null, facts: null, options: null, match: null });
  sortFindings(findings, findingKeys);
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
      passed: evaluated[i]! - failed[i]! - undecided[i]!,
      undecided: undecided[i]!,
      undecidedResources: undecidedIds[i]!,
      status: failed[i]! > 0 ? 'fail' : seen ? 'pass' : 'not-checked',
      complete: seen && gaps.length === 0 && undecided[i] === 0,
      gaps,
    };
  });
  ruleResults.sort((a, b) => a.ruleId.localeCompare(b.ruleId));

  const errorNotes = rules.flatMap((rule, i) => (errors[i] ? [`${rule.id}: ${errors[i]} resource(s) could not be evaluated (a value of an unexpected type), e.g. ${errorExamples[i]}`] : []));
  return {
    meta: errorNotes.length ? { ...snapshot.meta, notes: [...(snapshot.meta.notes ?? []), ...errorNotes] } : snapshot.meta,
    evaluatedAt: options.now.toISOString(),
    findings,
    rules: ruleResults,
    gaps: snapshot.gaps,
    resourceCount: snapshot.resources.length,
  };
}

/** How many undecided resources a rule result names (the count is always exact). */
const UNDECIDED_EXAMPLES = 10;

const NO_MATCHES: readonly unknown[] = Object.freeze([]);
const NO_FACTS = Object.freeze({});

/**
 * Working state for one finding at a time, reused: explaining and rendering never nest, and
 * nothing keeps these objects (the evidence is copied out, templates return strings).
 */
const scratchState: ExplainState = { evidence: [], matches: [] };
const scratchContext = {
  id: '', arn: null as string | null, type: '', account: '', region: '', name: '',
  data: {} as unknown, facts: {} as unknown, options: {} as unknown, match: null as unknown,
  /** Every list element the `some` quantifiers matched; built only when a template asks. */
  get matches(): readonly unknown[] {
    return scratchState.matches.length === 0 ? NO_MATCHES : scratchState.matches.map((m) => m.value);
  },
};

interface ResourceIdentity {
  name: string | undefined;
  resource: Finding['resource'];
  key: string;
}

function resourceIdentity(resource: EnrichedResource): ResourceIdentity {
  const name = displayName(resource);
  return { name, resource: findingResource(resource, name), key: resourceKey(resource) };
}

/** The finding for one resource that failed a rule (evidence, severity overrides, templates). */
export function makeFinding(rule: CompiledRule, resource: EnrichedResource, ctx: { now: number }, identity: ResourceIdentity = resourceIdentity(resource)): Finding {
  const state = scratchState;
  state.evidence.length = 0;
  state.matches.length = 0;
  rule.condition.explain(resource, ctx, '', state);
  let severity: Severity = rule.severity;
  let severityReason: string | undefined;
  for (let k = 0; k < rule.overrides.length; k++) {
    const override = rule.overrides[k]!;
    if (overrideApplies(override.when, resource, ctx)) {
      severity = override.severity;
      severityReason = override.reason;
      break;
    }
  }
  const name = identity.name;
  const templateContext = scratchContext;
  templateContext.id = resource.id;
  templateContext.arn = resource.arn ?? null;
  templateContext.type = resource.type;
  templateContext.account = resource.account;
  templateContext.region = resource.region;
  templateContext.name = name ?? resource.id;
  templateContext.data = resource.data;
  templateContext.facts = resource.facts ?? NO_FACTS;
  templateContext.options = rule.options;
  templateContext.match = state.matches[0]?.value ?? null;
  const cli = rule.remediationCli?.(templateContext);
  const finding: Finding = {
    fingerprint: fingerprintWithKey(rule.id, identity.key),
    ruleId: rule.id,
    title: rule.definition.title,
    severity,
    kind: rule.definition.kind,
    resource: identity.resource,
    message: rule.message(templateContext),
    // A copy of exactly the right length: the working array has spare capacity, and
    // findings are kept for the whole run.
    evidence: state.evidence.slice(),
    // Built whole: a property added later costs every finding an extra backing store.
    remediation: cli !== undefined ? { text: rule.definition.remediation.text, cli } : textOnlyRemediation(rule),
  };
  if (severityReason) finding.severityReason = severityReason;
  const cost = costOf(rule, templateContext);
  if (cost !== undefined) finding.costMonthlyUsd = Math.round(cost * 100) / 100;
  if (resource.location) finding.location = resource.location;
  return finding;
}


/** Does a severity override apply? Not when its condition cannot be evaluated here: the finding keeps the rule's severity. */
function overrideApplies(when: CompiledRule['overrides'][number]['when'], resource: EnrichedResource, ctx: { now: number }): boolean {
  try {
    return when.test(resource, ctx);
  } catch {
    return false;
  }
}

/** The rule's cost estimate for this resource; none when its path meets a value of the wrong type (the finding stands). */
function costOf(rule: CompiledRule, templateContext: unknown): number | undefined {
  try {
    return rule.cost?.(templateContext);
  } catch {
    return undefined;
  }
}

function findingResource(resource: EnrichedResource, name: string | undefined): Finding['resource'] {
  const out: Finding['resource'] = { type: resource.type, id: resource.id, account: resource.account, region: resource.region };
  if (resource.arn) out.arn = resource.arn;
  if (name) out.name = name;
  return out;
}

/**
 * Sort in place into `compareFindings` order, faster: group by rule and severity first — the
 * leading keys — then sort each group by its resources' keys (`account\0region\0type\0id`,
 * whose string order is the order of those four fields, as no field holds "\0"), one string
 * comparison instead of four. Same order as `findings.sort(compareFindings)` (both stable).
 */
function sortFindings(findings: Finding[], keys: readonly string[]): void {
  // rule id (the rule's own string object, so look-ups hash it once) -> severity -> indexes
  const byRule = new Map<string, Map<Severity, number[]>>();
  for (let k = 0; k < findings.length; k++) {
    const f = findings[k]!;
    let bySeverity = byRule.get(f.ruleId);
    if (!bySeverity) byRule.set(f.ruleId, (bySeverity = new Map()));
    const group = bySeverity.get(f.severity);
    if (group) group.push(k);
    else bySeverity.set(f.severity, [k]);
  }
  const groups: number[][] = [];
  for (const bySeverity of byRule.values()) for (const group of bySeverity.values()) groups.push(group);
  const first = (g: number[]) => findings[g[0]!]!;
  groups.sort((a, b) => SEVERITY_RANK[first(b).severity] - SEVERITY_RANK[first(a).severity] || cmp(first(a).ruleId, first(b).ruleId));
  const byResource = (x: number, y: number) => cmp(keys[x]!, keys[y]!) || (findings[x]!.location?.line ?? 0) - (findings[y]!.location?.line ?? 0);
  const sorted = new Array<Finding>(findings.length);
  let i = 0;
  for (const group of groups) {
    if (group.length > 1) group.sort(byResource);
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
