import { gunzipSync } from 'node:zlib';
import { isPlainObject } from '../util/json.js';

/** One CloudTrail record, as delivered (AWS's field names). Only the two fields every record has are typed. */
export type CloudTrailRecord = Record<string, unknown> & { eventName: string; eventTime: string };

/** Why a file (or S3 object, or API page) was skipped in whole or in part. Reported as a coverage gap. */
export type FileProblemCode = 'TruncatedFile' | 'InvalidFile' | 'NotCloudTrail' | 'InvalidRecords' | 'FileTooLarge' | 'DownloadInterrupted';

export class FileProblem extends Error {
  constructor(
    readonly code: FileProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileProblem';
  }
}

export interface ParsedRecords {
  /** Valid records, in file order. */
  records: CloudTrailRecord[];
  /** What was wrong with the file; records before the problem are still returned. */
  problem?: FileProblem;
}

/**
 * Largest decompressed size the whole-file path accepts. A CloudTrail delivery file is a few
 * MB at most; a bigger one (a concatenated export, a gzip bomb) is sent back to be streamed.
 */
export const MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function isCloudTrailRecord(value: unknown): value is CloudTrailRecord {
  return isPlainObject(value) && typeof value.eventName === 'string' && typeof value.eventTime === 'string';
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

/** Gunzip when the bytes are gzip (by magic number, not by file name); throws FileProblem. */
export function decodeBytes(bytes: Uint8Array, maxBytes = MAX_DECOMPRESSED_BYTES): Buffer {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isGzip(buffer)) {
    if (buffer.length > maxBytes) throw new FileProblem('FileTooLarge', `larger than ${maxBytes} bytes`);
    return buffer;
  }
  try {
    return gunzipSync(buffer, { maxOutputLength: maxBytes, chunkSize: outputChunkSize(buffer, maxBytes) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw new FileProblem('FileTooLarge', `decompresses to more than ${maxBytes} bytes`);
    const message = error instanceof Error ? error.message : String(error);
    if (/unexpected end of file/i.test(message)) throw new FileProblem('TruncatedFile', 'gzip stream ends early (truncated file)');
    throw new FileProblem('InvalidFile', `not a valid gzip stream: ${message}`);
  }
}

/** Parse decoded text in any of the three shapes: {"Records":[…]}, a JSON array, or one record per line. */
export function parseRecordsText(text: string): ParsedRecords {
  let start = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  if (start === text.length) throw new FileProblem('NotCloudTrail', 'empty file');
  const first = text[start];
  if (first !== '{' && first !== '[') throw new FileProblem('InvalidFile', 'not JSON (and not gzip)');
  if (first === '{' && isJsonLines(text, start)) return parseJsonLines(text, start);
  let value: unknown;
  try {
    value = JSON.parse(start ? text.slice(start) : text);
  } catch (error) {
    throw jsonProblem(error, text.length - start);
  }
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (isPlainObject(value) && Array.isArray(value.Records)) items = value.Records;
  else if (isCloudTrailRecord(value)) items = [value];
  else throw new FileProblem('NotCloudTrail', 'JSON, but neither {"Records": [...]}, an array of records nor a record');
  return collect(items);
}

/** Decode (gunzip if needed) and parse one whole file or object. Throws FileProblem when nothing usable is in it. */
export function parseRecordsBytes(bytes: Uint8Array, maxBytes?: number): ParsedRecords {
  return parseRecordsText(decodeBytes(bytes, maxBytes).toString('utf8'));
}

function collect(items: unknown[]): ParsedRecords {
  const records: CloudTrailRecord[] = [];
  for (const item of items) if (isCloudTrailRecord(item)) records.push(item);
  const invalid = items.length - records.length;
  if (invalid === 0) return { records };
  if (records.length === 0) throw new FileProblem('NotCloudTrail', `none of its ${items.length} item(s) is a CloudTrail record (eventName, eventTime)`);
  return { records, problem: new FileProblem('InvalidRecords', `${invalid} of ${items.length} item(s) are not CloudTrail records and were skipped`) };
}

/** One record per line when the first line alone is a complete JSON object and more follows. */
function isJsonLines(text: string, start: number): boolean {
  const end = text.indexOf('\n', start);
  if (end < 0) return false;
  let rest = end + 1;
  while (rest < text.length && isSpace(text.charCodeAt(rest))) rest++;
  if (rest === text.length) return false;
  try {
    return isPlainObject(JSON.parse(text.slice(start, end)));
  } catch {
    return false;
  }
}

function parseJsonLines(text: string, start: number): ParsedRecords {
  const records: CloudTrailRecord[] = [];
  let invalid = 0;
  let lines = 0;
  let truncated = false;
  let pos = start;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    const last = end < 0;
    if (last) end = text.length;
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (!line) continue;
    lines++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // An unparsable last line with no newline after it is where the file was cut.
      if (last) truncated = true;
      else invalid++;
      continue;
    }
    if (isCloudTrailRecord(value)) records.push(value);
    else invalid++;
  }
  if (records.length === 0 && !truncated) throw new FileProblem('NotCloudTrail', `none of its ${lines} line(s) is a CloudTrail record`);
  if (truncated) {
    const also = invalid ? `; ${invalid} other line(s) were not CloudTrail records` : '';
    return { records, problem: new FileProblem('TruncatedFile', `the last line is cut off (truncated file); ${records.length} record(s) before it were read${also}`) };
  }
  if (invalid) return { records, problem: new FileProblem('InvalidRecords', `${invalid} of ${lines} line(s) are not CloudTrail records and were skipped`) };
  return { records };
}

function jsonProblem(error: unknown, length: number): FileProblem {
  const message = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)/.exec(message);
  // V8 reports where parsing stopped; stopping at the very end means the text was cut.
  if (!at || Number(at[1]) >= length - 1) return new FileProblem('TruncatedFile', 'JSON ends early (truncated file)');
  return new FileProblem('InvalidFile', `not valid JSON: ${message}`);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Parse a batch of record texts separated by ASCII RS (0x1e), as the stream splitter and the
 * LookupEvents reader send them. A text that is not a record is counted and skipped.
 */
export function parseRecordBatch(bytes: Uint8Array): ParsedRecords {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const records: CloudTrailRecord[] = [];
  let invalid = 0;
  let total = 0;
  for (const part of text.split('\u001e')) {
    if (!part) continue;
    total++;
    try {
      const value: unknown = JSON.parse(part);
      if (isCloudTrailRecord(value)) records.push(value);
      else invalid++;
    } catch {
      invalid++;
    }
  }
  if (invalid === 0) return { records };
  return { records, problem: new FileProblem('InvalidRecords', `${invalid} of ${total} record(s) are not valid CloudTrail records and were skipped`) };
}
