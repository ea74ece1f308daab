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
