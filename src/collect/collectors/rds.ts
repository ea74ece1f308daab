import { paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import { allItems } from '../pages.js';
import { toJsonObject } from '../sdk-json.js';
import type { Collector, CollectorDescriptor } from '../types.js';

const DB = ['aws.rds.db-instance'] as const;

export const rdsInstancesDescriptor = {
  id: 'aws.rds.db-instance',
  service: 'rds',
  scope: 'regional',
  produces: DB,
  commands: [{ command: 'DescribeDBInstancesCommand', action: 'rds:DescribeDBInstances', for: DB }],
} as const satisfies CollectorDescriptor;

/** RDS DB instances of a region: one paginated call, 100 per page (the API's maximum). */
export const rdsInstancesCollector: Collector = {
  descriptor: rdsInstancesDescriptor,
  async collect(ctx) {
    const client = ctx.client('rds');
    const result = await ctx.call('DescribeDBInstances', DB, () => allItems(paginateDescribeDBInstances({ client, pageSize: 100 }, {}), (p) => p.DBInstances));
    if (result.status !== 'ok') return;
    for (const db of result.value) {
      const data = toJsonObject(db);
      if (typeof data.DBInstanceIdentifier !== 'string') continue;
      ctx.add({ type: 'aws.rds.db-instance', id: data.DBInstanceIdentifier, arn: typeof data.DBInstanceArn === 'string' ? data.DBInstanceArn : undefined, data });
    }
  },
};
