// Facts behind the IAM account-settings rules: what kind of MFA protects root, which active keys
// were never used and how soon after their user they were made, the password policy's missing
// character classes, and the account's support-role and CloudShell facts. Each says "unknown"
// (null) when what it is computed from was not read completely, never "none".
import { describe, expect, it } from 'vitest';
import { accountEnricher } from '../src/services/account/enrich.js';
import { iamPasswordPolicyEnricher } from '../src/services/iam/enrich-password-policy.js';
import { iamRootMfaKindEnricher, isRootVirtualMfa } from '../src/services/iam/enrich-root-mfa.js';
import { iamUserUnusedKeysEnricher } from '../src/services/iam/enrich-setup-keys.js';
import type { Enricher } from '../src/enrich/types.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import type { CoverageGap, Resource } from '../src/snapshot/types.js';
import type { JsonObject } from '../src/util/json.js';

const ACCOUNT = '123456789012';
const MFA = 'aws.iam.virtual-mfa-device';

const res = (type: string, id: string, data: Resource['data'], account = ACCOUNT): Resource => ({
  type,
  id,
  account,
  region: 'global',
  data,
});

const gap = (type: string): CoverageGap => ({
  service: 'iam',
  region: 'global',
  operation: 'ListVirtualMFADevices',
  resourceTypes: [type],
  errorCode: 'AccessDenied',
  message: 'denied',
});

function factsOf(enricher: Enricher, resources: Resource[], collected: string[], gaps: CoverageGap[] = []) {
  const index = new SnapshotIndex({
    format: 'awsaudit-snapshot',
    version: 1,
    meta: {
      accounts: [ACCOUNT],
      regions: ['us-east-1'],
      collectedAt: '2026-06-01T00:00:00Z',
      tool: { name: 'awsaudit', version: 'test' },
      source: 'test',
      resourceTypes: collected,
    },
    resources,
    gaps,
  });
  return enricher.enrich(resources[0]!, { now: Date.parse('2026-06-01T00:00:00Z'), index });
}

describe('root MFA kind', () => {
  const root = (mfaEnabled: number | undefined) =>
    res('aws.iam.root-user', ACCOUNT, mfaEnabled === undefined ? {} : { AccountSummary: { AccountMFAEnabled: mfaEnabled } });
  const device = (serial: string, userArn?: string, account = ACCOUNT) =>
    res(MFA, serial, { SerialNumber: serial, ...(userArn ? { User: { Arn: userArn } } : {}) }, account);

  it("recognises root's virtual device by its user ARN or by its historical serial number", () => {
    expect(isRootVirtualMfa(device('arn:aws:iam::123456789012:mfa/root-account-mfa-device'))).toBe(true);
    expect(isRootVirtualMfa(device('arn:aws:iam::123456789012:mfa/phone', 'arn:aws:iam::123456789012:root'))).toBe(true);
    expect(isRootVirtualMfa(device('arn:aws-cn:iam::123456789012:mfa/x', 'arn:aws-cn:iam::123456789012:root'))).toBe(true);
    expect(isRootVirtualMfa(device('arn:aws:iam::123456789012:mfa/alice', 'arn:aws:iam::123456789012:user/alice'))).toBe(false);
    expect(isRootVirtualMfa(device('arn:aws:iam::123456789012:mfa/root-account-mfa-device-2'))).toBe(false);
  });

  it('virtual, non-virtual (hardware or security key) or none', () => {
    const rootDevice = device('arn:aws:iam::123456789012:mfa/root-account-mfa-device');
    expect(factsOf(iamRootMfaKindEnricher, [root(1), rootDevice], [MFA])).toEqual({ rootMfaKind: 'virtual' });
    expect(factsOf(iamRootMfaKindEnricher, [root(1)], [MFA])).toEqual({ rootMfaKind: 'non-virtual' });
    expect(factsOf(iamRootMfaKindEnricher, [root(0)], [MFA])).toEqual({ rootMfaKind: 'none' });
    // Another account's root device says nothing about this root.
    const otherRoot = device('arn:aws:iam::111122223333:mfa/root-account-mfa-device', undefined, '111122223333');
    expect(factsOf(iamRootMfaKindEnricher, [root(1), otherRoot], [MFA])).toEqual({ rootMfaKind: 'non-virtual' });
  });

  it('unknown when the devices were not read completely, or root has MFA and the devices were not collected', () => {
    expect(factsOf(iamRootMfaKindEnricher, [root(1)], [MFA], [gap(MFA)])).toEqual({ rootMfaKind: null });
    expect(factsOf(iamRootMfaKindEnricher, [root(1)], [])).toEqual({ rootMfaKind: null });
    expect(factsOf(iamRootMfaKindEnricher, [root(undefined)], [MFA])).toEqual({ rootMfaKind: null });
    // No MFA at all needs no device list.
    expect(factsOf(iamRootMfaKindEnricher, [root(0)], [], [gap(MFA)])).toEqual({ rootMfaKind: 'none' });
  });
});

describe('never-used active keys', () => {
  const user = (report: JsonObject | null) => res('aws.iam.user', 'alice', { UserName: 'alice', CredentialReport: report });

  it('lists active keys without a last use, with minutes after the user was created', () => {
    const facts = factsOf(
      iamUserUnusedKeysEnricher,
      [
        user({
          user_creation_time: '2026-01-10T09:00:00+00:00',
          access_key_1_active: true,
          access_key_1_last_rotated: '2026-01-10T09:03:59+00:00',
          access_key_1_last_used_date: null,
          access_key_2_active: true,
          access_key_2_last_rotated: '2026-01-10T09:00:01+00:00',
          access_key_2_last_used_date: '2026-05-01T00:00:00+00:00',
        }),
      ],
      ['aws.iam.user'],
    );
    expect(facts).toEqual({ neverUsedActiveKeys: [{ slot: 1, createdAt: '2026-01-10T09:03:59+00:00', minutesAfterUserCreation: 3 }] });
  });

  it('inactive keys are left out; no report row is unknown', () => {
    const inactive = user({ user_creation_time: '2026-01-10T09:00:00+00:00', access_key_1_active: false, access_key_2_active: false });
    expect(factsOf(iamUserUnusedKeysEnricher, [inactive], ['aws.iam.user'])).toEqual({ neverUsedActiveKeys: [] });
    expect(factsOf(iamUserUnusedKeysEnricher, [user(null)], ['aws.iam.user'])).toEqual({ neverUsedActiveKeys: null });
  });
});

describe('password policy character classes', () => {
  it('names the classes not required; all four without a policy', () => {
    const policy = (p: JsonObject | null) => res('aws.iam.password-policy', ACCOUNT, { PasswordPolicy: p });
    expect(
      factsOf(
        iamPasswordPolicyEnricher,
        [policy({ RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: false })],
        [],
      ),
    ).toEqual({ characterClassesNotRequired: ['a number', 'a symbol'] });
    expect(factsOf(iamPasswordPolicyEnricher, [policy(null)], [])).toEqual({
      characterClassesNotRequired: ['an uppercase letter', 'a lowercase letter', 'a number', 'a symbol'],
    });
  });
});

describe('account IAM facts', () => {
  const account = res('aws.account', ACCOUNT, { AccountId: ACCOUNT, Partition: 'aws', Regions: ['us-east-1'] });
  const attached = (arn: string) => ({ AttachedManagedPolicies: [{ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn }] });
  const IAM_TYPES = ['aws.iam.user', 'aws.iam.group', 'aws.iam.role'];

  it('support roles and CloudShell principals, by the AWS-managed policy ARN only', () => {
    const resources = [
      account,
      res('aws.iam.role', 'support', { RoleName: 'support', ...attached('arn:aws:iam::aws:policy/AWSSupportAccess') }),
      res('aws.iam.role', 'fake', { RoleName: 'fake', ...attached('arn:aws:iam::123456789012:policy/AWSSupportAccess') }),
      res('aws.iam.group', 'ops', { GroupName: 'ops', ...attached('arn:aws:iam::aws:policy/AWSCloudShellFullAccess') }),
      res('aws.iam.user', 'bob', { UserName: 'bob', ...attached('arn:aws:iam::aws:policy/AWSCloudShellFullAccess') }),
      res('aws.iam.role', 'other', { RoleName: 'other', ...attached('arn:aws:iam::aws:policy/AWSSupportAccess') }, '111122223333'),
    ];
    const facts = factsOf(accountEnricher, resources, IAM_TYPES);
    expect(facts.supportRoles).toEqual(['support']);
    expect(facts.cloudShellFullAccessPrincipals).toEqual(['group/ops', 'user/bob']);
  });

  it('null, not empty, when a type was not collected or had a gap', () => {
    const noGroups = factsOf(accountEnricher, [account], ['aws.iam.user', 'aws.iam.role']);
    expect(noGroups.supportRoles).toEqual([]);
    expect(noGroups.cloudShellFullAccessPrincipals).toBeNull();
    const gapped = factsOf(accountEnricher, [account], IAM_TYPES, [gap('aws.iam.role')]);
    expect(gapped.supportRoles).toBeNull();
    expect(gapped.cloudShellFullAccessPrincipals).toBeNull();
  });
});
