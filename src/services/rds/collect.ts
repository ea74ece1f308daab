import { paginateDescribeDBInstances, type RDSClient } from '@aws-sdk/client-rds';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { DB } from './produces.js';

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
