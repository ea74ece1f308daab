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
const WASM = 'AGFzbQEAAAABGgJgCX9/f39/f39/fwF/YAh/f39/f39/fwF/Ag8BA2VudgZtZW1vcnkCAAEDAwIAAQcTAgRydW5zAAAIbG9uZ1J1bnMAAQqqBgLTAgEIfyAGQQF2IQ8gBkECdiEOIA4gD2ohECACIAZqQQFrIQogCiADSwRAIAMhCgsgASAGakEBayEJAkADQCAJIApPDQEgCS0AAC0AACAHcSAJIA9rLQAALQAAIAdxIAkgD2otAAAtAAAgB3FycQRAIAkgDmstAAAtAAAgB3EgCSAQai0AAC0AACAHcXIgCSAQay0AAC0AACAHcSAJIA5qLQAALQAAIAdxcnEEQCAJIQsCQANAIAsgAE0NASALQQFrLQAALQAAIAdxRQ0BIAtBAWshCwwACwsgCUEBaiEMAkADQCAMIANPDQEgDC0AAC0AACAHcUUNASAMQQFqIQwMAAsLIAwgC2sgBkYgCCAMIAtrIAZPcXIgCyABTyALIAJJcXEEQCAEIA1BAnRqIAs2AgAgDUEBaiENIA0gBU8NBAsgDCEJCwsgCSAGaiEJDAALCyANC9IDAwd/AXsBfyACIAZqQQFrIQkgCSADSwRAIAMhCQsgASAGakEBayEIAkADQCAIIAlPDQEgCEEBaiAGayELIAhBD2v9AAQAIQ9B//8DIA/9DCAgICAgICAgICAgICAgICD9UP0MYWFhYWFhYWFhYWFhYWFhYf1x/QwaGhoaGhoaGhoaGhoaGhoa/SYgD/0MMDAwMDAwMDAwMDAwMDAwMP1x/QwKCgoKCgoKCgoKCgoKCgoK/Sb9UCAP/QwrKysrKysrKysrKysrKysr/SMgD/0MLy8vLy8vLy8vLy8vLy8vL/0j/VD9UP1kcyEQIBAEQCAIIAZqQQ9rQR8gEGdraiEIDAELIAhBEGshCgJAA0AgCi0AAC0AACAHcUUNASAKIAtNDQEgCkEBayEKDAALCyAKLQAALQAAIAdxRQRAIAogBmohCAwBCyALIQwCQANAIAwgAE0NASAMQQFrLQAALQAAIAdxRQ0BIAxBAWshDAwACwsgCEEBaiENAkADQCANIANPDQEgDS0AAC0AACAHcUUNASANQQFqIQ0MAAsLIAwgAU8gDCACSXEEQCAEIA5BAnRqIAw2AgAgDkEBaiEOIA4gBU8NAgsgDSAGaiEIDAALCyAOCw==';
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
  longRuns(first: number, from: number, limit: number, filled: number, out: number, room: number, length: number, mask: number): number;
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
   * bytes (letters), so it skips by the run length rather than sampling like `find` (see
   * `longRuns` in key-id-runs.wat: 0.3 ms a MiB of text against 0.6 for that sampling, 0.07 for key ids).
   */
  findLongRuns(from: number, limit: number, filled: number, out: number[], minLength: number): void {
    // longRuns looks at the 16 bytes up to each sample at once: a run must be longer than that.
    if (minLength > MAX_RUN_SAMPLE || minLength <= 16)
      throw new Error(`findLongRuns: runs of 17 to ${MAX_RUN_SAMPLE} bytes can be searched for`);
    this.search(from, limit, filled, out, minLength, SECRET_BYTE, true);
  }

  private search(from: number, limit: number, filled: number, out: number[], length: number, mask: number, long = false): void {
    for (;;) {
      const n = long
        ? this.exports.longRuns(BYTES_AT, BYTES_AT + from, BYTES_AT + limit, BYTES_AT + filled, OUT_AT, OUT_ROOM, length, mask)
        : this.exports.runs(BYTES_AT, BYTES_AT + from, BYTES_AT + limit, BYTES_AT + filled, OUT_AT, OUT_ROOM, length, mask, 0);
      for (let i = 0; i < n; i++) out.push(this.out[i]! - BYTES_AT);
      if (n < OUT_ROOM) return;
      from = out[out.length - 1]! + 1;
    }
  }
}
