/**
 * What a public grant on a bucket lets anyone do, from least to most: `read` objects (a website's
 * GetObject), `list` the keys, `write` objects (upload, overwrite, delete), or `control` who can
 * do what (change the bucket policy or ACLs). Severity follows it (issue 17): a website bucket that
 * only serves its objects is a different risk from a bucket anyone can list, fill or take over.
 */
export type AccessLevel = 'read' | 'list' | 'write' | 'control';

export const ACCESS_LEVELS: readonly AccessLevel[] = ['read', 'list', 'write', 'control'];

/**
 * Actions that stand for each level: an action pattern of a statement is at the highest level one
 * of these matches (`s3:*` and `*` are `control`, `s3:Get*` is `read`, `s3:*Object` is `write`).
 * An action matching none of them (s3:GetBucketLocation) is `read`.
 */
const REPRESENTATIVES: ReadonlyArray<[AccessLevel, readonly string[]]> = [
  [
    'control',
    [
      's3:PutBucketPolicy',
      's3:DeleteBucketPolicy',
      's3:PutBucketAcl',
      's3:PutObjectAcl',
      's3:PutObjectVersionAcl',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketOwnershipControls',
    ],
  ],
  [
    'write',
    [
      's3:PutObject',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:RestoreObject',
      's3:PutLifecycleConfiguration',
      's3:PutBucketWebsite',
      's3:DeleteBucket',
    ],
  ],
  ['list', ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads', 's3:ListMultipartUploadParts']],
];

function globMatches(pattern: string, action: string): boolean {
  // IAM action patterns: * and ? wildcards, case-insensitive; nothing else is special.
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(action);
}

function levelOfAction(pattern: string): AccessLevel {
  for (const [level, actions] of REPRESENTATIVES) if (actions.some((a) => globMatches(pattern, a))) return level;
  return 'read';
}

/** The highest of some levels; undefined for none. */
export function highest(levels: Iterable<AccessLevel | undefined>): AccessLevel | undefined {
  let out: AccessLevel | undefined;
  for (const l of levels) if (l && (!out || ACCESS_LEVELS.indexOf(l) > ACCESS_LEVELS.indexOf(out))) out = l;
  return out;
}

/**
 * The level a statement grants: the highest of its actions. `NotAction` (everything but some
 * actions) and a missing or malformed `Action` grant `control`: nothing narrower can be assumed.
 */
export function statementAccess(statement: { Action?: unknown; NotAction?: unknown }): AccessLevel {
  if (statement.NotAction !== undefined) return 'control';
  const actions =
    typeof statement.Action === 'string' ? [statement.Action] : Array.isArray(statement.Action) ? statement.Action : undefined;
  if (!actions || actions.length === 0 || actions.some((a) => typeof a !== 'string')) return 'control';
  return highest((actions as string[]).map(levelOfAction))!;
}

/** The level a bucket ACL permission grants (READ on a bucket lists its keys; it does not read objects). */
export function aclAccess(permission: unknown): AccessLevel {
  switch (permission) {
    case 'READ_ACP':
      return 'read';
    case 'READ':
      return 'list';
    case 'WRITE':
      return 'write';
    default:
      // WRITE_ACP, FULL_CONTROL, and anything unknown: the grantee can change the permissions.
      return 'control';
  }
}
