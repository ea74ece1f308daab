// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const USER = 'aws.iam.user';
export const KEY = 'aws.iam.access-key';
export const GROUP = 'aws.iam.group';
export const ROLE = 'aws.iam.role';
export const POLICY = 'aws.iam.policy';
export const ROOT = 'aws.iam.root-user';

export type IamType = typeof USER | typeof KEY | typeof GROUP | typeof ROLE | typeof POLICY | typeof ROOT;

// Account settings (collect-settings.ts): the password policy, server certificates, virtual MFA devices.
export const PASSWORD_POLICY = 'aws.iam.password-policy';
export const SERVER_CERTIFICATE = 'aws.iam.server-certificate';
export const VIRTUAL_MFA_DEVICE = 'aws.iam.virtual-mfa-device';

export const SETTINGS = [PASSWORD_POLICY, SERVER_CERTIFICATE, VIRTUAL_MFA_DEVICE] as const;
export type IamSettingsType = (typeof SETTINGS)[number];
