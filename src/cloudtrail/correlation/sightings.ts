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
 * Compact on purpose (./place-table.ts): a place is its earliest time in a typed array, no object
 * of its own; a matching event kept as a place's earliest sighting is a row of numbers (its id, its
 * key, its address when it is not the place) and shares the rest of its sample (who, what, where
 * from: the same for most of a user's calls) with every other event that has the same.
 */
import { ownString } from '../../util/own-string.js';
import { eventKey } from '../event-key.js';
import { HeldRows, PlaceTable } from './place-table.js';
import { sampleOf } from './sample.js';
import type { EventSample, Match } from './types.js';

/** Places kept per evaluator (every `unseen` rule together) before new ones are dropped and said so. */
export const DEFAULT_MAX_SIGHTINGS = 2_000_000;

/** What a matching event shares with others: its sample without time, id and address. */
type Context = Omit<EventSample, 'eventTime' | 'eventID' | 'sourceIPAddress'>;

/**
 * A matching event that may be kept as the earliest of its place. `data` may be a function: the
 * record is then made only if the event is kept.
 */
export interface HeldMatch {
  id: string;
  key: string;
  account: string;
  region: string;
  data: Record<string, unknown> | (() => Record<string, unknown>);
  /** When it can: what hold() needs without the record (HeldParts); undefined to make the record. */
  parts?(): HeldParts | undefined;
}

/** What hold() needs of a matching event besides its record: given by a light plan's event without making the record. */
export interface HeldParts extends ContextFields {
  /** eventTime as written. */
  eventTime: string;
  /** sourceIPAddress, undefined when missing or empty. */
  address: string | undefined;
  /** The record's identity object. */
  identity: unknown;
}

/** What, besides its identity (and the event's account and region), makes a sample's context (./sample.ts): the record's values. */
export interface ContextFields {
  eventName: unknown;
  eventSource: unknown;
  userAgent: unknown;
}

/** A context kept (its index) and the values it was kept for, besides its identity and event name. */
interface KnownContext {
  eventSource: unknown;
  userAgent: unknown;
  account: string;
  region: string;
  index: number;
}

/** One rule's places for one key (./place-table.ts). */
export type Places = PlaceTable;

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

/**
 * An IPv4 address in its canonical form (four decimal bytes, no leading zero) as a number, or -1.
 * Read character by character: this runs for every event an `unseen` rule reads.
 */
export function ipv4Number(value: string): number {
  return ipv4At(value, 0, value.length);
}

/** ipv4Number of the text from `from` to `to`, without cutting it. */
export function ipv4At(text: string, from: number, to: number): number {
  if (to - from < 7 || to - from > 15) return -1;
  let result = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (digits === 0 || dots === 3) return -1;
      result = result * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      // 010.0.0.1 is not the canonical address: kept as written.
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 0x30);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return result * 256 + part;
}

/** A place as a map key: an exact IPv4 address as a number (no string kept), anything else as text. */
export function placeKey(value: string): string | number {
  const n = ipv4Number(value);
  return n >= 0 ? n : ownString(value);
}

/** An object of strings with each string copied (owning its characters). */
function ownValues<T extends Record<string, string | undefined>>(o: T): T {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = ownString(v);
  return out as T;
}

function placeText(key: string | number): string {
  if (typeof key === 'string') return key;
  return `${Math.floor(key / 16777216)}.${Math.floor(key / 65536) % 256}.${Math.floor(key / 256) % 256}.${key % 256}`;
}

export function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

const DAY = 86_400_000;
/** The last day sameAsIso wrote (its start in ms, and `YYYY-MM-DDT`). */
let isoDay = NaN;
let isoDayText = '';

/** Does `time` read exactly as iso(t)? Without writing the date for every event of a day. */
export function sameAsIso(time: string, t: number): boolean {
  if (time.length !== 20 || t % 1000 !== 0) return time === iso(t);
  const day = t - (((t % DAY) + DAY) % DAY);
  if (day !== isoDay) {
    isoDayText = iso(day).slice(0, 11);
    isoDay = day;
  }
  if (!time.startsWith(isoDayText)) return false;
  const seconds = (t - day) / 1000;
  const two = (at: number, n: number) => time.charCodeAt(at) === 0x30 + Math.floor(n / 10) && time.charCodeAt(at + 1) === 0x30 + (n % 10);
  return (
    two(11, Math.floor(seconds / 3600)) &&
    time.charCodeAt(13) === 0x3a &&
    two(14, Math.floor(seconds / 60) % 60) &&
    time.charCodeAt(16) === 0x3a &&
    two(17, seconds % 60) &&
    time.charCodeAt(19) === 0x5a
  );
}

export class SightingStore {
  /** rule -> per -> places. */
  private readonly rules = new Map<number, Map<string, PlaceTable>>();
  /** The matching events kept, and rows free for reuse (a place whose earliest sighting became a history event). */
  private readonly rows = new HeldRows();
  private readonly free: number[] = [];
  /** Keys and contexts kept once, by index. */
  private readonly keys: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  private readonly contexts: Context[] = [];
  /** Contexts by identity object, then by event name (see context()). */
  private readonly byIdentity = new WeakMap<object, Map<string, KnownContext[]>>();
  private readonly strings = new Map<string, string>();
  private entries = 0;
  private readonly dropped: Record<number, number> = {};

  constructor(private readonly maxEntries = DEFAULT_MAX_SIGHTINGS) {}

  /** One copy of a string seen often (a key, a `per`): interned, and owning its characters. */
  private intern(s: string): string {
    let v = this.strings.get(s);
    if (v === undefined) this.strings.set((v = ownString(s)), v);
    return v;
  }

  /**
   * The event was seen for `per` at `value`; `match` when it also matched the rule (it may be
   * reported). Keeps the earliest: earlier time first; at the same time a matching event, then the
   * smaller id (./collect.ts earlierSighting).
   */
  add(rule: number, per: string, value: string, t: number, match?: HeldMatch): void {
    this.addKey(this.placesOf(rule, per), rule, placeKey(value), t, match);
  }

  /** add() to places found already (placesOf), with the place as a key already (placeKey). */
  addKey(places: Places, rule: number, k: string | number, t: number, match?: HeldMatch): void {
    const i = places.find(k);
    if (i < 0) {
      if (this.entries >= this.maxEntries) {
        this.dropped[rule] = (this.dropped[rule] ?? 0) + 1;
        return;
      }
      this.entries++;
      const j = places.insert(k, t);
      if (match) places.set(j, t, this.hold(match, t, k, -1));
      return;
    }
    const ht = places.time(i);
    const row = places.row(i);
    const earlier = t < ht || (t === ht && match !== undefined && (row < 0 || match.id < this.rows.id(row)));
    if (!earlier) return;
    if (match) places.set(i, t, this.hold(match, t, k, row));
    else {
      if (row >= 0) this.free.push(row);
      places.set(i, t, -1);
    }
  }

  /** The places of one rule and key (a light plan holds them: lightPlan in event-evaluator.ts). */
  placesOf(rule: number, per: string): Places {
    let byPer = this.rules.get(rule);
    if (!byPer) this.rules.set(rule, (byPer = new Map<string, PlaceTable>()));
    let places = byPer.get(per);
    if (!places) byPer.set(this.intern(per), (places = new PlaceTable()));
    return places;
  }

  /** Keeps a matching event in a row (the place's own when it had one): its index. */
  private hold(given: HeldMatch, t: number, place: string | number, reuse: number): number {
    // A light plan's event (event-evaluator.ts) gives what is needed without its record, which is
    // made only if its context is new; any other event gives its record.
    const parts = given.parts?.();
    const record = (): Record<string, unknown> => (typeof given.data === 'function' ? given.data() : given.data);
    let eventTime: string;
    let address: string | undefined;
    let context: number;
    if (parts) {
      ({ eventTime, address } = parts);
      context = this.context(given, parts.identity, parts, record);
    } else {
      const d = record();
      // As sampleOf (./sample.ts) writes them.
      eventTime = String(d.eventTime);
      address = typeof d.sourceIPAddress === 'string' && d.sourceIPAddress !== '' ? d.sourceIPAddress : undefined;
      // A created key (responseElements) is rare: its context is made each time.
      const fields =
        d.responseElements == null ? { eventName: d.eventName, eventSource: d.eventSource, userAgent: d.userAgent } : undefined;
      context = this.context(given, d.userIdentity, fields, () => d);
    }
    let key = this.keyIndex.get(given.key);
    if (key === undefined) {
      key = this.keys.push(ownString(given.key)) - 1;
      this.keyIndex.set(this.keys[key]!, key);
    }
    const free = reuse >= 0 ? reuse : this.free.pop();
    const row = free ?? this.rows.add();
    let addressCode = -1;
    if (address !== undefined) {
      if (typeof place === 'number' && ipv4Number(address) === place) addressCode = -2;
      else {
        // A row kept before may hold a text of its own: written over, so that texts do not pile up.
        const had = free === undefined ? -1 : this.rows.address(row);
        if (had >= 0) this.rows.texts[(addressCode = had)] = ownString(address);
        else addressCode = this.rows.texts.push(ownString(address)) - 1;
      }
    }
    this.rows.write(row, given.id, key, context, addressCode, sameAsIso(eventTime, t) ? undefined : ownString(eventTime));
    return row;
  }

  /**
   * The shared context of a sample (its index). Found by the record's identity object (light
   * records share one per identity text: light-records.ts), its event name, then its other fields
   * compared one by one, before the sample is made: most matching events repeat a context seen
   * moments before. (Looked up by all its fields joined in one text, a few hundred characters
   * hashed for every kept event, it cost more than all the rest of keeping one.)
   */
  private context(m: HeldMatch, identity: unknown, fields: ContextFields | undefined, record: () => Record<string, unknown>): number {
    const cacheable = fields !== undefined && typeof fields.eventName === 'string' && !!identity && typeof identity === 'object';
    const byName = cacheable ? this.byIdentity.get(identity) : undefined;
    const known = byName?.get(fields!.eventName as string);
    if (known) {
      for (const c of known)
        if (c.region === m.region && c.account === m.account && c.eventSource === fields!.eventSource && c.userAgent === fields!.userAgent)
          return c.index;
    }
    const sample = sampleOf(record(), m.id, m.account, m.region);
    // Its texts as copies owning their characters (a record's fields may be cut from a whole file), one per value.
    const ctx: Context = {
      eventName: this.intern(sample.eventName),
      awsRegion: this.intern(sample.awsRegion),
      recipientAccountId: this.intern(sample.recipientAccountId),
    };
    if (sample.eventSource !== undefined) ctx.eventSource = this.intern(sample.eventSource);
    if (sample.userAgent !== undefined) ctx.userAgent = this.intern(sample.userAgent);
    if (sample.userIdentity !== undefined) ctx.userIdentity = ownValues(sample.userIdentity);
    if (sample.createdKey !== undefined) ctx.createdKey = ownValues(sample.createdKey);
    const index = this.contexts.push(ctx) - 1;
    if (cacheable) {
      const own = (v: unknown) => (typeof v === 'string' ? this.intern(v) : v);
      const entry: KnownContext = {
        eventSource: own(fields.eventSource),
        userAgent: own(fields.userAgent),
        account: this.intern(m.account),
        region: this.intern(m.region),
        index,
      };
      const name = this.intern(fields.eventName as string);
      if (known) known.push(entry);
      else if (byName) byName.set(name, [entry]);
      else this.byIdentity.set(identity, new Map([[name, [entry]]]));
    }
    return index;
  }

  answer(query: SightingQuery): SightingAnswer {
    const dropped = { ...this.dropped };
    if (query.round === 'earliest') {
      return {
        dropped,
        earliest: query.places.map(([rule, per, value]): Earliest => {
          const places = this.rules.get(rule)?.get(per);
          const i = places ? places.find(placeKey(value)) : -1;
          if (i < 0) return null;
          const row = places!.row(i);
          return row < 0 ? { t: places!.time(i), matched: false } : { t: places!.time(i), id: this.rows.id(row), matched: true };
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
        for (let i = 0; i < places.size; i++) {
          const row = places.row(i);
          if (row < 0) continue;
          const t = places.time(i);
          if (from !== undefined && t < from) continue;
          if (windows && !byKey.get(this.keys[this.rows.key(row)]!)?.some(([a, b]) => t >= a && t <= b)) continue;
          out.push(this.match(t, row, per, placeText(places.place(i))));
        }
      }
      return out;
    });
    return { dropped, candidates };
  }

  private match(t: number, row: number, per: string, value: string): Match {
    const { eventName, awsRegion, recipientAccountId, ...rest } = this.contexts[this.rows.context(row)]!;
    const id = this.rows.id(row);
    // Fields in the order sampleOf writes them, so a sample reads the same whichever way it was kept.
    const sample: EventSample = { eventTime: this.rows.time(row) ?? iso(t), eventID: id, eventName, awsRegion, recipientAccountId };
    if (rest.eventSource !== undefined) sample.eventSource = rest.eventSource;
    const address = this.rows.address(row);
    if (address !== -1) sample.sourceIPAddress = address === -2 ? value : this.rows.texts[address]!;
    if (rest.userAgent !== undefined) sample.userAgent = rest.userAgent;
    // Copies: the kept context is shared by many events, a finding's data is its own.
    if (rest.userIdentity !== undefined) sample.userIdentity = { ...rest.userIdentity };
    if (rest.createdKey !== undefined) sample.createdKey = { ...rest.createdKey };
    const event = eventKey(id, recipientAccountId, awsRegion);
    return { t, id, event, account: recipientAccountId, region: awsRegion, key: this.keys[this.rows.key(row)]!, value, per, sample };
  }
}
