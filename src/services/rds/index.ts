import type { RDSClient } from '@aws-sdk/client-rds';
import { sdkClient } from '../../aws/client.js';
import { boolean, integer, listOf, object, orNull, string, tags } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { rdsInstanceEnricher } from './enrich-instance.js';
import { CLUSTER, DB, EVENT_SUBSCRIPTIONS, SNAPSHOT, SNAPSHOT_ATTRIBUTES, SNAPSHOTS } from './produces.js';

const TYPES = {
  'aws.rds.db-instance': {
    scope: 'regional',
    title: 'RDS DB instance',
    id: 'DBInstanceIdentifier',
    data: '`DescribeDBInstances` item.',
    facts:
      "`logExportsMissing` (log types the engine can publish to CloudWatch Logs that it does not: Oracle alert/audit/listener/trace, PostgreSQL postgresql/upgrade, MySQL and MariaDB audit/error/general/slowquery, SQL Server agent/error; null for other engines, Aurora included), `port` (`Endpoint.Port`), `defaultPort` (the engine's default port, null when unknown), `internetIngress` (ingress entries of its VPC security groups admitting 0.0.0.0/0 or ::/0 on its TCP port, each with `groupId`; null when security groups were not collected, or a group is missing and the others admit nothing)",
    factsReadsNote:
      'security groups when collected (no rule requires them: `rds-instance-publicly-accessible` raises its severity only when they are there)',
    dataSchema: object(
      {
        DBInstanceIdentifier: string,
        DBInstanceArn: string,
        Engine: string,
        EngineVersion: string,
        DBInstanceClass: string,
        AvailabilityZone: string,
        MultiAZ: boolean,
        StorageEncrypted: boolean,
        AutoMinorVersionUpgrade: boolean,
        PubliclyAccessible: boolean,
        DeletionProtection: boolean,
        BackupRetentionPeriod: integer,
        EnabledCloudwatchLogsExports: listOf(string),
        IAMDatabaseAuthenticationEnabled: boolean,
        MonitoringInterval: integer,
        CopyTagsToSnapshot: boolean,
        ReadReplicaSourceDBInstanceIdentifier: string,
        DBClusterIdentifier: string,
        MasterUsername: string,
        DBSubnetGroup: object({ DBSubnetGroupName: string, VpcId: string }),
        Endpoint: object({ Address: string, Port: integer }),
        VpcSecurityGroups: listOf(object({ VpcSecurityGroupId: string, Status: string })),
        TagList: tags,
      },
      ['DBInstanceIdentifier'],
    ),
  },
  'aws.rds.db-cluster': {
    scope: 'regional',
    title: 'RDS DB cluster',
    id: 'DBClusterIdentifier',
    data: '`DescribeDBClusters` item (Aurora and Multi-AZ DB clusters; Neptune and DocumentDB clusters appear too, and the cluster rules leave them out).',
    dataSchema: object(
      {
        DBClusterIdentifier: string,
        DBClusterArn: string,
        Engine: string,
        EngineVersion: string,
        StorageEncrypted: boolean,
        DeletionProtection: boolean,
        CopyTagsToSnapshot: boolean,
        IAMDatabaseAuthenticationEnabled: boolean,
        MultiAZ: boolean,
        MasterUsername: string,
        BacktrackWindow: integer,
        AutoMinorVersionUpgrade: boolean,
        EnabledCloudwatchLogsExports: listOf(string),
        TagList: tags,
      },
      ['DBClusterIdentifier'],
    ),
  },
  [SNAPSHOT]: {
    scope: 'regional',
    title: 'RDS DB snapshot',
    id: 'DBSnapshotIdentifier',
    data: "`DescribeDBSnapshots` item (the account's own manual and automated snapshots).",
    dataSchema: object(
      {
        DBSnapshotIdentifier: string,
        DBSnapshotArn: string,
        DBInstanceIdentifier: string,
        SnapshotType: string,
        Encrypted: boolean,
        Engine: string,
      },
      ['DBSnapshotIdentifier'],
    ),
  },
  [SNAPSHOT_ATTRIBUTES]: {
    scope: 'regional',
    title: 'Who may restore a manual RDS DB snapshot',
    id: 'DBSnapshotIdentifier',
    data: 'Read only when a selected rule needs it: one `DescribeDBSnapshotAttributes` per manual snapshot of the `DescribeDBSnapshots` listing (automated snapshots cannot be shared). `{ DBSnapshotIdentifier, DBSnapshotArn, DBInstanceIdentifier, SnapshotType, Encrypted, DBSnapshotAttributes: [{ AttributeName, AttributeValues }] }`; the `restore` attribute lists the accounts that may copy or restore it, `all` meaning every AWS account.',
    dataSchema: object(
      {
        DBSnapshotIdentifier: string,
        DBSnapshotArn: orNull(string),
        DBInstanceIdentifier: orNull(string),
        SnapshotType: string,
        Encrypted: orNull(boolean),
        DBSnapshotAttributes: listOf(object({ AttributeName: string, AttributeValues: listOf(string) })),
      },
      ['DBSnapshotIdentifier', 'DBSnapshotAttributes'],
    ),
  },
  'aws.rds.event-subscriptions': {
    scope: 'regional',
    title: 'RDS event notification subscriptions (a setting of each region)',
    id: 'region name',
    data: '`{ Region, EventSubscriptions }`: every `DescribeEventSubscriptions` item of the region (`CustSubscriptionId`, `SnsTopicArn`, `Status`, `SourceType`, `SourceIdsList`, `EventCategoriesList`, `Enabled`, `EventSubscriptionArn`); an empty `EventCategoriesList` means every category, a missing `SourceType` every source type.',
    dataSchema: object(
      {
        Region: string,
        EventSubscriptions: listOf(
          object({
            CustSubscriptionId: string,
            SnsTopicArn: string,
            Status: string,
            SourceType: string,
            SourceIdsList: listOf(string),
            EventCategoriesList: listOf(string),
            Enabled: boolean,
            EventSubscriptionArn: string,
          }),
        ),
      },
      ['Region', 'EventSubscriptions'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** RDS DB instances, clusters, snapshots and event notification subscriptions. */
export const rds: Service<typeof TYPES, { rds: RDSClient }> = {
  name: 'rds',
  resourceTypes: TYPES,
  clients: { rds: sdkClient('@aws-sdk/client-rds', async () => (await import('@aws-sdk/client-rds')).RDSClient) },
  collectors: [
    {
      descriptor: {
        id: 'aws.rds.db-instance',
        service: 'rds',
        scope: 'regional',
        produces: DB,
        commands: [{ command: 'DescribeDBInstancesCommand', action: 'rds:DescribeDBInstances', for: DB }],
      },
      load: async () => (await import('./collect.js')).collectDbInstances,
    },
    {
      descriptor: {
        id: 'aws.rds.db-cluster',
        service: 'rds',
        scope: 'regional',
        produces: CLUSTER,
        commands: [{ command: 'DescribeDBClustersCommand', action: 'rds:DescribeDBClusters', for: CLUSTER }],
      },
      load: async () => (await import('./collect.js')).collectDbClusters,
    },
    {
      descriptor: {
        id: SNAPSHOT,
        service: 'rds',
        scope: 'regional',
        produces: SNAPSHOTS,
        commands: [
          { command: 'DescribeDBSnapshotsCommand', action: 'rds:DescribeDBSnapshots', for: SNAPSHOTS },
          // Per manual snapshot: no call lists the attributes of many snapshots.
          { command: 'DescribeDBSnapshotAttributesCommand', action: 'rds:DescribeDBSnapshotAttributes', for: [SNAPSHOT_ATTRIBUTES] },
        ],
      },
      load: async () => (await import('./collect.js')).collectDbSnapshots,
    },
    {
      descriptor: {
        id: 'aws.rds.event-subscriptions',
        service: 'rds',
        scope: 'regional',
        produces: EVENT_SUBSCRIPTIONS,
        commands: [{ command: 'DescribeEventSubscriptionsCommand', action: 'rds:DescribeEventSubscriptions', for: EVENT_SUBSCRIPTIONS }],
      },
      load: async () => (await import('./collect.js')).collectEventSubscriptions,
    },
  ],
  enrichers: [rdsInstanceEnricher],
};
