import type { Severity } from '../model/severity.js';
import type { EnrichedResource } from '../enrich/index.js';
import { makeFinding } from '../engine/evaluate.js';
import type { Attribution, Finding } from '../engine/findings.js';
import { compileRule } from '../ruleset/load.js';
import type { CompiledRule, RuleDefinition } from '../ruleset/types.js';
import { attributionOf, isSuccessfulWrite, recordChange, resourceKey, touchedResources } from './attribution.js';
import { addressEventOf, type AddressEvent } from './eip-allocations.js';
import { eventFacts, type EventFactsContext } from './event-facts.js';
import { eventNamesOf } from './event-names.js';
import { FileProblem, parseRecordBatch, parseRecordsBytes, type CloudTrailRecord, type FileProblemCode, type ParsedRecords } from './records.js';

export const EVENT_TYPE = 'aws.cloudtrail.event';

/** A rule as the main thread resolved it (config applied), in a form that crosses to a worker. */
export interface EventRuleSpec {
  file: string;
  definition: RuleDefinition;
  severity: Severity;
  options: Record<string, unknown>;
}

export type AttributionMode = { mode: 'off' } | { mode: 'all' } | { mode: 'targets'; keys: string[] };

/** Everything a worker needs to evaluate chunks; plain data (structured-cloned once per worker). */
export interface EvaluatorConfig {
  rules: EventRuleSpec[];
  /** CloudTrail-format times (`2023-07-01T00:00:00Z`): since inclusive, until exclusive. */
  since?: string;
  until?: string;
  /** Evaluation clock, ms since epoch. */
  now: number;
  leakedKeyIds: string[];
  attribution: AttributionMode;
  /** Findings kept per rule (the most recent); the failed count stays exact. */
  maxFindingsPerRule: number;
}

export interface RuleHit {
  rule: number;
  eventTime: string;
  finding: Finding;
}

/** What one chunk (a file, an object, a batch) gave: counts and findings only, never the records. */
export interface ChunkResult {
  label: string;
  /** Valid records read. */
  records: number;
  /** Records inside the window (each one evaluated by every event rule). */
  events: number;
  /** Per rule (index in config.rules): events that failed it. */
  failed: number[];
  hits: RuleHit[];
  changes: Array<[string, Attribution]>;
  addresses: AddressEvent[];
  accounts: string[];
  regions: string[];
  firstEventTime?: string;
  lastEventTime?: string;
  problem?: { code: FileProblemCode; message: string };
}

/** Compile the event rules from their specs (each worker does this once: compiled rules hold functions). */
export function compileEventRules(specs: readonly EventRuleSpec[]): CompiledRule[] {
  return specs.map((spec) => {
    const result = compileRule({ file: spec.file, definition: spec.definition }, { severity: spec.severity, options: spec.options }, spec.file);
    if (!result.rule) throw new Error(`event rule ${spec.definition.id} does not compile: ${result.problems.join('; ')}`);
    return result.rule;
  });
}

/**
 * Evaluates CloudTrail records against the event rules. Pure apart from its own counters: the
 * same records, rules, window and clock give the same result, whichever thread runs it.
 */
export class EventEvaluator {
  private readonly rules: CompiledRule[];
  /** Rules that can match any event, and rules by the event names they can match. */
  private readonly always: number[] = [];
  private readonly byName = new Map<string, number[]>();
  private readonly factsContext: EventFactsContext;
  private readonly targets: ReadonlySet<string> | undefined;
  private readonly ctx: { now: number };
  private readonly sinceMs: number;
  private readonly untilMs: number;

  constructor(private readonly config: EvaluatorConfig) {
    this.rules = compileEventRules(config.rules);
    this.rules.forEach((rule, i) => {
      const names = eventNamesOf(rule.definition.condition, rule.options);
      if (names === null) this.always.push(i);
      else for (const name of names) this.byName.set(name, [...(this.byName.get(name) ?? []), i]);
    });
    this.factsContext = { leakedKeyIds: new Set(config.leakedKeyIds) };
    this.targets = config.attribution.mode === 'targets' ? new Set(config.attribution.keys) : undefined;
    this.ctx = { now: config.now };
    this.sinceMs = config.since ? Date.parse(config.since) : -Infinity;
    this.untilMs = config.until ? Date.parse(config.until) : Infinity;
  }

  /** A whole file or object: gunzip when gzip, then any of the three layouts. */
  processBytes(label: string, bytes: Uint8Array): ChunkResult {
    let parsed: ParsedRecords;
    try {
      parsed = parseRecordsBytes(bytes);
    } catch (error) {
      if (error instanceof FileProblem) return this.empty(label, error);
      throw error;
    }
    return this.processRecords(label, parsed.records, parsed.problem);
  }

  /** A batch of record texts separated by RS (from the stream splitter or LookupEvents). */
  processBatch(label: string, bytes: Uint8Array): ChunkResult {
    const parsed = parseRecordBatch(bytes);
    return this.processRecords(label, parsed.records, parsed.problem);
  }

  processRecords(label: string, records: readonly CloudTrailRecord[], problem?: FileProblem): ChunkResult {
    const result = this.empty(label, problem);
    result.records = records.length;
    const failed = result.failed;
    const hits = result.hits;
    const changes = this.config.attribution.mode === 'off' ? undefined : new Map<string, Attribution>();
    const accounts = new Set<string>();
    const regions = new Set<string>();
    const { since, until } = this.config;
    let first: string | undefined;
    let last: string | undefined;
    // One view object reused for every record: conditions only read it, and a finding copies what it keeps.
    const view: EnrichedResource = { type: EVENT_TYPE, id: '', account: '', region: '', data: {}, facts: {} };
    for (const record of records) {
      const time = record.eventTime;
      if (!this.inWindow(time, since, until)) continue;
      result.events++;
      if (first === undefined || time < first) first = time;
      if (last === undefined || time > last) last = time;
      const identity = record.userIdentity as { accountId?: unknown } | undefined;
      const account = str(record.recipientAccountId) ?? str(identity?.accountId) ?? 'unknown';
      const region = str(record.awsRegion) ?? 'unknown';
      accounts.add(account);
      regions.add(region);
      view.id = str(record.eventID) ?? `${time}/${record.eventName}`;
      view.account = account;
      view.region = region;
      view.data = record as EnrichedResource['data'];
      view.facts = eventFacts(record, this.factsContext);
      for (const i of this.always) this.test(i, view, time, failed, hits);
      const named = this.byName.get(record.eventName);
      if (named) for (const i of named) this.test(i, view, time, failed, hits);
      if (changes && isSuccessfulWrite(record)) {
        const touched = touchedResources(record);
        if (touched.length) {
          const change = attributionOf(record);
          for (const ref of touched) {
            const key = resourceKey(ref.type, account, region, ref.id);
            if (!this.targets || this.targets.has(key)) recordChange(changes, key, change);
          }
        }
      }
      const address = addressEventOf(record, account, region);
      if (address) result.addresses.push(address);
    }
    result.hits = capHits(hits, this.rules.length, this.config.maxFindingsPerRule);
    if (changes) result.changes = [...changes];
    result.accounts = [...accounts];
    result.regions = [...regions];
    if (first !== undefined) result.firstEventTime = first;
    if (last !== undefined) result.lastEventTime = last;
    return result;
  }

  private test(i: number, view: EnrichedResource, time: string, failed: number[], hits: RuleHit[]): void {
    const rule = this.rules[i]!;
    if (!rule.condition.test(view, this.ctx)) return;
    failed[i]!++;
    // The finding must not share the reused view: give it a resource of its own.
    hits.push({ rule: i, eventTime: time, finding: makeFinding(rule, { ...view }, this.ctx) });
  }

  /** CloudTrail writes `YYYY-MM-DDTHH:MM:SSZ`, which orders as text; anything else is parsed. */
  private inWindow(time: string, since: string | undefined, until: string | undefined): boolean {
    if (since === undefined && until === undefined) return true;
    if (time.length === 20 && time.charCodeAt(19) === 90 /* Z */) {
      return (since === undefined || time >= since) && (until === undefined || time < until);
    }
    const t = Date.parse(time);
    return !Number.isNaN(t) && t >= this.sinceMs && t < this.untilMs;
  }

  private empty(label: string, problem?: FileProblem): ChunkResult {
    const result: ChunkResult = {
      label,
      records: 0,
      events: 0,
      failed: new Array<number>(this.rules.length).fill(0),
      hits: [],
      changes: [],
      addresses: [],
      accounts: [],
      regions: [],
    };
    if (problem) result.problem = { code: problem.code, message: problem.message };
    return result;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Most recent first (event time, then event id), so which findings are kept never depends on reading order. */
export function compareHits(a: RuleHit, b: RuleHit): number {
  if (a.eventTime !== b.eventTime) return a.eventTime > b.eventTime ? -1 : 1;
  const x = a.finding.resource.id;
  const y = b.finding.resource.id;
  return x > y ? -1 : x < y ? 1 : 0;
}

/** Keep at most `max` hits per rule: the most recent. */
export function capHits(hits: RuleHit[], ruleCount: number, max: number): RuleHit[] {
  const counts = new Array<number>(ruleCount).fill(0);
  for (const h of hits) counts[h.rule]!++;
  if (counts.every((c) => c <= max)) return hits;
  const kept: RuleHit[] = [];
  const seen = new Array<number>(ruleCount).fill(0);
  for (const h of [...hits].sort(compareHits)) {
    if (seen[h.rule]! < max) {
      seen[h.rule]!++;
      kept.push(h);
    }
  }
  return kept;
}
