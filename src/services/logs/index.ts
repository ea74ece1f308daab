import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { sdkClient } from '../../aws/client.js';
import { anyObject, integer, listOf, object, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { LOG_GROUP, METRIC_FILTER } from './produces.js';

const TYPES = {
  'aws.logs.metric-filter': {
    scope: 'regional',
    title: 'CloudWatch Logs metric filter',
    id: '`logGroupName:filterName`',
    data: '`DescribeMetricFilters` item (`filterName`, `filterPattern`, `logGroupName`, `metricTransformations`). The monitoring facts of `aws.account` parse `filterPattern` and run it over the CloudTrail events each monitored change produces.',
    dataSchema: object(
      {
        filterName: string,
        filterPattern: string,
        logGroupName: string,
        metricTransformations: listOf(object({ metricName: string, metricNamespace: string, metricValue: string, dimensions: anyObject })),
      },
      ['filterName', 'logGroupName'],
    ),
  },
  'aws.logs.log-group': {
    scope: 'regional',
    title: 'CloudWatch Logs log group',
    id: 'logGroupName',
    data: '`DescribeLogGroups` item; `retentionInDays` is absent when events never expire.',
    dataSchema: object({ logGroupName: string, retentionInDays: integer, kmsKeyId: string, logGroupClass: string }, ['logGroupName']),
  },
} as const satisfies ResourceTypeTable;

/** CloudWatch Logs: metric filters (for the monitoring of CloudTrail events) and log groups. */
export const logs: Service<typeof TYPES, { logs: CloudWatchLogsClient }> = {
  name: 'logs',
  resourceTypes: TYPES,
  clients: {
    logs: sdkClient('@aws-sdk/client-cloudwatch-logs', async () => (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient),
  },
  collectors: [
    {
      descriptor: {
        id: 'aws.logs.metric-filter',
        service: 'logs',
        scope: 'regional',
        produces: METRIC_FILTER,
        commands: [{ command: 'DescribeMetricFiltersCommand', action: 'logs:DescribeMetricFilters', for: METRIC_FILTER }],
      },
      load: async () => (await import('./collect.js')).collectMetricFilters,
    },
    {
      descriptor: {
        id: 'aws.logs.log-group',
        service: 'logs',
        scope: 'regional',
        produces: LOG_GROUP,
        commands: [{ command: 'DescribeLogGroupsCommand', action: 'logs:DescribeLogGroups', for: LOG_GROUP }],
      },
      load: async () => (await import('./collect.js')).collectLogGroups,
    },
  ],
  enrichers: [],
};
