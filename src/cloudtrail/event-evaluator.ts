import { isAscii } from 'node:buffer';
import type { Severity } from '../model/severity.js';
import type { EnrichedResource } from '../enrich/index.js';
import { makeFinding } from '../engine/evaluate.js';
import type { Attribution, Finding } from '../engine/findings.js';
import { compileRule } from '../ruleset/load.js';
import type { AllowEntry, CompiledRule, RuleDefinition } from '../ruleset/types.js';
import {
  ATTRIBUTED_SOURCES,
  attributionOf,
  isReadOnlyName,
  isSuccessfulWrite,
  recordChange,
  resourceKey,
  touchedResources,
} from './attribution.js';
import { ADDRESS_EVENT_NAMES, addressEventOf, type AddressEvent } from './eip-allocations.js';
import { EventFactsPlan, factsReadBy, type EventFactsContext } from './event-facts.js';
import { escapeRegExp, eventNamesOf, requiredTextOf } from './rule-prefilters.js';
import { allowFieldsRead, compileAllowList, type AllowTest } from './allow-list.js';
import { AwsIpIndex, type AwsIpRanges } from './aws-ip-ranges.js';
import { CorrelationCollector, placeOf } from './correlation/collect.js';
import {
  ipv4At,
  placeKey,
  SightingStore,
  type HeldMatch,
  type HeldParts,
  type Places,
  type SightingAnswer,
  type SightingQuery,
} from './correlation/sightings.js';
import type { CorrelationPart } from './correlation/types.js';
import { deliveredParts, scanDeliveredPart, START, type DeliveredRecord, type ScannedPart } from './delivered-file.js';
import { DeliveredScanner } from './delivered-scan.js';
import { TextMarks } from './text-marks.js';
import {
  ADDRESS_PATH,
  agentPlain,
  correlationParts,
  LIGHT_FIELDS,
  lightObject,
  lightRecord,
  lightSpans,
  lightSpansFrom,
  lightText,
  lightTextAt,
  LightSpans,
  type RulePart,
} from './light-records.js';
import { normalizeRequestParameters } from './request-parameters.js';
import { ownString } from '../util/own-string.js';
import { eventKey, KeyList, recordId } from './event-key.js';
import {
  FileProblem,
  decodeBytes,
  eventMs,
  textOf,
  isEventTime,
  notARecord,
  parseItems,
  wholeDocumentItems,
  type BatchLayout,
  type CloudTrailRecord,
  type FileProblemCode,
  type PlaceUnit,
} from './records.js';
import { ItemSplitter } from './split.js';

export const EVENT_TYPE = 'aws.cloudtrail.event';

/** A rule as the main thread resolved it (config applied), in a form that crosses to a worker. */
export interface EventRuleSpec {
  file: string;
  definition: RuleDefinition;
  severity: Severity;
  options: Record<string, unknown>;
  /** The allow-list entries that apply to the rule (global and its own): matching events are left out and counted. */
  allow?: AllowEntry[];
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
  /** AWS's published address ranges (--aws-ip-ranges), for facts.instanceCredentials; without them AWS-ness is unknown. */
  awsIpRanges?: AwsIpRanges;
  /** Places an evaluator keeps for `unseen` rules (correlation/sightings.ts); default DEFAULT_MAX_SIGHTINGS. */
  maxSightings?: number;
  /** About how many characters of a delivered file are read as one text (delivered-file.ts deliveredParts); default PART_SIZE. */
  partSize?: number;
  /** False: delivered files are scanned by the TypeScript scan even where the WebAssembly one can run (delivered-scan.ts); for tests. */
  byteScan?: boolean;
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
  /** Per rule (index in config.rules): events that failed it (copies of one event included: see failedKeys). */
  failed: number[];
  /** The key (event-key.ts) of every event counted in `events`, so the run counts each event once however often it was read. */
  eventKeys: Float64Array;
  /** Per rule: the keys of the events that failed it. */
  failedKeys: number[][];
  /** Per rule: events it matched that an allow-list left out (copies of one event included: see allowedKeys). */
  allowed: number[];
  /** Per rule: the keys of the events an allow-list left out. */
  allowedKeys: number[][];
  /** Per rule: events its `unknownWhen` left undecided (copies included: see undecidedKeys), and the first few of their ids. */
  undecided: number[];
  /** Per rule: the keys of the events it left undecided. */
  undecidedKeys: number[][];
  undecidedIds: Array<[number, string]>;
  /** Correlation rules: what each kept of this chunk's events (src/cloudtrail/correlation/). */
  correlation: CorrelationPart[];
  hits: RuleHit[];
  changes: Array<[string, Attribution]>;
  addresses: AddressEvent[];
  accounts: string[];
  regions: string[];
  firstEventTime?: string;
  lastEventTime?: string;
  /** What is wrong with the file as a whole (cut, trailing bytes, not JSON…); at most a few. */
  problems: ChunkProblem[];
  /** Items that are not readable records, and the first few of them (file order). */
  unreadable: number;
  unreadableAt: PlaceNote[];
  /** Records a rule could not evaluate (each one left out of every rule's counts), and the first few. */
  unevaluated: number;
  unevaluatedAt: PlaceNote[];
  /** The whole-file path could not read the bytes as they are (a cut or damaged gzip stream, too large): read them again as a stream. */
  reread?: ChunkProblem;
}

export interface ChunkProblem {
  code: FileProblemCode;
  message: string;
}

/** An item of a file, by its place (`record 12`, `line 40`), and what was wrong with it. */
export interface PlaceNote {
  unit: PlaceUnit;
  n: number;
  reason: string;
}

/** How many unreadable or unevaluated items a chunk (and a file's gap) names one by one; all are counted. */
export const PLACES_NAMED = 5;

/** Compile the event rules from their specs (each worker does this once: compiled rules hold functions). */
export function compileEventRules(specs: readonly EventRuleSpec[]): CompiledRule[] {
  // An allow-list is applied by the evaluator, not the rule: it is not a rule setting to compile.
  return specs.map((spec) => {
    const result = compileRule(
      { file: spec.file, definition: spec.definition },
      { severity: spec.severity, options: spec.options },
      spec.file,
    );
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
  /** The fact modules the selected rules read, by event name. */
  private readonly factsPlan: EventFactsPlan;
  private readonly targets: ReadonlySet<string> | undefined;
  private readonly ctx: { now: number };
  private readonly sinceMs: number;
  private readonly untilMs: number;
  /**
   * The raw fast path's filter: text patterns over a delivered file, marking the records that must
   * be parsed besides those named by parseNames (mark 1), and those a light read is enough for
   * (mark 2, light-records.ts). Undefined when some rule could match any event (then every record
   * is parsed).
   */
  private readonly textMarks: TextMarks | undefined;
  /** The same scan over a part's bytes, when the marks' patterns allow it (delivered-scan.ts). */
  private readonly scanner: DeliveredScanner | undefined;
  private readonly parseNames: Set<string>;
  /**
   * When every light part keeps only sightings and reads neither time nor id: the light fields
   * besides the identity that decide what the rules make of a light record, its source address
   * aside (the light parts, their allow-lists). Records alike in them and in their identity are
   * judged once (lightPlan). Undefined otherwise.
   */
  private readonly planRest: ReadonlySet<string> | undefined;
  /**
   * Judgements of light records (null: judge each such record on its own), by their identity's
   * text, then their other deciding fields' text (planRest).
   */
  private readonly plans = new Map<string, IdentityPlans>();
  private planCount = 0;
  /**
   * The identities whose plans were asked for last, most recent first. Most records of a file come
   * from a few callers, and comparing an identity's text with theirs (as memory) costs a fraction of
   * hashing it (a few hundred characters) to look it up.
   */
  private readonly recentPlans: IdentityPlans[] = [];
  /**
   * Identities of light records parsed so far, by their text, across files: a user's identity
   * reads the same in every file, and sharing one object lets kept events share their context
   * (correlation/sightings.ts).
   */
  private readonly identities = new Map<string, unknown>();
  /** Where the light record being read is (one object, reused). */
  private readonly spans = new LightSpans();
  /** Where a plan is worked out, without effect. */
  private readonly planCollector: CorrelationCollector;
  /** Attribution that needs every event that may change something (mode `all`, or too many targets to search for). */
  private readonly attributeWrites: boolean;

  /** "Never seen before" state of every chunk this evaluator reads (asked for at the end: answer()). */
  readonly sightings: SightingStore;

  constructor(private readonly config: EvaluatorConfig) {
    this.rules = compileEventRules(config.rules);
    this.sightings = new SightingStore(config.maxSightings);
    this.allowLists = config.rules.map((spec) => compileAllowList(spec.allow));
    this.rules.forEach((rule, i) => {
      const names = ruleEventNames(rule);
      if (names === null) this.always.push(i);
      else for (const name of names) this.byName.set(name, [...(this.byName.get(name) ?? []), i]);
    });
    this.factsContext = {
      leakedKeyIds: new Set(config.leakedKeyIds),
      awsRanges: config.awsIpRanges ? new AwsIpIndex(config.awsIpRanges) : null,
    };
    this.factsPlan = new EventFactsPlan(factsReadBy(config.rules.map((r) => r.definition)));
    this.targets = config.attribution.mode === 'targets' ? new Set(config.attribution.keys) : undefined;
    this.ctx = { now: config.now };
    this.sinceMs = config.since ? Date.parse(config.since) : -Infinity;
    this.untilMs = config.until ? Date.parse(config.until) : Infinity;
    this.parseNames = new Set([...this.byName.keys(), ...ADDRESS_EVENT_NAMES]);
    const patterns: string[] = [];
    let filterable = true;
    const lightPatterns: string[] = [];
    let plannable = true;
    const planFields = new Set<string>();
    for (const i of this.always) {
      const rule = this.rules[i]!;
      // A correlation rule's parts that read only a record's top fields mark records for a light read (light-records.ts).
      const parts = rule.correlation
        ? correlationParts(rule)
        : [rule.definition.condition, ...(rule.definition.unknownWhen !== undefined ? [rule.definition.unknownWhen] : [])].map(
            (condition): RulePart => ({ condition, light: false, keeps: 'events' }),
          );
      for (const part of parts) {
        // A part read whole that names its events (a sequence's first) is parsed by name: no pass of a pattern over the file.
        const names = part.light ? null : eventNamesOf(part.condition, rule.options);
        if (names !== null && rule.correlation) {
          for (const n of names) this.parseNames.add(n);
          continue;
        }
        const required = requiredTextOf(part.condition, rule.options, config.leakedKeyIds);
        if (required === 'any') filterable = false;
        else if (required !== 'never') (part.light ? lightPatterns : patterns).push(...required);
        if (part.light && (part.keeps !== 'sightings' || part.fields!.some((f) => f === 'eventTime' || f === 'eventID'))) plannable = false;
        if (part.light) {
          for (const f of part.decides!) planFields.add(f);
          // An allow-list reads these too.
          for (const f of allowFieldsRead(config.rules[i]!.allow)) planFields.add(f);
        }
      }
    }
    // The identity is always part of a plan's key: a plan is made only from an identity that parses.
    planFields.delete('userIdentity');
    this.planRest = plannable ? planFields : undefined;
    this.planCollector = new CorrelationCollector(this.sightings);
    // Attribution to a few targets: an event that changed one names its id (or an ARN holding it).
    const ids =
      config.attribution.mode === 'targets' ? [...new Set(config.attribution.keys.map((k) => k.slice(k.lastIndexOf('\u0000') + 1)))] : [];
    // eslint-disable-next-line no-control-regex -- an id with a control character cannot be searched for as raw JSON text
    const searchable = ids.length <= 64 && ids.every((id) => id !== '' && !/["\\\u0000-\u001f]/.test(id));
    this.attributeWrites = config.attribution.mode === 'all' || (config.attribution.mode === 'targets' && !searchable);
    if (config.attribution.mode === 'targets' && searchable) patterns.push(...ids.map(escapeRegExp));
    this.textMarks = filterable
      ? new TextMarks([
          ...lightPatterns.map((source) => ({ source, mark: 2 as const })),
          ...patterns.map((source) => ({ source, mark: 1 as const })),
        ])
      : undefined;
    this.scanner = this.textMarks && config.byteScan !== false ? DeliveredScanner.for(this.textMarks.patterns) : undefined;
  }

  /**
   * A whole file or object: gunzip when gzip; then, when it is one clean JSON document, read in
   * one piece (the raw fast path for delivered files, else JSON.parse); otherwise split into
   * items by the same splitter the stream path uses, so that a problem is named the same way
   * whichever path read the file. A gzip stream that is cut or damaged, or a file too large to
   * hold, comes back as `reread`: the caller reads it again as a stream.
   */
  processBytes(label: string, bytes: Uint8Array): ChunkResult {
    let decoded: Buffer;
    try {
      decoded = decodeBytes(bytes);
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      const result = this.empty(label);
      result.reread = { code: error.code, message: error.message };
      return result;
    }
    // An ASCII file as delivered is read in parts (delivered-file.ts deliveredParts); any other as one text.
    const ascii = isAscii(decoded);
    const parts = ascii && this.textMarks ? deliveredParts(decoded, this.config.partSize ?? PART_SIZE) : undefined;
    const delivered = parts
      ? this.processDelivered(
          label,
          parts.map((p) => p.text),
          parts.map((p) => p.bytes),
        )
      : undefined;
    if (delivered) return delivered;
    const text = textOf(decoded);
    if (!parts) {
      const whole = this.processDelivered(label, [text]);
      if (whole) return whole;
    }
    const items = wholeDocumentItems(text);
    // One JSON document: its items are the splitter's items, numbered alike.
    if (items) return this.processRecords(label, items);
    return this.processSplit(label, decoded);
  }

  /** Parsed items, numbered from 1 as the records of a file (the fast path; tests): every record evaluated, every other item counted. */
  processRecords(label: string, items: readonly unknown[]): ChunkResult {
    const chunk = new ChunkState(this, label);
    items.forEach((item, i) => {
      const reason = notARecord(item);
      if (reason === undefined) chunk.add(item as CloudTrailRecord, 'record', i + 1);
      else chunk.unreadable('record', i + 1, reason);
    });
    return chunk.finish();
  }

  /** Every item of a file that is not one clean JSON document, found by the splitter (as the stream path does). */
  private processSplit(label: string, decoded: Buffer): ChunkResult {
    const chunk = new ChunkState(this, label);
    const splitter = new ItemSplitter();
    for (const batch of [...splitter.push(decoded), ...splitter.end()]) chunk.addBatch(batch.bytes, batch.layout);
    for (const s of splitter.takeSkipped()) chunk.unreadable(s.unit, s.n, s.reason);
    if (splitter.problem) chunk.problem(splitter.problem);
    return chunk.finish();
  }

  /** A batch of items: from the stream splitter (with their layout), or a LookupEvents page (texts separated by RS). */
  processBatch(label: string, bytes: Uint8Array, layout?: BatchLayout): ChunkResult {
    const chunk = new ChunkState(this, label);
    chunk.addBatch(bytes, layout);
    return chunk.finish();
  }

  /**
   * A file exactly as CloudTrail delivers it: every record is counted from its raw fields and
   * only those a rule, the attribution or the EIP correlation could use are parsed (see
   * delivered-file.ts). Its text comes whole or in parts cut between records (deliveredParts);
   * every part is checked before any record is evaluated. Undefined when the text is not in that
   * form, or holds a record that is not readable: the caller reads it all.
   */
  processDelivered(label: string, parts: readonly string[], bytes?: readonly Uint8Array[]): ChunkResult | undefined {
    if (!this.textMarks) return undefined;
    // The records of every part, and those the text patterns point at (1: parse whole; 2: a light read is enough), in one pass each.
    const scans: ScannedPart[] = [];
    let total = 0;
    for (let p = 0; p < parts.length; p++) {
      const first = p === 0;
      const last = p === parts.length - 1;
      const scanned =
        bytes && this.scanner
          ? this.scanner.scan(bytes[p]!, parts[p]!, first, last)
          : scanDeliveredPart(parts[p]!, this.textMarks, first, last);
      if (!scanned) return undefined;
      for (const r of scanned.records) if (!isEventTime(r.eventTime)) return undefined;
      scans.push(scanned);
      total += scanned.records.length;
    }
    const chunk = new ChunkState(this, label);
    chunk.result.records = total;
    if (this.identities.size > MAX_IDENTITIES) this.identities.clear();
    // Records are numbered across parts, as in the file.
    let before = 0;
    for (let p = 0; p < parts.length; p++) {
      if (!this.processScanned(chunk, parts[p]!, scans[p]!, before)) return undefined;
      before += scans[p]!.records.length;
    }
    return chunk.finish();
  }

  /** The records of one part of a delivered file (processDelivered); false when one is not readable after all. */
  private processScanned(chunk: ChunkState, text: string, scanned: ScannedPart, before: number): boolean {
    const { records, marked, keys, light: lightFound } = scanned;
    const identities = this.identities;
    const spans = this.spans;
    const replayed = new ReplayedMatch(text);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const parseAnyway = r.awsRegion === undefined || r.recipientAccountId === undefined || r.eventID === undefined;
      if (!parseAnyway) {
        if (!this.inWindow(r.eventTime)) continue;
        if (marked[i] !== 1 && !this.mayMatterByName(r.eventName, r.eventSource)) {
          const found = keys ? keys[i]! : -1;
          const key = found >= 0 ? found : eventKey(r.eventID!, r.recipientAccountId!, r.awsRegion!);
          let light: Record<string, unknown> | undefined;
          if (marked[i] === 2) {
            // Judged once per identity and deciding fields (an address and an id are needed to replay a plan).
            if (
              this.planRest &&
              ((lightFound && lightSpansFrom(lightFound, i, r, spans)) ?? lightSpans(text, r, spans, false)) &&
              spans.ipEnd > spans.ipAt &&
              spans.idEnd > spans.idAt &&
              (!this.planRest.has('userAgent') || agentPlain(text, spans))
            ) {
              let plan = this.planOf(text, r, spans);
              if (plan === undefined) {
                const record = agentPlain(text, spans) ? lightRecord(text, r, lightTextAt(text, r, spans), identities) : undefined;
                plan = record
                  ? this.lightPlan(record as CloudTrailRecord, record.eventID as string, r.recipientAccountId!, r.awsRegion!)
                  : null;
                this.keepPlan(text, r, spans, plan);
              }
              if (plan) {
                chunk.replay(plan, key, text, r, spans, replayed);
                continue;
              }
            }
            const raw = lightText(text, r);
            light = raw ? lightRecord(text, r, raw, identities) : undefined;
          }
          if (light)
            chunk.evaluate(light as CloudTrailRecord, r.eventTime, r.recipientAccountId!, r.awsRegion!, 'record', before + i + 1, true);
          else if (marked[i] !== 2) chunk.count(r.eventTime, r.recipientAccountId!, r.awsRegion!, key);
          if (light || marked[i] !== 2) continue;
        }
      }
      let record: unknown;
      try {
        record = JSON.parse(text.slice(r.start, r.end));
      } catch {
        return false;
      }
      if (notARecord(record) !== undefined) return false;
      if (parseAnyway) chunk.add(record as CloudTrailRecord, 'record', before + i + 1, false);
      else chunk.evaluate(record as CloudTrailRecord, r.eventTime, r.recipientAccountId!, r.awsRegion!, 'record', before + i + 1);
    }
    return true;
  }

  /** The plan of light records alike in identity and deciding fields (undefined: none made yet). */
  private planOf(text: string, r: DeliveredRecord, spans: LightSpans): LightPlan | null | undefined {
    const plans = this.identityPlans(text, spans);
    if (!plans) return undefined;
    const rest = this.restOf(text, r, spans);
    for (const e of plans.byRest) if (e.rest === rest) return e.plan;
    return undefined;
  }

  /** The plans of the record's identity, if any were made: among the recent ones, else looked up. */
  private identityPlans(text: string, spans: LightSpans): IdentityPlans | undefined {
    const recent = this.recentPlans;
    // Compared whole: a slice equal to a flat string is compared as memory (startsWith goes character by character).
    const identity = text.slice(spans.identityAt, spans.identityEnd);
    for (let i = 0; i < recent.length; i++) {
      const plans = recent[i]!;
      if (plans.identity !== identity) continue;
      // Moved to the front.
      for (let j = i; j > 0; j--) recent[j] = recent[j - 1]!;
      recent[0] = plans;
      return plans;
    }
    const plans = this.plans.get(identity);
    if (plans) {
      recent.unshift(plans);
      if (recent.length > RECENT_IDENTITIES) recent.pop();
    }
    return plans;
  }

  private keepPlan(text: string, r: DeliveredRecord, spans: LightSpans, plan: LightPlan | null): void {
    if (this.planCount >= MAX_PLANS) {
      this.plans.clear();
      this.recentPlans.length = 0;
      this.planCount = 0;
    }
    let plans = this.identityPlans(text, spans);
    // Copies: a slice would keep the whole file alive.
    if (!plans) {
      plans = { identity: ownString(text.slice(spans.identityAt, spans.identityEnd)), byRest: [] };
      this.plans.set(plans.identity, plans);
    }
    plans.byRest.push({ rest: ownString(this.restOf(text, r, spans)), plan });
    this.planCount++;
  }

  /** The text of a light record's deciding fields other than its identity (planRest). */
  private restOf(text: string, r: DeliveredRecord, spans: LightSpans): string {
    let rest = '';
    for (const f of this.planRest!) {
      const v =
        f === 'sourceIPAddress'
          ? text.slice(spans.ipAt, spans.ipEnd)
          : f === 'userAgent'
            ? text.slice(spans.agentAt, spans.agentEnd)
            : f === 'eventVersion'
              ? text.slice(r.start + START.length, spans.versionEnd)
              : f === 'eventName'
                ? r.eventName
                : f === 'eventSource'
                  ? (r.eventSource ?? '')
                  : f === 'awsRegion'
                    ? r.awsRegion!
                    : r.recipientAccountId!;
      rest = rest === '' ? v : `${rest}\u0000${v}`;
    }
    return rest;
  }

  /**
   * What the rules make of a light record, as a plan every light record with the same deciding
   * fields can replay, or null when something in it depends on more than those
   * fields (a finding, a kept event): such records are then evaluated one by one. No effect.
   */
  private lightPlan(record: CloudTrailRecord, id: string, account: string, region: string): LightPlan | null {
    if (this.byName.has(record.eventName)) return null;
    const view: EnrichedResource = { type: EVENT_TYPE, id, account, region, data: record as EnrichedResource['data'], facts: {} };
    const matched: Outcome[] = [];
    const collector = this.planCollector;
    let sightings: ReturnType<CorrelationCollector['pendingSightings']>;
    try {
      view.facts = this.factsPlan.facts(record, this.factsContext);
      for (const i of this.always) this.test(i, view, matched, collector);
      sightings = collector.pendingSightings();
    } catch {
      return null;
    } finally {
      collector.rollback();
    }
    if (!sightings || matched.some((m) => m.outcome === 'failed')) return null;
    return {
      identity: record.userIdentity,
      allowed: matched.filter((m) => m.outcome === 'allowed').map((m) => m.rule),
      undecided: matched.filter((m) => m.outcome === 'undecided').map((m) => m.rule),
      sightings: sightings
        // A sighting the same event also gives as a match (same rule, key and place) changes nothing.
        .filter(
          (h) =>
            h.key !== undefined ||
            !sightings.some((m) => m.key !== undefined && m.rule === h.rule && m.per === h.per && m.value === h.value),
        )
        .map(({ rule, per, key, value }) => {
          const c = this.rules[rule]!.correlation!;
          const unseen = c.kind === 'unseen' ? c : c.kind === 'sequence' ? c.unseen! : undefined;
          // The place: the record's own address, or a value the deciding fields fix.
          const address = unseen?.value.path === ADDRESS_PATH;
          return {
            rule,
            key,
            place: address ? undefined : placeKey(value),
            v4Bits: unseen?.ipv4Bits ?? 32,
            v6Bits: unseen?.ipv6Bits ?? 128,
            places: this.sightings.placesOf(rule, per),
          };
        }),
    };
  }

  /** Could a rule (by event name), the EIP correlation or the attribution use an event of this name? */
  private mayMatterByName(eventName: string, eventSource: string | undefined): boolean {
    if (this.parseNames.has(eventName)) return true;
    // `all` attribution (or too many targets to search for): every event that may change a resource awsaudit knows.
    return this.attributeWrites && !isReadOnlyName(eventName) && (eventSource === undefined || ATTRIBUTED_SOURCES.has(eventSource));
  }

  /**
   * Per-event work shared by both paths: the rules, the attribution, the EIP correlation. Throws
   * when a rule cannot evaluate the record (a value of the wrong type for one of its paths); the
   * rules' results for it are then left out (they are committed only when every rule ran), and
   * the caller counts the record as not evaluated.
   */
  evaluateRecord(
    chunk: ChunkState,
    view: EnrichedResource,
    given: CloudTrailRecord,
    time: string,
    account: string,
    region: string,
    light = false,
  ): number {
    const named = this.byName.get(given.eventName);
    // Only what the rules read is normalised (records parsed for the attribution alone are not).
    const record = named || this.always.length ? normalizeRequestParameters(given) : given;
    // The id findings name the event by; without an eventID, a hash of the whole record (time and name alone collide).
    view.id = str(record.eventID) ?? recordId(given);
    const key = eventKey(view.id, account, region);
    view.account = account;
    view.region = region;
    view.data = record as EnrichedResource['data'];
    view.facts = this.factsPlan.facts(record, this.factsContext);
    const matched = this.matched;
    matched.length = 0;
    for (const i of this.always) this.test(i, view, matched, chunk.correlation);
    if (named) for (const i of named) this.test(i, view, matched, chunk.correlation);
    const { failed, failedKeys, hits, allowed, allowedKeys, undecided, undecidedKeys } = chunk.result;
    for (const hit of matched) {
      if (hit.finding) {
        failed[hit.rule]!++;
        failedKeys[hit.rule]!.push(key);
        hits.push({ rule: hit.rule, eventTime: time, finding: hit.finding });
      } else if (hit.outcome === 'allowed') {
        allowed[hit.rule]!++;
        allowedKeys[hit.rule]!.push(key);
      } else {
        undecided[hit.rule]!++;
        undecidedKeys[hit.rule]!.push(key);
        if (chunk.result.undecidedIds.length < 4 * PLACES_NAMED) chunk.result.undecidedIds.push([hit.rule, view.id]);
      }
    }
    matched.length = 0;
    chunk.correlation.commit();
    // A light record (light-records.ts) is none of the attribution's or the EIP correlation's business: those parse by name.
    if (light) return key;
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
    return key;
  }

  /** A rule threw on the record: what the rules before it gave is left out. */
  forget(chunk: ChunkState): void {
    this.matched.length = 0;
    chunk.correlation.rollback();
  }

  /** What this evaluator holds for `unseen` rules, as the main thread asks once everything is read. */
  answer(query: SightingQuery): SightingAnswer {
    return this.sightings.answer(query);
  }

  /** The compiled event rules, by index (as chunk results number them). */
  get compiledRules(): readonly CompiledRule[] {
    return this.rules;
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

  /** The rules that matched the record being evaluated, with their findings (committed once every rule ran). */
  private readonly matched: Outcome[] = [];
  private readonly allowLists: Array<AllowTest | undefined>;

  private test(i: number, view: EnrichedResource, matched: Outcome[], correlation: CorrelationCollector): void {
    const rule = this.rules[i]!;
    try {
      const c = rule.correlation;
      if (c) {
        // A correlation rule keeps what it needs of the event; the main thread judges (correlation/state.ts).
        const t = eventMs(view.data.eventTime as string);
        if (c.kind === 'sequence' && c.first.test(view, this.ctx)) {
          if (this.allowLists[i]?.(view.data)) matched.push({ rule: i, outcome: 'allowed' });
          else correlation.first(i, rule, view, t);
        }
        const unseen = c.kind === 'unseen' ? c : c.kind === 'sequence' ? c.unseen : undefined;
        if (unseen?.history?.test(view, this.ctx)) correlation.history(i, unseen, view, t);
        if (!rule.condition.test(view, this.ctx)) return;
        if (this.allowLists[i]?.(view.data)) matched.push({ rule: i, outcome: 'allowed' });
        else correlation.match(i, rule, view, t);
        return;
      }
      if (!rule.condition.test(view, this.ctx)) {
        if (rule.unknown?.test(view, this.ctx)) matched.push({ rule: i, outcome: 'undecided' });
        return;
      }
      if (this.allowLists[i]?.(view.data)) {
        matched.push({ rule: i, outcome: 'allowed' });
        return;
      }
      // The finding must not share the reused view: give it a resource of its own.
      matched.push({ rule: i, outcome: 'failed', finding: makeFinding(rule, { ...view }, this.ctx) });
    } catch (error) {
      throw new RuleError(rule.id, error);
    }
  }

  get ruleIds(): string[] {
    return this.rules.map((r) => r.id);
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

  empty(label: string): ChunkResult {
    const result: ChunkResult = {
      label,
      records: 0,
      events: 0,
      failed: new Array<number>(this.rules.length).fill(0),
      eventKeys: EMPTY_KEYS,
      failedKeys: Array.from({ length: this.rules.length }, () => []),
      allowed: new Array<number>(this.rules.length).fill(0),
      allowedKeys: Array.from({ length: this.rules.length }, () => []),
      undecided: new Array<number>(this.rules.length).fill(0),
      undecidedKeys: Array.from({ length: this.rules.length }, () => []),
      undecidedIds: [],
      correlation: [],
      hits: [],
      changes: [],
      addresses: [],
      accounts: [],
      regions: [],
      problems: [],
      unreadable: 0,
      unreadableAt: [],
      unevaluated: 0,
      unevaluatedAt: [],
    };
    return result;
  }
}

const EMPTY_KEYS = new Float64Array(0);

/** About how many characters of a delivered file are read as one text (delivered-file.ts deliveredParts). */
const PART_SIZE = 64 * 1024;

/** Identities kept per evaluator before they are all dropped (a shortcut too). */
const MAX_IDENTITIES = 20_000;

/**
 * The light record being replayed, as a kept sighting reads it (correlation/sightings.ts HeldMatch):
 * its id cut and its light record made only when a rule keeps it. One per file, moved record by record.
 */
class ReplayedMatch implements HeldMatch {
  key = '';
  account = '';
  region = '';
  private r: DeliveredRecord | undefined;
  private spans: LightSpans | undefined;
  private identity: unknown;

  constructor(private readonly text: string) {}

  at(r: DeliveredRecord, spans: LightSpans, identity: unknown): void {
    this.r = r;
    this.spans = spans;
    this.identity = identity;
    this.account = r.recipientAccountId!;
    this.region = r.awsRegion!;
  }

  get id(): string {
    return this.text.slice(this.spans!.idAt, this.spans!.idEnd);
  }

  readonly data = (): Record<string, unknown> => {
    const r = this.r!;
    if (agentPlain(this.text, this.spans!)) return lightObject(r, lightTextAt(this.text, r, this.spans!), this.identity);
    // A user agent with an escape: its fields as the whole record has them.
    const whole = JSON.parse(this.text.slice(r.start, r.end)) as Record<string, unknown>;
    return Object.fromEntries([...LIGHT_FIELDS].filter((f) => f in whole).map((f) => [f, whole[f]]));
  };

  parts(): HeldParts | undefined {
    const r = this.r!;
    const spans = this.spans!;
    // A user agent written with escapes: the record is made (data) to read it.
    if (!agentPlain(this.text, spans)) return undefined;
    return {
      eventTime: r.eventTime,
      address: this.text.slice(spans.ipAt, spans.ipEnd),
      identity: this.identity,
      eventName: r.eventName,
      eventSource: r.eventSource,
      userAgent: this.text.slice(spans.agentAt, spans.agentEnd),
    };
  }
}

/** Plans kept per evaluator before they are all dropped (a plan is only a shortcut: dropping it changes no result). */
const MAX_PLANS = 50_000;
/** Identities whose plans are compared before one is looked up by its text. */
const RECENT_IDENTITIES = 16;

/** The plans made for one identity (its text), by the text of their other deciding fields. */
interface IdentityPlans {
  identity: string;
  byRest: Array<{ rest: string; plan: LightPlan | null }>;
}

/**
 * What the rules make of a light record whose deciding fields are these (light-records.ts): the
 * rules that allow it or leave it undecided, and the sightings it gives, each at the record's own
 * address (place undefined) or at a place the fields fix (as placeKey writes it).
 */
interface LightPlan {
  /** The identity (parsed) every record of the plan has. */
  identity: unknown;
  allowed: number[];
  undecided: number[];
  sightings: Array<{
    rule: number;
    key: string | undefined;
    place: string | number | undefined;
    v4Bits: number;
    v6Bits: number;
    places: Places;
  }>;
}

/** What a rule made of the record being evaluated. */
type Outcome =
  { rule: number; outcome: 'failed'; finding: Finding } | { rule: number; outcome: 'allowed' | 'undecided'; finding?: undefined };

/** The event names a rule (with its correlation's other conditions) can use, or null for any. */
export function ruleEventNames(rule: CompiledRule): Set<string> | null {
  const names = eventNamesOf(rule.definition.condition, rule.options);
  if (names === null) return null;
  for (const extra of correlationConditions(rule)) {
    const more = eventNamesOf(extra, rule.options);
    if (more === null) return null;
    for (const n of more) names.add(n);
  }
  return names;
}

/** The conditions a rule runs besides its own: `unknownWhen`, a sequence's first, an unseen's history. */
function correlationConditions(rule: CompiledRule): unknown[] {
  const c = rule.definition.correlate;
  const out: unknown[] = rule.definition.unknownWhen !== undefined ? [rule.definition.unknownWhen] : [];
  if (!c) return out;
  if (c.sequence) out.push(c.sequence.first);
  const history = c.unseen?.history ?? c.sequence?.unseen?.history;
  if (history !== undefined) out.push(history);
  return out;
}

/** A rule could not evaluate a record: which rule, and why. */
class RuleError extends Error {
  constructor(
    readonly ruleId: string,
    cause: unknown,
  ) {
    super(`${ruleId}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Keep the first PLACES_NAMED notes in file order (numbers are unique per unit within a file). */
export function firstPlaces(notes: PlaceNote[]): PlaceNote[] {
  if (notes.length <= PLACES_NAMED) return notes;
  return notes.sort((a, b) => a.n - b.n).slice(0, PLACES_NAMED);
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
  readonly correlation: CorrelationCollector;
  readonly changes: Map<string, Attribution> | undefined;
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private first: string | undefined;
  private last: string | undefined;
  private readonly keys = new KeyList();
  // One view object reused for every record: conditions only read it, and a finding copies what it keeps.
  private readonly view: EnrichedResource = { type: EVENT_TYPE, id: '', account: '', region: '', data: {}, facts: {} };

  constructor(
    private readonly evaluator: EventEvaluator,
    label: string,
  ) {
    this.result = evaluator.empty(label);
    this.correlation = new CorrelationCollector(evaluator.sightings);
    this.changes = evaluator.attributing ? new Map() : undefined;
  }

  problem(problem: FileProblem): void {
    if (this.result.problems.length < 4) this.result.problems.push({ code: problem.code, message: problem.message });
  }

  unreadable(unit: PlaceUnit, n: number, reason: string): void {
    this.result.unreadable++;
    this.result.unreadableAt.push({ unit, n, reason });
    if (this.result.unreadableAt.length > 4 * PLACES_NAMED) this.result.unreadableAt = firstPlaces(this.result.unreadableAt);
  }

  /** The items of a batch: each record is counted and evaluated, each other item counted as unreadable. */
  addBatch(bytes: Uint8Array, layout: BatchLayout | undefined): void {
    const unit = layout?.unit ?? 'record';
    for (const item of parseItems(bytes, layout)) {
      if ('record' in item) this.add(item.record, unit, item.n);
      else if (item.cut) this.problem(new FileProblem('TruncatedFile', `the last line (line ${item.n}) is cut off (truncated file)`));
      else this.unreadable(unit, item.n, item.reason);
    }
  }

  /** Count an event inside the window, with its key (event-key.ts). */
  count(time: string, account: string, region: string, key: number): void {
    this.result.events++;
    this.keys.push(key);
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
    // A file is one account and region: the same texts again need no set lookup.
    if (account !== this.lastAccount) this.accounts.add((this.lastAccount = account));
    if (region !== this.lastRegion) this.regions.add((this.lastRegion = region));
  }

  private lastAccount: string | undefined;
  private lastRegion: string | undefined;

  /** A readable record: counted, and evaluated when it is inside the window. */
  add(record: CloudTrailRecord, unit: PlaceUnit, n: number, countRecord = true): void {
    if (countRecord) this.result.records++;
    const time = record.eventTime;
    if (!this.evaluator.inWindow(time)) return;
    const identity = record.userIdentity as { accountId?: unknown } | undefined;
    const account = str(record.recipientAccountId) ?? str(identity?.accountId) ?? 'unknown';
    const region = str(record.awsRegion) ?? 'unknown';
    this.evaluate(record, time, account, region, unit, n);
  }

  /** Evaluate a record inside the window and count it; a record a rule cannot evaluate is counted apart, with its place. */
  evaluate(record: CloudTrailRecord, time: string, account: string, region: string, unit: PlaceUnit, n: number, light = false): void {
    let key: number;
    try {
      key = this.evaluator.evaluateRecord(this, this.view, record, time, account, region, light);
    } catch (error) {
      this.evaluator.forget(this);
      const result = this.result;
      result.unevaluated++;
      result.unevaluatedAt.push({
        unit,
        n,
        reason: `(${record.eventName.slice(0, 64)}): ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
      });
      if (result.unevaluatedAt.length > 4 * PLACES_NAMED) result.unevaluatedAt = firstPlaces(result.unevaluatedAt);
      return;
    }
    this.count(time, account, region, key);
  }

  /**
   * A light record judged by a plan: what evaluating it would have given, with its own address,
   * time and id. `replayed` stands for the event where a rule keeps it (its light record made then).
   */
  replay(plan: LightPlan, key: number, text: string, r: DeliveredRecord, spans: LightSpans, replayed: ReplayedMatch): void {
    const result = this.result;
    const account = r.recipientAccountId!;
    const region = r.awsRegion!;
    for (const rule of plan.allowed) {
      result.allowed[rule]!++;
      result.allowedKeys[rule]!.push(key);
    }
    for (const rule of plan.undecided) {
      result.undecided[rule]!++;
      result.undecidedKeys[rule]!.push(key);
      if (result.undecidedIds.length < 4 * PLACES_NAMED) result.undecidedIds.push([rule, text.slice(spans.idAt, spans.idEnd)]);
    }
    if (plan.sightings.length) {
      const t = eventMs(r.eventTime);
      replayed.at(r, spans, plan.identity);
      for (const s of plan.sightings) {
        let k = s.place;
        if (k === undefined) {
          // An exact IPv4 address is read as a number from the text; anything else as placeOf reads it.
          const n = s.v4Bits >= 32 ? ipv4At(text, spans.ipAt, spans.ipEnd) : -1;
          k = n >= 0 ? n : placeKey(placeOf(text.slice(spans.ipAt, spans.ipEnd), s.v4Bits, s.v6Bits)!);
        }
        replayed.key = s.key ?? '';
        this.evaluator.sightings.addKey(s.places, s.rule, k, t, s.key === undefined ? undefined : replayed);
      }
    }
    this.count(r.eventTime, account, region, key);
  }

  finish(): ChunkResult {
    const result = this.result;
    result.hits = capHits(result.hits, this.evaluator.ruleCount, this.evaluator.maxFindingsPerRule);
    result.eventKeys = this.keys.toArray();
    result.correlation = this.correlation.finish();
    if (this.changes) result.changes = [...this.changes];
    result.accounts = [...this.accounts];
    result.regions = [...this.regions];
    if (this.first !== undefined) result.firstEventTime = this.first;
    if (this.last !== undefined) result.lastEventTime = this.last;
    result.unreadableAt = firstPlaces(result.unreadableAt);
    result.unevaluatedAt = firstPlaces(result.unevaluatedAt);
    return result;
  }
}
