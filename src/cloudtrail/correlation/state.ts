/**
 * Main-thread side of correlation: gathers the parts every worker sent (in whatever order files
 * were read), keeps them within a bound, and once everything is read judges each correlation rule
 * (./windows.ts) and makes its findings. State past the bound is dropped and said so
 * ("correlation state truncated"), never silently.
 */
import { makeFinding } from '../../engine/evaluate.js';
import type { Evidence } from '../../engine/condition.js';
import type { Finding } from '../../engine/findings.js';
import type { EnrichedResource } from '../../enrich/index.js';
import type { CompiledRule } from '../../ruleset/types.js';
import type { JsonObject } from '../../util/json.js';
import { displayKey, earlierSighting } from './collect.js';
import type { CorrelationPart, EventSample, Match, Sighting } from './types.js';
import { sequenceMatches, sortedUnique, thresholdWindows } from './windows.js';

/** Matches, firsts and history marks kept per rule before the state is truncated. */
export const DEFAULT_MAX_CORRELATION_ENTRIES = 200_000;

const EVENT_TYPE = 'aws.cloudtrail.event';

interface RuleState {
  rule: CompiledRule;
  matches: Match[];
  firsts: Match[];
  /** `per\0value` -> the earliest event seen for it. */
  sightings: Map<string, Sighting>;
  entries: number;
  dropped: number;
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
  ) {
    rules.forEach((rule, i) => {
      if (rule.correlation) this.rules.set(i, { rule, matches: [], firsts: [], sightings: new Map(), entries: 0, dropped: 0 });
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
    for (const sighting of part.sightings) {
      const k = `${sighting.per}\u0000${sighting.value}`;
      const had = s.sightings.get(k);
      // A value already known for its key costs nothing more: it may only move its time earlier.
      if (had) {
        if (earlierSighting(sighting, had)) s.sightings.set(k, sighting);
      } else if (room(1) === 1) s.sightings.set(k, sighting);
    }
  }

  /**
   * Judge every correlation rule. `firstEventTime`: the earliest event read (where learning
   * periods start and what "seen before" is relative to).
   */
  finish(firstEventTime: string | undefined, now: number): CorrelationOutcome {
    const findings = new Map<number, Array<{ finding: Finding; eventTime: string }>>();
    const truncated = new Set<number>();
    const notes: string[] = [];
    const start = firstEventTime ? Date.parse(firstEventTime) : undefined;
    for (const [i, s] of this.rules) {
      findings.set(i, judge(s, start, now));
      if (s.dropped) {
        truncated.add(i);
        notes.push(
          `${s.rule.id}: correlation state truncated: more than ${this.maxEntries} matching events and seen values; ${s.dropped} later ones were not correlated, so this rule's result is partial`,
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

function judge(s: RuleState, start: number | undefined, now: number): Judged[] {
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
  // A matching event is new for its key exactly when it is the earliest sighting of its key and value.
  const fresh: Match[] = [];
  if (unseen && learnedUntil !== undefined)
    for (const sighting of s.sightings.values()) if (sighting.match && sighting.t >= learnedUntil) fresh.push(sighting.match);
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
