/**
 * Worker side of correlation: for each event, what the correlation rules keep of it (a `Match`,
 * a `HistoryMark`), gathered per chunk. Nothing is judged here: a worker sees only some files, so
 * windows, joins and "never seen before" are decided on the main thread (./state.ts) once every
 * part has arrived, whatever order the files were read in.
 */
import ipaddr from 'ipaddr.js';
import type { EnrichedResource } from '../../enrich/index.js';
import type { CompiledRule } from '../../ruleset/types.js';
import type { CompiledUnseen, KeyPath } from '../../ruleset/correlate.js';
import { maskKeyId } from '../../secrets/access-key-id.js';
import { eventKey } from '../event-key.js';
import { sampleOf } from './sample.js';
import type { CorrelationPart, Match } from './types.js';
import type { HeldMatch, SightingStore } from './sightings.js';

/** The values of the key paths as one string, or undefined when one is null, missing or empty. */
export function keyOf(paths: readonly KeyPath[], view: unknown): string | undefined {
  const values: unknown[] = [];
  for (const p of paths) {
    const v = p.get(view);
    if (v === null || v === undefined || v === '') return undefined;
    values.push(v);
  }
  return JSON.stringify(values);
}

/** A key as people read it: its values joined by " / ", access key ids masked. */
export function displayKey(key: string): string {
  const values = JSON.parse(key) as unknown[];
  return values.map((v) => (typeof v === 'string' ? maskIfKeyId(v) : JSON.stringify(v))).join(' / ');
}

const KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;

export function maskIfKeyId(value: string): string {
  return KEY_ID.test(value) ? maskKeyId(value) : value;
}

/**
 * The place a value stands for: an IP address reduced to its network (`203.0.113.0/24` with 24
 * bits), anything else (`AWS Internal`, a service's host name) as it is.
 */
export function placeOf(value: unknown, v4Bits: number, v6Bits: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // Exact addresses: the text as CloudTrail writes it (an IPv4 address inside IPv6 aside), without parsing.
  if (v4Bits >= 32 && v6Bits >= 128 && !(value.includes(':') && value.includes('.'))) return value;
  if (!ipaddr.isValid(value)) return value;
  let address = ipaddr.parse(value);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  const bits = address.kind() === 'ipv4' ? v4Bits : v6Bits;
  const full = address.kind() === 'ipv4' ? 32 : 128;
  if (bits >= full) return address.toString();
  const bytes = address.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return `${ipaddr.fromByteArray(bytes).toString()}/${bits}`;
}

/** What one event gave the correlation rules, committed only once every rule has run on it. */
type Pending =
  | { rule: number; role: 'match' | 'first'; entry: Match }
  | { rule: number; role: 'sighting'; per: string; value: string; t: number; match?: HeldMatch };

/** What the main thread keeps of an event a correlation rule matched. */
function matchOf(view: EnrichedResource, t: number, key: string): Match {
  return {
    t,
    id: view.id,
    event: eventKey(view.id, view.account, view.region),
    account: view.account,
    region: view.region,
    key,
    sample: sampleOf(view.data, view.id, view.account, view.region),
  };
}

/** A place's earliest sighting as an evaluator reports it (./sightings.ts). */
export interface SightingTime {
  t: number;
  id?: string;
  matched: boolean;
}

/** Earliest first; at the same second, the one that matched the rule (it may be reported), then the smaller id. */
export function earlierSighting(a: SightingTime, b: SightingTime): boolean {
  if (a.t !== b.t) return a.t < b.t;
  if (a.matched !== b.matched) return a.matched;
  return (a.id ?? '') < (b.id ?? '');
}

/**
 * The correlation parts of one chunk: matches and firsts go to the main thread with the chunk;
 * sightings (`unseen`) go to the evaluator's store, which stays in the worker (./sightings.ts).
 */
export class CorrelationCollector {
  private readonly parts = new Map<number, CorrelationPart>();
  private readonly pending: Pending[] = [];

  constructor(private readonly sightings: SightingStore) {}

  /** The event matched rule `i`'s condition: keep it (a counted event; B of a sequence; a value to check). */
  match(i: number, rule: CompiledRule, view: EnrichedResource, t: number): void {
    const c = rule.correlation!;
    const unseen = c.kind === 'unseen' ? c : c.kind === 'sequence' ? c.unseen : undefined;
    let key: string | undefined;
    let value: string | undefined;
    let per: string | undefined;
    if (c.kind === 'aggregate') {
      key = keyOf(c.groupBy, view);
      if (c.distinct) {
        const v = c.distinct.get(view);
        if (v === null || v === undefined || v === '') return;
        value = typeof v === 'string' ? v : JSON.stringify(v);
      }
    } else {
      key = c.kind === 'sequence' ? keyOf([c.key], view) : keyOf(c.per, view);
      if (unseen) {
        per = keyOf(unseen.per, view);
        value = placeOf(unseen.value.get(view), unseen.ipv4Bits, unseen.ipv6Bits);
        if (per === undefined || value === undefined) return;
      }
    }
    if (key === undefined) return;
    if (unseen) {
      // Its sample is made only if it is kept (the earliest of its place so far).
      const match: HeldMatch = { id: view.id, key, account: view.account, region: view.region, data: view.data };
      this.pending.push({ rule: i, role: 'sighting', per: per!, value: value!, t, match });
      return;
    }
    const entry = matchOf(view, t, key);
    if (value !== undefined) entry.value = value;
    this.pending.push({ rule: i, role: 'match', entry });
  }

  /** The event matched a sequence's `first` (A). */
  first(i: number, rule: CompiledRule, view: EnrichedResource, t: number): void {
    const c = rule.correlation!;
    if (c.kind !== 'sequence') return;
    const key = keyOf([c.firstKey], view);
    if (key === undefined) return;
    this.pending.push({ rule: i, role: 'first', entry: matchOf(view, t, key) });
  }

  /** The event matched an `unseen`'s own `history` condition: its value is seen for its key from then on. */
  history(i: number, unseen: CompiledUnseen, view: EnrichedResource, t: number): void {
    const per = keyOf(unseen.per, view);
    const value = placeOf(unseen.value.get(view), unseen.ipv4Bits, unseen.ipv6Bits);
    if (per === undefined || value === undefined) return;
    this.pending.push({ rule: i, role: 'sighting', per, value, t });
  }

  /** The event was evaluated by every rule: keep what it gave. */
  commit(): void {
    for (const p of this.pending) {
      if (p.role === 'sighting') {
        this.sightings.add(p.rule, p.per, p.value, p.t, p.match);
        continue;
      }
      const part = this.part(p.rule);
      (p.role === 'match' ? part.matches : part.firsts).push(p.entry);
    }
    this.pending.length = 0;
  }

  /**
   * What the event gave so far, when it gave only sightings (per rule, in order: the `per`, the
   * place, and the key when the event matched the rule), else undefined. Left pending.
   */
  pendingSightings(): Array<{ rule: number; per: string; key: string | undefined; value: string }> | undefined {
    const out: Array<{ rule: number; per: string; key: string | undefined; value: string }> = [];
    for (const p of this.pending) {
      if (p.role !== 'sighting') return undefined;
      out.push({ rule: p.rule, per: p.per, key: p.match?.key, value: p.value });
    }
    return out;
  }

  /** A rule could not evaluate the event: what the others gave is left out too. */
  rollback(): void {
    this.pending.length = 0;
  }

  private part(rule: number): CorrelationPart {
    let part = this.parts.get(rule);
    if (!part) this.parts.set(rule, (part = { rule, matches: [], firsts: [] }));
    return part;
  }

  finish(): CorrelationPart[] {
    return [...this.parts.values()];
  }
}
