import { hash } from 'node:crypto';
import { enrichResource, enrichersFor, factSources, type EnrichedResource } from '../enrich/index.js';
import { SnapshotIndex } from '../snapshot/index.js';
import type { Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { isPlainObject } from '../util/json.js';
import type { ExplainState } from './condition.js';
import type { Evaluation, Finding } from './findings.js';
import { buildResults, resourceKey, type RuleTally, type SourceResults } from './results.js';

export interface EvaluateOptions {
  /** The clock: rules never read the time themselves, so results are reproducible. */
  now: Date;
}

export function fingerprintOf(ruleId: string, resource: { account: string; region: string; type: string; id: string }): string {
  return fingerprintWithKey(ruleId, resourceKey(resource));
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
  return {
    meta: snapshot.meta,
    evaluatedAt: options.now.toISOString(),
    ...buildResults([evaluateResources(snapshot, rules, options)]),
    gaps: snapshot.gaps,
    resourceCount: snapshot.resources.length,
  };
}

/**
 * The snapshot's part of a run: a tally per rule and the findings, unsorted, for the results
 * model (src/engine/results.ts), which a run may join with other sources (CloudTrail events).
 */
export function evaluateResources(snapshot: Snapshot, rules: readonly CompiledRule[], options: EvaluateOptions): SourceResults {
  const now = options.now.getTime();
  const ctx = { now };
  const enrichContext = { now, index: new SnapshotIndex(snapshot) };
  // Rule indexes by resource type; counts kept in flat arrays (this loop is the hot path).
  const collected = new Set(snapshot.meta.resourceTypes);
  const rulesByType = new Map<string, number[]>();
  rules.forEach((rule, i) => {
    // A rule whose facts come from a type that was not collected is not evaluated at all:
    // its facts would describe an empty world (no trails, no recorders) and its findings
    // would be guesses. It is reported as not checked.
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

  // Resources are visited type by type, from the index's one grouping pass (which the
  // enrichers need anyway): the snapshot is read once to group it, not once more to look up
  // each resource's rules, and a run of one type keeps the same enricher and rules hot. The
  // order changes nothing: a rule reads one type, whose resources keep their snapshot order
  // (so do its findings, undecided examples and counts), and findings are sorted by the
  // results model.
  for (const [type, indexes] of rulesByType) {
    const ofType = enrichContext.index.ofType(type);
    const enrichers = enrichersFor(type);
    for (let r = 0; r < ofType.length; r++) {
      const resource = enrichResource(ofType[r]!, enrichContext, enrichers);
      // The finding's view of the resource, made once and shared by all of its findings.
      let identity: ResourceIdentity | undefined;
      for (let k = 0; k < indexes.length; k++) {
        const i = indexes[k]!;
        const rule = rules[i]!;
        evaluated[i]!++;
        if (!rule.condition.test(resource, ctx)) {
          // Not a finding; but a resource whose facts are unknown is not a pass either.
          if (rule.unknown?.test(resource, ctx)) {
            undecided[i]!++;
            if (undecidedIds[i]!.length < UNDECIDED_EXAMPLES) undecidedIds[i]!.push(resource.id);
          }
          continue;
        }
        failed[i]!++;
        identity ??= resourceIdentity(resource);
        findings.push(makeFinding(rule, resource, ctx, identity));
      }
    }
  }

  // Let go of the last resource the scratch objects saw.
  scratchState.evidence.length = 0;
  scratchState.matches.length = 0;
  Object.assign(scratchContext, { data: null, facts: null, options: null, match: null });
  const tallies: RuleTally[] = rules.map((rule, i) => {
    const type = rule.definition.resource;
    const requires = rule.definition.requires ?? [];
    // A gap on a type the facts are computed from also leaves the rule's answer unsure.
    const needed = [type, ...requires, ...factSources(type)];
    const gaps = snapshot.gaps
      .filter((g) => g.resourceTypes.some((t) => needed.includes(t)))
      .map((g) => ({ region: g.region, operation: g.operation, errorCode: g.errorCode }));
    // Every type the rule reads must have been collected, or its "pass" would be a guess
    // (resources of a type the snapshot does not list as collected still count as seen).
    const missingTypes = [...(collected.has(type) || evaluated[i]! > 0 ? [] : [type]), ...requires.filter((t) => !collected.has(t))];
    return {
      rule,
      evaluated: evaluated[i]!,
      failed: failed[i]!,
      undecided: undecided[i]!,
      undecidedResources: undecidedIds[i]!,
      missingTypes: [...new Set(missingTypes)],
      gaps,
    };
  });
  return { tallies, findings };
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
    if (override.when.test(resource, ctx)) {
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
  const cost = rule.cost?.(templateContext);
  if (cost !== undefined) finding.costMonthlyUsd = Math.round(cost * 100) / 100;
  if (resource.location) finding.location = resource.location;
  return finding;
}


function findingResource(resource: EnrichedResource, name: string | undefined): Finding['resource'] {
  const out: Finding['resource'] = { type: resource.type, id: resource.id, account: resource.account, region: resource.region };
  if (resource.arn) out.arn = resource.arn;
  if (name) out.name = name;
  return out;
}
