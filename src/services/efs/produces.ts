// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const FILE_SYSTEM = 'aws.efs.file-system';
/** One DescribeBackupPolicy per file system, sent only when this type is wanted. */
export const BACKUP_POLICY = 'aws.efs.backup-policy';
/** One DescribeMountTargets per file system that has mount targets, sent only when this type is wanted. */
export const MOUNT_TARGET = 'aws.efs.mount-target';
export const FILE_SYSTEMS = [FILE_SYSTEM, BACKUP_POLICY, MOUNT_TARGET] as const;
export const ACCESS_POINT = ['aws.efs.access-point'] as const;
