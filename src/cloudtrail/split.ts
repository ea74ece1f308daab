import { FileProblem } from './records.js';

/**
 * Separator between records in a batch sent to a worker. An ASCII record separator (RFC 7464)
 * cannot occur in JSON text outside a string, and inside a string it must be escaped, so it
 * never collides with a record's own bytes (which may contain newlines when pretty-printed).
 */
export const RECORD_SEPARATOR = 0x1e;

const SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const RECORDS_HEAD = /^\uFEFF?\s*\{\s*"Records"\s*:\s*\[/;
const HEAD_BYTES = 256;

/**
 * Splits a stream of JSON bytes into record texts without parsing them, for files too large
 * to parse in one piece: `{"Records":[…]}` (records at depth 2), a JSON array (depth 1) or one
 * object per line (depth 0). It tracks only nesting and strings, so its memory is one record
 * plus one batch. Written by hand because it must hand raw bytes to workers (which parse them);
 * a streaming JSON parser would parse every token on the main thread, which is the cost this
 * avoids.
 */
export class RecordSplitter {
  private head: Buffer[] = [];
  private headLength = 0;
  private recordDepth = -1;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Bytes of the record being read that arrived in earlier chunks. */
  private carry: Buffer[] = [];
  private recording = false;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private batchCount = 0;
  /** Records emitted so far (for messages). */
  count = 0;

  constructor(private readonly targetBatchBytes = 4 * 1024 * 1024) {}

  /** Feed the next bytes; returns the batches that are full (records separated by RECORD_SEPARATOR). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (this.recordDepth < 0) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < HEAD_BYTES) return out;
      const all = Buffer.concat(this.head);
      this.head = [];
      this.detect(all);
      this.scan(all, out);
      return out;
    }
    this.scan(chunk, out);
    return out;
  }

  /** End of input: the last, partial batch. Throws FileProblem when the input was cut inside a record. */
  end(): Buffer[] {
    const out: Buffer[] = [];
    if (this.recordDepth < 0) {
      const all = Buffer.concat(this.head);
      this.head = [];
      this.detect(all);
      this.scan(all, out);
    }
    // Complete records stay in the batch for salvage() when the input was cut.
    if (this.recording || this.inString) {
      throw new FileProblem('TruncatedFile', `the file ends inside a record (truncated); ${this.count} record(s) before it were read`);
    }
    if (this.batchCount) out.push(this.flush());
    return out;
  }

  /** After a read error: the complete records not yet sent (the record being read is dropped). */
  salvage(): Buffer[] {
    return this.batchCount ? [this.flush()] : [];
  }

  private detect(head: Buffer): void {
    let i = 0;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
    while (i < head.length && SPACE.has(head[i]!)) i++;
    if (i === head.length) throw new FileProblem('NotCloudTrail', 'empty file');
    const first = head[i];
    if (first === 0x5b) this.recordDepth = 1;
    else if (first === 0x7b) this.recordDepth = RECORDS_HEAD.test(head.subarray(0, HEAD_BYTES * 4).toString('utf8')) ? 2 : 0;
    else throw new FileProblem('InvalidFile', 'not JSON (and not gzip)');
  }

  private scan(chunk: Buffer, out: Buffer[]): void {
    const target = this.recordDepth;
    let start = this.recording ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === 0x5c) this.escape = true;
        else if (b === 0x22) this.inString = false;
        continue;
      }
      if (b === 0x22) this.inString = true;
      else if (b === 0x7b || b === 0x5b) {
        if (this.depth === target && b === 0x7b) {
          this.recording = true;
          start = i;
        }
        this.depth++;
      } else if (b === 0x7d || b === 0x5d) {
        this.depth--;
        if (this.depth < 0) throw new FileProblem('InvalidFile', 'unbalanced brackets: not JSON');
        if (this.recording && this.depth === target) {
          const part = chunk.subarray(start, i + 1);
          const record = this.carry.length ? Buffer.concat([...this.carry, part]) : Buffer.from(part);
          this.carry = [];
          this.recording = false;
          start = -1;
          this.add(record, out);
        }
      }
    }
    // A record continues into the next chunk: keep a copy (the caller may reuse its buffer).
    if (this.recording && start >= 0) this.carry.push(Buffer.from(chunk.subarray(start)));
  }

  private add(record: Buffer, out: Buffer[]): void {
    this.batch.push(record);
    this.batchBytes += record.length + 1;
    this.batchCount++;
    this.count++;
    if (this.batchBytes >= this.targetBatchBytes) out.push(this.flush());
  }

  private flush(): Buffer {
    const parts: Buffer[] = [];
    const sep = Buffer.from([RECORD_SEPARATOR]);
    this.batch.forEach((b, i) => {
      if (i) parts.push(sep);
      parts.push(b);
    });
    const batch = Buffer.concat(parts);
    this.batch = [];
    this.batchBytes = 0;
    this.batchCount = 0;
    return batch;
  }
}
