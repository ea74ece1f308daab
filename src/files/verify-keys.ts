import type { Resource } from '../snapshot/types.js';
import type { JsonObject } from '../util/json.js';

/**
 * Keys found in files, checked against the scanned account's IAM access keys. The check needs the
 * full key id, which only the file scan's memory holds (it is never stored), so it happens when a
 * scan adds its files to the account's snapshot; what it finds is recorded as data, and the
 * file-access-key enricher computes the facts from that data and the snapshot, like every other
 * fact. The secret is never used: nothing here authenticates with it.
 */

/** The field of a file.access-key resource's data that records the check. */
export const ACCOUNT_KEY_FIELD = 'scannedAccountKey';

/**
 * The file resources, with `data.scannedAccountKey` on each file.access-key whose full id is known:
 * the account's IAM key with that id, reduced to `{ UserName, Status, CreateDate, LastUsedDate }`
 * (strings, or null when IAM did not give one), or null when the listing does not have it. The
 * input resources are not modified.
 */
export function recordAccountKeys(
  fileResources: readonly Resource[],
  keyIdOf: (r: Resource) => string | undefined,
  accessKeys: readonly Resource[],
): Resource[] {
  const byId = new Map<string, Resource>();
  for (const key of accessKeys) {
    if (typeof key.data.AccessKeyId === 'string') byId.set(key.data.AccessKeyId, key);
  }
  return fileResources.map((resource) => {
    const keyId = resource.type === 'file.access-key' || resource.type === 'file.history-access-key' ? keyIdOf(resource) : undefined;
    if (keyId === undefined) return resource;
    const match = byId.get(keyId);
    return { ...resource, data: { ...resource.data, [ACCOUNT_KEY_FIELD]: match ? listedKey(match.data) : null } };
  });
}

function listedKey(d: JsonObject): JsonObject {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { UserName: text(d.UserName), Status: text(d.Status), CreateDate: text(d.CreateDate), LastUsedDate: text(d.LastUsedDate) };
}

/** What the snapshot says of the account scan the keys were checked against. */
export interface ScannedAccount {
  /** Account ids whose IAM access keys were listed. */
  accounts: readonly string[];
  /** False when listing access keys hit a coverage gap: "not found" then proves nothing. */
  complete: boolean;
}

/**
 * How a key found in a file relates to the scanned account, from `data.scannedAccountKey` (see
 * `recordAccountKeys`); undefined when the key was not checked (no account's keys were listed).
 *
 * - `verification`: `matched` (the key is one of the account's IAM user keys), `not-found` (the
 *   key id encodes a scanned account but no user there has it: deleted, or a root user key),
 *   `other-account` (it belongs to an account that was not scanned), `not-listed` (a temporary
 *   or other non-user key of a scanned account: IAM does not list those), `unknown` (the
 *   listing was incomplete, or the old-format id does not say its account);
 * - `belongsToScannedAccount`, `status` (Active / Inactive / NotFound / null), `owner`
 *   (UserName), `lastUsedDate`, `createDate`, `scannedAccounts`.
 */
export function keyVerificationFacts(data: JsonObject, scanned: ScannedAccount): JsonObject | undefined {
  const listed = data[ACCOUNT_KEY_FIELD];
  if (listed === undefined) return undefined;
  const base: JsonObject = {
    scannedAccounts: [...scanned.accounts],
    belongsToScannedAccount: null,
    status: null,
    owner: null,
    lastUsedDate: null,
    createDate: null,
  };
  if (listed !== null && typeof listed === 'object' && !Array.isArray(listed)) {
    return {
      ...base,
      verification: 'matched',
      belongsToScannedAccount: true,
      status: listed.Status ?? null,
      owner: listed.UserName ?? null,
      lastUsedDate: listed.LastUsedDate ?? null,
      createDate: listed.CreateDate ?? null,
    };
  }
  const ownerAccount = data.ownerAccount;
  const inScanned = typeof ownerAccount === 'string' && scanned.accounts.includes(ownerAccount);
  if (typeof ownerAccount === 'string' && !inScanned) return { ...base, verification: 'other-account', belongsToScannedAccount: false };
  // IAM lists only long-term user keys (AKIA…); the key's prefix is kept in the data.
  if (inScanned && data.keyPrefix !== 'AKIA') return { ...base, verification: 'not-listed', belongsToScannedAccount: true };
  if (inScanned && scanned.complete) return { ...base, verification: 'not-found', belongsToScannedAccount: true, status: 'NotFound' };
  return { ...base, verification: 'unknown', belongsToScannedAccount: inScanned ? true : null };
}
