import { FileProblem, MAX_DECOMPRESSED_BYTES, type BatchLayout, type PlaceUnit } from './records.js';

/**
 * Separator between records in a batch without a layout (LookupEvents pages): an ASCII record
 * separator (RFC 7464) cannot occur in JSON text outside a string, and inside a string it must
 * be escaped.
 */
export const RECORD_SEPARATOR = 0x1e;

/** A batch of items for a worker to parse: their bytes, one after the other, and where each ends. */
export interface SplitBatch {
  bytes: Buffer;
  layout: BatchLayout;
}

/** An item the splitter itself could not keep (larger than an item may be). */
export interface SkippedItem {
  unit: PlaceUnit;
  n: number;
  reason: string;
}

const SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
/** A key longer than this at the top level cannot be "Records" (even written with escapes). */
const MAX_KEY_BYTES = 64;

type Phase = 'start' | 'value' | 'after' | 'lines' | 'done';
type ItemKind = 'nested' | 'string' | 'scalar';

/**
 * Splits the bytes of a CloudTrail log into items without parsing them, so that a file of any
 * size is read with bounded memory (one item plus one batch) and parsed in the workers. The
 * same splitter reads every file that is not one clean JSON document, whole or streamed, so
 * both paths read the same items and name the same problems for the same bytes:
 *
 * - `[ … ]`: every value of the array is an item (a value that is not a record object is
 *   counted as unreadable, never skipped unseen);
 * - `{ … "Records": [ … ] … }`: every value of the Records array is an item, the rest of the
 *   object is ignored; an object without a Records array is one item (a single record);
 * - JSON lines: when the first object ends on the first line and more follows, every non-empty
 *   line is an item, numbered by its line: a line that is not JSON costs that line only;
 * - anything after the end of the JSON document (other than JSON lines) is `TrailingData`; an
 *   end inside a record is `TruncatedFile`, after the records before it.
 *
 * It tracks only nesting, strings and top-level keys. Written by hand because it must hand
 * raw bytes to the workers (which parse them); a streaming JSON parser would parse every token
 * on the main thread, which is the cost this avoids. Problems are data (`problem`), never
 * thrown: the batches made before a problem are still returned and read.
 */
export class ItemSplitter {
  /** Items emitted so far (for messages). */
  count = 0;
  /** The first structural problem met; reading stops there. */
  problem: FileProblem | undefined;
  /** Items too large to keep, since the last `takeSkipped()`. */
  private skipped: SkippedItem[] = [];

  private phase: Phase = 'start';
  /** Bytes seen before this chunk (for offsets in messages). */
  private offset = 0;
  /** Newlines seen before the current position (line numbers). */
  private newlines = 0;
  private bomChecked = false;
  private pendingHead: Buffer | undefined;

  // The top-level value.
  private topKind: 'array' | 'object' = 'array';
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth at which items sit (1: a top-level array's values; 2: the Records array's values); -1: none (yet). */
  private itemDepth = -1;
  private inRecords = false;
  private recordsDone = false;
  /** The whole top-level object is kept as an item until a Records array shows it is a container. */
  private topRecording = false;
  private topHasNewline = false;
  private topLine = 0;
  // Top-level keys (object mode, depth 1).
  private expectKey = false;
  private keyBytes: number[] | undefined;
  private lastKey: string | undefined;
  private afterColon = false;

  // The item being read.
  private itemKind: ItemKind | undefined;
  /** Where the current item's bytes start in this chunk (-1: none, or it began in an earlier chunk). */
  private itemStart = -1;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private tooLarge = false;

  // After the top-level value.
  private pendingObject: Buffer | undefined;
  private pendingTooLarge = false;
  private sawNewline = false;

  // JSON lines.
  private lineNumber = 0;

  // The batch being filled.
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private ends: number[] = [];
  private numbers: number[] = [];
  private unit: PlaceUnit = 'record';

  constructor(
    private readonly targetBatchBytes = 4 * 1024 * 1024,
    private readonly maxItemBytes = MAX_DECOMPRESSED_BYTES,
  ) {}

  /** Feed the next bytes; returns the batches that are full. */
  push(chunk: Buffer): SplitBatch[] {
    const out: SplitBatch[] = [];
    if (!this.bomChecked) {
      // The byte order mark may arrive split over chunks: wait for three bytes.
      const head = this.pendingHead ? Buffer.concat([this.pendingHead, chunk]) : chunk;
      if (head.length < 3) {
        this.pendingHead = Buffer.from(head);
        return out;
      }
      this.pendingHead = undefined;
      this.bomChecked = true;
      chunk = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
      if (chunk !== head) this.offset += 3;
    }
    this.scan(chunk, out);
    this.offset += chunk.length;
    return out;
  }

  /** End of input: the last, partial batch; sets `problem` when the input ends where it should not. */
  end(): SplitBatch[] {
    const out: SplitBatch[] = [];
    if (this.pendingHead) {
      const head = this.pendingHead;
      this.pendingHead = undefined;
      this.bomChecked = true;
      this.scan(head, out);
      this.offset += head.length;
    }
    if (!this.problem) {
      switch (this.phase) {
        case 'start':
          this.problem = new FileProblem('NotCloudTrail', 'empty file');
          break;
        case 'value':
          this.problem = this.cutProblem();
          break;
        case 'after':
          // One object alone: a single record (or not: the parser says).
          if (this.pendingObject || this.pendingTooLarge) this.emitPending('record', 1, out);
          break;
        case 'lines':
          this.endLine(true, out);
          break;
        case 'done':
          break;
      }
    }
    this.flushInto(out);
    return out;
  }

  /** After a read error: the complete items not yet sent (the item being read is dropped). */
  salvage(): SplitBatch[] {
    const out: SplitBatch[] = [];
    this.flushInto(out);
    return out;
  }

  /** Items too large to be read, found since the last call (each one is counted as unreadable). */
  takeSkipped(): SkippedItem[] {
    const out = this.skipped;
    this.skipped = [];
    return out;
  }

  private cutProblem(): FileProblem {
    if (this.itemKind !== undefined && this.itemDepth > 0) {
      return new FileProblem(
        'TruncatedFile',
        `the file ends inside record ${this.count + 1} (truncated); ${this.count} record(s) before it were read`,
      );
    }
    if (this.topRecording) return new FileProblem('TruncatedFile', 'the file ends inside its JSON object (truncated)');
    return new FileProblem('TruncatedFile', `the file ends before its closing bracket (truncated); ${this.count} record(s) were read`);
  }

  private scan(chunk: Buffer, out: SplitBatch[]): void {
    let i = 0;
    while (i < chunk.length && !this.problem) {
      switch (this.phase) {
        case 'start':
          i = this.scanStart(chunk, i);
          break;
        case 'value':
          i = this.scanValue(chunk, i, out);
          break;
        case 'after':
          i = this.scanAfter(chunk, i, out);
          break;
        case 'lines':
          i = this.scanLines(chunk, i, out);
          break;
        case 'done':
          return;
      }
    }
  }

  /** Whitespace before the document, then its first byte says what it is. */
  private scanStart(chunk: Buffer, i: number): number {
    while (i < chunk.length && SPACE.has(chunk[i]!)) {
      if (chunk[i] === NEWLINE) this.newlines++;
      i++;
    }
    if (i === chunk.length) return i;
    const b = chunk[i]!;
    if (b === 0x5b) {
      this.topKind = 'array';
      this.itemDepth = 1;
    } else if (b === 0x7b) {
      this.topKind = 'object';
      this.topRecording = true;
      this.topLine = this.newlines + 1;
      this.itemKind = 'nested';
      this.expectKey = true;
    } else {
      this.problem = new FileProblem('InvalidFile', 'not JSON (and not gzip)');
      return chunk.length;
    }
    this.phase = 'value';
    this.depth = 1;
    if (this.topRecording) this.itemStart = i;
    return i + 1;
  }

  private get itemsHere(): boolean {
    return this.itemDepth > 0 && (this.topKind === 'array' || this.inRecords);
  }

  /** Inside the top-level value: nesting, strings, top-level keys, and the items. */
  private scanValue(chunk: Buffer, i: number, out: SplitBatch[]): number {
    for (; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === BACKSLASH) this.escape = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.keyBytes) this.endKey();
          else if (this.itemKind === 'string' && this.depth === this.itemDepth) this.endItem(chunk, i + 1, out);
          continue;
        } else if (b === NEWLINE) this.noteNewline();
        if (this.keyBytes && this.keyBytes.length <= MAX_KEY_BYTES) this.keyBytes.push(b);
        continue;
      }
      if (this.itemKind === 'scalar') {
        if (!SPACE.has(b) && b !== 0x2c && b !== 0x5d && b !== 0x7d) continue;
        this.endItem(chunk, i, out);
      }
      switch (b) {
        case QUOTE:
          this.inString = true;
          if (this.depth === this.itemDepth && this.itemsHere && this.itemKind === undefined) this.beginItem('string', i);
          else if (this.topKind === 'object' && this.depth === 1 && this.expectKey) {
            this.expectKey = false;
            this.keyBytes = [];
          } else if (this.depth === 1) this.afterColon = false;
          break;
        case 0x7b:
        case 0x5b:
          if (this.depth === this.itemDepth && this.itemsHere && this.itemKind === undefined) this.beginItem('nested', i);
          if (this.topKind === 'object' && this.depth === 1 && this.afterColon) {
            this.afterColon = false;
            if (b === 0x5b && this.lastKey === 'Records' && !this.inRecords && !this.recordsDone) this.enterRecords();
          }
          this.depth++;
          break;
        case 0x7d:
        case 0x5d:
          this.depth--;
          if (this.depth < 0) {
            this.problem = new FileProblem('InvalidFile', `unbalanced brackets at byte ${this.offset + i}: not JSON`);
            return chunk.length;
          }
          if (this.itemKind === 'nested' && !this.topRecording && this.depth === this.itemDepth) this.endItem(chunk, i + 1, out);
          if (this.inRecords && this.depth === 1) {
            this.inRecords = false;
            this.recordsDone = true;
            this.itemDepth = -1;
          }
          if (this.depth === 0) {
            if (this.topRecording) this.endTopObject(chunk, i + 1);
            this.phase = 'after';
            return i + 1;
          }
          break;
        case 0x2c:
          if (this.topKind === 'object' && this.depth === 1) {
            this.expectKey = true;
            this.afterColon = false;
          }
          break;
        case 0x3a:
          if (this.topKind === 'object' && this.depth === 1) this.afterColon = true;
          break;
        case NEWLINE:
          this.noteNewline();
          break;
        case 0x20:
        case 0x0d:
        case 0x09:
          break;
        default:
          if (this.depth === this.itemDepth && this.itemsHere && this.itemKind === undefined) this.beginItem('scalar', i);
          if (this.depth === 1) this.afterColon = false;
          break;
      }
    }
    this.keepCarry(chunk);
    return i;
  }

  private noteNewline(): void {
    this.newlines++;
    if (this.topRecording) this.topHasNewline = true;
  }

  private endKey(): void {
    const raw = Buffer.from(this.keyBytes!);
    this.keyBytes = undefined;
    this.lastKey = undefined;
    if (raw.length > MAX_KEY_BYTES) return;
    try {
      this.lastKey = JSON.parse(`"${raw.toString('utf8')}"`) as string;
    } catch {
      // not a valid key: not "Records"
    }
  }

  /** The Records array begins: the object is a container; its values are the items. */
  private enterRecords(): void {
    this.topRecording = false;
    this.itemKind = undefined;
    this.itemStart = -1;
    this.carry = [];
    this.carryBytes = 0;
    this.tooLarge = false;
    this.inRecords = true;
    this.itemDepth = 2;
  }

  private beginItem(kind: ItemKind, at: number): void {
    this.itemKind = kind;
    this.itemStart = at;
  }

  /** The current item ends before `end` in this chunk. */
  private endItem(chunk: Buffer, end: number, out: SplitBatch[]): void {
    const bytes = this.takeItemBytes(chunk, end);
    this.itemKind = undefined;
    this.count++;
    if (bytes) this.add('record', this.count, bytes, out);
    else this.skip('record', this.count);
  }

  /** The item's bytes (carried over from earlier chunks plus this one's), or undefined when too large. */
  private takeItemBytes(chunk: Buffer, end: number): Buffer | undefined {
    const start = this.itemStart < 0 ? 0 : this.itemStart;
    this.itemStart = -1;
    const tooLarge = this.tooLarge || this.carryBytes + (end - start) > this.maxItemBytes;
    const part = chunk.subarray(start, end);
    const bytes = tooLarge ? undefined : this.carry.length ? Buffer.concat([...this.carry, part]) : Buffer.from(part);
    this.carry = [];
    this.carryBytes = 0;
    this.tooLarge = false;
    return bytes;
  }

  /** An item continues into the next chunk: keep a copy of its bytes so far (the caller may reuse its buffer). */
  private keepCarry(chunk: Buffer): void {
    if (this.itemKind === undefined && !this.topRecording) return;
    const start = this.itemStart < 0 ? 0 : this.itemStart;
    this.itemStart = -1;
    if (this.tooLarge) return;
    this.carryBytes += chunk.length - start;
    if (this.carryBytes > this.maxItemBytes) {
      this.tooLarge = true;
      this.carry = [];
      return;
    }
    this.carry.push(Buffer.from(chunk.subarray(start)));
  }

  /** The top-level object ended without a Records array: it is one item, a record alone or the first of JSON lines. */
  private endTopObject(chunk: Buffer, end: number): void {
    this.topRecording = false;
    this.itemKind = undefined;
    const bytes = this.takeItemBytes(chunk, end);
    this.pendingObject = bytes;
    this.pendingTooLarge = bytes === undefined;
    this.sawNewline = false;
  }

  private emitPending(unit: PlaceUnit, n: number, out: SplitBatch[]): void {
    const bytes = this.pendingObject;
    this.pendingObject = undefined;
    this.pendingTooLarge = false;
    this.count++;
    if (bytes) this.add(unit, n, bytes, out);
    else this.skip(unit, n);
  }

  /**
   * After the top-level value: whitespace only, or (when it was an object on the first line and
   * a newline follows) the next lines of a JSON-lines file; anything else is trailing data.
   */
  private scanAfter(chunk: Buffer, i: number, out: SplitBatch[]): number {
    for (; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) {
        this.newlines++;
        this.sawNewline = true;
        continue;
      }
      if (SPACE.has(b)) continue;
      const single = this.pendingObject !== undefined || this.pendingTooLarge;
      if (single && !this.topHasNewline && this.sawNewline) {
        this.emitPending('line', this.topLine, out);
        this.phase = 'lines';
        this.lineNumber = this.newlines + 1;
        return i;
      }
      this.problem = new FileProblem(
        'TrailingData',
        `unexpected content after the end of the JSON document (at byte ${this.offset + i}): it was not read`,
      );
      // The document itself was complete: a lone object is still read.
      if (single) this.emitPending('record', 1, out);
      this.phase = 'done';
      return chunk.length;
    }
    return i;
  }

  /** JSON lines: every line is an item of its own, numbered by its line. */
  private scanLines(chunk: Buffer, i: number, out: SplitBatch[]): number {
    while (i < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, i);
      if (nl < 0) {
        this.keepLine(chunk.subarray(i));
        return chunk.length;
      }
      this.keepLine(chunk.subarray(i, nl));
      this.endLine(false, out);
      this.lineNumber++;
      i = nl + 1;
    }
    return i;
  }

  private keepLine(part: Buffer): void {
    if (this.tooLarge || part.length === 0) return;
    this.carryBytes += part.length;
    if (this.carryBytes > this.maxItemBytes) {
      this.tooLarge = true;
      this.carry = [];
      return;
    }
    this.carry.push(Buffer.from(part));
  }

  /** A line is complete (or the input ended, `last`): it is an item unless it is blank. */
  private endLine(last: boolean, out: SplitBatch[]): void {
    const tooLarge = this.tooLarge;
    const line = tooLarge ? undefined : this.carry.length === 1 ? this.carry[0]! : Buffer.concat(this.carry);
    this.carry = [];
    this.carryBytes = 0;
    this.tooLarge = false;
    if (tooLarge) {
      this.count++;
      this.skip('line', this.lineNumber);
      return;
    }
    let start = 0;
    let end = line!.length;
    while (start < end && SPACE.has(line![start]!)) start++;
    while (end > start && SPACE.has(line![end - 1]!)) end--;
    if (start === end) return;
    this.count++;
    this.add('line', this.lineNumber, line!.subarray(start, end), out, last);
  }

  /** The file's last line had no newline after it (set once it is in the batch). */
  private lastCut = false;

  private skip(unit: PlaceUnit, n: number): void {
    this.skipped.push({ unit, n, reason: `larger than ${Math.round(this.maxItemBytes / (1024 * 1024))} MB: not read` });
  }

  private add(unit: PlaceUnit, n: number, bytes: Buffer, out: SplitBatch[], cut = false): void {
    if (this.ends.length && unit !== this.unit) this.flushInto(out);
    if (cut) this.lastCut = true;
    this.unit = unit;
    this.batch.push(bytes);
    this.batchBytes += bytes.length;
    this.ends.push(this.batchBytes);
    this.numbers.push(n);
    if (this.batchBytes >= this.targetBatchBytes) this.flushInto(out);
  }

  /** Hand over the batch being filled. `lastCut` is set only once the last item is in it. */
  private flushInto(out: SplitBatch[]): void {
    if (this.ends.length === 0) return;
    const layout: BatchLayout = { ends: Uint32Array.from(this.ends), numbers: Uint32Array.from(this.numbers), unit: this.unit };
    if (this.lastCut) layout.lastCut = true;
    out.push({ bytes: this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch), layout });
    this.batch = [];
    this.batchBytes = 0;
    this.ends = [];
    this.numbers = [];
  }
}
