import { trustFacts } from '../../services/iam/policy/trust.js';
import { parsePolicyDocument } from '../../services/iam/policy/document.js';
import type { JsonObject } from '../../util/json.js';
import type { CloudTrailRecord } from '../records.js';
import type { EventFactModule } from './types.js';
import { recipientOf, requestOf, text } from './record-fields.js';

/**
 * `roleTrust`: the trust policy a call gives a role (`UpdateAssumeRolePolicy`, `CreateRole`), read
 * by the same analysis as the roles scanned in an account (src/services/iam/policy/trust.ts), with
 * the account that received the call as the role's own: `{ role, readable, anyone, otherAccounts,
 * summary }`. `anyone`: statements any AWS principal can use; `otherAccounts`: the accounts other
 * than the role's own that it trusts, each `{ account, principal, restricted, summary }`.
 */
function factsOf(record: CloudTrailRecord): JsonObject | undefined {
  const rp = requestOf(record);
  const document = record.eventName === 'CreateRole' ? rp.assumeRolePolicyDocument : rp.policyDocument;
  if (document === undefined) return undefined;
  const role = text(rp.roleName) ?? 'a role';
  const own = recipientOf(record);
  if (parsePolicyDocument(document) === undefined || own === undefined)
    return { roleTrust: { role, readable: false, anyone: [], otherAccounts: [], summary: '' } };
  const trust = trustFacts(document, own);
  const summaries = [...trust.trustAnyone, ...trust.trustOtherAccounts].map((t) => (typeof t.summary === 'string' ? t.summary : ''));
  return {
    roleTrust: {
      role,
      readable: true,
      anyone: trust.trustAnyone,
      otherAccounts: trust.trustOtherAccounts,
      summary: summaries.join('; '),
    },
  };
}

export const roleTrustFacts: EventFactModule = {
  topic: 'role-trust',
  facts: ['roleTrust'],
  eventNames: ['UpdateAssumeRolePolicy', 'CreateRole'],
  compute: factsOf,
};
