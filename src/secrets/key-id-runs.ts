/**
 * The byte search behind the file scan's candidates: where runs of exactly ACCESS_KEY_ID_LENGTH
 * key-id bytes (key ids) and of LONG_RUN_MIN or more secret-key bytes (secret keys, Bedrock API
 * keys, base64 values) start, in one pass (see key-id-runs.wat for how). It is WebAssembly
 * because it is the scan's own hot loop and no library does it: written in TypeScript, a search
 * over a Buffer took about twice the time of the first WebAssembly one (most of it bounds checks
 * on each byte read). The pass classifies 64 bytes at a time with SIMD (measured on bench/files'
 * tree, 266 MB: 29 ms, against 62 for the two sampled searches it replaced, one per kind of run).
 */
import { ACCESS_KEY_ID_CHARS, ACCESS_KEY_ID_LENGTH } from './access-key-id.js';
import { SECRET_KEY_CHARS } from './secret-key.js';

// The bytes of key-id-runs.wat compiled by scripts/build-wasm.mjs.
// wasm:begin
const WASM = 'AGFzbQEAAAABGgNgA39/fwF/YAR/f39/AX9gBn9/f39/fwF/Ag8BA2VudgZtZW1vcnkCAAEDBAMAAQIHCAEEcnVucwACCsAIAzoBAX8CQANAIANBBE8NASAAIANrIAFNDQEgACADa0EBay0AAC0AQCACcUUNASADQQFqIQMMAAsLIAMLNAAgASACSwRAIAIhAQsCQANAIAAgAU8NASAALQAALQBAIANxRQ0BIABBAWohAAwACwsgAAvNBwMIfw57C39BAP0ABAAhDkEQ/QAEACEP/QwPDw8PDw8PDw8PDw8PDw8PIRD9DPDw8PDw8PDw8PDw8PDw8PAhESAD/QAEACEYIAP9AAQQIRkgA/0ABCAhGiAD/QAEMCEbIAMgEv0LBAAgAyAS/QsEECADIBL9CwQgIAMgEv0LBDAgAUFAcSEGIAJBGGohByAHIANLBEAgAyEHCwJAA0AgBiAHTw0BIAb9AAQAIRMgDiATIBD9Tv0OIA8gE0EE/Y0BIBD9Tv0O/U4hFCAG/QAEECETIA4gEyAQ/U79DiAPIBNBBP2NASAQ/U79Dv1OIRUgBv0ABCAhEyAOIBMgEP1O/Q4gDyATQQT9jQEgEP1O/Q79TiEWIAb9AAQwIRMgDiATIBD9Tv0OIA8gE0EE/Y0BIBD9Tv0O/U4hFyAUIBL9IyAVIBL9I/1lIBYgEv0jIBcgEv0j/WX9ZSAS/SP9ZCEcIBxBBXQgInIhHiAcQQt2ISIgHiAeQQF2cSEfIB8gH0ECdnEhHyAfIB5BBHZxIB5BBXZxQf//A3EhICAfQQJ2Qf//A3EEQCAkBEAgBkEQa/0ABAAhEyAOIBMgEP1O/Q4gDyATQQT9jQEgEP1O/Q79TiAR/U4gEv0jIRMgEyAT/WUhEyATIBP9ZSAS/SP9ZEEBdkEHcSEjCyAUIBH9TiAS/SMgFSAR/U4gEv0j/WUgFiAR/U4gEv0jIBcgEf1OIBL9I/1l/WUgEv0j/WQhHUEAISQgHUEDdCAjciEeIB1BDXYhIyAeIB5BAXZxIR8gHyAfQQJ2cUH//wNxISEFQQAhIUEBISQLICAhHiAgICBBAXQgJXJBf3NxISAgHkEPdiElICEhHiAhICFBAXQgJnJBf3NxISEgHkEPdiEmICEgIHIEQAJAA0AgIEUNASAgaCELICAgIEEBa3EhICAGIAtBAnRBFGtqIQggCCAAQQIQACEKIAggCmshCSAKQQRJIAkgAU8gCSACSXFxBEAgCEEYaiAJQRtqIANBAhABIAlBG2pGBEAgBSANQQJ0aiAJNgIAIA1BAWohDQsLDAALCwJAA0AgIUUNASAhaCELICEgIUEBa3EhISAGIAtBAnRBDGtqIQggCCAAQQEQACEKIAggCmshCSAKQQRJIAkgAU8gCSACSXFxBEAgCEEQaiAJQRVqIANBARABIAlBFGpGBEAgBCAMQQJ0aiAJNgIAIAxBAWohDAsLDAALCwsgBkHAAGohBgwACwsgAyAY/QsEACADIBn9CwQQIAMgGv0LBCAgAyAb/QsEMEEgIA02AgAgDAs=';
// wasm:end

const module = new WebAssembly.Module(Buffer.from(WASM, 'base64'));

/** Runs of this many secret-key bytes or more are found (the shortest worth decoding: see BASE64_MIN_RUN). */
export const LONG_RUN_MIN = 27;
if (ACCESS_KEY_ID_LENGTH !== 20) throw new Error('key-id-runs.wat looks for runs of exactly 20 key-id bytes');

/** Memory layout: the nibble tables, the count of long runs, the byte flags, the starts found, then the bytes searched. */
const NIBBLES_AT = 0;
const LONG_COUNT_AT = 32;
const FLAGS_AT = 64;
const KEY_OUT_AT = 320;
/** Bytes after the bytes searched that the search borrows (it puts them back). */
const BORROWED = 64;
const PAGE = 64 << 10;
/** Bit flags of the byte table: which class a byte belongs to. */
const KEY_ID_BYTE = 1;
const SECRET_BYTE = 2;

interface Exports {
  runs(first: number, from: number, limit: number, filled: number, keyOut: number, longOut: number): number;
}

/**
 * The look-up tables of the SIMD classification: `low[b & 15] & high[b >> 4]` is not zero for a
 * secret-key byte and has a bit of 0xf0 set for a key-id byte. Each high nibble's set of low
 * nibbles in a class gets a bit (the secret-key sets 0x0f, the key-id sets 0xf0); checked against
 * the classes byte by byte, so a change of alphabet that the tables cannot express fails here.
 */
function nibbleTables(isKeyId: (c: number) => boolean, isSecret: (c: number) => boolean): { low: Uint8Array; high: Uint8Array } {
  const low = new Uint8Array(16);
  const high = new Uint8Array(16);
  const secretSets: number[] = [];
  const keyIdSets: number[] = [];
  const bitOf = (sets: number[], set: number, shift: number) => {
    let i = sets.indexOf(set);
    if (i === -1) i = sets.push(set) - 1;
    if (i > 3) throw new Error('key-id-runs: the byte classes need more than 4 bits of nibble table each');
    return 1 << (shift + i);
  };
  for (let h = 0; h < 16; h++) {
    let secret = 0;
    let keyId = 0;
    for (let l = 0; l < 16; l++) {
      if (isSecret(h * 16 + l)) secret |= 1 << l;
      if (isKeyId(h * 16 + l)) keyId |= 1 << l;
    }
    if (secret) high[h]! |= bitOf(secretSets, secret, 0);
    if (keyId) high[h]! |= bitOf(keyIdSets, keyId, 4);
  }
  for (let l = 0; l < 16; l++) {
    secretSets.forEach((set, i) => (set & (1 << l) ? (low[l]! |= 1 << i) : 0));
    keyIdSets.forEach((set, i) => (set & (1 << l) ? (low[l]! |= 1 << (4 + i)) : 0));
  }
  for (let c = 0; c < 256; c++) {
    const x = low[c & 15]! & high[c >> 4]!;
    if (x !== 0 !== isSecret(c) || ((x & 0xf0) !== 0) !== isKeyId(c) || (isKeyId(c) && !isSecret(c)))
      throw new Error(`key-id-runs: the nibble tables misclassify byte ${c}`);
  }
  return { low, high };
}

const keyIdChar = new RegExp(`[${ACCESS_KEY_ID_CHARS}]`);
const secretChar = new RegExp(`[${SECRET_KEY_CHARS}]`);
const isKeyIdByte = (c: number) => keyIdChar.test(String.fromCharCode(c));
const isSecretByte = (c: number) => secretChar.test(String.fromCharCode(c));
const TABLES = nibbleTables(isKeyIdByte, isSecretByte);

/**
 * A buffer (`bytes`, in WebAssembly memory) and the search over it. Each ContentScanner has
 * one, and reads files straight into `bytes`.
 */
export class KeyIdRunFinder {
  readonly bytes: Buffer;
  private readonly exports: Exports;
  private readonly words: Int32Array;
  private readonly bytesAt: number;
  private readonly longOutAt: number;

  constructor(size: number) {
    // Room for every start that can fit: runs are maximal, so one is at least a byte apart from the next.
    const keyRoom = Math.floor(size / (ACCESS_KEY_ID_LENGTH + 1)) + 2;
    const longRoom = Math.floor(size / (LONG_RUN_MIN + 1)) + 2;
    this.longOutAt = KEY_OUT_AT + 4 * keyRoom;
    // A multiple of 64: the search reads 64-byte blocks, aligned as offsets in `bytes` are.
    this.bytesAt = Math.ceil((this.longOutAt + 4 * longRoom) / 64) * 64;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((this.bytesAt + size + BORROWED) / PAGE) });
    this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
    const table = new Uint8Array(memory.buffer);
    table.set(TABLES.low, NIBBLES_AT);
    table.set(TABLES.high, NIBBLES_AT + 16);
    for (let c = 0; c < 256; c++) table[FLAGS_AT + c] = (isKeyIdByte(c) ? KEY_ID_BYTE : 0) | (isSecretByte(c) ? SECRET_BYTE : 0);
    this.words = new Int32Array(memory.buffer);
    this.bytes = Buffer.from(memory.buffer, this.bytesAt, size);
  }

  /**
   * The starts in [from, limit) of runs of exactly ACCESS_KEY_ID_LENGTH key-id bytes (appended
   * to `keyIds`) and of LONG_RUN_MIN or more secret-key bytes (appended to `longRuns`), each in
   * order; runs are bounded by the start of `bytes` and by `filled`.
   */
  findRuns(from: number, limit: number, filled: number, keyIds: number[], longRuns: number[]): void {
    if (filled > this.bytes.length || limit > filled || from < 0) throw new Error('KeyIdRunFinder: range outside the buffer');
    const at = this.bytesAt;
    const keys = this.exports.runs(at, at + from, at + limit, at + filled, KEY_OUT_AT, this.longOutAt);
    const words = this.words;
    for (let i = 0, w = KEY_OUT_AT >> 2; i < keys; i++) keyIds.push(words[w + i]! - at);
    const longs = words[LONG_COUNT_AT >> 2]!;
    for (let i = 0, w = this.longOutAt >> 2; i < longs; i++) longRuns.push(words[w + i]! - at);
  }
}
