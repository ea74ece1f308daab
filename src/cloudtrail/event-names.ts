import { isPlainObject } from '../util/json.js';

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
  if (condition.op === 'in' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return new Set(value as string[]);
  return null;
}
