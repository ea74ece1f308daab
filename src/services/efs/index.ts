import type { EFSClient } from '@aws-sdk/client-efs';
import { sdkClient } from '../../aws/client.js';
import { boolean, integer, object, orNull, string, tags } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { efsMountTargetEnricher } from './enrich-mount-target.js';
import { ACCESS_POINT, BACKUP_POLICY, FILE_SYSTEM, FILE_SYSTEMS, MOUNT_TARGET } from './produces.js';

const TYPES = {
  [FILE_SYSTEM]: {
    scope: 'regional',
    title: 'EFS file system',
    id: 'FileSystemId',
    data: '`DescribeFileSystems` item.',
    dataSchema: object(
      {
        FileSystemId: string,
        FileSystemArn: string,
        Name: string,
        Encrypted: boolean,
        KmsKeyId: string,
        NumberOfMountTargets: integer,
        Tags: tags,
      },
      ['FileSystemId'],
    ),
  },
  [BACKUP_POLICY]: {
    scope: 'regional',
    title: 'Automatic backup setting of an EFS file system',
    id: 'FileSystemId',
    data: 'Read only when a selected rule needs it: one `DescribeBackupPolicy` per file system of the `DescribeFileSystems` listing. `{ FileSystemId, FileSystemArn, Name, BackupPolicy: { Status } | null }`; `null` when AWS answers `PolicyNotFound` (automatic backups never turned on).',
    dataSchema: object(
      { FileSystemId: string, FileSystemArn: orNull(string), Name: orNull(string), BackupPolicy: orNull(object({ Status: string })) },
      ['FileSystemId', 'BackupPolicy'],
    ),
  },
  [MOUNT_TARGET]: {
    scope: 'regional',
    title: 'EFS mount target',
    id: 'MountTargetId',
    data: "Read only when a selected rule needs it: one paginated `DescribeMountTargets` per file system that reports mount targets. `DescribeMountTargets` item plus `FileSystemName` (the file system's `Name`, or null).",
    facts:
      "`subnetMapsPublicIp`: the subnet's `MapPublicIpOnLaunch` (instances launched there get a public IPv4 address); null when subnets were not collected or the subnet is missing",
    dataSchema: object(
      {
        MountTargetId: string,
        FileSystemId: string,
        SubnetId: string,
        VpcId: string,
        AvailabilityZoneName: string,
        FileSystemName: orNull(string),
      },
      ['MountTargetId'],
    ),
  },
  'aws.efs.access-point': {
    scope: 'regional',
    title: 'EFS access point',
    id: 'AccessPointId',
    data: '`DescribeAccessPoints` item (every access point of the region, in one listing).',
    dataSchema: object(
      {
        AccessPointId: string,
        AccessPointArn: string,
        FileSystemId: string,
        Name: string,
        PosixUser: object({ Uid: integer, Gid: integer }),
        RootDirectory: object({ Path: string }),
        Tags: tags,
      },
      ['AccessPointId'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** EFS file systems, their backup policies, mount targets and access points. */
export const efs: Service<typeof TYPES, { efs: EFSClient }> = {
  name: 'efs',
  resourceTypes: TYPES,
  clients: { efs: sdkClient('@aws-sdk/client-efs', async () => (await import('@aws-sdk/client-efs')).EFSClient) },
  collectors: [
    {
      descriptor: {
        id: FILE_SYSTEM,
        service: 'efs',
        scope: 'regional',
        produces: FILE_SYSTEMS,
        commands: [
          { command: 'DescribeFileSystemsCommand', action: 'elasticfilesystem:DescribeFileSystems', for: FILE_SYSTEMS },
          // Per file system: no call answers for many.
          { command: 'DescribeBackupPolicyCommand', action: 'elasticfilesystem:DescribeBackupPolicy', for: [BACKUP_POLICY] },
          { command: 'DescribeMountTargetsCommand', action: 'elasticfilesystem:DescribeMountTargets', for: [MOUNT_TARGET] },
        ],
      },
      load: async () => (await import('./collect.js')).collectFileSystems,
    },
    {
      descriptor: {
        id: 'aws.efs.access-point',
        service: 'efs',
        scope: 'regional',
        produces: ACCESS_POINT,
        commands: [{ command: 'DescribeAccessPointsCommand', action: 'elasticfilesystem:DescribeAccessPoints', for: ACCESS_POINT }],
      },
      load: async () => (await import('./collect.js')).collectAccessPoints,
    },
  ],
  enrichers: [efsMountTargetEnricher],
};
