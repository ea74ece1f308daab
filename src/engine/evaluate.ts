import { hash } from 'node:crypto';
import { enrichResource, enrichersFor, factSources, type EnrichedResource } from '../enrich/index.js';
import { SnapshotIndex } from '../snapshot/index.js';
import { describeInvalid, invalidOfType, type DataProblem } from '../snapshot/check-data.js';
import type { Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Resource, Snapshot } from '../snapshot/types.js';
import { errorMessage } from '../util/errors.js';
import { isPlainObject } from '../util/json.js';
import type { ExplainState } from './condition.js';
import { decisionDataFields, decisionReads } from './data-paths.js';
import { UNKNOWN, type Tri } from './condition.js';
import { FACTS, factsRead, fieldGapsByType, gapEffect, gapHidesResources, unknownFields } from './gap-effects.js';
import type { Evaluation, Finding, RuleGap } from './findings.js';
import type { FieldGaps } from './gap-effects.js';
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
  const part = evaluateResources(snapshot, rules, options);
  return {
    meta: part.notes ? { ...snapshot.meta, notes: [...(snapshot.meta.notes ?? []), ...part.notes] } : snapshot.meta,
    evaluatedAt: options.now.toISOString(),
    ...buildResults([part]),
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
  const enrichContext = { now, index: new SnapshotIndex(snapshot), hidesResources: gapHidesResources };
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
  // Resources whose data does not have the shape of their type (src/snapshot/check-data.ts):
  // the rules of their type leave them undecided, and rules whose facts or required types read
  // them are incomplete. Checked once per type, for the types the rules read.
  const read = new Set<string>();
  for (const [type, indexes] of rulesByType) {
    read.add(type);
    for (const t of factSources(type)) read.add(t);
    for (const i of indexes) for (const t of rules[i]!.definition.requires ?? []) read.add(t);
  }
  const invalidByType = new Map<string, Map<Resource, DataProblem>>();
  for (const type of read) {
    const invalid = invalidOfType(type, enrichContext.index.ofType(type));
    if (invalid) invalidByType.set(type, invalid);
  }
  const decisionFields = rules.map(decisionFieldsOf);
  // Sub-calls that failed leave fields unknown on the resources that lack them; a rule decides
  // such a resource in three-valued logic (src/engine/condition.ts) and is undecided only when
  // its verdict depends on them.
  const fieldGaps = fieldGapsByType(snapshot.gaps);
  const reads = rules.map(fieldReadsOf);
  /** Per rule: the gaps on the types its facts or required types come from (noted on each of its findings). */
  const contextGaps = rules.map((rule) => {
    const needed = new Set([...(rule.definition.requires ?? []), ...factSources(rule.definition.resource)]);
    return snapshot.gaps.filter((g) => g.resourceTypes.some((t) => needed.has(t))).map(ruleGap);
  });
  /** Per rule: resources that have none of the data fields its decision reads (sparse: rarely any), and the first one. */
  const lacking: number[] = [];
  const lackingExamples: string[] = [];
  const evaluated = new Array<number>(rules.length).fill(0);
  const failed = new Array<number>(rules.length).fill(0);
  const undecided = new Array<number>(rules.length).fill(0);
  const undecidedIds: string[][] = rules.map(() => []);
  const findings: Finding[] = [];
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
  // (so do its findings, undecided examples and counts), and findings are sorted by the
  // results model.
  for (const [type, indexes] of rulesByType) {
    const ofType = enrichContext.index.ofType(type);
    const enrichers = enrichersFor(type);
    const invalid = invalidByType.get(type);
    const gapsOfType = fieldGaps.get(type);
    const factFields = factFieldsOf(type);
    for (let r = 0; r < ofType.length; r++) {
      if (invalid?.has(ofType[r]!)) {
        // Not evaluated: a rule would read values it cannot interpret, and pass the resource.
        for (const i of indexes) {
          evaluated[i]!++;
          undecided[i]!++;
          if (undecidedIds[i]!.length < UNDECIDED_EXAMPLES) undecidedIds[i]!.push(ofType[r]!.id);
        }
        continue;
      }
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
      const unknown = unknownFields(resource.data, gapsOfType, factFields);
      for (let k = 0; k < indexes.length; k++) {
        const i = indexes[k]!;
        const rule = rules[i]!;
        evaluated[i]!++;
        let finding: Finding;
        // The unknown fields this rule reads: its verdict stands only if it does not depend on them.
        const missing = unknown && readsAny(reads[i]!, unknown);
        try {
          if (missing && rule.condition.tri(resource, ctx, unknown) === UNKNOWN) {
            undecided[i]!++;
            if (undecidedIds[i]!.length < UNDECIDED_EXAMPLES) undecidedIds[i]!.push(resource.id);
            continue;
          }
          if (!rule.condition.test(resource, ctx)) {
            // Not a finding; but a resource whose facts are unknown is not a pass either, nor
            // one whose data has none of the fields the rule decides on.
            const fields = decisionFields[i];
            const lacks = fields !== undefined && lacksEvery(resource.data, fields);
            if (lacks || rule.unknown?.test(resource, ctx)) {
              undecided[i]!++;
              if (undecidedIds[i]!.length < UNDECIDED_EXAMPLES) undecidedIds[i]!.push(resource.id);
              if (lacks && (lacking[i] = (lacking[i] ?? 0) + 1) === 1) lackingExamples[i] = resource.id;
            }
            continue;
          }
          identity ??= resourceIdentity(resource);
          finding = makeFinding(rule, resource, ctx, identity, unknown);
          // Decided although a call it reads failed: the finding says which, for whoever reviews it.
          const noted = [...(missing ? fieldGapNotes(reads[i]!, unknown, gapsOfType!, factFields) : []), ...contextGaps[i]!];
          if (noted.length) finding.gaps = dedupeGaps(noted);
        } catch (error) {
          // One of the rule's paths met a value of the wrong type (or nested too deep): the rule
          // cannot decide this resource. It is undecided, never a pass, and the run goes on.
          evaluated[i]!--;
          undecidable(i, resource.id, error);
          continue;
        }
        failed[i]!++;
        findings.push(finding);
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
    // A gap on a type the facts are computed from also leaves the rule's answer unsure. A gap
    // on the rule's own type that only left fields unfilled touches it only when it reads one of
    // them (or facts, which may be computed from them): each resource it could not decide for
    // want of them is counted undecided above.
    const needed = [type, ...requires, ...factSources(type)];
    const gaps = snapshot.gaps
      .filter((g) => g.resourceTypes.some((t) => needed.includes(t) && (t !== type || gapTouches(g, type, reads[i]!, factFieldsOf(type)))))
      .map(ruleGap);
    // Malformed resources of a type the facts or required types come from: as unsure as a gap.
    for (const t of needed.slice(1)) {
      const invalid = invalidByType.get(t);
      if (!invalid) continue;
      for (const region of new Set([...invalid.keys()].map((r) => r.region)))
        gaps.push({ region, operation: `${t} data`, errorCode: INVALID_DATA });
    }
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
  const notes = [
    ...invalidDataNotes(snapshot, invalidByType, rulesByType),
    ...rules.flatMap((rule, i) =>
      errors[i]
        ? [`${rule.id}: ${errors[i]} resource(s) could not be evaluated (a value of an unexpected type), e.g. ${errorExamples[i]}`]
        : [],
    ),
    ...rules.flatMap((rule, i) =>
      lacking[i]
        ? [
            `${rule.id}: ${lacking[i]} resource(s) have none of the data fields the rule decides on (${decisionFields[i]!.join(', ')}): undecided, not passed, e.g. ${lackingExamples[i]}`,
          ]
        : [],
    ),
  ];
  return notes.length ? { tallies, findings, notes } : { tallies, findings };
}

/** What a rule's decision reads of its resource: top-level data fields (and `FACTS`), or data as a whole. */
interface FieldReads {
  fields: ReadonlySet<string>;
  /** Reads `data` as a whole, or any element or member of it: no field list stands for it. */
  whole: boolean;
}

function fieldReadsOf(rule: CompiledRule): FieldReads {
  const reads = decisionReads(rule.definition);
  const whole =
    reads.locations.some((l) => l[0] === 'data' && l.length >= 2 && (l[1] === '[]' || l[1] === '*')) ||
    reads.whole.some((l) => l.length === 0 || (l.length === 1 && l[0] === 'data'));
  const fields = new Set<string>();
  for (const l of reads.locations) {
    if (l[0] === 'data' && l.length >= 2) fields.add(l[1]!);
    if (l[0] === 'facts') fields.add(FACTS);
  }
  return { fields, whole };
}

/** The data fields the facts of a type are computed from: what its enrichers declare; 'any' when one does not. */
const factFieldCache = new Map<string, ReadonlySet<string> | 'any'>();
function factFieldsOf(type: string): ReadonlySet<string> | 'any' {
  let fields = factFieldCache.get(type);
  if (fields === undefined) {
    const enrichers = enrichersFor(type);
    fields = enrichers.some((e) => !e.fields) ? 'any' : new Set(enrichers.flatMap((e) => e.fields ?? []));
    factFieldCache.set(type, fields);
  }
  return fields;
}

function readsAny(reads: FieldReads, unknown: ReadonlySet<string>): boolean {
  if (reads.whole) return true;
  for (const f of unknown) if (reads.fields.has(f)) return true;
  return false;
}

/** Does a gap on the rule's own type touch what the rule reads? A listing gap always does. */
function gapTouches(gap: Snapshot['gaps'][number], type: string, reads: FieldReads, factFields: ReadonlySet<string> | 'any'): boolean {
  const effect = gapEffect(gap, type);
  if (effect === 'resources' || reads.whole) return true;
  return effect.fields.some((f) => reads.fields.has(f) || (reads.fields.has(FACTS) && factsRead(factFields, f)));
}

function ruleGap(g: Snapshot['gaps'][number]): RuleGap {
  return { region: g.region, operation: g.operation, errorCode: g.errorCode };
}

/** The gaps that left the fields a rule reads (or the facts it reads are computed from) unfilled on this resource. */
function fieldGapNotes(
  reads: FieldReads,
  unknown: ReadonlySet<string>,
  gaps: FieldGaps,
  factFields: ReadonlySet<string> | 'any',
): RuleGap[] {
  const out: RuleGap[] = [];
  for (const f of unknown) {
    if (f === FACTS) continue;
    if (reads.whole || reads.fields.has(f) || (reads.fields.has(FACTS) && factsRead(factFields, f)))
      for (const g of gaps.gapsByField.get(f) ?? []) out.push(ruleGap(g));
  }
  return out;
}

function dedupeGaps(gaps: readonly RuleGap[]): RuleGap[] {
  const seen = new Set<string>();
  return gaps.filter((g) => {
    const key = `${g.region}\u0000${g.operation}\u0000${g.errorCode}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The error code of a rule gap left by resources whose data does not have their type's shape. */
export const INVALID_DATA = 'InvalidResourceData';

/** How many malformed resources a note names per type (the count is always exact). */
const INVALID_EXAMPLES = 5;

/** One note per type with malformed resources: how many, which rules set them aside, and where the first few go wrong. */
function invalidDataNotes(
  snapshot: Snapshot,
  invalidByType: ReadonlyMap<string, ReadonlyMap<Resource, DataProblem>>,
  rulesByType: ReadonlyMap<string, readonly number[]>,
): string[] {
  const notes: string[] = [];
  for (const [type, invalid] of invalidByType) {
    const examples = [...invalid]
      .slice(0, INVALID_EXAMPLES)
      .map(([resource, problem]) => describeInvalid({ resource, problem, index: snapshot.resources.indexOf(resource) }));
    const ruleCount = rulesByType.get(type)?.length ?? 0;
    const effect =
      ruleCount > 0 ? `undecided for the ${ruleCount} rule(s) over ${type}, not passed` : 'the rules whose facts read them are incomplete';
    const more = invalid.size > examples.length ? `; and ${invalid.size - examples.length} more` : '';
    notes.push(
      `${invalid.size} ${type} resource(s) do not have the shape of their type and were not evaluated (${effect}): ${examples.join('; ')}${more}`,
    );
  }
  return notes;
}

/** The top-level data fields each rule decides on, worked out once per rule (see `decisionDataFields`). */
const decisionFieldCache = new WeakMap<CompiledRule, readonly string[] | undefined>();
function decisionFieldsOf(rule: CompiledRule): readonly string[] | undefined {
  if (decisionFieldCache.has(rule)) return decisionFieldCache.get(rule);
  const fields = decisionDataFields(rule.definition);
  // A rule that decides on facts alone (or on `data` as a whole) has no field list to check.
  const list = fields && fields.length > 0 ? fields : undefined;
  decisionFieldCache.set(rule, list);
  return list;
}

function lacksEvery(data: object, fields: readonly string[]): boolean {
  for (let i = 0; i < fields.length; i++) if (Object.hasOwn(data, fields[i]!)) return false;
  return true;
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
  id: '',
  arn: null as string | null,
  type: '',
  account: '',
  region: '',
  name: '',
  data: {} as unknown,
  facts: {} as unknown,
  options: {} as unknown,
  match: null as unknown,
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
export function makeFinding(
  rule: CompiledRule,
  resource: EnrichedResource,
  ctx: { now: number },
  identity: ResourceIdentity = resourceIdentity(resource),
  unknown?: ReadonlySet<string>,
): Finding {
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
  // A fix that would break what the resource is evidently for gives way to the rule's alternative;
  // when a gap leaves unknown whether it would, no command is offered at all.
  const { alternative, withheld } = remediationChoice(rule, resource, ctx, unknown);
  const cli = withheld ? undefined : alternative ? alternative.cli?.(templateContext) : rule.remediationCli?.(templateContext);
  const text = alternative ? alternative.text : rule.definition.remediation.text;
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
    remediation: cli !== undefined ? { text, cli } : alternative ? { text } : textOnlyRemediation(rule),
  };
  if (severityReason) finding.severityReason = severityReason;
  if (alternative) finding.remediationReason = alternative.reason;
  else if (withheld) finding.remediationReason = WITHHELD;
  const cost = costOf(rule, templateContext);
  if (cost !== undefined) finding.costMonthlyUsd = Math.round(cost * 100) / 100;
  if (resource.location) finding.location = resource.location;
  return finding;
}

const WITHHELD =
  'no command is given: a coverage gap leaves unknown whether the usual fix would break what the resource is for (see the rule for the alternative)';

/** The remediation override that applies, or none; `withheld` when a gap leaves unknown whether one applies. */
function remediationChoice(
  rule: CompiledRule,
  resource: EnrichedResource,
  ctx: { now: number },
  unknown: ReadonlySet<string> | undefined,
): { alternative?: NonNullable<CompiledRule['remediationOverrides']>[number]; withheld: boolean } {
  for (const o of rule.remediationOverrides ?? []) {
    if (unknown) {
      let t: Tri;
      try {
        t = o.when.tri(resource, ctx, unknown);
      } catch {
        t = UNKNOWN;
      }
      if (t === UNKNOWN) return { withheld: true };
    }
    if (overrideApplies(o.when, resource, ctx)) return { alternative: o, withheld: false };
  }
  return { withheld: false };
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
