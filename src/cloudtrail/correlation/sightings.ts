/**
 * "Never seen before" state, kept where the events are read: each evaluator (one per worker
 * thread) keeps, for every `unseen` rule, the earliest event it read for each key and value
 * (`per` and place), across every chunk it evaluates. Nothing of it crosses to the main thread
 * while files are read: on archives where users call from many places this is most of what a
 * correlation keeps, and sending it with every chunk made the main thread the bottleneck and held
 * every sighting twice.
 *
 * Once everything is read the main thread asks every evaluator, in two rounds (./state.ts): which
 * matching events it holds as the earliest of their place that could be reported (after the
 * learning period; for a sequence, within the window of an A with the same key), then, for those
 * places only, the earliest event each evaluator saw. An event is new exactly when it is the
 * earliest sighting of its key and value over every evaluator, so the answer is the one a single
 * thread reading everything in any order would give.
 *
 * Compact on purpose: a place seen only by history events is one number (its earliest time); a
 * matching event keeps its time, id and address and shares the rest of its sample (who, what,
 * where from: the same for most of a user's calls) with every other event that has the same.
 */
import { eventKey } from '../event-key.js';
import { sampleOf } from './sample.js';
import type { EventSample, Match } from './types.js';

/** Places kept per evaluator (every `unseen` rule together) before new ones are dropped and said so. */
export const DEFAULT_MAX_SIGHTINGS = 2_000_000;

/** What a matching event shares with others: its sample without time, id and address. */
type Context = Omit<EventSample, 'eventTime' | 'eventID' | 'sourceIPAddress'>;

/** A matching event held as the earliest sighting of its place. */
interface Held {
  t: number;
  id: string;
  /** The rule's key for the event (a sequence's join value, or the `per` key). */
  key: string;
  ip: string | undefined;
  /** eventTime as written, when it is not what the time in ms prints as. */
  time: string | undefined;
  ctx: Context;
}

/** A place's earliest sighting: a number (its time) when no matching event holds it. */
type Entry = number | Held;

export type SightingQuery =
  | {
      round: 'candidates';
      /** Per rule: matching events held with t >= from, or (a sequence) within one of the windows of their key. */
      rules: Array<{ rule: number; from?: number; windows?: Array<[key: string, from: number, to: number]> }>;
    }
  | { round: 'earliest'; places: Array<[rule: number, per: string, value: string]> };

/** One place's earliest sighting in one evaluator (null: never seen there). */
export type Earliest = { t: number; id?: string; matched: boolean } | null;

export interface SightingAnswer {
  /** Round `candidates`: per rule of the query, the matching events held (with `per` and `value` set). */
  candidates?: Match[][];
  /** Round `earliest`: per place of the query. */
  earliest?: Earliest[];
  /** Per rule: places this evaluator did not keep (past DEFAULT_MAX_SIGHTINGS). */
  dropped: Record<number, number>;
}

/** A copy of a string that holds none of the text it was cut from (V8 keeps a slice's parent alive). */
function own(s: string): string {
  return (' ' + s).slice(1);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A place as a map key: an exact IPv4 address as a number (no string kept), anything else as text. */
function placeKey(value: string): string | number {
  const m = IPV4.exec(value);
  if (m) {
    const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    // 010.0.0.1 and 256.1.1.1 are not the canonical address: kept as written.
    if (a < 256 && b < 256 && c < 256 && d < 256 && `${a}.${b}.${c}.${d}` === value) return ((a * 256 + b) * 256 + c) * 256 + d;
  }
  return own(value);
}

function placeText(key: string | number): string {
  if (typeof key === 'string') return key;
  return `${Math.floor(key / 16777216)}.${Math.floor(key / 65536) % 256}.${Math.floor(key / 256) % 256}.${key % 256}`;
}

function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

export class SightingStore {
  /** rule -> per -> place -> earliest sighting. */
  private readonly rules = new Map<number, Map<string, Map<string | number, Entry>>>();
  private readonly contexts = new Map<string, Context>();
  /** Contexts by identity object, then by the record's other sample fields (see context()). */
  private readonly byIdentity = new WeakMap<object, Map<string, Context>>();
  private readonly strings = new Map<string, string>();
  private entries = 0;
  private readonly dropped: Record<number, number> = {};

  constructor(private readonly maxEntries = DEFAULT_MAX_SIGHTINGS) {}

  /** One copy of a string seen often (a key, a `per`): interned, and owning its characters. */
  private intern(s: string): string {
    let v = this.strings.get(s);
    if (v === undefined) this.strings.set((v = own(s)), v);
    return v;
  }

  /**
   * The event was seen for `per` at `value`; `match` when it also matched the rule (it may be
   * reported). Keeps the earliest: earlier time first; at the same time a matching event, then the
   * smaller id (./collect.ts earlierSighting).
   */
  add(
    rule: number,
    per: string,
    value: string,
    t: number,
    match?: { id: string; key: string; account: string; region: string; data: Record<string, unknown> },
  ): void {
    let byPer = this.rules.get(rule);
    if (!byPer) this.rules.set(rule, (byPer = new Map<string, Map<string | number, Entry>>()));
    let places = byPer.get(per);
    if (!places) byPer.set(this.intern(per), (places = new Map<string | number, Entry>()));
    const k = placeKey(value);
    const had = places.get(k);
    if (had === undefined) {
      if (this.entries >= this.maxEntries) {
        this.dropped[rule] = (this.dropped[rule] ?? 0) + 1;
        return;
      }
      this.entries++;
    } else {
      const ht = typeof had === 'number' ? had : had.t;
      const earlier = t < ht || (t === ht && match !== undefined && (typeof had === 'number' || match.id < had.id));
      if (!earlier) return;
    }
    places.set(k, match ? this.held(t, match) : t);
  }

  private held(t: number, m: { id: string; key: string; account: string; region: string; data: Record<string, unknown> }): Held {
    const d = m.data;
    // As sampleOf (./sample.ts) writes them.
    const eventTime = String(d.eventTime);
    const ip = typeof d.sourceIPAddress === 'string' && d.sourceIPAddress !== '' ? own(d.sourceIPAddress) : undefined;
    return {
      t,
      id: own(m.id),
      key: this.intern(m.key),
      ip,
      time: eventTime === iso(t) ? undefined : own(eventTime),
      ctx: this.context(m),
    };
  }

  /**
   * The shared context of a sample. Found by the record's identity object (light records of a file
   * share one: light-records.ts) and its other fields before the sample's text is made: most
   * matching events repeat a context seen moments before.
   */
  private context(m: { id: string; account: string; region: string; data: Record<string, unknown> }): Context {
    const identity = m.data.userIdentity;
    const byFields = identity && typeof identity === 'object' ? this.byIdentity.get(identity) : undefined;
    const d = m.data;
    // A created key (responseElements) is rare: its samples are found by their text.
    const fields =
      d.responseElements == null
        ? `${String(d.eventName)}\u0000${String(d.eventSource)}\u0000${String(d.userAgent)}\u0000${m.account}\u0000${m.region}`
        : undefined;
    const known = fields === undefined ? undefined : byFields?.get(fields);
    if (known) return known;
    const { eventTime: _time, eventID: _id, sourceIPAddress: _ip, ...rest } = sampleOf(d, m.id, m.account, m.region);
    const text = JSON.stringify(rest);
    let ctx = this.contexts.get(text);
    if (!ctx) this.contexts.set(text, (ctx = JSON.parse(text) as Context));
    if (fields !== undefined && identity && typeof identity === 'object') {
      if (byFields) byFields.set(fields, ctx);
      else this.byIdentity.set(identity, new Map([[fields, ctx]]));
    }
    return ctx;
  }

  answer(query: SightingQuery): SightingAnswer {
    const dropped = { ...this.dropped };
    if (query.round === 'earliest') {
      return {
        dropped,
        earliest: query.places.map(([rule, per, value]): Earliest => {
          const had = this.rules.get(rule)?.get(per)?.get(placeKey(value));
          if (had === undefined) return null;
          return typeof had === 'number' ? { t: had, matched: false } : { t: had.t, id: had.id, matched: true };
        }),
      };
    }
    const candidates = query.rules.map(({ rule, from, windows }) => {
      const byKey = new Map<string, Array<[number, number]>>();
      for (const [key, a, b] of windows ?? []) {
        const list = byKey.get(key);
        if (list) list.push([a, b]);
        else byKey.set(key, [[a, b]]);
      }
      const out: Match[] = [];
      for (const [per, places] of this.rules.get(rule) ?? []) {
        for (const [place, entry] of places) {
          if (typeof entry === 'number') continue;
          if (from !== undefined && entry.t < from) continue;
          if (windows && !byKey.get(entry.key)?.some(([a, b]) => entry.t >= a && entry.t <= b)) continue;
          out.push(this.match(entry, per, placeText(place)));
        }
      }
      return out;
    });
    return { dropped, candidates };
  }

  private match(h: Held, per: string, value: string): Match {
    const { eventName, awsRegion, recipientAccountId, ...rest } = h.ctx;
    // Fields in the order sampleOf writes them, so a sample reads the same whichever way it was kept.
    const sample: EventSample = { eventTime: h.time ?? iso(h.t), eventID: h.id, eventName, awsRegion, recipientAccountId };
    if (rest.eventSource !== undefined) sample.eventSource = rest.eventSource;
    if (h.ip !== undefined) sample.sourceIPAddress = h.ip;
    if (rest.userAgent !== undefined) sample.userAgent = rest.userAgent;
    // Copies: the kept context is shared by many events, a finding's data is its own.
    if (rest.userIdentity !== undefined) sample.userIdentity = { ...rest.userIdentity };
    if (rest.createdKey !== undefined) sample.createdKey = { ...rest.createdKey };
    const event = eventKey(h.id, recipientAccountId, awsRegion);
    return { t: h.t, id: h.id, event, account: recipientAccountId, region: awsRegion, key: h.key, value, per, sample };
  }
}
