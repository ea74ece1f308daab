/**
 * The byte search behind the file scan's key ids: where runs of exactly ACCESS_KEY_ID_LENGTH
 * key-id bytes start (see key-id-runs.wat for how). It is WebAssembly because it is the scan's
 * own hot loop and no library does it: written in TypeScript, the same loop over a Buffer took
 * about twice the time (measured with bench/files.mjs: some 30 ms of a 150 ms scan), most of it
 * bounds checks on each byte read, which WebAssembly's linear memory does without.
 */
import { ACCESS_KEY_ID_CHARS, ACCESS_KEY_ID_LENGTH } from './access-key-id.js';
import { SECRET_KEY_CHARS } from './secret-key.js';

// The bytes of key-id-runs.wat compiled by scripts/build-wasm.mjs.
// wasm:begin
const WASM = 'AGFzbQEAAAABDgFgCX9/f39/f39/fwF/Ag8BA2VudgZtZW1vcnkCAAEDAgEABwgBBHJ1bnMAAArWAgHTAgEIfyAGQQF2IQ8gBkECdiEOIA4gD2ohECACIAZqQQFrIQogCiADSwRAIAMhCgsgASAGakEBayEJAkADQCAJIApPDQEgCS0AAC0AACAHcSAJIA9rLQAALQAAIAdxIAkgD2otAAAtAAAgB3FycQRAIAkgDmstAAAtAAAgB3EgCSAQai0AAC0AACAHcXIgCSAQay0AAC0AACAHcSAJIA5qLQAALQAAIAdxcnEEQCAJIQsCQANAIAsgAE0NASALQQFrLQAALQAAIAdxRQ0BIAtBAWshCwwACwsgCUEBaiEMAkADQCAMIANPDQEgDC0AAC0AACAHcUUNASAMQQFqIQwMAAsLIAwgC2sgBkYgCCAMIAtrIAZPcXIgCyABTyALIAJJcXEEQCAEIA1BAnRqIAs2AgAgDUEBaiENIA0gBU8NBAsgDCEJCwsgCSAGaiEJDAALCyANCw==';
// wasm:end

const module = new WebAssembly.Module(Buffer.from(WASM, 'base64'));

/** Memory layout: the table of key-id bytes, the starts found, then the bytes searched. */
const TABLE_AT = 0;
const OUT_AT = 256;
const OUT_ROOM = 1024;
const BYTES_AT = OUT_AT + 4 * OUT_ROOM;
const PAGE = 64 << 10;
/** The longest run searched for: a sample reads this far past the bytes filled at most. */
export const MAX_RUN_SAMPLE = 256;
/** Bit flags of the byte table: which class a byte belongs to. */
const KEY_ID_BYTE = 1;
const SECRET_BYTE = 2;

interface Exports {
  runs(first: number, from: number, limit: number, filled: number, out: number, room: number, length: number, mask: number, atLeast: number): number;
}

/**
 * A buffer (`bytes`, in WebAssembly memory) and the search over it. Each ContentScanner has
 * one, and reads files straight into `bytes`.
 */
export class KeyIdRunFinder {
  readonly bytes: Buffer;
  private readonly out: Uint32Array;
  private readonly exports: Exports;

  constructor(size: number) {
    // After the bytes, room for the reads past `filled` that a sample may make.
    const memory = new WebAssembly.Memory({ initial: Math.ceil((BYTES_AT + size + MAX_RUN_SAMPLE) / PAGE) });
    this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
    const table = new Uint8Array(memory.buffer, TABLE_AT, 256);
    const keyIdChar = new RegExp(`[${ACCESS_KEY_ID_CHARS}]`);
    const secretChar = new RegExp(`[${SECRET_KEY_CHARS}]`);
    for (let c = 0; c < 256; c++) {
      const ch = String.fromCharCode(c);
      table[c] = (keyIdChar.test(ch) ? KEY_ID_BYTE : 0) | (secretChar.test(ch) ? SECRET_BYTE : 0);
    }
    this.out = new Uint32Array(memory.buffer, OUT_AT, OUT_ROOM);
    this.bytes = Buffer.from(memory.buffer, BYTES_AT, size);
  }

  /** The starts in [from, limit) of runs of exactly ACCESS_KEY_ID_LENGTH key-id bytes within bytes[0, filled), appended to `out` in order. */
  find(from: number, limit: number, filled: number, out: number[]): void {
    this.search(from, limit, filled, out, ACCESS_KEY_ID_LENGTH, KEY_ID_BYTE);
  }

  /**
   * The starts in [from, limit) of runs of `minLength` or more secret-key bytes (secret keys,
   * Bedrock API keys, base64 values), appended to `out` in order. Most text is made of these
   * bytes (letters), so this costs several times the key-id search (measured: 2.2 ms a MiB of
   * text against 0.15 for key ids).
   */
  findLongRuns(from: number, limit: number, filled: number, out: number[], minLength: number): void {
    if (minLength > MAX_RUN_SAMPLE) throw new Error(`findLongRuns: runs of at most ${MAX_RUN_SAMPLE} bytes can be searched for`);
    this.search(from, limit, filled, out, minLength, SECRET_BYTE, 1);
  }

  private search(from: number, limit: number, filled: number, out: number[], length: number, mask: number, atLeast = 0): void {
    for (;;) {
      const n = this.exports.runs(BYTES_AT, BYTES_AT + from, BYTES_AT + limit, BYTES_AT + filled, OUT_AT, OUT_ROOM, length, mask, atLeast);
      for (let i = 0; i < n; i++) out.push(this.out[i]! - BYTES_AT);
      if (n < OUT_ROOM) return;
      from = out[out.length - 1]! + 1;
    }
  }
}
