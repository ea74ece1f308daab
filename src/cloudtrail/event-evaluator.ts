import type { Severity } from '../model/severity.js';
import type { EnrichedResource } from '../enrich/index.js';
import { makeFinding } from '../engine/evaluate.js';
import type { Attribution, Finding } from '../engine/findings.js';
import { compileRule } from '../ruleset/load.js';
import type { CompiledRule, RuleDefinition } from '../ruleset/types.js';
import { ATTRIBUTED_SOURCES, attributionOf, isReadOnlyName, isSuccessfulWrite, recordChange, resourceKey, touchedResources } from './attribution.js';
import { ADDRESS_EVENT_NAMES, addressEventOf, type AddressEvent } from './eip-allocations.js';
import { eventFacts, type EventFactsContext } from './event-facts.js';
import { escapeRegExp, eventNamesOf, requiredTextOf } from './rule-prefilters.js';
import { scanDeliveredFile, recordAt } from './delivered-file.js';
import { FileProblem, decodeBytes, isCloudTrailRecord, parseRecordBatch, parseRecordsText, type CloudTrailRecord, type FileProblemCode, type ParsedRecords } from './records.js';

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
  /**
   * The raw fast path's filter: patterns, one pass each over a delivered file, marking the
   * records that must be parsed besides those named by parseNames. Undefined when some rule could
   * match any event (then every record is parsed).
   */
  private readonly rawFilter: RegExp[] | undefined;
  private readonly parseNames: Set<string>;
  /** Attribution that needs every event that may change something (mode `all`, or too many targets to search for). */
  private readonly attributeWrites: boolean;

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
    this.parseNames = new Set([...this.byName.keys(), ...ADDRESS_EVENT_NAMES]);
    const patterns: string[] = [];
    let filterable = true;
    for (const i of this.always) {
      const rule = this.rules[i]!;
      const required = requiredTextOf(rule.definition.condition, rule.options, config.leakedKeyIds);
      if (required === 'any') filterable = false;
      else if (required !== 'never') patterns.push(...required);
    }
    // Attribution to a few targets: an event that changed one names its id (or an ARN holding it).
    const ids = config.attribution.mode === 'targets' ? [...new Set(config.attribution.keys.map((k) => k.slice(k.lastIndexOf('\u0000') + 1)))] : [];
    const searchable = ids.length <= 64 && ids.every((id) => id !== '' && !/["\\\u0000-\u001f]/.test(id));
    this.attributeWrites = config.attribution.mode === 'all' || (config.attribution.mode === 'targets' && !searchable);
    if (config.attribution.mode === 'targets' && searchable) patterns.push(...ids.map(escapeRegExp));
    this.rawFilter = filterable ? patterns.map((p) => new RegExp(p, 'g')) : undefined;
  }

  /** A whole file or object: gunzip when gzip, then any of the three layouts. */
  processBytes(label: string, bytes: Uint8Array): ChunkResult {
    let parsed: ParsedRecords;
    try {
      const text = decodeBytes(bytes).toString('utf8');
      const delivered = this.processDelivered(label, text);
      if (delivered) return delivered;
      parsed = parseRecordsText(text);
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
    const chunk = new ChunkState(this, label, problem);
    chunk.result.records = records.length;
    for (const record of records) chunk.add(record);
    return chunk.finish();
  }

  /**
   * A file exactly as CloudTrail delivers it: every record is counted from its raw fields and
   * only those a rule, the attribution or the EIP correlation could use are parsed (see
   * delivered-file.ts). Undefined when the text is not in that form: the caller parses it all.
   */
  processDelivered(label: string, text: string): ChunkResult | undefined {
    if (!this.rawFilter) return undefined;
    const records = scanDeliveredFile(text);
    if (!records) return undefined;
    // Records the text patterns point at (one pass of one regular expression over the file).
    const marked = new Uint8Array(records.length);
    for (const pattern of this.rawFilter) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) marked[recordAt(records, m.index)] = 1;
    }
    const chunk = new ChunkState(this, label);
    chunk.result.records = records.length;
    let invalid = 0;
    records.forEach((r, i) => {
      const parseAnyway = r.awsRegion === undefined || r.recipientAccountId === undefined;
      if (!parseAnyway) {
        if (!chunk.count(r.eventTime, r.recipientAccountId!, r.awsRegion!)) return;
        if (!marked[i] && !this.mayMatterByName(r.eventName, r.eventSource)) return;
      }
      let record: unknown;
      try {
        record = JSON.parse(text.slice(r.start, r.end));
      } catch {
        invalid++;
        return;
      }
      if (!isCloudTrailRecord(record)) invalid++;
      else if (parseAnyway) chunk.add(record);
      else chunk.evaluate(record, record.eventTime, r.recipientAccountId!, r.awsRegion!);
    });
    if (invalid) chunk.problem(new FileProblem('InvalidRecords', `${invalid} of ${records.length} record(s) are not valid JSON records and were skipped`));
    return chunk.finish();
  }

  /** Could a rule (by event name), the EIP correlation or the attribution use an event of this name? */
  private mayMatterByName(eventName: string, eventSource: string | undefined): boolean {
    if (this.parseNames.has(eventName)) return true;
    // `all` attribution (or too many targets to search for): every event that may change a resource awsaudit knows.
    return this.attributeWrites && !isReadOnlyName(eventName) && (eventSource === undefined || ATTRIBUTED_SOURCES.has(eventSource));
  }

  /** Per-event work shared by both paths: the rules, the attribution, the EIP correlation. */
  evaluateRecord(chunk: ChunkState, view: EnrichedResource, record: CloudTrailRecord, time: string, account: string, region: string): void {
    view.id = str(record.eventID) ?? `${time}/${record.eventName}`;
    view.account = account;
    view.region = region;
    view.data = record as EnrichedResource['data'];
    view.facts = eventFacts(record, this.factsContext);
    const { failed, hits } = chunk.result;
    for (const i of this.always) this.test(i, view, time, failed, hits);
    const named = this.byName.get(record.eventName);
    if (named) for (const i of named) this.test(i, view, time, failed, hits);
    if (chunk.changes && isSuccessfulWrite(record)) {
      const touched = touchedResources(record);
      if (touched.length) {
        const change = attributionOf(record);
        for (const ref of touched) {
          const key = resourceKey(ref.type, account, region, ref.id);
          if (!this.targets || this.targets.has(key)) recordChange(chunk.changes, key, change);
        }
      }
    }
    const address = addressEventOf(record, account, region);
    if (address) chunk.result.addresses.push(address);
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  get maxFindingsPerRule(): number {
    return this.config.maxFindingsPerRule;
  }

  get attributing(): boolean {
    return this.config.attribution.mode !== 'off';
  }

  private test(i: number, view: EnrichedResource, time: string, failed: number[], hits: RuleHit[]): void {
    const rule = this.rules[i]!;
    if (!rule.condition.test(view, this.ctx)) return;
    failed[i]!++;
    // The finding must not share the reused view: give it a resource of its own.
    hits.push({ rule: i, eventTime: time, finding: makeFinding(rule, { ...view }, this.ctx) });
  }

  /** CloudTrail writes `YYYY-MM-DDTHH:MM:SSZ`, which orders as text; anything else is parsed. */
  inWindow(time: string): boolean {
    const { since, until } = this.config;
    if (since === undefined && until === undefined) return true;
    if (time.length === 20 && time.charCodeAt(19) === 90 /* Z */) {
      return (since === undefined || time >= since) && (until === undefined || time < until);
    }
    const t = Date.parse(time);
    return !Number.isNaN(t) && t >= this.sinceMs && t < this.untilMs;
  }

  empty(label: string, problem?: FileProblem): ChunkResult {
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

/**
 * Keep the hits of the `max` most recent events of each rule, with every copy of them: an event
 * read twice (two sources, overlapping files) is one finding, and the results model counts its
 * copies once only when it sees them all.
 */
export function capHits(hits: RuleHit[], ruleCount: number, max: number): RuleHit[] {
  const counts = new Array<number>(ruleCount).fill(0);
  for (const h of hits) counts[h.rule]!++;
  if (counts.every((c) => c <= max)) return hits;
  const kept: RuleHit[] = [];
  const keptEvents = Array.from({ length: ruleCount }, () => new Set<string>());
  for (const h of [...hits].sort(compareHits)) {
    const events = keptEvents[h.rule]!;
    if (events.size < max || events.has(h.finding.fingerprint)) {
      events.add(h.finding.fingerprint);
      kept.push(h);
    }
  }
  return kept;
}

/** The running counts of one chunk; both paths (parsed, raw) feed it the same way. */
class ChunkState {
  readonly result: ChunkResult;
  readonly changes: Map<string, Attribution> | undefined;
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private first: string | undefined;
  private last: string | undefined;
  // One view object reused for every record: conditions only read it, and a finding copies what it keeps.
  private readonly view: EnrichedResource = { type: EVENT_TYPE, id: '', account: '', region: '', data: {}, facts: {} };

  constructor(
    private readonly evaluator: EventEvaluator,
    label: string,
    problem?: FileProblem,
  ) {
    this.result = evaluator.empty(label, problem);
    this.changes = evaluator.attributing ? new Map() : undefined;
  }

  problem(problem: FileProblem): void {
    this.result.problem = { code: problem.code, message: problem.message };
  }

  /** Count an event when it is inside the window; false when it is not. */
  count(time: string, account: string, region: string): boolean {
    if (!this.evaluator.inWindow(time)) return false;
    this.result.events++;
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
    this.accounts.add(account);
    this.regions.add(region);
    return true;
  }

  /** A parsed record: count it, and evaluate it when it is inside the window. */
  add(record: CloudTrailRecord): void {
    const time = record.eventTime;
    const identity = record.userIdentity as { accountId?: unknown } | undefined;
    const account = str(record.recipientAccountId) ?? str(identity?.accountId) ?? 'unknown';
    const region = str(record.awsRegion) ?? 'unknown';
    if (this.count(time, account, region)) this.evaluate(record, time, account, region);
  }

  evaluate(record: CloudTrailRecord, time: string, account: string, region: string): void {
    this.evaluator.evaluateRecord(this, this.view, record, time, account, region);
  }

  finish(): ChunkResult {
    const result = this.result;
    result.hits = capHits(result.hits, this.evaluator.ruleCount, this.evaluator.maxFindingsPerRule);
    if (this.changes) result.changes = [...this.changes];
    result.accounts = [...this.accounts];
    result.regions = [...this.regions];
    if (this.first !== undefined) result.firstEventTime = this.first;
    if (this.last !== undefined) result.lastEventTime = this.last;
    return result;
  }
}
