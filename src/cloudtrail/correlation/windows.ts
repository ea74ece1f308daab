/**
 * The judgements of correlation rules, as pure functions over the compact matches of every
 * worker (./types.ts): sliding windows with a threshold, A-then-B sequences, values never seen
 * before. Each sorts its input first, so the result depends on the events alone, never on the
 * order in which files were read or workers finished.
 */
import type { Match } from './types.js';

/** Time, then eventID, then the event's key: one order for every run, with copies of one event side by side. */
export function compareMatches(a: Match, b: Match): number {
  return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.event - b.event;
}

/** Sorted, with copies of one event (read from two sources, or overlapping files: the same key, event-key.ts) kept once. */
export function sortedUnique(matches: readonly Match[]): Match[] {
  const sorted = [...matches].sort(compareMatches);
  const out: Match[] = [];
  for (const m of sorted) {
    const last = out[out.length - 1];
    if (!last || last.event !== m.event) out.push(m);
  }
  return out;
}

export interface Window {
  /** The events of the window, in time order. */
  events: Match[];
  /** Events, or distinct values when counting distinct values. */
  count: number;
  /** The distinct values (counting distinct values), in order of first appearance. */
  values?: string[];
}

/**
 * The windows of one key's events that reach the threshold: from the earliest event, the window
 * [t, t + windowMs]; one that holds `threshold` events (or distinct values) is reported, and the
 * next window starts after its last event; one that does not moves on by one event. Any span of
 * windowMs holding `threshold` events is found (the window starting at its first event holds them
 * all), and an event is in at most one reported window.
 */
export function thresholdWindows(matches: readonly Match[], threshold: number, windowMs: number, distinct: boolean): Window[] {
  const e = sortedUnique(matches);
  const out: Window[] = [];
  const counts = new Map<string, number>();
  let i = 0;
  let j = -1;
  while (i < e.length) {
    while (j + 1 < e.length && e[j + 1]!.t <= e[i]!.t + windowMs) {
      j++;
      if (distinct) counts.set(e[j]!.value ?? '', (counts.get(e[j]!.value ?? '') ?? 0) + 1);
    }
    const size = distinct ? counts.size : j - i + 1;
    if (size >= threshold) {
      const events = e.slice(i, j + 1);
      const window: Window = { events, count: size };
      if (distinct) window.values = [...new Set(events.map((m) => m.value ?? ''))];
      out.push(window);
      i = j + 1;
      counts.clear();
      continue;
    }
    if (distinct) {
      const v = e[i]!.value ?? '';
      const n = counts.get(v)! - 1;
      if (n === 0) counts.delete(v);
      else counts.set(v, n);
    }
    i++;
  }
  return out;
}

export interface SequenceMatch {
  first: Match;
  /** The first B that qualifies. */
  then: Match;
  /** How many B events qualify. */
  count: number;
}

/**
 * Each A (one per event) followed within windowMs (A's time <= B's time <= A's time + windowMs) by
 * a B with the same key for which `qualifies` holds (B events that are new places come in already chosen: state.ts).
 */
export function sequenceMatches(
  firsts: readonly Match[],
  thens: readonly Match[],
  windowMs: number,
  qualifies: (b: Match) => boolean = () => true,
): SequenceMatch[] {
  const byKey = new Map<string, Match[]>();
  for (const b of sortedUnique(thens)) {
    const list = byKey.get(b.key);
    if (list) list.push(b);
    else byKey.set(b.key, [b]);
  }
  const out: SequenceMatch[] = [];
  for (const a of sortedUnique(firsts)) {
    let then: Match | undefined;
    let count = 0;
    for (const b of byKey.get(a.key) ?? []) {
      if (b.t < a.t || b.event === a.event) continue;
      if (b.t > a.t + windowMs) break;
      if (!qualifies(b)) continue;
      then ??= b;
      count++;
    }
    if (then) out.push({ first: a, then, count });
  }
  return out;
}
