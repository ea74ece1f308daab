import { maskKeyId } from '../../secrets/access-key-id.js';
import { escapeRegExp } from '../../util/escape-regexp.js';
import type { JsonObject } from '../../util/json.js';
import type { EventFactModule } from './types.js';

const NOT_LEAKED: JsonObject = Object.freeze({ leakedAccessKey: false });

/**
 * `leakedAccessKey`: the call was signed with an access key id found leaked in local files (the
 * run's list). Rules read the fact, never the list, so no report repeats the leaked ids: findings
 * show `accessKeyIdMasked` (`AKIA…MPLE`).
 */
export const leakedKeyFacts: EventFactModule = {
  topic: 'leaked-key',
  facts: ['leakedAccessKey', 'accessKeyIdMasked'],
  eventNames: null,
  compute(record, ctx) {
    const leaked = ctx.leakedKeyIds;
    if (leaked === undefined) return undefined;
    if (leaked.size === 0) return NOT_LEAKED;
    const identity = record.userIdentity as { accessKeyId?: unknown } | undefined;
    const keyId = identity?.accessKeyId;
    if (typeof keyId !== 'string' || !leaked.has(keyId)) return NOT_LEAKED;
    return { leakedAccessKey: true, accessKeyIdMasked: maskKeyId(keyId) };
  },
  // A leaked key's id appears in quotes in the record that used it; no leaked ids: nothing can match.
  requiredText({ fact, op, value }, leakedKeyIds) {
    if (fact !== 'leakedAccessKey' || op !== 'eq' || value !== true) return undefined;
    return leakedKeyIds.length === 0 ? 'never' : leakedKeyIds.map((k) => escapeRegExp(JSON.stringify(k)));
  },
};
