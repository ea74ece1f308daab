import { isPlainObject } from '../util/json.js';
import type { CloudTrailRecord } from './records.js';

/**
 * Ports and flags in a record's request parameters (and response elements) as what they say.
 * CloudTrail usually writes `"fromPort": 22` and `"multiAZ": false`, but calls made through the
 * EC2 Query API, some SDKs and log shippers that re-serialise records give the same values as
 * text: `"fromPort": "443"`, `"multiAZ": "false"`. Read as text, a port range of two strings
 * looks like "no bounds" (every port) and a flag like "missing", so a rule would report port 443
 * as SSH opened to the world, or miss Multi-AZ being turned off. Port fields holding a whole
 * number and any field holding exactly `true` or `false` are turned into the number or the
 * boolean, in place, before the rules read the record. Anything else stays as it was written.
 */
const PORT_KEYS: ReadonlySet<string> = new Set(['fromPort', 'toPort', 'port', 'FromPort', 'ToPort', 'Port']);
const PORT = /^-?\d{1,5}$/;
const FLAG = /^(?:true|false)$/i;

/** Request parameters are small; these bounds keep a hostile record (huge or nested thousands deep) cheap. */
const MAX_DEPTH = 12;
const MAX_NODES = 10_000;

/**
 * The record with its ports and flags read as what they say: the same object when nothing needed
 * changing (nearly always), else a copy (the record handed in is never changed: callers may hold it).
 */
export function normalizeRequestParameters(record: CloudTrailRecord): CloudTrailRecord {
  const budget = { nodes: MAX_NODES };
  let out = record;
  for (const field of ['requestParameters', 'responseElements'] as const) {
    const value = record[field];
    if (value === null || typeof value !== 'object') continue;
    const normalized = normalize(value, 0, budget);
    if (normalized !== value) out = { ...out, [field]: normalized };
  }
  return out;
}

function normalize(node: unknown, depth: number, budget: { nodes: number }): unknown {
  if (depth >= MAX_DEPTH || budget.nodes <= 0) return node;
  if (Array.isArray(node)) {
    budget.nodes -= node.length + 1;
    let copy: unknown[] | undefined;
    node.forEach((item, i) => {
      if (item === null || typeof item !== 'object') return;
      const changed = normalize(item, depth + 1, budget);
      if (changed !== item) (copy ??= [...(node as unknown[])])[i] = changed;
    });
    return copy ?? node;
  }
  if (!isPlainObject(node)) return node;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(node)) {
    budget.nodes--;
    const value = node[key];
    let changed = value;
    if (typeof value === 'string') {
      if (PORT_KEYS.has(key) && PORT.test(value)) changed = Number(value);
      else if (value.length <= 5 && FLAG.test(value)) changed = value.toLowerCase() === 'true';
    } else if (value !== null && typeof value === 'object') changed = normalize(value, depth + 1, budget);
    if (changed !== value) {
      copy ??= copyOf(node);
      // defineProperty: a key named "__proto__" stays a key.
      Object.defineProperty(copy, key, { value: changed, enumerable: true, writable: true, configurable: true });
    }
  }
  return copy ?? node;
}

function copyOf(node: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(node))
    Object.defineProperty(copy, key, { value: node[key], enumerable: true, writable: true, configurable: true });
  return copy;
}
