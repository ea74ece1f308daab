// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const DB = ['aws.rds.db-instance'] as const;
export const CLUSTER = ['aws.rds.db-cluster'] as const;
export const SNAPSHOT = 'aws.rds.db-snapshot';
/** Who may restore a manual snapshot: one DescribeDBSnapshotAttributes per manual snapshot, sent only when this type is wanted. */
export const SNAPSHOT_ATTRIBUTES = 'aws.rds.db-snapshot-attributes';
export const SNAPSHOTS = [SNAPSHOT, SNAPSHOT_ATTRIBUTES] as const;
/** RDS event notification subscriptions of a region: one resource named after the region. */
export const EVENT_SUBSCRIPTIONS = ['aws.rds.event-subscriptions'] as const;
