import type { JsonObject, JsonValue } from '../util/json.js';

/**
 * SDK output as snapshot JSON: dates become ISO 8601 strings, `undefined` members are
 * dropped, the response's `$metadata` is left out. Anything else that JSON cannot hold
 * (bytes, functions) is dropped rather than stored half-converted.
 */
export function toJson(value: unknown): JsonValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const v = toJson(item);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  if (ArrayBuffer.isView(value)) return undefined;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === '$metadata') continue;
    const v = toJson(item);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** `toJson` for a value known to be an object (an SDK item or response). */
export function toJsonObject(value: object): JsonObject {
  const v = toJson(value);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
