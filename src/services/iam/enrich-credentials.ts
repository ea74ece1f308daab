import type { JsonObject } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { Resource } from '../../snapshot/types.js';
import type { Enricher } from '../../enrich/types.js';
import { derived, wasCollected } from '../../enrich/types.js';

/** The credential report row of a user or of the root user (booleans and nulls already settled by the collector). */
function reportOf(resource: Resource): Record<string, unknown> | undefined {
  const report = resource.data.CredentialReport;
  return isPlainObject(report) ? report : undefined;
}

function validDate(value: unknown): string | undefined {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/**
 * The most recent use of the root user's credentials, from its credential report row:
 * console sign-in (`password_last_used`) or either access key (`access_key_N_last_used_date`).
 */
export function rootLastUsed(report: Record<string, unknown> | undefined): JsonObject | null {
  if (!report) return null;
  const uses: Array<[string, string | undefined]> = [
    ['console password', validDate(report.password_last_used)],
    ['access key 1', validDate(report.access_key_1_last_used_date)],
    ['access key 2', validDate(report.access_key_2_last_used_date)],
  ];
  let latest: JsonObject | null = null;
  for (const [via, at] of uses) {
    if (at && (!latest || Date.parse(at) > Date.parse(latest.at as string))) latest = { at, via };
  }
  return latest;
}

export const iamRootUserEnricher: Enricher = {
  type: 'aws.iam.root-user',
  enrich(resource) {
    const report = reportOf(resource);
    const activeKeys = report ? [report.access_key_1_active, report.access_key_2_active].filter((v) => v === true).length : null;
    return { lastUsed: rootLastUsed(report), activeAccessKeyCount: activeKeys };
  },
};

/**
 * A user's active access keys. The live key list (`aws.iam.access-key`, ListAccessKeys) is
 * preferred when it was collected; otherwise the credential report row, which AWS may have
 * generated up to four hours earlier. Neither: unknown (null), never zero.
 */
const NO_KEYS: string[] = Object.freeze([]) as unknown as string[];

export const iamUserCredentialsEnricher: Enricher = {
  type: 'aws.iam.user',
  enrich(resource, ctx) {
    if (wasCollected(ctx.index, 'aws.iam.access-key')) {
      // account -> user name -> active key ids, built once per evaluation.
      const byAccount = derived(ctx.index, 'active-keys-by-user', () => {
        const map = new Map<string, Map<string, string[]>>();
        for (const key of ctx.index.ofType('aws.iam.access-key')) {
          const user = key.data.UserName;
          if (key.data.Status !== 'Active' || typeof user !== 'string') continue;
          let users = map.get(key.account);
          if (!users) map.set(key.account, (users = new Map<string, string[]>()));
          const ids = users.get(user);
          if (ids) ids.push(key.id);
          else users.set(user, [key.id]);
        }
        return map;
      });
      const ids = byAccount.get(resource.account)?.get(resource.id) ?? NO_KEYS;
      return { activeAccessKeyIds: ids, activeAccessKeyCount: ids.length, activeAccessKeySource: 'access key list' };
    }
    const report = reportOf(resource);
    if (!report) return { activeAccessKeyIds: null, activeAccessKeyCount: null, activeAccessKeySource: null };
    const count = [report.access_key_1_active, report.access_key_2_active].filter((v) => v === true).length;
    return { activeAccessKeyIds: null, activeAccessKeyCount: count, activeAccessKeySource: 'credential report' };
  },
};
