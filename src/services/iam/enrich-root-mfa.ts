import type { Enricher } from '../../enrich/types.js';
import { derived, gapsOf, wasCollected } from '../../enrich/types.js';
import type { Resource } from '../../snapshot/types.js';
import { isPlainObject } from '../../util/json.js';
import { ROOT, VIRTUAL_MFA_DEVICE } from './produces.js';

/**
 * Is this virtual MFA device the root user's? AWS names root's device
 * `arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device` (older accounts) and lists the root user
 * as its `User` with an ARN ending in `:root`.
 */
export function isRootVirtualMfa(device: Resource): boolean {
  const user = device.data.User;
  if (isPlainObject(user) && typeof user.Arn === 'string' && /^arn:[^:]+:iam::\d{12}:root$/u.test(user.Arn)) return true;
  return /^arn:[^:]+:iam::\d{12}:mfa\/root-account-mfa-device$/u.test(device.id);
}

/** Root has MFA: the account summary first, then the credential report; null when neither was read. */
function rootMfaEnabled(root: Resource): boolean | null {
  const summary = root.data.AccountSummary;
  if (isPlainObject(summary) && typeof summary.AccountMFAEnabled === 'number') return summary.AccountMFAEnabled === 1;
  const report = root.data.CredentialReport;
  if (isPlainObject(report) && typeof report.mfa_active === 'boolean') return report.mfa_active;
  return null;
}

/**
 * What kind of MFA protects the root user: `virtual` (an authenticator app: a virtual MFA
 * device is assigned to root), `non-virtual` (MFA is on and no virtual device is root's: a
 * hardware TOTP token or a FIDO security key), `none`, or null when it cannot be told (the
 * virtual MFA devices were not collected or could not be read, or root's MFA status is unknown).
 */
export const iamRootMfaKindEnricher: Enricher = {
  type: ROOT,
  enrich(resource, ctx) {
    const enabled = rootMfaEnabled(resource);
    const devicesKnown = wasCollected(ctx.index, VIRTUAL_MFA_DEVICE) && gapsOf(ctx.index, VIRTUAL_MFA_DEVICE).length === 0;
    const rootVirtual = devicesKnown
      ? derived(ctx.index, 'root-virtual-mfa-accounts', () => {
          const accounts = new Set<string>();
          for (const device of ctx.index.ofType(VIRTUAL_MFA_DEVICE)) if (isRootVirtualMfa(device)) accounts.add(device.account);
          return accounts;
        }).has(resource.account)
      : null;
    let rootMfaKind: string | null;
    if (rootVirtual === true) rootMfaKind = 'virtual';
    else if (enabled === false) rootMfaKind = 'none';
    else if (enabled === true && rootVirtual === false) rootMfaKind = 'non-virtual';
    else rootMfaKind = null;
    return { rootMfaKind };
  },
};
