import type { Enricher } from '../../enrich/types.js';
import { isPlainObject, type JsonObject } from '../../util/json.js';
import { USER } from './produces.js';

const MINUTE_MS = 60_000;

/**
 * The user's active access keys that have never been used, from the credential report, each
 * `{ slot, createdAt, minutesAfterUserCreation }` (`createdAt` is the slot's `last_rotated`,
 * the key's creation time; `minutesAfterUserCreation` counts from `user_creation_time`).
 * null when the user has no credential report row.
 */
export const iamUserUnusedKeysEnricher: Enricher = {
  type: USER,
  enrich(resource) {
    const report = resource.data.CredentialReport;
    if (!isPlainObject(report)) return { neverUsedActiveKeys: null };
    const userCreated = typeof report.user_creation_time === 'string' ? Date.parse(report.user_creation_time) : NaN;
    const keys: JsonObject[] = [];
    for (const slot of [1, 2]) {
      if (report[`access_key_${slot}_active`] !== true) continue;
      const lastUsed = report[`access_key_${slot}_last_used_date`];
      if (typeof lastUsed === 'string' && !Number.isNaN(Date.parse(lastUsed))) continue;
      const created = report[`access_key_${slot}_last_rotated`];
      const createdAt = typeof created === 'string' && !Number.isNaN(Date.parse(created)) ? created : null;
      keys.push({
        slot,
        createdAt,
        minutesAfterUserCreation:
          createdAt !== null && !Number.isNaN(userCreated) ? Math.floor((Date.parse(createdAt) - userCreated) / MINUTE_MS) : null,
      });
    }
    return { neverUsedActiveKeys: keys };
  },
};
