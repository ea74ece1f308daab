import { paginateDescribeAlarms, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import { ALARM } from './produces.js';

/** Metric alarms of a region: one paginated call, 100 per page (the API's maximum). */
export const collectAlarms: CollectFunction<(typeof ALARM)[number], { cloudwatch: CloudWatchClient }> = async (ctx) => {
  const client = ctx.client('cloudwatch');
  // Without AlarmTypes the call lists metric alarms only (composite alarms watch other alarms, not metrics).
  const result = await ctx.call('DescribeAlarms', ALARM, () =>
    allItems(paginateDescribeAlarms({ client, pageSize: 100 }, {}), (p) => p.MetricAlarms),
  );
  if (result.status !== 'ok') return;
  for (const alarm of result.value) {
    if (typeof alarm.AlarmName !== 'string') continue;
    ctx.add({ type: 'aws.cloudwatch.alarm', id: alarm.AlarmName, arn: alarm.AlarmArn, data: toJsonObject(alarm) });
  }
};
