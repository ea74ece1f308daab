/**
 * scanDeliveredPart (delivered-file.ts) over a part's bytes, in WebAssembly (delivered-scan.wat):
 * the same records, fields and marks, found without a regular expression and without searching
 * the text once per key. The text patterns the rules ask for are found in the same pass when they are
 * `"key" \s* : \s* "value"` patterns (rule-prefilters.ts requiredTextOf writes them so); any other
 * (a leaked key id, an attribution target's id) by a regular expression over the part's text.
 *
 * Why: the scan is run on every record of every delivered file, and in TypeScript it was a fifth of
 * a worker's time: one regular-expression match per key and per pattern found (each an array
 * made and handed back), a search backwards for each record's last `recipientAccountId` and
 * `eventID`, and each value's end looked for apart. Here the quotes that may start a key are found
 * 16 bytes at a time and each is compared in place, once.
 */
import { keyValueSource } from './rule-prefilters.js';
import { ACCOUNT, EVENT_ID, NAME, partBounds, REGION, SOURCE, TIME, type DeliveredRecord, type ScannedPart } from './delivered-file.js';
import { TextMarks, type Mark } from './text-marks.js';

// The bytes of delivered-scan.wat compiled by scripts/build-wasm.mjs.
// wasm:begin
const WASM = 'AGFzbQEAAAABQghgA39/fwF/YAF/AX9gBH9/f38Bf2ACf38Bf2ACf38AYAp/f39/f39/f39/AGADf39/AGALf39/f39/f39/f38BfwIPAQNlbnYGbWVtb3J5AgABAwsKAAECAwADBAUGBwYLAn8BQQALfwFBAAsHCAEEc2NhbgAJCogSCmMBAX8CQANAIANBCGogAksNASAAIANqKQMAIAEgA2opAwBSBEBBAA8LIANBCGohAwwACwsCQANAIAMgAk8NASAAIANqLQAAIAEgA2otAABHBEBBAA8LIANBAWohAwwACwtBAQstAQF/AkADQCAALQAAIQEgAUEgRiABQQlrQQVJckUNASAAQQFqIQAMAAsLIAALUAIBfwN7IAL9DyEFIAP9DyEGAkADQCAAIAFPDQEgAP0ABAAhByAHIAX9IyAHIAb9I/1Q/WQhBCAEBEAgACAEaGoPCyAAQRBqIQAMAAsLIAELKAEBfyAAIAFBIkHcABACIQIgAiABTyACLQAAQdwARnIEf0F/BSACCwsVACAAQQBIBH9BfwUgASAAaiACagsLEgAgAEEASAR/QX8FIAAgAWsLCz0BAX8CQANAIAAgAU8NASAALQAAIQIjACACc0Gx893xeWwkACMBIAJzQZXJ1fkFbCQBIABBAWohAAwACwsLqAIBBX8gACABQRBsakF/NgIAIAVBAEggBkEASHINACAHQQBIDQAgAkERaiADEAMhCiAKQQBIDQAgCkGIBUEREABFDQAgBEEBay0AAEEsRw0AIAVBoAVBFRAARQ0AIAVBFWogAxADIQsgC0EASA0AIAtBuAVBDxAARQ0AIAtBD2ogA0EiQdwAEAIhDEEBIQ0gDCADSSAMLQAAQdwARnEEQEEAIQ0gDCADQSJBIhACIQwLIAwgA08NACAIIQ4CQANAIA4gA0EiQSIQAiEOIA5BDWogA0sNAiAOQdAFQQ0QAA0BIA5BAWohDgwACwsgACABQRBsaiAKIAlrNgIAIAAgAUERbGogCyAJazYCACAAIAFBEmxqIAwgCWs2AgAgACABQRNsaiANNgIAC1QAIAAgAjYCACAAIAFqQX82AgAgACABQQJsakF/NgIAIAAgAUEDbGpBfzYCACAAIAFBBGxqQX82AgAgACABQQVsakF/NgIAIAAgAUEGbGpBADYCAAuTDAQLfwF+CXsMfyAEQQJ0IRFBIv0PIRdB5QD9DyEYQeEA/Q8hGUHyAP0PIRogB/0PIRsgCP0PIRwgCf0PIR0gCv0PIR4gBiEQIBAgESACEAggACABaiEVIAAgAkEBamohCwJAAkADQCALIBVPDQEgC/0ABAEhHyAL/QAEACAX/SMgHyAY/SMgHyAZ/SP9UCAfIBr9IyAfIBv9I/1Q/VAgHyAc/SMgHyAd/SMgHyAe/SP9UP1Q/VD9Tv1kIQwCQANAIAxFDQEgCyAMaGohDSAMIAxBAWtxIQwgDSAVTw0BIA0tAAEhDiANKQMAIRYgDkHlAEYEQAJAIBZBkAQpAwBRBEAgDS0ACEHtAEYgDS8BCUHlxABGcQRAIBAgEWooAgBBf0cNCCAQIBFqIA0gAGs2AgALDAELIBZBoAQpAwBRBEAgDS0ACEHtAEYgDS8BCUHlxABGcQRAIBAgEUEBdGooAgBBf0cNCCAQIBFBAXRqIA0gAGs2AgALDAELIBZB4AQpAwBRBEAgDSgCB0HnBCgCAEYEQCAQIBFBBWxqIA0gAGs2AgALDAELIBZBgAQpAwBRIA0pAwhBiAQpAwBRcSANQQFrLQAAQfsARiANQQFrIAAgAmpHcXEEQCANQQFrIAAgA2pPDQcgDUEDay8BAEH92ABHDQcgD0EBaiEPIA8gBE8EQEF+DwsgEEEEaiEQIBAgESANQQFrIABrEAgLCwsgDkHhAEYEQCAWQbAEKQMAUSANKQMFQbUEKQMAUXEgECARQQF0aigCAEF/RyAQIBFBA2xqKAIAQX9GcXEEQCAQIBFBA2xqIA0gAGs2AgALCyAOQfIARgRAIBZBwAQpAwBRIA0pAwhByAQpAwBRIA0pAw5BzgQpAwBRcXEEQCAQIBFBAnRqIA0gAGs2AgALCyAOLQAABEBBACESAkADQCASIAVPDQFBgAIgEkEUbGohEyASQQFqIRIgDSATKAIAIBMoAgQQAEUNACANIBMoAgRqEAEhFCAULQAAQTpHDQAgFEEBahABIRQgFCATKAIIIBMoAgwQAEUNACAQIBFBBmxqIBAgEUEGbGooAgAgEygCEHI2AgAMAAsLCwwACwsgC0EQaiELDAALC0EAISQgBiEQAkADQCAkIA9LDQEgACAQKAIAaiEgICQgD0kEfyAAIBAoAgRqQQFrBSAAIANqCyEhICFBAWstAABB/QBHDQIgECARaigCACEiIBAgEUEBdGooAgAhIyAiQQBIICNBAEhyDQIgACAiaiEiIAAgI2ohIyAiQZAEQQ0QAEUNAiAjQaAEQQ0QAEUNAiAQIBFBB2xqICEgAGs2AgAgIkENaiAhEAMhJSAlQQBIDQIgECARQQhsaiAlIABrNgIAICNBDWogIRADIRQgFEEASA0CIBAgEUEJbGogFCAAazYCACAQIBFBA2xqKAIAIABBDRAEISYgJiAhEAMhJyAQIBFBCmxqICcgABAFNgIAIBAgEUEEbGooAgAgAEEWEAQhKCAoICEQAyEpIBAgEUELbGogKSAAEAU2AgAgECARQQVsaigCACAAQQsQBCEqICogIRADISsgECARQQxsaiArIAAQBTYCACAQIBFBD2xqQX82AgAgJ0EATiApQQBOICtBAE5xcQRAQe/9tvV9JABB15ybjgQkASAqICsQBkGEBUGFBRAGICggKRAGQYQFQYUFEAYgJiAnEAYjACMAQRB2c0HrlK+veGwkACMAIwEjAUENdnNBtdzKlXxscyQAIwEjAUEQdnNB65Svr3hsJAEjASMAIwBBDXZzQbXcypV8bHMkASAQIBFBDmxqIwA2AgAgECARQQ9saiMBQf///wBxNgIACyAQIBFBEGxqQX42AgAgECARQQZsaigCAEECRgRAIBAgESAgICEgIiAnICkgKyAAIBAgEUEFbGooAgBqIAAQBwtBfyEUICMgJUERaksgJUHwBEEREAAgI0ECay8BAEGi2ABGcXEEQCAlQRFqICMQAyEUCyAQIBFBDWxqIBRBAEgEf0F/BSAUIABrCzYCACAkQQFqISQgEEEEaiEQDAALCyAPQQFqDwtBfwsL9QEMAEGABAsQImV2ZW50VmVyc2lvbiI6IgBBkAQLDSJldmVudFRpbWUiOiIAQaAECw0iZXZlbnROYW1lIjoiAEGwBAsNImF3c1JlZ2lvbiI6IgBBwAQLFiJyZWNpcGllbnRBY2NvdW50SWQiOiIAQeAECwsiZXZlbnRJRCI6IgBB8AQLESIsImV2ZW50U291cmNlIjoiAEGEBQsBAABBiAULESIsInVzZXJJZGVudGl0eSI6AEGgBQsVIiwic291cmNlSVBBZGRyZXNzIjoiAEG4BQsPIiwidXNlckFnZW50IjoiAEHQBQsNImV2ZW50VHlwZSI6Ig==';
// wasm:end

const module = new WebAssembly.Module(Buffer.from(WASM, 'base64'));

interface Exports {
  scan(
    text: number,
    n: number,
    head: number,
    end: number,
    cap: number,
    patterns: number,
    out: number,
    c1: number,
    c2: number,
    c3: number,
    c4: number,
  ): number;
}

/** Memory layout (delivered-scan.wat): the flags of keys' first bytes, the pattern table, the patterns' bytes, then the part. */
const FIRST_BYTES_AT = 0;
const PATTERNS_AT = 256;
const PATTERN_SIZE = 20;
const MAX_PATTERNS = 12;
const PATTERN_BYTES_AT = 1024;
const TEXT_AT = 4096;
/** Zero bytes after the part: the scan reads a little past a key it compares. */
const PADDING = 64;
const COLUMNS = 20;
const PAGE = 64 << 10;
/** Bytes a key may start with after its quote besides those of the patterns: the scan's own keys. */
const OWN_FIRST_BYTES = ['e', 'a', 'r'];
/** How many other first bytes the scan's vector test has room for. */
const MAX_OTHER_FIRST_BYTES = 4;

/** A text pattern as `"key" \s* : \s* "value"`: the key and the value with their quotes. */
export interface KeyValuePattern {
  key: string;
  value: string;
  mark: Mark;
}

const KEY_VALUE = /^"([A-Za-z_][A-Za-z0-9_]*)"\\s\*:\\s\*"(.*)"$/;

/** The pattern `source` as a key and value, when it is exactly one requiredTextOf writes for a plain value; else undefined. */
export function keyValuePattern(source: string, mark: Mark): KeyValuePattern | undefined {
  const m = KEY_VALUE.exec(source);
  if (!m) return undefined;
  const value = m[2]!.replace(/\\(.)/g, '$1');
  // Read back exactly as written, and of characters written without escapes in JSON.
  if (keyValueSource(m[1]!, value) !== source || !/^[\x20-\x7e]*$/.test(value) || /["\\]/.test(value)) return undefined;
  return { key: `"${m[1]!}"`, value: `"${value}"`, mark };
}

export class DeliveredScanner {
  private readonly memory: WebAssembly.Memory;
  private readonly exports: Exports;
  private bytes: Uint8Array;
  private words: Int32Array;
  /** The vector test's first bytes besides OWN_FIRST_BYTES (repeated to fill its 4 places). */
  private readonly others: number[];

  private constructor(
    private readonly patterns: readonly KeyValuePattern[],
    others: ReadonlySet<string>,
    /** The patterns of any other form, searched in the part's text by a regular expression. */
    private readonly rest: TextMarks | undefined,
  ) {
    this.memory = new WebAssembly.Memory({ initial: 2 });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.bytes = new Uint8Array(this.memory.buffer);
    this.words = new Int32Array(this.memory.buffer);
    const view = new DataView(this.memory.buffer);
    let at = PATTERN_BYTES_AT;
    patterns.forEach((p, i) => {
      const row = PATTERNS_AT + PATTERN_SIZE * i;
      for (const [text, offset] of [
        [p.key, 0],
        [p.value, 8],
      ] as const) {
        this.bytes.set(Buffer.from(text, 'latin1'), at);
        view.setInt32(row + offset, at, true);
        view.setInt32(row + offset + 4, text.length, true);
        at += text.length;
      }
      view.setInt32(row + 16, p.mark === 1 ? 1 : 2, true);
      this.bytes[FIRST_BYTES_AT + p.key.charCodeAt(1)] = 1;
    });
    this.others = [...others].map((c) => c.charCodeAt(0));
    while (this.others.length < MAX_OTHER_FIRST_BYTES) this.others.push(OWN_FIRST_BYTES[0]!.charCodeAt(0));
  }

  /** A scanner for these text patterns: the key-value ones its tables hold in its own pass, the others by a regular expression. */
  static for(patterns: ReadonlyArray<{ source: string; mark: Mark }>): DeliveredScanner {
    const kv: KeyValuePattern[] = [];
    const rest: Array<{ source: string; mark: Mark }> = [];
    let bytes = 0;
    const others = new Set<string>();
    for (const { source, mark } of patterns) {
      const p = keyValuePattern(source, mark);
      const first = p?.key[1];
      const other = first !== undefined && !OWN_FIRST_BYTES.includes(first) && !others.has(first);
      // What its tables have no room for is searched by a regular expression, as is any other form.
      // (A key or value longer than the padding would be compared past it: never equal, but read.)
      if (
        !p ||
        kv.length === MAX_PATTERNS ||
        PATTERN_BYTES_AT + bytes + p.key.length + p.value.length > TEXT_AT ||
        (other && others.size === MAX_OTHER_FIRST_BYTES) ||
        p.key.length >= PADDING ||
        p.value.length >= PADDING
      ) {
        rest.push({ source, mark });
        continue;
      }
      kv.push(p);
      bytes += p.key.length + p.value.length;
      if (other) others.add(first);
    }
    return new DeliveredScanner(kv, others, rest.length ? new TextMarks(rest) : undefined);
  }

  /**
   * scanDeliveredPart(text, marks, first, last) for the marks' patterns this scanner was made for;
   * `bytes` are the part's bytes (ASCII: one per character of `text`).
   */
  scan(bytes: Uint8Array, text: string, first: boolean, last: boolean): ScannedPart | undefined {
    const bounds = partBounds(text, first, last);
    if (!bounds) return undefined;
    const n = bytes.length;
    // Two record starts (`{"eventVersion":"`) cannot overlap: room for every record that can start.
    const cap = Math.floor(n / 17) + 2;
    const out = Math.ceil((TEXT_AT + n + PADDING) / 8) * 8;
    const needed = out + 4 * COLUMNS * cap;
    if (needed > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((needed - this.memory.buffer.byteLength) / PAGE));
      this.bytes = new Uint8Array(this.memory.buffer);
      this.words = new Int32Array(this.memory.buffer);
    }
    this.bytes.set(bytes, TEXT_AT);
    this.bytes.fill(0, TEXT_AT + n, TEXT_AT + n + PADDING);
    const o = this.others;
    const count = this.exports.scan(TEXT_AT, n, bounds.head, bounds.end, cap, this.patterns.length, out, o[0]!, o[1]!, o[2]!, o[3]!);
    if (count < 0) return undefined;
    const w = this.words;
    const c = out >> 2;
    const records: DeliveredRecord[] = [];
    const marked = new Uint8Array(count);
    const keys = new Float64Array(count);
    const light = new Int32Array(4 * count);
    for (let i = 0; i < count; i++) {
      const t = w[c + cap + i]!;
      const name = w[c + 2 * cap + i]!;
      const region = w[c + 3 * cap + i]!;
      const account = w[c + 4 * cap + i]!;
      const id = w[c + 5 * cap + i]!;
      const timeEnd = w[c + 8 * cap + i]!;
      const regionEnd = w[c + 10 * cap + i]!;
      const accountEnd = w[c + 11 * cap + i]!;
      const idEnd = w[c + 12 * cap + i]!;
      const sourceEnd = w[c + 13 * cap + i]!;
      const bits = w[c + 6 * cap + i]!;
      marked[i] = bits & 1 ? 1 : bits & 2 ? 2 : 0;
      const high = w[c + 15 * cap + i]!;
      keys[i] = high < 0 ? -1 : 4294967296 * high + (w[c + 14 * cap + i]! >>> 0);
      for (let k = 0; k < 4; k++) light[4 * i + k] = w[c + (16 + k) * cap + i]!;
      records.push({
        start: w[c + i]!,
        end: w[c + 7 * cap + i]!,
        eventTime: text.slice(t + TIME.length, timeEnd),
        eventName: text.slice(name + NAME.length, w[c + 9 * cap + i]),
        eventSource: sourceEnd >= 0 ? text.slice(timeEnd + SOURCE.length, sourceEnd) : undefined,
        awsRegion: regionEnd >= 0 ? text.slice(region + REGION.length, regionEnd) : undefined,
        recipientAccountId: accountEnd >= 0 ? text.slice(account + ACCOUNT.length, accountEnd) : undefined,
        eventID: idEnd >= 0 ? text.slice(id + EVENT_ID.length, idEnd) : undefined,
        timeKey: t,
        regionKey: region,
        idKey: id,
      });
    }
    // The other patterns' marks, where the TypeScript scan's own pass looks (from the first record on).
    this.rest?.mark(text, records, marked, bounds.head);
    return { records, marked, keys, light };
  }
}
