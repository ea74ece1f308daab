import type { IAMClient } from '@aws-sdk/client-iam';
import { sdkClient } from '../../aws/client.js';
import { attachedPolicies, boolean, inlinePolicies, integer, object, orNull, policyDocument, string, tags } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { iamAccessKeyEnricher } from './enrich-access-key.js';
import { iamRootUserEnricher, iamUserCredentialsEnricher } from './enrich-credentials.js';
import { iamPolicyDocumentEnrichers } from './enrich-policy-documents.js';
import { iamPasswordPolicyEnricher } from './enrich-password-policy.js';
import { iamPrincipalAccessEnrichers } from './enrich-principal-access.js';
import { iamRootMfaKindEnricher } from './enrich-root-mfa.js';
import { iamUserUnusedKeysEnricher } from './enrich-setup-keys.js';
import { GROUP, KEY, PASSWORD_POLICY, POLICY, ROLE, ROOT, SERVER_CERTIFICATE, SETTINGS, USER, VIRTUAL_MFA_DEVICE } from './produces.js';

const INLINE_POLICY_FACTS =
  '`adminStatements`, `serviceWildcardStatements`: Allow statements of the **inline** policies with `*` (or `service:*`) on `*` (or with NotResource), each `{ policy, statement, sid, actions, hasCondition, summary }`';

/** Facts over all of a principal's policies (src/services/iam/policy/): null when managed policies (and, for users, groups) were not collected. */
const ACCESS_FACTS =
  '`effectiveAdmin` (`{ conditional, reportedElsewhere, summary }` or null: every action on every resource through all its policies, `Deny`/`NotAction`/`NotResource` applied), `allBucketsDataAccess` (`{ read, write, conditional, summary }` or null: s3:GetObject/PutObject on every object of every bucket; null when admin), `escalationPaths` (`[{ method, conditional, summary }]`: well-known privilege-escalation methods, naming the statements of each step; empty when admin), `unreadPolicies` (policies whose documents are not in the snapshot: the other facts are then null, unknown), `inlineDecryptAllKeys` (`[{ action, conditional, summary }]`: kms:Decrypt/ReEncryptFrom on every key through its own inline policies)';
const ACCESS_READS_NOTE = 'managed policies and groups; the rules over these facts require them';

/**
 * A row of the credential report as the collector stores it (src/services/iam/credential-report.ts):
 * "true"/"false" as booleans, N/A and the like as null, other cells as text.
 */
const CREDENTIAL_REPORT_ROW = object({
  user: string,
  user_creation_time: orNull(string),
  password_enabled: orNull(boolean),
  password_last_used: orNull(string),
  password_last_changed: orNull(string),
  mfa_active: boolean,
  access_key_1_active: boolean,
  access_key_1_last_rotated: orNull(string),
  access_key_1_last_used_date: orNull(string),
  access_key_2_active: boolean,
  access_key_2_last_rotated: orNull(string),
  access_key_2_last_used_date: orNull(string),
});

const TYPES = {
  [USER]: {
    scope: 'global',
    title: 'IAM user',
    id: 'UserName',
    data: "`UserDetailList` item of `GetAccountAuthorizationDetails` (`UserName`, `UserId`, `Arn`, `Path`, `CreateDate`, `UserPolicyList[{PolicyName, PolicyDocument}]`, `GroupList[names]`, `AttachedManagedPolicies[{PolicyName, PolicyArn}]`, `PermissionsBoundary?`, `Tags`), policy documents URL-decoded and parsed to objects; plus `CredentialReport`: this user's row of the credential report as an object keyed by the CSV column names, with `true`/`false` for booleans and `null` for `N/A`, `not_supported`, `no_information` (`null` as a whole when the report has no row for the user, i.e. the user is newer than the report).",
    facts: `${INLINE_POLICY_FACTS}; ${ACCESS_FACTS} (including its groups' policies); \`activeAccessKeyIds\`, \`activeAccessKeyCount\`, \`activeAccessKeySource\` (the access-key list when collected, else the credential report, else null); \`neverUsedActiveKeys\` (credential report: active keys never used, each \`{ slot, createdAt, minutesAfterUserCreation }\`; null without a report row)`,
    factsReadsNote: `access keys when they were collected; ${ACCESS_READS_NOTE}`,
    // CredentialReport is absent when the report could not be read (a gap).
    dataSchema: object(
      {
        UserName: string,
        Arn: string,
        UserPolicyList: inlinePolicies,
        AttachedManagedPolicies: attachedPolicies,
        CredentialReport: orNull(CREDENTIAL_REPORT_ROW),
        Tags: tags,
      },
      ['UserName'],
    ),
  },
  [KEY]: {
    scope: 'global',
    title: 'IAM access key',
    id: 'AccessKeyId',
    data: "`{ UserName, AccessKeyId, Status, CreateDate, LastUsedDate?, LastUsedServiceName?, LastUsedRegion? }` (`ListAccessKeys` + last use, taken from the credential report slot whose `last_rotated` equals the key's `CreateDate`, or from `GetAccessKeyLastUsed` when no slot matches). `LastUsedDate` absent: never used.",
    facts: '`ageDays`, `lastUsedDaysAgo`, `neverUsed`',
    dataSchema: object(
      { UserName: string, AccessKeyId: string, Status: orNull(string), CreateDate: orNull(string), LastUsedDate: orNull(string) },
      ['UserName', 'AccessKeyId', 'Status', 'CreateDate'],
    ),
  },
  [GROUP]: {
    scope: 'global',
    title: 'IAM group',
    id: 'GroupName',
    data: '`GroupDetailList` item (`GroupPolicyList`, `AttachedManagedPolicies`, documents parsed).',
    facts: `${INLINE_POLICY_FACTS}; ${ACCESS_FACTS}`,
    factsReadsNote: ACCESS_READS_NOTE,
    dataSchema: object({ GroupName: string, GroupPolicyList: inlinePolicies, AttachedManagedPolicies: attachedPolicies }, ['GroupName']),
  },
  [ROLE]: {
    scope: 'global',
    title: 'IAM role',
    id: 'RoleName',
    data: '`RoleDetailList` item (`AssumeRolePolicyDocument` and `RolePolicyList` documents parsed, `AttachedManagedPolicies`, `RoleLastUsed`, `InstanceProfileList`).',
    facts: `${INLINE_POLICY_FACTS}; ${ACCESS_FACTS}; from the trust policy: \`trustAnyone\` (\`[{ statement, sid, summary }]\`: Allow statements any AWS principal or any account can use, with no condition pinning an account or organisation), \`trustOtherAccounts\` (\`[{ account, principal, restricted, externalId, organisation, summary }]\`: principals of other accounts), \`trustWebIdentity\` (\`[{ provider, public, subject: 'missing'|'open'|'pinned', audience, summary }]\`: OIDC trusts and whether a \`sub\` condition pins the identity)`,
    factsReadsNote: ACCESS_READS_NOTE,
    dataSchema: object(
      { RoleName: string, Path: string, RolePolicyList: inlinePolicies, AttachedManagedPolicies: attachedPolicies, Tags: tags },
      ['RoleName'],
    ),
  },
  [POLICY]: {
    scope: 'global',
    title: 'IAM managed policy',
    id: 'Arn',
    data: "`Policies` item for customer-managed policies (`GetAccountAuthorizationDetails`, without `PolicyVersionList`) and AWS-managed policies that are attached (`ListPolicies` item), with `Arn`, `PolicyName`, `AttachmentCount`, `DefaultVersionId`, plus `Document`: the default version's document, parsed.",
    facts:
      "`adminStatements`, `serviceWildcardStatements` of the default version's document; `decryptAllKeys` (`[{ action, conditional, summary }]`: kms:Decrypt/ReEncryptFrom allowed on every key of the account)",
    // Document is null when the default version's document could not be parsed.
    dataSchema: object({ Arn: string, PolicyName: string, AttachmentCount: integer, Document: orNull(policyDocument) }, [
      'Arn',
      'PolicyName',
    ]),
  },
  [ROOT]: {
    scope: 'global',
    title: 'Root user of the account',
    id: 'account id',
    data: '`{ AccountSummary: GetAccountSummary SummaryMap, CredentialReport: the <root_account> row as for users (null when the report has none) }`. Either field is absent when its call failed (a gap).',
    facts:
      "`lastUsed: { at, via }` (most recent console or access-key use in the credential report, or null), `activeAccessKeyCount`, `rootMfaKind` (`virtual`: a virtual MFA device is assigned to root; `non-virtual`: MFA on and no virtual device is root's, so a hardware token or security key; `none`; null when the virtual MFA devices were not read or root's MFA status is unknown)",
    dataSchema: object({
      AccountSummary: object({ AccountMFAEnabled: integer, AccountAccessKeysPresent: integer }),
      CredentialReport: orNull(CREDENTIAL_REPORT_ROW),
    }),
  },
  [PASSWORD_POLICY]: {
    scope: 'global',
    title: 'IAM account password policy',
    id: 'account id',
    data: '`{ PasswordPolicy }`: the `PasswordPolicy` of `GetAccountPasswordPolicy` (`MinimumPasswordLength`, `RequireSymbols`, `RequireNumbers`, `RequireUppercaseCharacters`, `RequireLowercaseCharacters`, `PasswordReusePrevention?`, `MaxPasswordAge?`, `ExpirePasswords`, `HardExpiry?`, `AllowUsersToChangePassword`), or `null` when the account has none (`NoSuchEntity`). No resource when the call failed (a gap).',
    facts:
      '`characterClassesNotRequired`: the character classes (uppercase, lowercase, number, symbol) the policy does not require, in words; all four without a policy',
    dataSchema: object(
      {
        PasswordPolicy: orNull(
          object({
            MinimumPasswordLength: integer,
            RequireSymbols: boolean,
            RequireNumbers: boolean,
            RequireUppercaseCharacters: boolean,
            RequireLowercaseCharacters: boolean,
            PasswordReusePrevention: integer,
            MaxPasswordAge: integer,
            ExpirePasswords: boolean,
          }),
        ),
      },
      ['PasswordPolicy'],
    ),
  },
  [SERVER_CERTIFICATE]: {
    scope: 'global',
    title: 'IAM server certificate',
    id: 'ServerCertificateName',
    data: '`ServerCertificateMetadataList` item of `ListServerCertificates` (`ServerCertificateName`, `ServerCertificateId`, `Arn`, `Path`, `UploadDate`, `Expiration`).',
    dataSchema: object({ ServerCertificateName: string, Arn: string, Expiration: string, UploadDate: string }, ['ServerCertificateName']),
  },
  [VIRTUAL_MFA_DEVICE]: {
    scope: 'global',
    title: 'IAM virtual MFA device',
    id: 'SerialNumber',
    data: "`VirtualMFADevices` item of `ListVirtualMFADevices` (every assignment status): `SerialNumber`, `User?` (`Arn`, `UserName`; root's device names the root user, `arn:aws:iam::ACCOUNT:root`), `EnableDate?`. The seed and QR code are never stored.",
    dataSchema: object({ SerialNumber: string, User: object({ Arn: string, UserName: string }), EnableDate: string }, ['SerialNumber']),
  },
} as const satisfies ResourceTypeTable;

/** A key's last use, from the credential report or GetAccessKeyLastUsed; absent when neither answered (collect.ts). */
const KEY_LAST_USED = ['LastUsedDate', 'LastUsedServiceName', 'LastUsedRegion'];

/** IAM users, access keys, groups, roles, policies, the root user and account settings. */
export const iam: Service<typeof TYPES, { iam: IAMClient }> = {
  name: 'iam',
  resourceTypes: TYPES,
  clients: { iam: sdkClient('@aws-sdk/client-iam', async () => (await import('@aws-sdk/client-iam')).IAMClient) },
  collectors: [
    {
      descriptor: {
        id: 'iam',
        service: 'iam',
        scope: 'account',
        produces: [USER, KEY, GROUP, ROLE, POLICY, ROOT],
        commands: [
          // Users, groups, roles and customer-managed policies with their documents, in one paginated call.
          {
            command: 'GetAccountAuthorizationDetailsCommand',
            action: 'iam:GetAccountAuthorizationDetails',
            for: [USER, KEY, GROUP, ROLE, POLICY],
          },
          // Password, MFA and key use of every user and of root, in one report.
          // Users are listed without `CredentialReport` when it could not be read. Root is left out
          // only when this and GetAccountSummary both fail, so neither declares fields for it.
          {
            command: 'GenerateCredentialReportCommand',
            action: 'iam:GenerateCredentialReport',
            for: [USER, KEY, ROOT],
            fills: { [USER]: ['CredentialReport'], [KEY]: KEY_LAST_USED },
          },
          {
            command: 'GetCredentialReportCommand',
            action: 'iam:GetCredentialReport',
            for: [USER, KEY, ROOT],
            fills: { [USER]: ['CredentialReport'], [KEY]: KEY_LAST_USED },
          },
          { command: 'GetAccountSummaryCommand', action: 'iam:GetAccountSummary', for: [ROOT] },
          // No batch API lists key ids: one call per user.
          { command: 'ListAccessKeysCommand', action: 'iam:ListAccessKeys', for: [KEY] },
          // Only for a key the credential report cannot be matched to.
          { command: 'GetAccessKeyLastUsedCommand', action: 'iam:GetAccessKeyLastUsed', for: [KEY], fills: { [KEY]: KEY_LAST_USED } },
          // AWS-managed policies that are attached somewhere, and their default documents.
          { command: 'ListPoliciesCommand', action: 'iam:ListPolicies', for: [POLICY] },
          { command: 'GetPolicyVersionCommand', action: 'iam:GetPolicyVersion', for: [POLICY] },
        ],
      },
      load: async () => (await import('./collect.js')).collectIam,
    },
    {
      descriptor: {
        id: 'iam-settings',
        service: 'iam',
        scope: 'account',
        produces: SETTINGS,
        commands: [
          { command: 'GetAccountPasswordPolicyCommand', action: 'iam:GetAccountPasswordPolicy', for: [PASSWORD_POLICY] },
          { command: 'ListServerCertificatesCommand', action: 'iam:ListServerCertificates', for: [SERVER_CERTIFICATE] },
          { command: 'ListVirtualMFADevicesCommand', action: 'iam:ListVirtualMFADevices', for: [VIRTUAL_MFA_DEVICE] },
        ],
      },
      load: async () => (await import('./collect-settings.js')).collectIamSettings,
    },
  ],
  enrichers: [
    iamAccessKeyEnricher,
    iamRootUserEnricher,
    iamUserCredentialsEnricher,
    ...iamPolicyDocumentEnrichers,
    ...iamPrincipalAccessEnrichers,
    iamRootMfaKindEnricher,
    iamUserUnusedKeysEnricher,
    iamPasswordPolicyEnricher,
  ],
};
