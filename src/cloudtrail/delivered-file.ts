/**
 * The fast path for files exactly as CloudTrail delivers them (compact `{"Records":[{"eventVersion":…`):
 * find each record's bounds and its few top-level fields in the raw text with native string
 * search, so that records no rule can match are counted without being parsed. JSON.parse is
 * most of the cost of reading CloudTrail, and most records (reads) concern no rule.
 *
 * Why the bounds and fields are exact:
 * - a record starts with `{"eventVersion":"`, which cannot occur inside a JSON string (its
 *   quotes would be escaped there); a boundary between records is `},` before it, whereas the
 *   first nested occurrence inside a record would follow `:` or `[` — so any other context
 *   means nesting, and the whole file goes to the ordinary parser;
 * - every record has exactly one top-level `eventTime` and `eventName`; when the file holds as
 *   many raw `"eventTime"` and `"eventName"` as records and each record's span has one, each has
 *   exactly one (a record of another key order glued to the previous one, a nested key or such
 *   a string value makes the counts differ, and the file goes to the ordinary parser).
 *
 * This is the reference: the same scan over a part's bytes, in WebAssembly (delivered-scan.ts),
 * runs instead whenever the rules' text patterns allow it, and is tested against this one.
 */
export interface DeliveredRecord {
  start: number;
  end: number;
  eventTime: string;
  eventName: string;
  /** Read only where CloudTrail puts it (between eventTime and eventName); else undefined. */
  eventSource: string | undefined;
  /** Undefined when not found where expected: the record is then parsed. */
  awsRegion: string | undefined;
  recipientAccountId: string | undefined;
  /** Undefined when not found, or written with escapes: the record is then parsed. */
  eventID: string | undefined;
  /** Where the record's `"eventTime"` key, `"awsRegion"` key and last `"eventID"` key (or -1) start: for light-records.ts. */
  timeKey: number;
  regionKey: number;
  idKey: number;
}

const HEAD = '{"Records":[';
/** How a delivered record starts, and its keys as CloudTrail writes them (light-records.ts reads more of them). */
export const START = '{"eventVersion":"';
export const TIME = '"eventTime":"';
export const NAME = '"eventName":"';
export const REGION = '"awsRegion":"';
export const SOURCE = '","eventSource":"';
export const ACCOUNT = '"recipientAccountId":"';
export const EVENT_ID = '"eventID":"';

/** Whether the text from `from` to `to` holds no backslash (no escape): a short piece looked at character by character, a longer one by native search. */
export function isPlain(text: string, from: number, to: number): boolean {
  if (to - from > 24) return !text.slice(from, to).includes('\\');
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x5c /* \\ */) return false;
  return true;
}

/** The closing quote of the plain string value at `from`, or -1 when it is cut (at or past `limit`) or holds an escape. */
export function plainEnd(text: string, from: number, limit: number): number {
  const close = text.indexOf('"', from);
  return close < 0 || close >= limit || !isPlain(text, from, close) ? -1 : close;
}

/** The raw string value starting at `from` (before `limit`), or undefined when it is cut or holds an escape. */
function value(text: string, from: number, limit: number): string | undefined {
  const close = plainEnd(text, from, limit);
  return close < 0 ? undefined : text.slice(from, close);
}

/** Every raw `"eventTime"` / `"eventName"`: a key (or such a string value, which only makes a count differ). */
export const KEYS_SOURCE = '"event(Time|Name)"';
const KEYS = new RegExp(KEYS_SOURCE, 'g');

/** The records of a delivered file, or undefined when the text is not exactly in that form. */
export function scanDeliveredFile(text: string): DeliveredRecord[] | undefined {
  return scanDelivered(text)?.records;
}

/**
 * Text patterns found in the same pass as the keys (text-marks.ts): one pass over a file
 * instead of two.
 */
export interface PassMarks {
  /** The marks' alternatives, then the keys' (`"event(Time|Name)"`, its group last); global. */
  readonly withKeys: RegExp;
  /** The mark a match stands for; 0 when it is a key. */
  markOf(m: RegExpExecArray): 0 | 1 | 2;
}

const EVENT_TIME_KEY = '"eventTime"';
const EVENT_NAME_KEY = '"eventName"';

/**
 * scanDeliveredFile, and (with `marks`) which records the marks' patterns point at: 1 or 2 by
 * record, as TextMarks.mark finds them.
 */
export function scanDelivered(text: string, marks?: PassMarks): ScannedPart | undefined {
  return scanDeliveredPart(text, marks, true, true);
}

/** A part's records, and which the marks' patterns point at (1 or 2 by record, as TextMarks.mark finds them). */
export interface ScannedPart {
  records: DeliveredRecord[];
  marked: Uint8Array;
  /** Worked out by the WebAssembly scan (delivered-scan.ts) only: each record's event key (event-key.ts eventKey), -1 for none. */
  keys?: Float64Array;
  /** And, 4 numbers per record, its light spans (light-records.ts lightSpansFrom). */
  light?: Int32Array;
}

/**
 * Where a part's first record starts and its last ends, when it starts and ends as a part of a
 * delivered file does: the first part starts as the file does, the last ends as it does; every
 * part but the first starts with a record, and every part but the last ends with a record and the
 * comma after it.
 */
export function partBounds(text: string, first: boolean, last: boolean): { head: number; end: number } | undefined {
  const head = first ? HEAD.length : 0;
  if (!(first ? text.startsWith(HEAD + START) : text.startsWith(START))) return undefined;
  let end = text.length;
  if (last) {
    while (end > 0 && text.charCodeAt(end - 1) <= 0x20) end--;
    if (!text.startsWith(']}', end - 2)) return undefined;
    end -= 2;
  } else {
    // Up to the comma before the next part's first record, as that record's start would end it.
    if (!text.endsWith('},')) return undefined;
    end -= 1;
  }
  return { head, end };
}

/** scanDelivered over one part of a delivered file cut between two records (deliveredParts, partBounds). */
export function scanDeliveredPart(text: string, marks: PassMarks | undefined, first: boolean, last: boolean): ScannedPart | undefined {
  const bounds = partBounds(text, first, last);
  if (!bounds) return undefined;
  const { head, end } = bounds;
  const starts: number[] = [head];
  for (let p = text.indexOf(START, head + 1); p >= 0; p = text.indexOf(START, p + 1)) {
    if (p >= end || text.charCodeAt(p - 1) !== 0x2c /* , */ || text.charCodeAt(p - 2) !== 0x7d /* } */) return undefined;
    starts.push(p);
  }
  // One pass over the file: where each record's eventTime and eventName keys are, and that each has one of each.
  const times = new Array<number>(starts.length).fill(-1);
  const names = new Array<number>(starts.length).fill(-1);
  const marked = new Uint8Array(starts.length);
  let record = 0;
  const pattern = marks ? marks.withKeys : KEYS;
  pattern.lastIndex = head;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const at = m.index;
    while (record + 1 < starts.length && starts[record + 1]! <= at) record++;
    let key = m[m.length - 1];
    if (marks) {
      // Every place a mark starts is tried (a match cannot hide another); a key where a mark starts is still a key.
      pattern.lastIndex = at + 1;
      const mark = marks.markOf(m);
      if (mark !== 0) {
        if (mark === 1 || marked[record] !== 1) marked[record] = mark;
        key = text.startsWith(EVENT_TIME_KEY, at) ? 'Time' : text.startsWith(EVENT_NAME_KEY, at) ? 'Name' : undefined;
        if (key === undefined) continue;
      }
    }
    const slots = key === 'Time' ? times : names;
    if (slots[record] !== -1) return undefined;
    slots[record] = at;
  }
  const out: DeliveredRecord[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const stop = i + 1 < starts.length ? starts[i + 1]! - 1 : end;
    const t = times[i]!;
    const n = names[i]!;
    if (text.charCodeAt(stop - 1) !== 0x7d /* } */ || t < 0 || n < 0 || !text.startsWith(TIME, t) || !text.startsWith(NAME, n))
      return undefined;
    const eventTime = value(text, t + TIME.length, stop);
    const eventName = value(text, n + NAME.length, stop);
    if (eventTime === undefined || eventName === undefined) return undefined;
    const r = text.indexOf(REGION, n);
    const awsRegion = r >= 0 && r < stop ? value(text, r + REGION.length, stop) : undefined;
    const a = text.lastIndexOf(ACCOUNT, stop);
    const recipientAccountId = a >= start ? value(text, a + ACCOUNT.length, stop) : undefined;
    // Searched from the end, as recipientAccountId: CloudTrail writes eventID after the request
    // and response, so the last one in the record is the record's own.
    const e = text.lastIndexOf(EVENT_ID, stop);
    const eventID = e >= start ? value(text, e + EVENT_ID.length, stop) : undefined;
    const afterTime = t + TIME.length + eventTime.length;
    const eventSource =
      n > afterTime + SOURCE.length && text.startsWith(SOURCE, afterTime) && text.startsWith('",', n - 2)
        ? value(text, afterTime + SOURCE.length, n)
        : undefined;
    out.push({
      start,
      end: stop,
      eventTime,
      eventName,
      eventSource,
      awsRegion,
      recipientAccountId,
      eventID,
      timeKey: t,
      regionKey: r >= 0 && r < stop ? r : -1,
      idKey: e >= start ? e : -1,
    });
  }
  return { records: out, marked };
}

const SEPARATOR = Buffer.from('},' + START, 'latin1');
const FILE_START = Buffer.from(HEAD + START, 'latin1');

/** A part of a delivered file: its bytes, and the same as text (one character per byte). */
export interface DeliveredPart {
  bytes: Buffer;
  text: string;
}

/**
 * A delivered file whose bytes are ASCII, in parts of about `size` characters cut
 * between two records, after the comma of a `},{"eventVersion":"`: a record boundary, or a
 * nested object, which scanDeliveredPart finds as scanDelivered finds it in a whole file (a part
 * holding it is not in the expected form). Undefined when the file does not start as a delivered
 * file. The records, their fields and the marks are those of the whole text: no text pattern a
 * rule asks for (rule-prefilters.ts requiredTextOf: `"key":"value"`, a quoted key id) can run
 * across `},{`.
 *
 * Why parts: V8 keeps a text of a megabyte or more outside its heap (an external string), freed
 * only once a full collection finds it dead; a worker reading file after file piled them up (most
 * of its memory), and collected often because of them. Parts of tens of kilobytes live and die in
 * the young generation: on the benchmark's archive, about a fifth less peak memory, and with every
 * event rule selected about 12-17% less time (docs/benchmarks.md).
 */
export function deliveredParts(ascii: Buffer, size: number): DeliveredPart[] | undefined {
  if (ascii.length < FILE_START.length || ascii.compare(FILE_START, 0, FILE_START.length, 0, FILE_START.length) !== 0) return undefined;
  const parts: DeliveredPart[] = [];
  let from = 0;
  while (from < ascii.length) {
    const cut = ascii.length - from <= size ? -1 : ascii.indexOf(SEPARATOR, from + size);
    // The part ends with its last record's `},`; the next starts with `{"eventVersion":"`.
    const to = cut < 0 ? ascii.length : cut + 2;
    const bytes = ascii.subarray(from, to);
    parts.push({ bytes, text: bytes.toString('latin1') });
    from = to;
  }
  return parts;
}

/** Index of the record whose span holds `position` (records sorted by start). */
export function recordAt(records: readonly DeliveredRecord[], position: number): number {
  let lo = 0;
  let hi = records.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (records[mid]!.start <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
