/**
 * The compact columns a worker keeps "never seen before" state in (./sightings.ts): on archives
 * where users call from many addresses this is hundreds of thousands of places per worker, and
 * as JavaScript objects (a map entry, a boxed time, a boxed address, an object per kept event and
 * its id) each cost a few hundred bytes and, worse, every full garbage collection walks them all.
 * Here a place is a few numbers in typed arrays: no object per place at all.
 */

/** Numbers that grow: a typed array with a length. */
class Column<A extends Float64Array | Int32Array | Uint32Array> {
  constructor(
    public values: A,
    private readonly make: (n: number) => A,
  ) {}

  grow(to: number): void {
    if (to <= this.values.length) return;
    const next = this.make(Math.max(to, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

const floats = (n: number) => new Float64Array(n);
const ints = (n: number) => new Int32Array(n);
const words = (n: number) => new Uint32Array(n);

/**
 * One rule's places for one key: each place's earliest time and, when a matching event is that
 * earliest sighting, its row in HeldRows (-1 otherwise). An exact IPv4 address (a number, see
 * placeKey) is found by open addressing over typed arrays; any other place (text) by a map.
 */
export class PlaceTable {
  /** Places kept. */
  size = 0;
  private readonly times = new Column(floats(8), floats);
  private readonly rows = new Column(ints(8), ints);
  /** Per place: its IPv4 address, or -1 for a text place. */
  private readonly addresses = new Column(floats(8), floats);
  private readonly texts = new Map<string, number>();
  private readonly textOf = new Map<number, string>();
  /** Open addressing over IPv4 places: place index + 1, 0 empty. */
  private slots = new Int32Array(16);
  private used = 0;

  private slotOf(address: number): number {
    const mask = this.slots.length - 1;
    let s = Math.imul(address | 0, 0x9e3779b1) >>> 0;
    for (;;) {
      s &= mask;
      const at = this.slots[s]!;
      if (at === 0 || this.addresses.values[at - 1] === address) return s;
      s++;
    }
  }

  /** The index of a place, or -1. */
  find(place: string | number): number {
    if (typeof place === 'string') return this.texts.get(place) ?? -1;
    return this.slots[this.slotOf(place)]! - 1;
  }

  /** A new place (not kept yet), with its time: its index. */
  insert(place: string | number, t: number): number {
    const i = this.size++;
    this.times.grow(this.size);
    this.rows.grow(this.size);
    this.addresses.grow(this.size);
    this.times.values[i] = t;
    this.rows.values[i] = -1;
    if (typeof place === 'string') {
      this.addresses.values[i] = -1;
      this.texts.set(place, i);
      this.textOf.set(i, place);
      return i;
    }
    this.addresses.values[i] = place;
    if (2 * (this.used + 1) > this.slots.length) this.rehash();
    this.slots[this.slotOf(place)] = i + 1;
    this.used++;
    return i;
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (const at of old) if (at !== 0) this.slots[this.slotOf(this.addresses.values[at - 1]!)] = at;
  }

  time(i: number): number {
    return this.times.values[i]!;
  }

  /** The place's kept matching event (a row of HeldRows), or -1. */
  row(i: number): number {
    return this.rows.values[i]!;
  }

  set(i: number, t: number, row: number): void {
    this.times.values[i] = t;
    this.rows.values[i] = row;
  }

  /** The place as placeKey wrote it. */
  place(i: number): string | number {
    const a = this.addresses.values[i]!;
    return a >= 0 ? a : this.textOf.get(i)!;
  }
}

/**
 * Writes a lowercase canonical UUID (as CloudTrail writes event ids) as four 32-bit words at
 * `at`; false (nothing to use) for anything else. Read character by character: once per kept event.
 */
export function uuidWords(id: string, out: Uint32Array, at: number): boolean {
  if (id.length !== 36) return false;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d /* - */) return false;
      continue;
    }
    const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (v < 0) return false;
    word = word * 16 + v;
    if (++digits === 8) {
      out[at++] = word;
      word = 0;
      digits = 0;
    }
  }
  return true;
}

/**
 * The matching events kept as the earliest sighting of their place, one row each: its id (as four
 * numbers when it is a UUID, as CloudTrail writes them), its key, its context and its address,
 * each an index into values kept once. A place keeps its row when an earlier event replaces it.
 */
export class HeldRows {
  size = 0;
  private readonly ids = new Column(words(32), words);
  private readonly keys = new Column(ints(8), ints);
  private readonly contexts = new Column(ints(8), ints);
  /** -1: no address; -2: the address is the place itself; else an index into `texts`. */
  private readonly addresses = new Column(ints(8), ints);
  /** Ids that are not UUIDs, and times written other than as their ms print, by row. */
  private readonly otherIds = new Map<number, string>();
  private readonly times = new Map<number, string>();
  readonly texts: string[] = [];

  add(): number {
    const r = this.size++;
    this.ids.grow(4 * this.size);
    this.keys.grow(this.size);
    this.contexts.grow(this.size);
    this.addresses.grow(this.size);
    return r;
  }

  write(r: number, id: string, key: number, context: number, address: number, time: string | undefined): void {
    if (!uuidWords(id, this.ids.values, 4 * r)) this.otherIds.set(r, id);
    else if (this.otherIds.size) this.otherIds.delete(r);
    this.keys.values[r] = key;
    this.contexts.values[r] = context;
    this.addresses.values[r] = address;
    if (time === undefined) this.times.delete(r);
    else this.times.set(r, time);
  }

  id(r: number): string {
    const other = this.otherIds.get(r);
    if (other !== undefined) return other;
    let hex = '';
    for (let w = 0; w < 4; w++) hex += this.ids.values[4 * r + w]!.toString(16).padStart(8, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  key(r: number): number {
    return this.keys.values[r]!;
  }

  context(r: number): number {
    return this.contexts.values[r]!;
  }

  address(r: number): number {
    return this.addresses.values[r]!;
  }

  time(r: number): string | undefined {
    return this.times.get(r);
  }
}
