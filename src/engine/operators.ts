import ipaddr from 'ipaddr.js';
import { jsonEqual } from '../util/json.js';
import { regexProblem } from './regex-safety.js';

/** What kind of `value` an operator takes; checked when rules load. */
export type ValueKind = 'none' | 'any' | 'array' | 'string' | 'number' | 'regex' | 'cidr' | 'numberArray';

export interface OperatorContext {
  /** Evaluation clock, ms since epoch. */
  now: number;
}

export interface Operator {
  value: ValueKind;
  description: string;
  /** `expected` has been prepared by `prepare` (e.g. a compiled RegExp or parsed CIDR). */
  test(actual: unknown, expected: unknown, ctx: OperatorContext): boolean;
  prepare?(expected: unknown): unknown;
}

const DAY_MS = 86_400_000;

function isMissing(v: unknown): boolean {
  return v === null || v === undefined;
}

function isEmpty(v: unknown): boolean {
  if (isMissing(v) || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function toTime(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e11 ? v : v * 1000; // ms or s since epoch
  return undefined;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseCidr(v: unknown): Cidr | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    if (v.includes('/')) return ipaddr.parseCIDR(v);
    const addr = ipaddr.parse(v);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Does CIDR `outer` contain every address of `inner`? */
function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer[0].kind() !== inner[0].kind()) return false;
  return inner[1] >= outer[1] && inner[0].match(outer);
}

const PUBLIC_RANGES = new Set(['unicast']);

/** A list for `in`/`notIn`: its primitive values in a Set (one lookup per test), the rest compared as JSON. */
interface PreparedList {
  primitives: Set<unknown>;
  others: unknown[];
}

function prepareList(e: unknown): PreparedList {
  const primitives = new Set<unknown>();
  const others: unknown[] = [];
  for (const x of e as unknown[]) {
    if (x !== null && typeof x === 'object') others.push(x);
    else primitives.add(x);
  }
  return { primitives, others };
}

function inList(list: PreparedList, value: unknown): boolean {
  // Primitives are equal as JSON exactly when they are ===, which is what a Set compares.
  if (value === null || typeof value !== 'object') return list.primitives.has(value);
  for (let i = 0; i < list.others.length; i++) if (jsonEqual(value, list.others[i])) return true;
  return false;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The closed operator table. Adding an operator means adding it here and to rules.schema.json. */
export const OPERATORS = {
  exists: { value: 'none', description: 'the path has a value (not null/missing)', test: (a) => !isMissing(a) },
  absent: { value: 'none', description: 'the path is null or missing', test: (a) => isMissing(a) },
  empty: { value: 'none', description: 'missing, null, "", [] or {}', test: (a) => isEmpty(a) },
  notEmpty: { value: 'none', description: 'not empty', test: (a) => !isEmpty(a) },
  eq: { value: 'any', description: 'equal (JSON equality)', test: (a, e) => jsonEqual(a, e) },
  ne: { value: 'any', description: 'not equal (a missing value is not equal)', test: (a, e) => !jsonEqual(a, e) },
  in: {
    value: 'array',
    description: 'equal to one of the listed values',
    prepare: prepareList,
    test: (a, e) => inList(e as PreparedList, a),
  },
  notIn: {
    value: 'array',
    description: 'equal to none of the listed values',
    prepare: prepareList,
    test: (a, e) => !inList(e as PreparedList, a),
  },
  contains: {
    value: 'any',
    description: 'a list holding the value, or a string holding the substring',
    test: (a, e) => (Array.isArray(a) ? a.some((x) => jsonEqual(x, e)) : typeof a === 'string' && typeof e === 'string' && a.includes(e)),
  },
  notContains: {
    value: 'any',
    description: 'not `contains`',
    test: (a, e) => !(Array.isArray(a) ? a.some((x) => jsonEqual(x, e)) : typeof a === 'string' && typeof e === 'string' && a.includes(e)),
  },
  containsAny: {
    value: 'array',
    description: 'a list holding at least one of the listed values',
    test: (a, e) => Array.isArray(a) && a.some((x) => (e as unknown[]).some((y) => jsonEqual(x, y))),
  },
  gt: { value: 'number', description: 'number greater than', test: (a, e) => num(a) !== undefined && (a as number) > (e as number) },
  gte: {
    value: 'number',
    description: 'number greater than or equal',
    test: (a, e) => num(a) !== undefined && (a as number) >= (e as number),
  },
  lt: { value: 'number', description: 'number less than', test: (a, e) => num(a) !== undefined && (a as number) < (e as number) },
  lte: {
    value: 'number',
    description: 'number less than or equal',
    test: (a, e) => num(a) !== undefined && (a as number) <= (e as number),
  },
  lengthGte: {
    value: 'number',
    description: 'a list or string at least this long',
    test: (a, e) => (Array.isArray(a) || typeof a === 'string') && a.length >= (e as number),
  },
  lengthLte: {
    value: 'number',
    description: 'a list or string at most this long (missing counts as 0)',
    test: (a, e) => (isMissing(a) ? 0 : Array.isArray(a) || typeof a === 'string' ? a.length : Infinity) <= (e as number),
  },
  matches: {
    value: 'regex',
    description: 'a string matching the regular expression (JavaScript syntax)',
    prepare: (e) => new RegExp(e as string, 'u'),
    test: (a, e) => typeof a === 'string' && (e as RegExp).test(a),
  },
  notMatches: {
    value: 'regex',
    description: 'not a string matching the regular expression (a missing value does not match)',
    prepare: (e) => new RegExp(e as string, 'u'),
    test: (a, e) => !(typeof a === 'string' && (e as RegExp).test(a)),
  },
  olderThanDays: {
    value: 'number',
    description: 'a date (ISO 8601 or epoch) more than N days before the evaluation clock',
    test: (a, e, ctx) => {
      const t = toTime(a);
      return t !== undefined && ctx.now - t > (e as number) * DAY_MS;
    },
  },
  newerThanDays: {
    value: 'number',
    description: 'a date within the last N days before the evaluation clock',
    test: (a, e, ctx) => {
      const t = toTime(a);
      return t !== undefined && ctx.now - t <= (e as number) * DAY_MS;
    },
  },
  cidrIsInternet: {
    value: 'none',
    description: 'a CIDR that spans the whole internet (0.0.0.0/0 or ::/0)',
    test: (a) => {
      const c = parseCidr(a);
      return c !== undefined && c[1] === 0;
    },
  },
  cidrIsPublic: {
    value: 'none',
    description: 'a CIDR or address that includes public (globally routable) addresses',
    test: (a) => {
      const c = parseCidr(a);
      if (!c) return false;
      if (c[1] === 0) return true;
      // A range counts as public when its first address is public unicast; /8s of private space are not.
      const range = c[0].kind() === 'ipv4' ? (c[0] as ipaddr.IPv4).range() : (c[0] as ipaddr.IPv6).range();
      return PUBLIC_RANGES.has(range);
    },
  },
  cidrContains: {
    value: 'cidr',
    description: 'a CIDR that contains the given address or CIDR',
    prepare: (e) => parseCidr(e),
    test: (a, e) => {
      const c = parseCidr(a);
      return c !== undefined && cidrContains(c, e as Cidr);
    },
  },
  cidrWithin: {
    value: 'cidr',
    description: 'an address or CIDR inside the given CIDR',
    prepare: (e) => parseCidr(e),
    test: (a, e) => {
      const c = parseCidr(a);
      return c !== undefined && cidrContains(e as Cidr, c);
    },
  },
  rangeIncludesAny: {
    value: 'numberArray',
    description: 'a [from, to] pair (e.g. [FromPort, ToPort]) that includes any listed number; null or -1 bounds mean the full range',
    test: (a, e) => {
      if (!Array.isArray(a) || a.length !== 2) return false;
      const from = num(a[0]) === undefined || a[0] === -1 ? 0 : (a[0] as number);
      const to = num(a[1]) === undefined || a[1] === -1 ? 65535 : (a[1] as number);
      const list = e as number[];
      for (let i = 0; i < list.length; i++) if (list[i]! >= from && list[i]! <= to) return true;
      return false;
    },
  },
  rangeIncludesOtherThan: {
    value: 'numberArray',
    description: 'a [from, to] pair that includes at least one number not listed (e.g. a port other than 80 and 443)',
    // The listed numbers, de-duplicated once per rule rather than once per test.
    prepare: (e) => [...new Set(e as number[])],
    test: (a, e) => {
      if (!Array.isArray(a) || a.length !== 2) return false;
      const from = num(a[0]) === undefined || a[0] === -1 ? 0 : (a[0] as number);
      const to = num(a[1]) === undefined || a[1] === -1 ? 65535 : (a[1] as number);
      let inside = 0;
      const list = e as number[];
      for (let i = 0; i < list.length; i++) if (list[i]! >= from && list[i]! <= to) inside++;
      return to - from + 1 > inside;
    },
  },
} as const satisfies Record<string, Operator>;

export type OperatorName = keyof typeof OPERATORS;

export function isOperator(name: string): name is OperatorName {
  return Object.hasOwn(OPERATORS, name);
}

/** Check a (resolved) value against what the operator takes; returns a problem message or undefined. */
export function checkOperatorValue(op: OperatorName, value: unknown, hasValue: boolean): string | undefined {
  const kind = OPERATORS[op].value as ValueKind;
  if (kind === 'none') return hasValue ? `operator "${op}" takes no value` : undefined;
  if (!hasValue) return `operator "${op}" needs a value`;
  switch (kind) {
    case 'any':
      return undefined;
    case 'array':
      return Array.isArray(value) ? undefined : `operator "${op}" needs a list value`;
    case 'numberArray':
      return Array.isArray(value) && value.every((n) => typeof n === 'number') ? undefined : `operator "${op}" needs a list of numbers`;
    case 'string':
      return typeof value === 'string' ? undefined : `operator "${op}" needs a string value`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `operator "${op}" needs a number value`;
    case 'regex':
      if (typeof value !== 'string') return `operator "${op}" needs a regular expression string`;
      // Compiles, and cannot stall a run on a long value (see regex-safety.ts).
      return regexProblem(value);
    case 'cidr':
      return parseCidr(value) ? undefined : `operator "${op}" needs an IP address or CIDR, got ${JSON.stringify(value)}`;
  }
}
