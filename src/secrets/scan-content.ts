import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { nameText, type FsPath } from '../util/byte-paths.js';
import { ACCESS_KEY_ID_LENGTH, ACCESS_KEY_ID_SOURCE, isPlaceholderKeyId } from './access-key-id.js';
import { KeyIdRunFinder, LONG_RUN_MIN } from './key-id-runs.js';
import { PRIVATE_KEY_HEADERS, PRIVATE_KEY_HEADER_SOURCE, describePrivateKey, type PrivateKeyInfo } from './private-key.js';
import { SECRET_KEY_LENGTH, SECRET_KEY_SOURCE, isPlausibleSecretKey } from './secret-key.js';
import { BEDROCK_KEY_MIN_RUN, describeBedrockKey, type BedrockKey } from './bedrock-key.js';
import { splitLines } from './lines.js';
import { classifyLine, type TextContext } from './text-context.js';

/** A key id found in a file. `keyId` lives in memory only: it is never written to a snapshot or report. */
export interface KeyIdHit {
  keyId: string;
  line: number;
  column: number;
  context: TextContext;
  /** Where the 40-character secret next to it sits, if there is one (the secret itself is not kept). */
  secret: { line: number; context: TextContext } | null;
  /** Set when the key id was found inside an encoded value (its line and column are the value's). */
  encoding?: 'base64';
}

export interface PrivateKeyHit extends PrivateKeyInfo {
  line: number;
  column: number;
}

/**
 * A secret access key with no key id near it, found by the name it is assigned to
 * (`aws_secret_access_key = …`, `"SecretAccessKey": "…"`). The secret itself is not kept.
 */
export interface SecretKeyHit {
  line: number;
  column: number;
  /** The name as written: aws_secret_access_key, AWS_SECRET_ACCESS_KEY, SecretAccessKey, ... */
  name: string;
  context: TextContext;
}

export interface BedrockKeyHit extends BedrockKey {
  line: number;
  column: number;
  context: TextContext;
}

/** What a Bedrock API key finding records of the key (file.bedrock-api-key and file.history-bedrock-api-key alike): nothing secret. */
export function bedrockKeyFields(hit: BedrockKeyHit) {
  const { line, column, keyKind, ownerAccount, serviceUserName, keyIdMasked, expiresAt, context } = hit;
  return { line, column, keyKind, ownerAccount, serviceUserName, keyIdMasked, expiresAt, context };
}

export interface ContentResult {
  binary: boolean;
  bytes: number;
  keyIds: KeyIdHit[];
  /** Secret access keys under their name with no key id within LONE_SECRET_LINES lines. */
  secretKeys: SecretKeyHit[];
  /** Amazon Bedrock API keys. */
  bedrockKeys: BedrockKeyHit[];
  /** Documented example keys and placeholders that were seen and deliberately not reported. */
  placeholders: number;
  privateKeys: PrivateKeyHit[];
  /** The whole text, when asked for and the file fits in one piece. */
  text?: string;
  /** A binary file that looks like text in a wide encoding it could not decode (UTF-32, or too large): not scanned, and may hold keys. */
  wideText?: WideEncoding;
  /** A file in UTF-16 that was decoded and scanned. */
  decodedFrom?: WideEncoding;
}

export type WideEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE';

/**
 * Does a file taken for binary (a NUL early on) look like text in a wide encoding: a byte order
 * mark, or in its first bytes a NUL in every other byte (ASCII text written as UTF-16)?
 */
export function wideTextEncoding(bytes: Buffer, start: number, end: number): WideEncoding | undefined {
  const b = (i: number) => (start + i < end ? bytes[start + i] : -1);
  if (b(0) === 0xff && b(1) === 0xfe) return b(2) === 0 && b(3) === 0 ? 'UTF-32LE' : 'UTF-16LE';
  if (b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return 'UTF-32BE';
  if (b(0) === 0xfe && b(1) === 0xff) return 'UTF-16BE';
  const pairs = Math.min(end - start, 4096) >> 1;
  if (pairs < 8) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[start + 2 * i] === 0) evenZero++;
    if (bytes[start + 2 * i + 1] === 0) oddZero++;
  }
  if (oddZero >= pairs * 0.9 && evenZero <= pairs * 0.1) return 'UTF-16LE';
  if (evenZero >= pairs * 0.9 && oddZero <= pairs * 0.1) return 'UTF-16BE';
  return undefined;
}

/** Bytes read at a time; files up to this size are scanned in one piece. */
export const CHUNK_BYTES = 1 << 20;
/** Bytes kept around a candidate across chunk boundaries: the lines looked at for its secret. */
export const CONTEXT_BYTES = 16 << 10;
/** Like git: a NUL byte in the first 8000 bytes means binary. */
const SNIFF_BYTES = 8000;
/** Lines looked at around a key id for its secret: two before, three after (credentials files, JSON objects, transcripts). */
const LINES_BEFORE = 2;
const LINES_AFTER = 3;
/** Bytes after a private key header handed to describePrivateKey (its first lines). */
const AFTER_HEADER = 1024;

// The detectors' own patterns judge every candidate, anchored where the byte search found it.
const KEY_ID_AT = new RegExp(ACCESS_KEY_ID_SOURCE, 'y');
const HEADER_AT = new RegExp(PRIVATE_KEY_HEADER_SOURCE, 'y');
const SECRET = new RegExp(SECRET_KEY_SOURCE, 'g');
const NL = 10;
const CR = 13;

const KEY_ID_LENGTH = ACCESS_KEY_ID_LENGTH;

const HEADERS = PRIVATE_KEY_HEADERS.map((h) => ({
  literal: Buffer.from(h.literal, 'latin1'),
  needle: Buffer.from(h.needle, 'latin1'),
  at: h.literal.indexOf(h.needle),
}));

/**
 * Where the bytes being scanned come from: an open file (its descriptor), or bytes in memory
 * (a git blob, a member of an archive, a decoded value) read on from `position`.
 */
export type ByteSource = number | MemorySource;

export interface MemorySource {
  bytes: Buffer;
  position: number;
}

/** Read like readSync: at `position`, or on from the last read when it is null. */
function readFrom(source: ByteSource, buffer: Buffer, offset: number, length: number, position: number | null): number {
  if (typeof source === 'number') return readSync(source, buffer, offset, length, position);
  const from = position ?? source.position;
  const got = source.bytes.copy(buffer, offset, Math.min(from, source.bytes.length), Math.min(from + length, source.bytes.length));
  if (position === null) source.position += got;
  return got;
}

/**
 * Kinds of candidate, in one list in file order: a key id (its offset), or -4 * offset - 1 - k
 * for the others: k = 0 a private key header, 2 a run of 27 or more base64 bytes (a secret key
 * when exactly 40, a Bedrock API key, an encoded value), 3 a `%2` (percent-encoding).
 */
const KEY_ID = -1;
const HEADER = 0;
const LONG_RUN = 2;
const PERCENT = 3;
const headerCandidate = (offset: number) => -4 * offset - 1;
const longRunCandidate = (offset: number) => -4 * offset - 3;
const percentCandidate = (offset: number) => -4 * offset - 4;

/**
 * What precedes a secret access key assigned to a name that says what it is, in the syntaxes
 * config and code use: `aws_secret_access_key = …` (ini, toml, env), `AWS_SECRET_ACCESS_KEY: …`
 * (yaml), `"SecretAccessKey": "…"` (json), `secretAccessKey: '…'`, `os.environ["…"] = "…"`, `=>`,
 * `:=`, `<SecretAccessKey>…` (STS XML) and `AWS Secret Access Key [None]: …` (an `aws configure`
 * transcript). The value is found first, as a run of exactly 40 secret-key bytes (key-id-runs.ts);
 * this is matched against the end of its line before it.
 */
const SECRET_NAME_BEFORE =
  /(?<name>(?:[A-Za-z0-9_$]{0,32}|AWS )secret[_. -]?access[_. -]?key\w{0,16})["'`\]]{0,2}[ \t]*(?:\[[^\]\r\n]{0,20}\][ \t]*)?(?::=|=>|=|:|>)[ \t]*["'`]?$/i;
/** Bytes before a secret looked at for its name. */
const NAME_BEFORE_BYTES = 160;
const EQUALS = 0x3d;
/** A secret with a key id this many lines from it or fewer is that key's (the pair rule reports it). */
const LONE_SECRET_LINES = 3;

/** Keep the secrets under a name that have no key id within LONE_SECRET_LINES lines (once a file is scanned). */
function settleSecrets(result: ContentResult): void {
  if (result.secretKeys.length === 0) return;
  result.secretKeys = result.secretKeys.filter((s) => {
    const near = result.keyIds.filter((k) => Math.abs(k.line - s.line) <= LONE_SECRET_LINES);
    if (near.length === 0) return true;
    // An encoded secret (a Kubernetes Secret's base64 value) is the pair of the key id near it.
    const single = near.find((k) => k.secret === null);
    if (single) single.secret = { line: s.line, context: s.context };
    return false;
  });
}

/**
 * Line breaks in [from, to): every `\n`, and every `\r` not followed by `\n` (old Mac OS line
 * endings; `\r\n` counts once). A `\r` at the end of `bytes` counts: callers pass the byte after
 * `to` when there is one (see countNewlinesIn).
 */
function countNewlines(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NL, from); i !== -1 && i < to; i = bytes.indexOf(NL, i + 1)) n++;
  // Most text has no carriage return: one native search says so.
  for (let i = bytes.indexOf(CR, from); i !== -1 && i < to; i = bytes.indexOf(CR, i + 1)) if (bytes[i + 1] !== NL) n++;
  return n;
}

/** The offset of the last line break (`\n` or `\r`) before `before`, or -1. */
function lastBreak(bytes: Buffer, before: number): number {
  if (before <= 0) return -1;
  const nl = bytes.lastIndexOf(NL, before - 1);
  // A `\r` counts only after the last `\n` (searched natively in that stretch alone).
  const cr = bytes.subarray(nl + 1, before).lastIndexOf(CR);
  return cr === -1 ? nl : nl + 1 + cr;
}

/**
 * Scans files for key ids and private keys with bounded memory: the scanner owns one buffer
 * (reused for every file), and large files are read chunk by chunk. Most text holds no
 * candidate, so the bytes are searched as they are read (key-id runs: see key-id-runs.ts;
 * header literals: a native search) and only the few candidates found are decoded (as
 * latin1, one char per byte, so offsets are byte offsets) and judged by the detectors'
 * patterns. Lines are counted only up to a candidate; columns are counted in UTF-16 code
 * units of the decoded line, as SARIF expects.
 */
export class ContentScanner {
  private readonly runs = new KeyIdRunFinder(CHUNK_BYTES + 2 * CONTEXT_BYTES);
  /** Files are read straight into the key-id search's memory. */
  private readonly buffer = this.runs.bytes;
  /** For counting the lines of chunks already let go, when a candidate turns up further on (rare). */
  private recount: Buffer | undefined;
  /** The last count of a long line's start (utf16UnitsIn). */
  private readonly unitsMemo: { fd: ByteSource; from: number; to: number; units: number } = { fd: -1, from: -1, to: -1, units: 0 };
  private readonly candidates: number[] = [];
  private readonly longRuns: number[] = [];
  private readonly lines: LineCount = { fd: -1, base: 0, countedTo: 0, lines: 0, lineStart: 0 };
  /** Small files read into the buffer one after another and not scanned yet (see scanFiles). */
  private packed: PackedFile[] = [];
  /** Bytes of the buffer they take (each is followed by a newline). */
  private used = 0;

  /**
   * Open, read and scan files one after the other; `done(index, read)` is called once for each
   * file (files that fit in the buffer's room left are reported when it fills up or at the end).
   *
   * Small files are packed into the buffer, a newline after each (so no key id or header spans
   * two files), and scanned together: one search over many files costs far less than one per
   * file, whose fixed costs (native calls, views) outweigh searching a few kilobytes. A file
   * that does not fit is scanned alone, chunk by chunk if need be, after the ones before it.
   */
  async scanFiles(
    paths: readonly FsPath[],
    keepText: (index: number) => boolean,
    done: (index: number, read: FileRead) => void,
  ): Promise<void> {
    for (let index = 0; index < paths.length; index++) {
      if (this.used > PACK_BYTES) this.flush(done);
      let read = this.readFile(index, paths[index]!, keepText(index), done);
      if (read instanceof Promise) read = await read;
      if (read !== undefined) done(index, read);
      if (timeToYield()) await yieldToEventLoop();
    }
    this.flush(done);
  }

  /** Read a file into the room left; undefined when it fit (it is scanned with the others), else what scanning it alone gave. */
  private readFile(
    index: number,
    absPath: FsPath,
    keepText: boolean,
    done: (index: number, read: FileRead) => void,
  ): FileRead | Promise<FileRead> | undefined {
    let fd: number;
    try {
      fd = openSync(absPath, 'r');
    } catch (error) {
      return { error: errorInfo(error) };
    }
    const buffer = this.buffer;
    const start = this.used;
    const room = buffer.length - start - 1; // one byte for the newline after it
    let scanned: ContentResult | Promise<ContentResult>;
    try {
      const bytesRead = readSync(fd, buffer, start, room, null);
      // A regular file returns fewer bytes than asked only at its end.
      if (bytesRead < room) {
        closeSync(fd);
        buffer[start + bytesRead] = NL;
        this.used = start + bytesRead + 1;
        this.packed.push({ index, absPath, keepText, start, end: start + bytesRead, binary: false });
        return undefined;
      }
      // Too large for the room left: scan the files before it, then it alone from the buffer's start.
      if (start > 0) {
        this.flush(done);
        buffer.copy(buffer, 0, start, start + bytesRead);
      }
      scanned = this.scanOpen(fd, bytesRead, nameText(absPath), keepText);
    } catch (error) {
      closeSync(fd);
      return { error: errorInfo(error) };
    }
    if (scanned instanceof Promise)
      return scanned.then(
        (content) => finishFile(fd, content),
        (error: unknown) => (closeSync(fd), { error: errorInfo(error) }),
      );
    return finishFile(fd, scanned);
  }

  /** Scan the packed files and report them. */
  private flush(done: (index: number, read: FileRead) => void): void {
    const packed = this.packed;
    if (packed.length === 0) return;
    const buffer = this.buffer;
    const bytes = buffer.subarray(0, this.used);
    // Binary: a NUL in a file's first SNIFF_BYTES. One search finds the first NUL at or after a file's start.
    let nul = bytes.indexOf(0);
    for (const file of packed) {
      if (nul !== -1 && nul < file.start) nul = bytes.indexOf(0, file.start);
      file.binary = nul !== -1 && nul < file.end && nul - file.start < SNIFF_BYTES && !strayNuls(bytes, file.start, file.end);
    }
    const found = this.findCandidates(bytes, 0, bytes.length);
    let next = 0; // the first candidate not handed to a file yet
    for (const file of packed) {
      const result: ContentResult = {
        binary: file.binary,
        bytes: file.end - file.start,
        keyIds: [],
        placeholders: 0,
        privateKeys: [],
        secretKeys: [],
        bedrockKeys: [],
      };
      if (file.binary) {
        const wide = wideTextEncoding(buffer, file.start, file.end);
        const decoded = wide && scanWideText(buffer.subarray(file.start, file.end), wide, nameText(file.absPath));
        if (decoded) {
          while (next < found.length && candidateOffset(found[next]!) < file.end) next++;
          done(file.index, decoded.privateKeys.length ? modeOf(file.absPath, decoded) : { content: decoded });
          continue;
        }
        if (wide) result.wideText = wide;
      }
      const first = next;
      while (next < found.length && candidateOffset(found[next]!) < file.end) next++;
      if (!file.binary) {
        if (next > first) {
          // Offsets within the file, as if it had been scanned alone.
          const own = found.slice(first, next).map((c) => (c < 0 ? c + 4 * file.start : c - file.start));
          judgeCandidates(
            buffer.subarray(file.start, file.end),
            own,
            file.end - file.start,
            { fd: -1, base: 0, countedTo: 0, lines: 0, lineStart: 0 },
            undefined,
            nameText(file.absPath),
            result,
          );
          settleSecrets(result);
        }
        if (file.keepText) result.text = buffer.toString('utf8', file.start, file.end);
      }
      done(file.index, result.privateKeys.length ? modeOf(file.absPath, result) : { content: result });
    }
    this.packed = [];
    this.used = 0;
  }

  /**
   * Scan a file opened for reading, from its start to its end (lines far into it are counted
   * by reading again from the start: see lineAt); `keepText` returns the text of a file that
   * fits in one piece. Synchronous for such a file (most files); a larger one gives the event
   * loop back between chunks when it is time.
   */
  scan(fd: ByteSource, filePath: string, keepText = false): ContentResult | Promise<ContentResult> {
    this.flushed();
    return this.scanOpen(fd, 0, filePath, keepText);
  }

  /**
   * Scan bytes held in memory (a git blob, an archive member) as a file of that name: the same
   * detection, binary sniffing and line counting. Synchronous when they fit in the buffer.
   */
  scanBytes(bytes: Buffer, name: string, keepText = false): ContentResult | Promise<ContentResult> {
    return this.scan({ bytes, position: 0 }, name, keepText);
  }

  /** Scan a file whose first `filled` bytes are at the buffer's start (read from `fd`, which reads on from there). */
  private scanOpen(fd: ByteSource, filled: number, filePath: string, keepText: boolean): ContentResult | Promise<ContentResult> {
    const buffer = this.buffer;
    const want = buffer.length - filled;
    const bytesRead = readFrom(fd, buffer, filled, want, null);
    filled += bytesRead;
    const result: ContentResult = {
      binary: false,
      bytes: filled,
      keyIds: [],
      placeholders: 0,
      privateKeys: [],
      secretKeys: [],
      bedrockKeys: [],
    };
    const bytes = buffer.subarray(0, filled);
    const nul = bytes.indexOf(0);
    if (nul !== -1 && nul < SNIFF_BYTES && !strayNuls(bytes, 0, filled)) {
      const wide = wideTextEncoding(bytes, 0, filled);
      // Text in UTF-16 is decoded and scanned when it was read whole (up to the buffer's size).
      const decoded = wide && bytesRead < want ? scanWideText(bytes, wide, filePath) : undefined;
      if (decoded) return decoded;
      result.binary = true;
      if (wide) result.wideText = wide;
      return result;
    }
    const lines = this.lines;
    lines.fd = fd;
    lines.base = 0;
    lines.countedTo = 0;
    lines.lines = 0;
    lines.lineStart = 0;
    this.unitsMemo.fd = -1; // a new file may have the last one's descriptor number
    if (bytesRead < want) {
      this.scanWindow(bytes, 0, filled, filePath, result);
      settleSecrets(result);
      if (keepText) result.text = bytes.toString('utf8');
      return result;
    }
    return this.scanChunks(fd, filled, filePath, result);
  }

  /** `scan` uses the whole buffer: no packed file may be waiting in it. */
  private flushed(): void {
    if (this.packed.length) throw new Error('ContentScanner: packed files not scanned yet');
  }

  private async scanChunks(fd: ByteSource, filled: number, filePath: string, result: ContentResult): Promise<ContentResult> {
    const buffer = this.buffer;
    const lines = this.lines;
    let pendingFrom = 0; // candidates starting before this offset were handled in an earlier window
    for (;;) {
      const limit = filled - CONTEXT_BYTES;
      this.scanWindow(buffer.subarray(0, filled), pendingFrom, limit, filePath, result);
      const keepFrom = limit - CONTEXT_BYTES;
      // Where the line that runs on into the bytes kept starts, for the columns of what a later window finds on it.
      const newline = lastBreak(buffer, keepFrom);
      if (newline !== -1) lines.lineStart = lines.base + newline + 1;
      buffer.copy(buffer, 0, keepFrom, filled);
      lines.base += keepFrom;
      filled -= keepFrom;
      pendingFrom = limit - keepFrom;
      if (timeToYield()) await yieldToEventLoop();
      const want = buffer.length - filled;
      const bytesRead = readFrom(fd, buffer, filled, want, null);
      filled += bytesRead;
      result.bytes += bytesRead;
      if (bytesRead < want) {
        this.scanWindow(buffer.subarray(0, filled), pendingFrom, filled, filePath, result);
        settleSecrets(result);
        return result;
      }
    }
  }

  /** Find and judge the candidates that start in [from, limit) of one window of a file. */
  private scanWindow(bytes: Buffer, from: number, limit: number, filePath: string, result: ContentResult): void {
    const found = this.findCandidates(bytes, from, limit);
    if (found.length) judgeCandidates(bytes, found, limit, this.lines, this, filePath, result);
  }

  /** Candidates that start in [from, limit), in order: key ids as offsets, headers as -offset - 1. */
  private findCandidates(bytes: Buffer, from: number, limit: number): number[] {
    const found = this.candidates;
    found.length = 0;
    const longRuns = this.longRuns;
    longRuns.length = 0;
    // Key ids and runs of 27 or more base64 bytes (secret keys, Bedrock keys, encoded values), in one pass.
    this.runs.findRuns(from, limit, bytes.length, found, longRuns);
    const keyIds = found.length;
    for (let h = 0; h < HEADERS.length; h++) {
      const { literal, needle, at } = HEADERS[h]!;
      for (let i = bytes.indexOf(needle, from + at); i !== -1; i = bytes.indexOf(needle, i + 1)) {
        const start = i - at;
        if (start >= limit) break;
        if (bytes.compare(literal, 0, literal.length, start, Math.min(start + literal.length, bytes.length)) === 0)
          found.push(headerCandidate(start));
      }
    }
    for (const at of longRuns) found.push(longRunCandidate(at));
    // `%` is rare in text: a native search for `%2` (a percent-encoded `/`, `+` or `=`) costs little.
    for (let i = bytes.indexOf(PERCENT_2, from); i !== -1 && i < limit; i = bytes.indexOf(PERCENT_2, i + 1))
      found.push(percentCandidate(i));
    // Headers, secrets and long runs are rare: sort only when there are some.
    if (found.length > keyIds) found.sort((a, b) => candidateOffset(a) - candidateOffset(b));
    return found;
  }

  /** UTF-16 code units of [from, to) of the file, read again (the start of a line longer than the buffer holds). */
  utf16UnitsIn(fd: ByteSource, from: number, to: number): number {
    // Keys on one long line share the count of its start: read it once.
    const memo = this.unitsMemo;
    if (memo.fd === fd && memo.from === from && memo.to === to) return memo.units;
    const scratch = (this.recount ??= Buffer.allocUnsafe(CHUNK_BYTES));
    let n = 0;
    for (let at = from; at < to;) {
      const got = readFrom(fd, scratch, 0, Math.min(scratch.length, to - at), at);
      if (got === 0) break;
      n += utf16Units(scratch, 0, got);
      at += got;
    }
    Object.assign(memo, { fd, from, to, units: n });
    return n;
  }

  /** Line breaks in [from, to) of the file, read again (chunks before the one in the buffer). */
  countNewlinesIn(fd: ByteSource, from: number, to: number): number {
    const scratch = (this.recount ??= Buffer.allocUnsafe(CHUNK_BYTES));
    let n = 0;
    for (let at = from; at < to;) {
      // One byte more than counted: whether a `\r` at the end is followed by `\n`.
      const want = Math.min(scratch.length - 1, to - at);
      const got = readFrom(fd, scratch, 0, want + 1, at);
      if (got === 0) break;
      const counted = Math.min(got, want);
      n += countNewlines(scratch.subarray(0, got), 0, counted);
      at += counted;
    }
    return n;
  }
}

/**
 * Packed files are scanned once they take more than this: soon enough that their bytes are
 * still in the processor's cache (measured with bench/files.mjs: 16 to 256 KiB scan alike,
 * 1 MiB about 10% slower), and the buffer still has room for a file of CHUNK_BYTES after them.
 */
const PACK_BYTES = 64 << 10;

interface PackedFile {
  index: number;
  absPath: FsPath;
  keepText: boolean;
  /** Where the file's bytes sit in the buffer. */
  start: number;
  end: number;
  binary: boolean;
}

function candidateOffset(candidate: number): number {
  return candidate < 0 ? (-candidate - 1) >> 2 : candidate;
}

/** The mode of a file found to hold a private key (a packed file is closed by then: by path). */
function modeOf(absPath: FsPath, content: ContentResult): FileRead {
  try {
    return { content, mode: statSync(absPath).mode };
  } catch (error) {
    return { error: errorInfo(error) };
  }
}

/**
 * How far lines are counted in the file being scanned: `lines` newlines before file offset
 * `countedTo`; `base`: the file offset of the buffer's first byte; `lineStart`: the file offset
 * where the line holding the buffer's first byte starts (before `base` when that line is
 * longer than what the buffer kept of it).
 */
interface LineCount {
  fd: ByteSource;
  base: number;
  countedTo: number;
  lines: number;
  lineStart: number;
}

/** The 1-based line of window offset `at`, counting on from where the count stopped. */
function lineAt(bytes: Buffer, at: number, count: LineCount, scanner: ContentScanner | undefined): number {
  let from = count.countedTo - count.base;
  if (from < 0) {
    // The count stopped in a chunk already let go: count the rest of it from the file.
    count.lines += scanner!.countNewlinesIn(count.fd, count.countedTo, count.base);
    from = 0;
  }
  count.lines += countNewlines(bytes, from, at);
  count.countedTo = count.base + at;
  return count.lines + 1;
}

function judgeCandidates(
  bytes: Buffer,
  found: readonly number[],
  limit: number,
  count: LineCount,
  scanner: ContentScanner | undefined,
  filePath: string,
  result: ContentResult,
): void {
  let matchedTo = 0; // a candidate inside an earlier match is part of it (the patterns do not overlap)
  for (const candidate of found) {
    const kind = candidate >= 0 ? KEY_ID : (-candidate - 1) & 3;
    const at = candidateOffset(candidate);
    if (at < matchedTo || at >= limit) continue;
    if (kind === KEY_ID) {
      // One byte before for the pattern's look-behind, one after for its look-ahead.
      const sliceFrom = at > 0 ? at - 1 : 0;
      const text = bytes.toString('latin1', sliceFrom, Math.min(bytes.length, at + KEY_ID_LENGTH + 1));
      KEY_ID_AT.lastIndex = at - sliceFrom;
      const m = KEY_ID_AT.exec(text);
      if (m === null) continue;
      matchedTo = at + KEY_ID_LENGTH;
      const line = lineAt(bytes, at, count, scanner);
      keyIdHit(bytes, m[0], at, line, count, scanner, filePath, result);
    } else if (kind === PERCENT) {
      if (at < matchedTo) continue;
      const span = percentSpan(bytes, at);
      matchedTo = span.end;
      let decoded: string;
      try {
        decoded = decodeURIComponent(bytes.toString('latin1', span.start, span.end));
      } catch {
        continue;
      }
      if (decoded.length !== SECRET_KEY_LENGTH || !isPlausibleSecretKey(decoded)) continue;
      namedSecret(bytes, span.start, count, scanner, filePath, result);
    } else if (kind === LONG_RUN) {
      let classEnd = at;
      while (classEnd < bytes.length && BASE64_BYTE[bytes[classEnd]!]) classEnd++;
      if (classEnd - at === SECRET_KEY_LENGTH && bytes[classEnd] !== EQUALS) {
        // Exactly 40 base64 bytes standing alone: a secret key when random enough and named as one.
        if (isPlausibleSecretKey(bytes.toString('latin1', at, classEnd)) && namedSecret(bytes, at, count, scanner, filePath, result))
          matchedTo = classEnd;
        continue;
      }
      const runEnd = runEndAt(bytes, at);
      const own = lineStart(bytes, at);
      const key =
        runEnd - at >= BEDROCK_KEY_MIN_RUN
          ? describeBedrockKey(
              bytes.toString('latin1', at, Math.min(bytes.length, at + 1200)),
              bytes.toString('latin1', Math.max(own, at - 32), at),
            )
          : undefined;
      if (key === undefined) {
        matchedTo = runEnd;
        decodeBase64Run(bytes, at, runEnd, count, scanner, filePath, result);
        continue;
      }
      const start = key.keyKind === 'short-term' ? at - 'bedrock-api-key-'.length : at;
      const line = lineAt(bytes, start, count, scanner);
      result.bedrockKeys.push({
        ...key,
        line,
        column: columnAt(bytes, start, count, scanner),
        context: classifyLine(bytes.toString('latin1', own, Math.min(lineEnd(bytes, at), own + 512)), filePath),
      });
    } else if (kind === HEADER) {
      // A header never spans lines: the pattern sees the rest of its line, describePrivateKey what follows.
      const eol = lineEnd(bytes, at);
      const text = bytes.toString('latin1', at, Math.min(bytes.length, eol + AFTER_HEADER));
      HEADER_AT.lastIndex = 0;
      const m = HEADER_AT.exec(text);
      if (m === null) continue;
      matchedTo = at + m[0].length;
      const line = lineAt(bytes, at, count, scanner);
      let following = text.slice(m[0].length, m[0].length + AFTER_HEADER);
      // A PEM inside a JSON string (a service-account file): its lines end in the two characters \n.
      if (following.startsWith('\\n')) following = following.replaceAll('\\n', '\n');
      const info = describePrivateKey(m, following.replace(/^[^\r\n]*(?:\r\n|\r|\n)/, ''));
      if (info) result.privateKeys.push({ ...info, line, column: columnAt(bytes, at, count, scanner) });
    }
  }
}

/** The offset of the line break (`\n`, or the `\r` of `\r` or `\r\n`) that ends the line holding `at`, or the window's end. */
function lineEnd(bytes: Buffer, at: number): number {
  let end = bytes.indexOf(NL, at);
  if (end === -1) end = bytes.length;
  const cr = bytes.subarray(at, end).indexOf(CR);
  return cr === -1 ? end : at + cr;
}

/** Where the line after the one that `lineEnd` ended at `end` starts. */
function nextLineStart(bytes: Buffer, end: number): number {
  return bytes[end] === CR && bytes[end + 1] === NL ? end + 2 : end + 1;
}

function lineStart(bytes: Buffer, at: number): number {
  return lastBreak(bytes, at) + 1;
}

/** Where the line before the one starting at `start` (> 0) starts. */
function previousLineStart(bytes: Buffer, start: number): number {
  const breakAt = start >= 2 && bytes[start - 1] === NL && bytes[start - 2] === CR ? start - 2 : start - 1;
  return lineStart(bytes, breakAt);
}

/**
 * 1-based column of window offset `at` in UTF-16 code units of its decoded line. A line that
 * started in a chunk already let go (a key more than a MiB into a minified file or a long
 * log line) is counted from its start in the file, read again: rare, and only then.
 */
function columnAt(bytes: Buffer, at: number, count: LineCount, scanner: ContentScanner | undefined): number {
  const start = lineStart(bytes, at);
  const startsInWindow = start > 0 || bytes[0] === NL || bytes[0] === CR || count.lineStart >= count.base;
  if (startsInWindow) return bytes.toString('utf8', start, at).length + 1;
  return scanner!.utf16UnitsIn(count.fd, count.lineStart, count.base) + utf16Units(bytes, 0, at) + 1;
}

/**
 * UTF-16 code units of UTF-8 bytes, counted per byte so that a range may start or end inside
 * a character: a lead byte counts one unit (two for a 4-byte character, a surrogate pair), a
 * continuation byte none.
 */
function utf16Units(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/** What reading one file gave: its content, its mode when it holds a private key, or why it could not be read. */
export interface FileRead {
  content?: ContentResult;
  mode?: number;
  error?: { code: string; message: string };
}

/** The mode of a file with a private key (one fstat, only for those), then close it. */
function finishFile(fd: number, content: ContentResult): FileRead {
  try {
    return content.privateKeys.length ? { content, mode: fstatSync(fd).mode } : { content };
  } catch (error) {
    return { error: errorInfo(error) };
  } finally {
    closeSync(fd);
  }
}

function errorInfo(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : 'Error', message: error instanceof Error ? error.message : String(error) };
}

/** A secret (in bytes at `at`) counts when the end of its line before it names it as one; then it is recorded. */
function namedSecret(
  bytes: Buffer,
  at: number,
  count: LineCount,
  scanner: ContentScanner | undefined,
  filePath: string,
  result: ContentResult,
): boolean {
  const own = lineStart(bytes, at);
  const from = Math.max(own, at - NAME_BEFORE_BYTES);
  const m = SECRET_NAME_BEFORE.exec(bytes.toString('latin1', from, at));
  if (m === null) return false;
  const nameStart = from + m.index;
  result.secretKeys.push({
    line: lineAt(bytes, nameStart, count, scanner),
    column: columnAt(bytes, nameStart, count, scanner),
    name: m.groups!.name!,
    context: classifyLine(bytes.toString('latin1', own, Math.min(lineEnd(bytes, at), own + 512)), filePath),
  });
  return true;
}

const PERCENT_2 = Buffer.from('%2');
/** Bytes of a base64 value (and its padding), of a percent-encoded token. */
const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_BYTE[c.charCodeAt(0)] = 1;
const TOKEN_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%') TOKEN_BYTE[c.charCodeAt(0)] = 1;

/** Base64 values shorter than this are not decoded (the shortest worth it: a key id, 20 bytes, is 27 characters and a `=`). */
export const BASE64_MIN_RUN = LONG_RUN_MIN;
/** Encoded values longer than this are decoded only up to it (a bound on the work per value). */
const MAX_DECODED_RUN = 64 << 10;
/** Layers of encoding looked through (base64 inside base64 ...). */
const MAX_DECODE_DEPTH = 2;
let decodeDepth = 0;
/** One run finder per decoding layer, reused (making one per value would cost a WebAssembly instance each). */
const decodeFinders: KeyIdRunFinder[] = [];

/** Where the run of base64 bytes starting at `at` ends, with its `=` padding. */
function runEndAt(bytes: Buffer, at: number): number {
  let end = at;
  const cap = Math.min(bytes.length, at + MAX_DECODED_RUN);
  while (end < cap && BASE64_BYTE[bytes[end]!]) end++;
  while (end < cap && end - at < MAX_DECODED_RUN && bytes[end] === EQUALS && (end - at) % 4 !== 0) end++;
  return end;
}

/** The token around a `%2` (letters, digits, percent escapes). */
function percentSpan(bytes: Buffer, at: number): { start: number; end: number } {
  let start = at;
  while (start > 0 && at - start < 256 && TOKEN_BYTE[bytes[start - 1]!]) start--;
  let end = at;
  while (end < bytes.length && end - at < 256 && TOKEN_BYTE[bytes[end]!]) end++;
  return { start, end };
}

/** Does decoded content read as text (so it is worth scanning): printable ASCII, whitespace or UTF-8, no NUL. */
function looksLikeText(bytes: Buffer): boolean {
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) odd++;
  }
  return odd * 50 < bytes.length;
}

/**
 * A base64 value: decoded, and when it reads as text, scanned like a file (one more layer at
 * most); what it holds is reported at the value's line and column in the file. A value that is
 * itself a secret key is one when the name before it says so (a Kubernetes Secret's data).
 */
function decodeBase64Run(
  bytes: Buffer,
  at: number,
  end: number,
  count: LineCount,
  scanner: ContentScanner | undefined,
  filePath: string,
  result: ContentResult,
): void {
  if (decodeDepth >= MAX_DECODE_DEPTH || (end - at) % 4 === 1) return;
  const decoded = Buffer.from(bytes.toString('latin1', at, end), 'base64');
  if (decoded.length < ACCESS_KEY_ID_LENGTH || !looksLikeText(decoded)) return;
  const text = decoded.toString('latin1').trim();
  if (text.length === SECRET_KEY_LENGTH && isPlausibleSecretKey(text)) {
    namedSecret(bytes, at, count, scanner, filePath, result);
    return;
  }
  const inner = scanDecoded(decoded, filePath);
  result.placeholders += inner.placeholders;
  if (!inner.keyIds.length && !inner.privateKeys.length && !inner.bedrockKeys.length && !inner.secretKeys.length) return;
  const line = lineAt(bytes, at, count, scanner);
  const column = columnAt(bytes, at, count, scanner);
  const own = lineStart(bytes, at);
  const context = classifyLine(bytes.toString('latin1', own, Math.min(lineEnd(bytes, at), own + 512)), filePath);
  for (const k of inner.keyIds)
    result.keyIds.push({ ...k, line, column, context, encoding: 'base64', secret: k.secret && { line, context } });
  for (const k of inner.privateKeys) result.privateKeys.push({ ...k, line, column });
  for (const k of inner.bedrockKeys) result.bedrockKeys.push({ ...k, line, column, context });
  for (const k of inner.secretKeys) result.secretKeys.push({ ...k, line, column, context });
}

/**
 * A text file with a few stray NUL bytes (a log written by a crashed process, a file padded
 * with NULs): at most 1 in 100 of its first bytes is a NUL, and as few are other control bytes
 * (binary formats have many of both). It is scanned as text.
 */
function strayNuls(bytes: Buffer, start: number, end: number): boolean {
  const to = Math.min(end, start + SNIFF_BYTES);
  if (to - start < 64) return false;
  // The counts only grow: stop at the first byte that takes either past its share. A binary file
  // (most files that get here) has a control byte in ten, so this reads some 800 bytes of it, not
  // all SNIFF_BYTES (measured with bench/files.mjs: the whole read was a quarter of the scan's CPU time).
  const allowed = Math.floor((to - start) / 100);
  let nuls = 0;
  let control = 0;
  for (let i = start; i < to; i++) {
    const b = bytes[i]!;
    if (b >= 0x20) continue;
    if (b === 0) {
      if (++nuls > allowed) return false;
    } else if ((b < 0x09 || b > 0x0d) && b !== 0x1b && ++control > allowed) return false;
  }
  return true;
}

/** A file in UTF-16 (with or without a byte order mark), decoded and scanned as text: lines and columns are the same. */
function scanWideText(bytes: Buffer, wide: WideEncoding, name: string): ContentResult | undefined {
  if (wide !== 'UTF-16LE' && wide !== 'UTF-16BE') return undefined;
  const text = new TextDecoder(wide === 'UTF-16LE' ? 'utf-16le' : 'utf-16be').decode(bytes);
  const result = scanDecoded(Buffer.from(text.startsWith('\uFEFF') ? text.slice(1) : text, 'utf8'), name);
  return { ...result, bytes: bytes.length, decodedFrom: wide };
}

/** Scan decoded bytes (a layer down) with the finder of that layer. */
function scanDecoded(decoded: Buffer, name: string): ContentResult {
  let finder = decodeFinders[decodeDepth];
  if (!finder || finder.bytes.length < decoded.length)
    finder = decodeFinders[decodeDepth] = new KeyIdRunFinder(Math.max(decoded.length, 64 << 10));
  decodeDepth++;
  try {
    return scanWith(finder, decoded, name);
  } finally {
    decodeDepth--;
  }
}

/**
 * The same detection over a string held in memory (a Lambda environment value, decoded EC2
 * user data): key ids with or without a secret next to them, and private keys. `name` is used
 * like a file name to tell the context (".env", "credentials", ...).
 */
export function scanText(text: string, name = ''): ContentResult {
  const bytes = Buffer.from(text, 'utf8');
  return scanWith(new KeyIdRunFinder(bytes.length), bytes, name);
}

/** Scan bytes in memory with a run finder whose buffer holds them. */
function scanWith(runs: KeyIdRunFinder, bytes: Buffer, name: string): ContentResult {
  const result: ContentResult = {
    binary: false,
    bytes: bytes.length,
    keyIds: [],
    placeholders: 0,
    privateKeys: [],
    secretKeys: [],
    bedrockKeys: [],
  };
  const found: number[] = [];
  const longRuns: number[] = [];
  bytes.copy(runs.bytes);
  const view = runs.bytes.subarray(0, bytes.length);
  runs.findRuns(0, bytes.length, bytes.length, found, longRuns);
  for (const { literal } of HEADERS) {
    for (let i = view.indexOf(literal); i !== -1; i = view.indexOf(literal, i + 1)) found.push(headerCandidate(i));
  }
  for (const at of longRuns) found.push(longRunCandidate(at));
  for (let i = view.indexOf(PERCENT_2); i !== -1; i = view.indexOf(PERCENT_2, i + 1)) found.push(percentCandidate(i));
  found.sort((a, b) => candidateOffset(a) - candidateOffset(b));
  judgeCandidates(view, found, bytes.length, { fd: -1, base: 0, countedTo: 0, lines: 0, lineStart: 0 }, undefined, name, result);
  settleSecrets(result);
  return result;
}

/** A key id at window offset `at`: a finding unless a placeholder, with the secret next to it if there is one. */
function keyIdHit(
  bytes: Buffer,
  keyId: string,
  at: number,
  line: number,
  count: LineCount,
  scanner: ContentScanner | undefined,
  filePath: string,
  result: ContentResult,
): void {
  if (isPlaceholderKeyId(keyId)) {
    result.placeholders++;
    return;
  }
  // Decode only the lines looked at: the key's own, LINES_BEFORE before it and LINES_AFTER after it (within the window).
  const own = lineStart(bytes, at);
  let from = own;
  for (let i = 1; i <= LINES_BEFORE && from > 0; i++) from = previousLineStart(bytes, from);
  let to = lineEnd(bytes, at);
  for (let i = 1; i <= LINES_AFTER && to < bytes.length; i++) to = lineEnd(bytes, nextLineStart(bytes, to));
  const text = bytes.toString('latin1', from, to);
  const lineStartInText = own - from;
  const lines = surroundingLines(text, lineStartInText, line);
  const ownLine = lines.find((l) => l.line === line)!;
  let secret: KeyIdHit['secret'] = null;
  // Nearest first: the rest of the key's own line, then the lines after it, then before it.
  const order = [...lines.filter((l) => l.line >= line), ...lines.filter((l) => l.line < line).reverse()];
  for (const l of order) {
    const after = l.line === line ? at - own + keyId.length : 0;
    if (hasSecret(l.text, after)) {
      secret = { line: l.line, context: classifyLine(l.text, filePath) };
      break;
    }
  }
  result.keyIds.push({ keyId, line, column: columnAt(bytes, at, count, scanner), context: classifyLine(ownLine.text, filePath), secret });
}

/**
 * Reads are synchronous: most files are small and in the page cache, where handing each
 * open/read/close to libuv's thread pool costs several times the read itself (measured: a
 * plain synchronous read of the benchmark tree takes about half the wall time and a quarter
 * of the CPU of the same read through the pool). The event loop is given back every
 * YIELD_MS so that work running beside the scan (an account's collection) is not starved.
 */
const YIELD_MS = 20;
let lastYield = performance.now();

function timeToYield(): boolean {
  return performance.now() - lastYield > YIELD_MS;
}

async function yieldToEventLoop(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

function hasSecret(lineText: string, from: number): boolean {
  SECRET.lastIndex = from;
  for (let m = SECRET.exec(lineText); m !== null; m = SECRET.exec(lineText)) {
    if (isPlausibleSecretKey(m[0])) return true;
  }
  return false;
}

/** The key's line and its neighbours within the window, as text with line numbers (`text` starts and ends at line boundaries). */
function surroundingLines(text: string, lineStart: number, line: number): Array<{ line: number; text: string }> {
  const first = line - (splitLines(text.slice(0, lineStart)).length - 1);
  return splitLines(text).map((t, i) => ({ line: first + i, text: t }));
}
