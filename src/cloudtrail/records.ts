import { isAscii } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { isPlainObject } from '../util/json.js';

/** One CloudTrail record, as delivered (AWS's field names). Only the two fields every record has are typed. */
export type CloudTrailRecord = Record<string, unknown> & { eventName: string; eventTime: string };

/**
 * Why a file (or S3 object, or API page) was read in part or not at all. Reported as a coverage gap.
 * `InvalidRecords`: some items are not readable records; `RecordNotEvaluated`: a record could not
 * be evaluated by a rule; `TrailingData`: bytes after the end of the JSON document;
 * `DownloadInterrupted`: an S3 object whose download broke off, also when read again.
 */
export type FileProblemCode =
  | 'TruncatedFile'
  | 'InvalidFile'
  | 'NotCloudTrail'
  | 'InvalidRecords'
  | 'RecordNotEvaluated'
  | 'TrailingData'
  | 'FileTooLarge'
  | 'DownloadInterrupted';

export class FileProblem extends Error {
  constructor(
    readonly code: FileProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileProblem';
  }
}

/**
 * Largest decompressed size the whole-file path accepts. A CloudTrail delivery file is a few
 * MB at most; a bigger one (a concatenated export, a gzip bomb) is sent back to be streamed.
 * Also the largest single record (or line) the stream splitter keeps: no larger record can be
 * read whole by either path, so both paths agree on what is too large.
 */
export const MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const digit = (c: number) => c >= 0x30 && c <= 0x39;
const two = (s: string, at: number) => (s.charCodeAt(at) - 0x30) * 10 + (s.charCodeAt(at + 1) - 0x30);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Is this an event time the window, the ordering of events and the Elastic IP correlation can
 * use: ISO 8601 with a date, a time and a zone? CloudTrail writes `2023-07-10T11:45:03Z`
 * (checked character by character: this runs for every record); other ISO forms are parsed.
 * Anything else ("redacted", a bare date, local time) makes the record unreadable, never an
 * event silently left out of the window or counted as allocated at no time at all.
 */
export function isEventTime(time: string): boolean {
  if (time.length === 20 && time.charCodeAt(19) === 0x5a /* Z */ && time.charCodeAt(10) === 0x54 /* T */) {
    for (const at of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!digit(time.charCodeAt(at))) return false;
    if (time.charCodeAt(4) !== 0x2d || time.charCodeAt(7) !== 0x2d || time.charCodeAt(13) !== 0x3a || time.charCodeAt(16) !== 0x3a)
      return false;
    const month = two(time, 5);
    const day = two(time, 8);
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && two(time, 11) <= 23 && two(time, 14) <= 59 && two(time, 17) <= 60;
  }
  return ISO_TIME.test(time) && !Number.isNaN(Date.parse(time));
}

const TIME_DIGITS = [11, 12, 14, 15, 17, 18];
/** The last day eventMs parsed, and its start in ms (records of a file share their day). */
let lastDay = '';
let lastDayMs = NaN;

/**
 * An event time in ms since the epoch, exactly as Date.parse reads it; CloudTrail's own form
 * (`2023-07-10T11:45:03Z`) without Date.parse, its day looked up once.
 */
export function eventMs(time: string): number {
  // Records of a file come by the second: the last time asked is often asked again.
  if (time === lastTime) return lastMs;
  lastMs = parsedMs(time);
  lastTime = time;
  return lastMs;
}

let lastTime = '';
let lastMs = NaN;

function parsedMs(time: string): number {
  if (
    time.length === 20 &&
    time.charCodeAt(19) === 0x5a /* Z */ &&
    time.charCodeAt(10) === 0x54 /* T */ &&
    time.charCodeAt(13) === 0x3a &&
    time.charCodeAt(16) === 0x3a
  ) {
    const h = two(time, 11);
    const m = two(time, 14);
    const s = two(time, 17);
    let digits = true;
    for (const at of TIME_DIGITS) digits &&= digit(time.charCodeAt(at));
    if (digits && h <= 23 && m <= 59 && s <= 59) {
      if (lastDay === '' || !time.startsWith(lastDay)) {
        lastDay = time.slice(0, 11);
        lastDayMs = Date.parse(`${lastDay}00:00:00Z`);
      }
      return lastDayMs + ((h * 60 + m) * 60 + s) * 1000;
    }
  }
  return Date.parse(time);
}

/** Why a parsed item is not a record this tool can read, or undefined when it is one. */
export function notARecord(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'not a JSON object';
  if (typeof value.eventName !== 'string') return 'eventName missing or not text';
  if (typeof value.eventTime !== 'string') return 'eventTime missing or not text';
  if (!isEventTime(value.eventTime)) return 'eventTime is not a date and time';
  return undefined;
}

export function isCloudTrailRecord(value: unknown): value is CloudTrailRecord {
  return notARecord(value) === undefined;
}

/**
 * Output chunk size for gunzip: the uncompressed size the gzip trailer declares (ISIZE, the last
 * four bytes, little-endian), so zlib writes the whole output into one buffer instead of 16 KB
 * pieces it then concatenates (a tenth of the cost of a CloudTrail file). Only a hint: for a
 * multi-member file or a wrong trailer zlib still produces the right bytes in more pieces.
 */
function outputChunkSize(gz: Buffer, maxBytes: number): number {
  const declared = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return Math.min(Math.max(declared + 1, 64 * 1024), maxBytes);
}

/**
 * The text of decoded bytes. CloudTrail files are nearly always ASCII (JSON escapes what is
 * not), and ASCII bytes are the same text read as Latin-1, which V8 copies into a string without
 * the UTF-8 decoder: about a quarter of the time, checked with one vector pass (isAscii). Anything
 * else is decoded as UTF-8.
 */
export function textOf(buffer: Buffer): string {
  return isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
}

/**
 * Gunzip when the bytes are gzip (by magic number, not by file name; every member of a
 * multi-member file); throws FileProblem. A gzip stream that is cut or corrupt is read again
 * as a stream by the caller, which keeps the records before the damage.
 */
export function decodeBytes(bytes: Uint8Array, maxBytes = MAX_DECOMPRESSED_BYTES): Buffer {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isGzip(buffer)) {
    if (buffer.length > maxBytes) throw new FileProblem('FileTooLarge', `larger than ${maxBytes} bytes`);
    return buffer;
  }
  try {
    return gunzipSync(buffer, { maxOutputLength: maxBytes, chunkSize: outputChunkSize(buffer, maxBytes) });
  } catch (error) {
    throw (
      gzipProblem(error) ??
      new FileProblem('InvalidFile', `not a valid gzip stream: ${error instanceof Error ? error.message : String(error)}`)
    );
  }
}

/** What a zlib error means for the file (undefined: not a zlib error). */
export function gzipProblem(error: unknown, recordsBefore?: number): FileProblem | undefined {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError)
    return new FileProblem('FileTooLarge', 'decompresses to more than the whole-file limit');
  const read = recordsBefore === undefined ? '' : `; ${recordsBefore} record(s) before the cut were read`;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message))
    return new FileProblem('TruncatedFile', `gzip stream ends early (truncated file)${read}`);
  if (typeof code === 'string' && code.startsWith('Z_')) {
    const before = recordsBefore === undefined ? '' : `; ${recordsBefore} record(s) before the damage were read`;
    return new FileProblem('InvalidFile', `not a valid gzip stream: ${message}${before}`);
  }
  return undefined;
}

/** Where an item sits in its file: its number in the file's array of records, or its line. */
export type PlaceUnit = 'record' | 'line';

/**
 * How a batch of items is laid out: where each item ends in the batch's bytes and its number in
 * its file. Items are delimited by offsets, not by a separator byte, because an item that is not
 * valid JSON may hold any byte.
 */
export interface BatchLayout {
  /** End (exclusive) of each item: item k spans [ends[k-1] (0 for the first), ends[k]). */
  ends: Uint32Array;
  /** Each item's record number (1-based position in the file's array) or line number. */
  numbers: Uint32Array;
  unit: PlaceUnit;
  /** The last item is the file's last line, with no newline after it: if it does not parse, the file was cut there. */
  lastCut?: boolean;
}

/** One item of a batch: a record, or why it is not one. */
export type ParsedItem = { record: CloudTrailRecord; n: number } | { reason: string; n: number; cut?: boolean };

/**
 * The items of a batch, parsed. Without a layout (LookupEvents pages) the items are texts
 * separated by ASCII RS (0x1e), which a JSON text cannot hold unescaped, numbered from 1.
 */
export function* parseItems(bytes: Uint8Array, layout?: BatchLayout): Generator<ParsedItem> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!layout) {
    let n = 0;
    for (const part of buffer.toString('utf8').split('\u001e')) {
      if (part) yield parseItem(part, ++n);
    }
    return;
  }
  let start = 0;
  const last = layout.ends.length - 1;
  for (let k = 0; k <= last; k++) {
    const end = layout.ends[k]!;
    const item = parseItem(buffer.toString('utf8', start, end), layout.numbers[k]!);
    if (k === last && layout.lastCut && 'reason' in item && item.reason === NOT_JSON) item.cut = true;
    yield item;
    start = end;
  }
}

const NOT_JSON = 'not valid JSON';

function parseItem(text: string, n: number): ParsedItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: NOT_JSON, n };
  }
  const reason = notARecord(value);
  return reason === undefined ? { record: value as CloudTrailRecord, n } : { reason, n };
}

/**
 * The items of a whole decoded file when it is one JSON document, parsed in one piece (the fast
 * path): `{"Records": [...]}`, an array, or a single object. Undefined when the text is not one
 * JSON document, or names `Records` more than once (JSON.parse keeps the last, the splitter
 * the first): the caller then reads it with the splitter, which names what is wrong where.
 */
export function wholeDocumentItems(text: string): unknown[] | undefined {
  let start = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  const first = text.charCodeAt(start);
  if (first !== 0x7b && first !== 0x5b) return undefined;
  const records = text.indexOf('"Records"');
  if (records >= 0 && text.indexOf('"Records"', records + 1) >= 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(start ? text.slice(start) : text);
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) return value as unknown[];
  if (isPlainObject(value) && Array.isArray(value.Records)) return value.Records as unknown[];
  return [value];
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
