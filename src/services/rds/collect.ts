import {
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  paginateDescribeEventSubscriptions,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { CLUSTER, DB, EVENT_SUBSCRIPTIONS, SNAPSHOT, SNAPSHOT_ATTRIBUTES, SNAPSHOTS } from './produces.js';

/** RDS DB instances of a region: one paginated call, 100 per page (the API's maximum). */
export const collectDbInstances: CollectFunction<(typeof DB)[number], { rds: RDSClient }> = async (ctx) => {
  const client = ctx.client('rds');
  const result = await ctx.call('DescribeDBInstances', DB, () =>
    allItems(paginateDescribeDBInstances({ client, pageSize: 100 }, {}), (p) => p.DBInstances),
  );
  if (result.status !== 'ok') return;
  for (const db of result.value) {
    const data = toJsonObject(db);
    if (typeof data.DBInstanceIdentifier !== 'string') continue;
    ctx.add({
      type: 'aws.rds.db-instance',
      id: data.DBInstanceIdentifier,
      arn: typeof data.DBInstanceArn === 'string' ? data.DBInstanceArn : undefined,
      data,
    });
  }
};

/** RDS DB clusters of a region (Aurora and Multi-AZ DB clusters): one paginated call, 100 per page (the maximum). */
export const collectDbClusters: CollectFunction<(typeof CLUSTER)[number], { rds: RDSClient }> = async (ctx) => {
  const client = ctx.client('rds');
  const result = await ctx.call('DescribeDBClusters', CLUSTER, () =>
    allItems(paginateDescribeDBClusters({ client, pageSize: 100 }, {}), (p) => p.DBClusters),
  );
  if (result.status !== 'ok') return;
  for (const cluster of result.value) {
    const data = toJsonObject(cluster);
    if (typeof data.DBClusterIdentifier !== 'string') continue;
    ctx.add({
      type: 'aws.rds.db-cluster',
      id: data.DBClusterIdentifier,
      arn: typeof data.DBClusterArn === 'string' ? data.DBClusterArn : undefined,
      data,
    });
  }
};

/** The snapshot was deleted between the listing and the sub-call: it is simply gone. */
const VANISHED = 'DBSnapshotNotFound';

/**
 * DB snapshots of a region (manual and automated, the account's own: 100 per page, the maximum)
 * and, only when a selected rule reads them, who may restore each manual snapshot (one
 * DescribeDBSnapshotAttributes per manual snapshot: automated snapshots cannot be shared).
 */
export const collectDbSnapshots: CollectFunction<(typeof SNAPSHOTS)[number], { rds: RDSClient }> = async (ctx) => {
  const client = ctx.client('rds');
  const result = await ctx.call('DescribeDBSnapshots', SNAPSHOTS, () =>
    allItems(paginateDescribeDBSnapshots({ client, pageSize: 100 }, {}), (p) => p.DBSnapshots),
  );
  if (result.status !== 'ok') return;
  const attributes = ctx.wants(SNAPSHOT_ATTRIBUTES);
  await Promise.all(
    result.value.map(async (snapshot) => {
      const data = toJsonObject(snapshot);
      const id = data.DBSnapshotIdentifier;
      if (typeof id !== 'string') return;
      const arn = typeof data.DBSnapshotArn === 'string' ? data.DBSnapshotArn : undefined;
      if (ctx.wants(SNAPSHOT)) ctx.add({ type: SNAPSHOT, id, arn, data });
      if (!attributes || data.SnapshotType !== 'manual') return;
      const attrs = await ctx.call(
        'DescribeDBSnapshotAttributes',
        [SNAPSHOT_ATTRIBUTES],
        async () =>
          (await client.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id }))).DBSnapshotAttributesResult
            ?.DBSnapshotAttributes ?? [],
        { subject: id, absent: [VANISHED] },
      );
      if (attrs.status !== 'ok') return;
      ctx.add({
        type: SNAPSHOT_ATTRIBUTES,
        id,
        arn,
        data: {
          DBSnapshotIdentifier: id,
          DBSnapshotArn: arn ?? null,
          DBInstanceIdentifier: data.DBInstanceIdentifier ?? null,
          SnapshotType: data.SnapshotType,
          Encrypted: data.Encrypted ?? null,
          DBSnapshotAttributes: attrs.value.map((a) => toJsonObject(a)),
        },
      });
    }),
  );
};

/**
 * RDS event notification subscriptions, a setting of each region: one paginated
 * DescribeEventSubscriptions call (100 per page, the maximum), one resource named after the
 * region listing them all. A failed call adds nothing (a gap), never "no subscription".
 */
export const collectEventSubscriptions: CollectFunction<(typeof EVENT_SUBSCRIPTIONS)[number], { rds: RDSClient }> = async (ctx) => {
  const client = ctx.client('rds');
  const result = await ctx.call('DescribeEventSubscriptions', EVENT_SUBSCRIPTIONS, () =>
    allItems(paginateDescribeEventSubscriptions({ client, pageSize: 100 }, {}), (p) => p.EventSubscriptionsList),
  );
  if (result.status !== 'ok') return;
  ctx.add({
    type: 'aws.rds.event-subscriptions',
    id: ctx.region,
    data: { Region: ctx.region, EventSubscriptions: result.value.map((s) => toJsonObject(s)) },
  });
};
