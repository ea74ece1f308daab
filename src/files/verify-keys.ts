import type { Resource } from '../snapshot/types.js';
import type { JsonObject } from '../util/json.js';

/** What the account scan knows about access keys, to check leaked key ids against. */
export interface ScannedAccount {
  /** Account ids whose IAM access keys were listed. */
  accounts: readonly string[];
  /** `aws.iam.access-key` resources from the same scan (data: UserName, AccessKeyId, Status, CreateDate, LastUsedDate?). */
  accessKeys: readonly Resource[];
  /** False when listing access keys hit a coverage gap: "not found" then proves nothing. */
  complete: boolean;
}

/**
 * How a key found in a file relates to the scanned account. Set as facts on file.access-key
 * resources, in the same process as the scan (the file resources do not hold the key id):
 *
 * - `verification`: `matched` (the key is one of the account's IAM user keys), `not-found` (the
 *   key id encodes a scanned account but no user there has it: deleted, or a root user key),
 *   `other-account` (it belongs to an account that was not scanned), `not-listed` (a temporary
 *   or other non-user key of a scanned account: IAM does not list those), `unknown` (the
 *   listing was incomplete, or the old-format id does not say its account);
 * - `belongsToScannedAccount`, `status` (Active / Inactive / NotFound / null), `owner`
 *   (UserName), `lastUsedDate`, `createDate`, `scannedAccounts`.
 *
 * The secret is never used: nothing here authenticates with it.
 */
export function verifyKeys(fileResources: readonly Resource[], keyIdOf: (r: Resource) => string | undefined, scanned: ScannedAccount): number {
  const byId = new Map<string, Resource>();
  for (const key of scanned.accessKeys) {
    if (typeof key.data.AccessKeyId === 'string') byId.set(key.data.AccessKeyId, key);
  }
  let verified = 0;
  for (const resource of fileResources) {
    if (resource.type !== 'file.access-key') continue;
    const keyId = keyIdOf(resource);
    if (keyId === undefined) continue;
    resource.facts = { ...resource.facts, ...verificationFacts(keyId, resource.data.ownerAccount, byId.get(keyId), scanned) };
    verified++;
  }
  return verified;
}

function verificationFacts(keyId: string, ownerAccount: unknown, match: Resource | undefined, scanned: ScannedAccount): JsonObject {
  const base: JsonObject = {
    scannedAccounts: [...scanned.accounts],
    belongsToScannedAccount: null,
    status: null,
    owner: null,
    lastUsedDate: null,
    createDate: null,
  };
  if (match) {
    const d = match.data;
    return {
      ...base,
      verification: 'matched',
      belongsToScannedAccount: true,
      status: typeof d.Status === 'string' ? d.Status : null,
      owner: typeof d.UserName === 'string' ? d.UserName : null,
      lastUsedDate: typeof d.LastUsedDate === 'string' ? d.LastUsedDate : null,
      createDate: typeof d.CreateDate === 'string' ? d.CreateDate : null,
    };
  }
  const inScanned = typeof ownerAccount === 'string' && scanned.accounts.includes(ownerAccount);
  if (typeof ownerAccount === 'string' && !inScanned) return { ...base, verification: 'other-account', belongsToScannedAccount: false };
  if (inScanned && !keyId.startsWith('AKIA')) return { ...base, verification: 'not-listed', belongsToScannedAccount: true };
  if (inScanned && scanned.complete) return { ...base, verification: 'not-found', belongsToScannedAccount: true, status: 'NotFound' };
  return { ...base, verification: 'unknown', belongsToScannedAccount: inScanned ? true : null };
}
