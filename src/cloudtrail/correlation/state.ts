/**
 * Main-thread side of correlation: gathers the parts every worker sent (in whatever order files
 * were read), keeps them within a bound, and once everything is read judges each correlation rule
 * (./windows.ts) and makes its findings. "Never seen before" is asked of the evaluators, which keep
 * it (./sightings.ts): `fresh` (worker threads) and `freshSync` (this thread) run the two rounds.
 * State past a bound is dropped and said so ("correlation state truncated"), never silently.
 */
import { makeFinding } from '../../engine/evaluate.js';
import type { Evidence } from '../../engine/condition.js';
import type { Finding } from '../../engine/findings.js';
import type { EnrichedResource } from '../../enrich/index.js';
import type { CompiledRule } from '../../ruleset/types.js';
import type { JsonObject } from '../../util/json.js';
import { displayKey, earlierSighting } from './collect.js';
import { DEFAULT_MAX_SIGHTINGS, type Earliest, type SightingAnswer, type SightingQuery } from './sightings.js';
import type { CorrelationPart, EventSample, Match } from './types.js';
import { sequenceMatches, sortedUnique, thresholdWindows } from './windows.js';

/** Matches and firsts kept per rule (on the main thread) before the state is truncated. */
export const DEFAULT_MAX_CORRELATION_ENTRIES = 200_000;

const EVENT_TYPE = 'aws.cloudtrail.event';

interface RuleState {
  rule: CompiledRule;
  matches: Match[];
  firsts: Match[];
  entries: number;
  dropped: number;
  /** Places the evaluators did not keep (./sightings.ts), summed over evaluators. */
  unkept: number;
}

export interface CorrelationOutcome {
  /** Rule index -> its findings (every one; the caller caps them), with the time each ends at. */
  findings: Map<number, Array<{ finding: Finding; eventTime: string }>>;
  /** Rule indexes whose state was truncated: their results are partial. */
  truncated: Set<number>;
  notes: string[];
}

export class CorrelationState {
  private readonly rules = new Map<number, RuleState>();

  /** `rules`: the evaluator's event rules, by index (only those with `correlate` are kept). */
  constructor(
    rules: readonly CompiledRule[],
    private readonly maxEntries = DEFAULT_MAX_CORRELATION_ENTRIES,
    /** What each evaluator keeps of places (EvaluatorConfig.maxSightings), for the note. */
    private readonly maxSightings?: number,
  ) {
    rules.forEach((rule, i) => {
      if (rule.correlation) this.rules.set(i, { rule, matches: [], firsts: [], entries: 0, dropped: 0, unkept: 0 });
    });
  }

  get size(): number {
    return this.rules.size;
  }

  add(part: CorrelationPart): void {
    const s = this.rules.get(part.rule);
    if (!s) return;
    const room = (n: number) => {
      const take = Math.max(0, Math.min(n, this.maxEntries - s.entries));
      s.entries += take;
      s.dropped += n - take;
      return take;
    };
    const m = room(part.matches.length);
    for (let k = 0; k < m; k++) s.matches.push(part.matches[k]!);
    const f = room(part.firsts.length);
    for (let k = 0; k < f; k++) s.firsts.push(part.firsts[k]!);
  }

  /** Rules whose new events are asked of the evaluators, with what they hold that could be reported. */
  candidateQuery(firstEventTime: string | undefined): SightingQuery | undefined {
    const start = firstEventTime ? Date.parse(firstEventTime) : undefined;
    const rules: Extract<SightingQuery, { round: 'candidates' }>['rules'] = [];
    for (const [i, s] of this.rules) {
      const c = s.rule.correlation!;
      const unseen = c.kind === 'unseen' ? c : c.kind === 'sequence' ? c.unseen : undefined;
      // Nothing read: nothing is new. (Learning periods start at the first event read.)
      if (!unseen || start === undefined) continue;
      const from = start + unseen.learningMs;
      if (c.kind === 'unseen') rules.push({ rule: i, from });
      // A sequence's B matters only within the window after an A with its key.
      else if (s.firsts.length)
        rules.push({ rule: i, from, windows: s.firsts.map((a): [string, number, number] => [a.key, a.t, a.t + c.windowMs]) });
    }
    return rules.length ? { round: 'candidates', rules } : undefined;
  }

  /** Round 2: from every evaluator's candidates (round 1), the places to ask every evaluator about. */
  placesQuery(query: SightingQuery | undefined, answers: readonly SightingAnswer[]): SightingRound {
    const round: SightingRound = { rules: [], candidates: [], index: new Map(), places: [] };
    if (!query || query.round !== 'candidates') return round;
    this.unkeptFrom(answers);
    query.rules.forEach(({ rule }, r) => {
      const candidates = answers.flatMap((a) => a.candidates?.[r] ?? []);
      round.rules.push(rule);
      round.candidates.push(candidates);
      for (const m of candidates) {
        const k = placeId(rule, m);
        if (!round.index.has(k)) {
          round.index.set(k, round.places.length);
          round.places.push([rule, m.per!, m.value!]);
        }
      }
    });
    if (round.places.length) round.query = { round: 'earliest', places: round.places };
    return round;
  }

  /** The new events: candidates that are the earliest sighting of their place over every evaluator. */
  freshOf(round: SightingRound, answers: readonly SightingAnswer[]): Map<number, Match[]> {
    const earliest = new Array<Earliest>(round.places.length).fill(null);
    for (const answer of answers)
      answer.earliest?.forEach((e, p) => {
        const had = earliest[p];
        if (e && (!had || earlierSighting(e, had))) earliest[p] = e;
      });
    const fresh = new Map<number, Match[]>();
    round.rules.forEach((rule, r) => {
      const list: Match[] = [];
      for (const m of round.candidates[r]!) {
        const e = earliest[round.index.get(placeId(rule, m))!];
        if (e && e.matched && e.t === m.t && e.id === m.id) list.push(m);
      }
      fresh.set(rule, list);
    });
    return fresh;
  }

  private unkeptFrom(answers: readonly SightingAnswer[]): void {
    for (const s of this.rules.values()) s.unkept = 0;
    for (const a of answers)
      for (const [rule, n] of Object.entries(a.dropped)) {
        const s = this.rules.get(Number(rule));
        if (s) s.unkept += n;
      }
  }

  /**
   * Judge every correlation rule. `firstEventTime`: the earliest event read (where learning
   * periods start and what "seen before" is relative to).
   */
  finish(firstEventTime: string | undefined, now: number, fresh: ReadonlyMap<number, Match[]> = new Map()): CorrelationOutcome {
    const findings = new Map<number, Array<{ finding: Finding; eventTime: string }>>();
    const truncated = new Set<number>();
    const notes: string[] = [];
    const start = firstEventTime ? Date.parse(firstEventTime) : undefined;
    for (const [i, s] of this.rules) {
      findings.set(i, judge(s, start, now, fresh.get(i) ?? []));
      if (s.dropped) {
        truncated.add(i);
        notes.push(
          `${s.rule.id}: correlation state truncated: more than ${this.maxEntries} matching events kept; ${s.dropped} later ones were not correlated, so this rule's result is partial`,
        );
      }
      if (s.unkept) {
        truncated.add(i);
        notes.push(
          `${s.rule.id}: correlation state truncated: more places seen than a worker keeps (${(this.maxSightings ?? DEFAULT_MAX_SIGHTINGS).toLocaleString('en-US')}); ${s.unkept} sighting(s) of places not kept were not compared, so this rule's result is partial`,
        );
      }
    }
    return { findings, truncated, notes };
  }
}

function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

type Judged = { finding: Finding; eventTime: string };

function judge(s: RuleState, start: number | undefined, now: number, fresh: readonly Match[]): Judged[] {
  const c = s.rule.correlation!;
  const out: Judged[] = [];
  if (c.kind === 'aggregate') {
    const byKey = new Map<string, Match[]>();
    for (const m of s.matches) {
      const list = byKey.get(m.key);
      if (list) list.push(m);
      else byKey.set(m.key, [m]);
    }
    for (const [key, matches] of byKey) {
      for (const w of thresholdWindows(matches, c.threshold, c.windowMs, c.distinct !== undefined)) {
        const first = w.events[0]!;
        const last = w.events[w.events.length - 1]!;
        const correlation: JsonObject = {
          kind: 'aggregate',
          key: displayKey(key),
          count: w.count,
          events: w.events.length,
          threshold: c.threshold,
          windowMinutes: c.windowMs / 60_000,
          windowStart: first.sample.eventTime,
          windowEnd: last.sample.eventTime,
          firstEventID: first.id,
          lastEventID: last.id,
        };
        if (w.values) correlation.values = w.values.slice(0, 20);
        out.push(
          finding(s.rule, first, last.sample, correlation, now, [
            { path: 'facts.correlation.count', op: 'gte', expected: c.threshold, actual: w.count },
            { path: 'facts.correlation.key', op: 'eq', actual: displayKey(key) },
          ]),
        );
      }
    }
    return out;
  }
  const unseen = c.kind === 'unseen' ? c : c.unseen;
  const learnedUntil = unseen && start !== undefined ? start + unseen.learningMs : undefined;
  // `fresh`: the matching events that are the earliest sighting of their key and value, after the learning period (./sightings.ts).
  const newPlace = (m: Match): JsonObject => ({
    value: m.value ?? null,
    historyStart: start !== undefined ? iso(start) : null,
    learningEnd: learnedUntil !== undefined ? iso(learnedUntil) : null,
    learningDays: unseen ? unseen.learningMs / 86_400_000 : 0,
  });
  if (c.kind === 'sequence') {
    for (const { first, then, count } of sequenceMatches(s.firsts, unseen ? fresh : s.matches, c.windowMs)) {
      const correlation: JsonObject = {
        kind: 'sequence',
        key: displayKey(first.key),
        // With `unseen`: the places new for the user that the key was used from within the window.
        count,
        windowMinutes: c.windowMs / 60_000,
        windowStart: first.sample.eventTime,
        windowEnd: then.sample.eventTime,
        firstEventID: first.id,
        lastEventID: then.id,
        first: first.sample as unknown as JsonObject,
        ...(unseen && then.per ? { per: displayKey(then.per), ...newPlace(then) } : {}),
      };
      out.push(
        finding(s.rule, first, then.sample, correlation, now, [
          { path: 'facts.correlation.firstEventID', op: 'exists', actual: first.id },
          { path: 'facts.correlation.lastEventID', op: 'exists', actual: then.id },
        ]),
      );
    }
    return out;
  }
  for (const m of sortedUnique(fresh)) {
    const correlation: JsonObject = { kind: 'unseen', key: displayKey(m.key), firstEventID: m.id, lastEventID: m.id, ...newPlace(m) };
    out.push(finding(s.rule, m, m.sample, correlation, now, [{ path: 'facts.correlation.value', op: 'unseen', actual: m.value ?? null }]));
  }
  return out;
}

/**
 * A correlation finding: its resource is the event that starts it (`anchor`: the window's first
 * event, A of a sequence, the event itself), so its fingerprint is the rule with that event's
 * account, region and eventID; `data` is the sample of the event that completes it.
 */
function finding(rule: CompiledRule, anchor: Match, data: EventSample, correlation: JsonObject, now: number, evidence: Evidence[]): Judged {
  const view: EnrichedResource = {
    type: EVENT_TYPE,
    id: anchor.id,
    account: anchor.account,
    region: anchor.region,
    data: data as unknown as EnrichedResource['data'],
    facts: { correlation },
  };
  const made = makeFinding(rule, view, { now });
  made.evidence = evidence;
  return { finding: made, eventTime: data.eventTime };
}

/** The state of the two rounds that ask evaluators what is new (./sightings.ts). */
export interface SightingRound {
  rules: number[];
  /** Per rule of `rules`: every evaluator's candidates. */
  candidates: Match[][];
  /** rule, per and value -> index in `places`. */
  index: Map<string, number>;
  places: Array<[number, string, string]>;
  /** Round 2, when there is a place to ask about. */
  query?: SightingQuery;
}

function placeId(rule: number, m: Match): string {
  return `${rule}\u0000${m.per}\u0000${m.value}`;
}

/** Both rounds over evaluators on this thread (rule cases, tests). */
export function freshSync(
  state: CorrelationState,
  firstEventTime: string | undefined,
  ask: (q: SightingQuery) => SightingAnswer[],
): Map<number, Match[]> {
  const query = state.candidateQuery(firstEventTime);
  if (!query) return new Map();
  const round = state.placesQuery(query, ask(query));
  return state.freshOf(round, round.query ? ask(round.query) : []);
}

/** Both rounds over worker threads. */
export async function fresh(
  state: CorrelationState,
  firstEventTime: string | undefined,
  ask: (q: SightingQuery) => Promise<SightingAnswer[]>,
): Promise<Map<number, Match[]>> {
  const query = state.candidateQuery(firstEventTime);
  if (!query) return new Map();
  const round = state.placesQuery(query, await ask(query));
  return state.freshOf(round, round.query ? await ask(round.query) : []);
}
