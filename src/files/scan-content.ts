import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ACCESS_KEY_ID_SOURCE, isPlaceholderKeyId } from './access-key-id.js';
import { PRIVATE_KEY_HEADER_SOURCE, describePrivateKey, type PrivateKeyInfo } from './private-key.js';
import { SECRET_KEY_SOURCE, isPlausibleSecretKey } from './secret-key.js';
import { classifyLine, type TextContext } from './text-context.js';

/** A key id found in a file. `keyId` lives in memory only: it is never written to a snapshot or report. */
export interface KeyIdHit {
  keyId: string;
  line: number;
  column: number;
  context: TextContext;
  /** Where the 40-character secret next to it sits, if there is one (the secret itself is not kept). */
  secret: { line: number; context: TextContext } | null;
}

export interface PrivateKeyHit extends PrivateKeyInfo {
  line: number;
  column: number;
}

export interface ContentResult {
  binary: boolean;
  bytes: number;
  keyIds: KeyIdHit[];
  /** Documented example keys and placeholders that were seen and deliberately not reported. */
  placeholders: number;
  privateKeys: PrivateKeyHit[];
  /** The whole text, when asked for and the file fits in one piece. */
  text?: string;
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

// One precompiled pattern finds every candidate; nothing else runs on text without one.
// Group `keyId` is a key id; the other named groups belong to the private key header.
const CANDIDATES = new RegExp(`(?<keyId>${ACCESS_KEY_ID_SOURCE})|${PRIVATE_KEY_HEADER_SOURCE}`, 'g');
const SECRET = new RegExp(SECRET_KEY_SOURCE, 'g');
const NL = 10;

function countNewlines(buffer: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buffer.indexOf(NL, from); i !== -1 && i < to; i = buffer.indexOf(NL, i + 1)) n++;
  return n;
}

/**
 * Scans files for key ids and private keys with bounded memory: the scanner owns one buffer
 * (reused for every file), large files are read chunk by chunk, and text is split into lines
 * only around a candidate. Text is matched as latin1 (one char per byte), so offsets are byte
 * offsets; columns are counted in UTF-16 code units of the decoded line, as SARIF expects.
 */
export class ContentScanner {
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES + 2 * CONTEXT_BYTES);

  /** Scan an open file descriptor (read from its current position to its end); `keepText` returns the text of a file that fits in one piece. */
  async scan(fd: number, filePath: string, keepText = false): Promise<ContentResult> {
    const buffer = this.buffer;
    const result: ContentResult = { binary: false, bytes: 0, keyIds: [], placeholders: 0, privateKeys: [] };
    let filled = 0; // bytes of the window in the buffer
    let pendingFrom = 0; // candidates starting before this offset were handled in an earlier window
    let linesBefore = 0; // newlines before the window's first byte
    let first = true;
    for (;;) {
      const want = buffer.length - filled;
      const bytesRead = readSync(fd, buffer, filled, want, null);
      filled += bytesRead;
      result.bytes += bytesRead;
      // A regular file returns fewer bytes than asked only at its end.
      const eof = bytesRead < want;
      if (first) {
        first = false;
        if (buffer.subarray(0, Math.min(filled, SNIFF_BYTES)).includes(0)) {
          result.binary = true;
          return result;
        }
      }
      const limit = eof ? filled : filled - CONTEXT_BYTES;
      scanWindow(buffer.subarray(0, filled), pendingFrom, limit, linesBefore, filePath, result);
      if (eof) {
        if (keepText && linesBefore === 0 && pendingFrom === 0) result.text = buffer.toString('utf8', 0, filled);
        return result;
      }
      const keepFrom = Math.max(0, limit - CONTEXT_BYTES);
      linesBefore += countNewlines(buffer, 0, keepFrom);
      buffer.copy(buffer, 0, keepFrom, filled);
      filled -= keepFrom;
      pendingFrom = limit - keepFrom;
      if (timeToYield()) await yieldToEventLoop();
    }
  }
}

/** What reading one file gave: its content, its mode when it holds a private key, or why it could not be read. */
export interface FileRead {
  content?: ContentResult;
  mode?: number;
  error?: { code: string; message: string };
}

/** Open, scan and close one file (synchronously, see below; in a worker thread or in the main one). */
export async function scanFile(scanner: ContentScanner, absPath: string, keepText: boolean): Promise<FileRead> {
  let fd: number;
  try {
    fd = openSync(absPath, 'r');
  } catch (error) {
    return { error: errorInfo(error) };
  }
  try {
    const content = await scanner.scan(fd, absPath, keepText);
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

/**
 * Find the candidates that start in [from, limit) of one window of bytes (offsets are byte
 * offsets; `linesBefore` newlines precede the window in the file).
 */
function scanWindow(bytes: Buffer, from: number, limit: number, linesBefore: number, filePath: string, result: ContentResult): void {
  const text = bytes.toString('latin1');
  CANDIDATES.lastIndex = from;
  let countedTo = 0;
  let countedLines = linesBefore;
  for (let m = CANDIDATES.exec(text); m !== null && m.index < limit; m = CANDIDATES.exec(text)) {
    countedLines += countNewlines(bytes, countedTo, m.index);
    countedTo = m.index;
    const line = countedLines + 1;
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    const column = bytes.toString('utf8', lineStart, m.index).length + 1;
    const keyId = m.groups?.keyId;
    if (keyId !== undefined) keyIdHit(keyId, text, m.index, lineStart, line, column, filePath, result);
    else privateKeyHit(m, text, line, column, result);
  }
}

/**
 * The same detection over a string held in memory (a Lambda environment value, decoded EC2
 * user data): key ids with or without a secret next to them, and private keys. `name` is used
 * like a file name to tell the context (".env", "credentials", ...).
 */
export function scanText(text: string, name = ''): ContentResult {
  const bytes = Buffer.from(text, 'utf8');
  const result: ContentResult = { binary: false, bytes: bytes.length, keyIds: [], placeholders: 0, privateKeys: [] };
  scanWindow(bytes, 0, bytes.length, 0, name, result);
  return result;
}

function keyIdHit(keyId: string, text: string, index: number, lineStart: number, line: number, column: number, filePath: string, result: ContentResult): void {
  if (isPlaceholderKeyId(keyId)) {
    result.placeholders++;
    return;
  }
  const lines = surroundingLines(text, lineStart, line);
  const own = lines.find((l) => l.line === line)!;
  let secret: KeyIdHit['secret'] = null;
  // Nearest first: the rest of the key's own line, then the lines after it, then before it.
  const order = [...lines.filter((l) => l.line >= line), ...lines.filter((l) => l.line < line).reverse()];
  for (const l of order) {
    const from = l.line === line ? index - lineStart + keyId.length : 0;
    if (hasSecret(l.text, from)) {
      secret = { line: l.line, context: classifyLine(l.text, filePath) };
      break;
    }
  }
  result.keyIds.push({ keyId, line, column, context: classifyLine(own.text, filePath), secret });
}

function privateKeyHit(m: RegExpExecArray, text: string, line: number, column: number, result: ContentResult): void {
  const after = m.index + m[0].length;
  const info = describePrivateKey(m, text.slice(after, after + 1024).replace(/^[^\n]*\n/, ''));
  if (info) result.privateKeys.push({ ...info, line, column });
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

export function timeToYield(): boolean {
  return performance.now() - lastYield > YIELD_MS;
}

export async function yieldToEventLoop(): Promise<void> {
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

/** The key's line and its neighbours within the window, as text with line numbers. */
function surroundingLines(text: string, lineStart: number, line: number): Array<{ line: number; text: string }> {
  const lineEnd = (from: number) => {
    const end = text.indexOf('\n', from);
    return end === -1 ? text.length : end;
  };
  const out = [{ line, text: text.slice(lineStart, lineEnd(lineStart)) }];
  let start = lineStart;
  for (let i = 1; i <= LINES_BEFORE && start > 0; i++) {
    const prevEnd = start - 1; // the newline that ends the previous line
    const prevStart = prevEnd === 0 ? 0 : text.lastIndexOf('\n', prevEnd - 1) + 1;
    out.unshift({ line: line - i, text: text.slice(prevStart, prevEnd) });
    start = prevStart;
  }
  let end = lineEnd(lineStart);
  for (let i = 1; i <= LINES_AFTER && end < text.length; i++) {
    const next = lineEnd(end + 1);
    out.push({ line: line + i, text: text.slice(end + 1, next) });
    end = next;
  }
  return out;
}
