/**
 * `correlate` of an event rule, compiled: paths as functions, option references resolved, windows
 * in milliseconds. What the correlation does with it lives in src/cloudtrail/correlation/; this is
 * only its checked, compiled form (so that rule loading reports every mistake with its pointer).
 */
import { compileCondition, type CompiledCondition, type OptionValues } from '../engine/condition.js';
import { compilePath } from '../engine/path.js';
import { errorMessage } from '../util/errors.js';
import { isPlainObject } from '../util/json.js';
import type { Problem } from '../util/schema.js';

type NumberOrOption = number | { $option: string };

/** `correlate` as written in a rule file (rules.schema.json). */
export interface CorrelateDefinition {
  aggregate?: { groupBy: string[]; distinct?: string; threshold: NumberOrOption; windowMinutes: NumberOrOption };
  sequence?: { first: unknown; firstKey: string; key: string; windowMinutes: NumberOrOption; unseen?: UnseenDefinition };
  unseen?: UnseenDefinition;
}

export interface UnseenDefinition {
  value: string;
  per: string[];
  history?: unknown;
  learningDays?: NumberOrOption;
  ipv4PrefixBits?: NumberOrOption;
  ipv6PrefixBits?: NumberOrOption;
}

/** A JMESPath over an event view ({ id, account, region, data, facts }), with the text it was written as. */
export interface KeyPath {
  path: string;
  get: (view: unknown) => unknown;
}

export interface CompiledUnseen {
  value: KeyPath;
  per: KeyPath[];
  /** Events whose values count as seen; undefined: the rule's own condition. */
  history?: CompiledCondition;
  learningMs: number;
  ipv4Bits: number;
  ipv6Bits: number;
}

export type CompiledCorrelation =
  | { kind: 'aggregate'; groupBy: KeyPath[]; distinct?: KeyPath; threshold: number; windowMs: number }
  | { kind: 'sequence'; first: CompiledCondition; firstKey: KeyPath; key: KeyPath; windowMs: number; unseen?: CompiledUnseen }
  | ({ kind: 'unseen' } & CompiledUnseen);

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Compile `correlate`; problems are pushed with their JSON pointers. */
export function compileCorrelation(
  definition: CorrelateDefinition,
  options: OptionValues,
  problems: Problem[],
  pointer = '/correlate',
): CompiledCorrelation | undefined {
  if (!isPlainObject(definition)) return undefined;
  const path = (text: unknown, at: string): KeyPath => {
    if (typeof text !== 'string') return { path: '', get: () => null };
    try {
      return { path: text, get: compilePath(text) };
    } catch (error) {
      problems.push({ pointer: at, message: `invalid JMESPath expression: ${errorMessage(error)}` });
      return { path: text, get: () => null };
    }
  };
  const paths = (texts: unknown, at: string): KeyPath[] => (Array.isArray(texts) ? texts.map((t, i) => path(t, `${at}/${i}`)) : []);
  const number = (value: unknown, at: string, fallback: number, check: (n: number) => boolean, what: string): number => {
    let v = value;
    if (isPlainObject(v) && typeof v.$option === 'string') {
      const name = v.$option;
      if (!Object.hasOwn(options, name)) {
        problems.push({ pointer: `${at}/$option`, message: `option "${name}" is not declared in "options"` });
        return fallback;
      }
      v = options[name];
    }
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !check(v)) {
      problems.push({ pointer: at, message: `must be ${what}, got ${JSON.stringify(v)}` });
      return fallback;
    }
    return v;
  };
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  const count = (n: number) => Number.isInteger(n) && n >= 1;
  const unseen = (u: UnseenDefinition, at: string): CompiledUnseen => {
    const out: CompiledUnseen = {
      value: path(u.value, `${at}/value`),
      per: paths(u.per, `${at}/per`),
      learningMs: number(u.learningDays, `${at}/learningDays`, 0, (n) => Number.isFinite(n) && n >= 0, 'a number of days >= 0') * DAY,
      ipv4Bits: number(u.ipv4PrefixBits, `${at}/ipv4PrefixBits`, 32, (n) => count(n) && n <= 32, 'a whole number from 1 to 32'),
      ipv6Bits: number(u.ipv6PrefixBits, `${at}/ipv6PrefixBits`, 128, (n) => count(n) && n <= 128, 'a whole number from 1 to 128'),
    };
    if (u.history !== undefined) out.history = compileCondition(u.history, `${at}/history`, options, problems);
    return out;
  };
  const { aggregate, sequence } = definition;
  if (isPlainObject(aggregate)) {
    const at = `${pointer}/aggregate`;
    const out: CompiledCorrelation = {
      kind: 'aggregate',
      groupBy: paths(aggregate.groupBy, `${at}/groupBy`),
      threshold: number(aggregate.threshold, `${at}/threshold`, 1, count, 'a whole number >= 1'),
      windowMs: number(aggregate.windowMinutes, `${at}/windowMinutes`, 1, positive, 'a number of minutes > 0') * MINUTE,
    };
    if (typeof aggregate.distinct === 'string') out.distinct = path(aggregate.distinct, `${at}/distinct`);
    return out;
  }
  if (isPlainObject(sequence)) {
    const at = `${pointer}/sequence`;
    const out: CompiledCorrelation = {
      kind: 'sequence',
      first: compileCondition(sequence.first, `${at}/first`, options, problems),
      firstKey: path(sequence.firstKey, `${at}/firstKey`),
      key: path(sequence.key, `${at}/key`),
      windowMs: number(sequence.windowMinutes, `${at}/windowMinutes`, 1, positive, 'a number of minutes > 0') * MINUTE,
    };
    if (isPlainObject(sequence.unseen)) out.unseen = unseen(sequence.unseen as unknown as UnseenDefinition, `${at}/unseen`);
    return out;
  }
  if (isPlainObject(definition.unseen))
    return { kind: 'unseen', ...unseen(definition.unseen as unknown as UnseenDefinition, `${pointer}/unseen`) };
  return undefined;
}
