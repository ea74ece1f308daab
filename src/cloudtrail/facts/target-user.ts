import type { JsonObject } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { CloudTrailRecord } from '../records.js';
import type { EventFactModule } from './types.js';
import { recipientOf, requestOf, text } from './record-fields.js';

/**
 * `targetUser`: the IAM user whose console password a call sets (`CreateLoginProfile`,
 * `UpdateLoginProfile`) and whether that is the caller itself: `{ name, self }`. A user changing
 * their own password is routine; anyone setting another user's password can sign in as that user.
 * Without `userName` the call acts on the calling user. Only an IAM user of the same account,
 * of that name, is "self" (a role session or the root user setting a password acts on another).
 */
function factsOf(record: CloudTrailRecord): JsonObject | undefined {
  const identity = isPlainObject(record.userIdentity) ? record.userIdentity : {};
  const callerName = identity.type === 'IAMUser' ? text(identity.userName) : undefined;
  const named = text(requestOf(record).userName);
  const sameAccount = text(identity.accountId) === undefined || text(identity.accountId) === recipientOf(record);
  const self = named === undefined ? true : callerName !== undefined && sameAccount && named === callerName;
  return { targetUser: { name: named ?? callerName ?? 'the caller', self } };
}

export const targetUserFacts: EventFactModule = {
  topic: 'target-user',
  facts: ['targetUser'],
  eventNames: ['CreateLoginProfile', 'UpdateLoginProfile'],
  compute: factsOf,
};
