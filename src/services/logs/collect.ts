import { paginateDescribeLogGroups, paginateDescribeMetricFilters, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import { LOG_GROUP, METRIC_FILTER } from './produces.js';

/**
 * Metric filters of a region, every log group's at once: one paginated call, 50 per page (the
 * API's maximum). The id joins the log group and filter names (a filter's name is unique only in
 * its log group; neither name may hold a colon).
 */
export const collectMetricFilters: CollectFunction<(typeof METRIC_FILTER)[number], { logs: CloudWatchLogsClient }> = async (ctx) => {
  const client = ctx.client('logs');
  const result = await ctx.call('DescribeMetricFilters', METRIC_FILTER, () =>
    allItems(paginateDescribeMetricFilters({ client, pageSize: 50 }, {}), (p) => p.metricFilters),
  );
  if (result.status !== 'ok') return;
  for (const filter of result.value) {
    if (typeof filter.filterName !== 'string' || typeof filter.logGroupName !== 'string') continue;
    ctx.add({ type: 'aws.logs.metric-filter', id: `${filter.logGroupName}:${filter.filterName}`, data: toJsonObject(filter) });
  }
};

/** Log groups of a region: one paginated call, 50 per page (the API's maximum). */
export const collectLogGroups: CollectFunction<(typeof LOG_GROUP)[number], { logs: CloudWatchLogsClient }> = async (ctx) => {
  const client = ctx.client('logs');
  const result = await ctx.call('DescribeLogGroups', LOG_GROUP, () =>
    allItems(paginateDescribeLogGroups({ client, pageSize: 50 }, {}), (p) => p.logGroups),
  );
  if (result.status !== 'ok') return;
  for (const group of result.value) {
    if (typeof group.logGroupName !== 'string') continue;
    // The listing's `arn` ends in ":*"; `logGroupArn` is the group's own ARN.
    const arn =
      typeof group.logGroupArn === 'string'
        ? group.logGroupArn
        : typeof group.arn === 'string'
          ? group.arn.replace(/:\*$/u, '')
          : undefined;
    ctx.add({ type: 'aws.logs.log-group', id: group.logGroupName, arn, data: toJsonObject(group) });
  }
};
