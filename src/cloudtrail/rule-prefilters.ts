/**
 * What a rule needs of an event before its condition is worth running: the event names it can
 * match (eventNamesOf) and texts one of which the raw record must hold (requiredTextOf). Both are
 * read from the rule file and are sound: an event that fails them cannot match the rule.
 */
import { escapeRegExp } from '../util/escape-regexp.js';
import { isPlainObject } from '../util/json.js';
import { EVENT_FACT_MODULES } from './event-facts.js';

const EVENT_NAME_PATH = 'data.eventName';

/**
 * The event names a rule's condition can possibly match, or `null` when it can match any
 * event. Read from the condition tree: a leaf `data.eventName eq X` / `in [X, …]` constrains
 * it; `all` takes the intersection of its constrained children; `any` the union when every
 * child is constrained; anything else (`not`, quantifiers, other paths) constrains nothing.
 * Sound by construction: when the condition holds, the event's name is in the set, so events
 * with other names can be counted as passes without running the condition.
 */
export function eventNamesOf(condition: unknown, options: Readonly<Record<string, unknown>> = {}): Set<string> | null {
  if (!isPlainObject(condition)) return null;
  if (Array.isArray(condition.all)) {
    let result: Set<string> | null = null;
    for (const child of condition.all) {
      const names: Set<string> | null = eventNamesOf(child, options);
      if (names === null) continue;
      if (result === null) result = names;
      else for (const name of [...result]) if (!names.has(name)) result.delete(name);
    }
    return result;
  }
  if (Array.isArray(condition.any)) {
    const result = new Set<string>();
    for (const child of condition.any) {
      const names = eventNamesOf(child, options);
      if (names === null) return null;
      for (const n of names) result.add(n);
    }
    return result;
  }
  if (condition.path !== EVENT_NAME_PATH) return null;
  let value = condition.value;
  if (isPlainObject(value) && typeof value.$option === 'string') value = options[value.$option];
  if (condition.op === 'eq' && typeof value === 'string') return new Set([value]);
  if (condition.op === 'in' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return new Set(value);
  return null;
}

/** What a record's raw JSON text must contain for a condition to hold: nothing can match, anything can, or one of these patterns. */
export type RequiredText = 'never' | 'any' | string[];

/** Strings CloudTrail writes as they are (no JSON escapes), so their raw text is predictable. */
const PLAIN = /^[A-Za-z0-9 _.:@+=,-]+$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export { escapeRegExp };

/** The pattern a `data.….key` leaf equal to a plain `value` needs: `"key" : "value"`, white space allowed around the colon. */
export function keyValueSource(key: string, value: string): string {
  return `"${key}"\\s*:\\s*"${escapeRegExp(value)}"`;
}

/**
 * Regular-expression sources, one of which a record's raw JSON must match for `condition` to
 * hold (read like eventNamesOf): a `data.….key` leaf `eq` / `in` plain strings needs
 * `"key" : "value"`; a `facts.…` leaf what its fact module says it needs (the
 * leaked-key fact: one of the leaked key ids in quotes; none: the rule cannot match); `all` takes its narrowest constrained child, `any` the union of its children.
 * Assumes plain ASCII strings are written without escapes, as CloudTrail writes them.
 */
export function requiredTextOf(
  condition: unknown,
  options: Readonly<Record<string, unknown>>,
  leakedKeyIds: readonly string[],
): RequiredText {
  if (!isPlainObject(condition)) return 'any';
  if (Array.isArray(condition.all)) {
    let best: RequiredText = 'any';
    for (const child of condition.all) {
      const r = requiredTextOf(child, options, leakedKeyIds);
      if (r === 'never') return 'never';
      if (r !== 'any' && (best === 'any' || r.length < best.length)) best = r;
    }
    return best;
  }
  if (Array.isArray(condition.any)) {
    const union: string[] = [];
    let never = true;
    for (const child of condition.any) {
      const r = requiredTextOf(child, options, leakedKeyIds);
      if (r === 'any') return 'any';
      if (r === 'never') continue;
      never = false;
      union.push(...r);
    }
    return never ? 'never' : union;
  }
  if (typeof condition.path === 'string' && condition.path.startsWith('facts.')) {
    // A fact module may know what text its fact needs (the leaked-key fact: one of the leaked ids).
    const fact = condition.path.slice('facts.'.length);
    for (const m of EVENT_FACT_MODULES) {
      if (!m.facts.includes(fact) || !m.requiredText) continue;
      return m.requiredText({ fact, op: condition.op, value: condition.value }, leakedKeyIds) ?? 'any';
    }
    return 'any';
  }
  if (typeof condition.path !== 'string' || !condition.path.startsWith('data.')) return 'any';
  const key = condition.path.slice(condition.path.lastIndexOf('.') + 1);
  if (!KEY.test(key) || !/^[A-Za-z0-9_.]+$/.test(condition.path)) return 'any';
  let value = condition.value;
  if (isPlainObject(value) && typeof value.$option === 'string') value = options[value.$option];
  const values = condition.op === 'eq' ? [value] : condition.op === 'in' && Array.isArray(value) ? value : undefined;
  if (!values || values.length === 0 || !values.every((v) => typeof v === 'string' && PLAIN.test(v))) return 'any';
  return (values as string[]).map((v) => keyValueSource(key, v));
}
