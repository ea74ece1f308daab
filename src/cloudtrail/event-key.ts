import { hash } from 'node:crypto';
import { isPlainObject } from '../util/json.js';

/**
 * One event, one count. CloudTrail can hand over the same event more than once (an archive read
 * beside its copy, an organisation trail and an account trail of the same account, the S3 archive
 * and LookupEvents): an event is the same when its eventID, account and region are. Findings are
 * deduplicated by that key (their fingerprint holds it); rule results count events by the same
 * key, so "N failed" is the number of findings and "evaluated" the number of distinct events.
 *
 * Workers turn each event's key into a 53-bit hash (a number, cheap to send and to sort) and the
 * main thread counts distinct hashes. Two different events share a hash with probability about
 * n² / 2⁵⁴ (2·10⁻⁴ for two million events), which would count them as one.
 */

/** cyrb53 (a public-domain 53-bit string hash): two 32-bit multiply-xorshift lanes. */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The key of an event (its id as findings name it, its account and region), hashed. */
export function eventKey(id: string, account: string, region: string): number {
  return hash53(`${id}\u0000${account}\u0000${region}`);
}

/** JSON with object keys sorted at every level: the same record gives the same text however it was written. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * The id of a record without an eventID (hand-made test data, some log shippers): a hash of the
 * whole record, so two different records never share it (time and name alone would: two calls
 * in the same second) and the same record read twice does.
 */
export function recordId(record: unknown): string {
  return `record-${hash('sha256', canonicalJson(record), 'hex').slice(0, 32)}`;
}

/** A growing list of hashes; `distinct()` sorts it once and counts each value once. */
export class KeyList {
  private keys = new Float64Array(1024);
  private n = 0;

  push(key: number): void {
    if (this.n === this.keys.length) {
      const bigger = new Float64Array(this.keys.length * 2);
      bigger.set(this.keys);
      this.keys = bigger;
    }
    this.keys[this.n++] = key;
  }

  pushAll(keys: ArrayLike<number>): void {
    for (let i = 0; i < keys.length; i++) this.push(keys[i]!);
  }

  get length(): number {
    return this.n;
  }

  /** The keys so far, as a list of their own (to send to another thread). */
  toArray(): Float64Array {
    return this.keys.slice(0, this.n);
  }

  distinct(): number {
    const sorted = this.keys.subarray(0, this.n).sort();
    let count = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
    return count;
  }
}
