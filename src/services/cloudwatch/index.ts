import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { sdkClient } from '../../aws/client.js';
import { boolean, listOf, number, object, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { natTrafficEnricher } from './enrich-nat-traffic.js';
import { ALARM, NAT_TRAFFIC } from './produces.js';

const METRIC_SERIES = object({ Timestamps: listOf(string), Values: listOf(number), StatusCode: string });

const TYPES = {
  'aws.cloudwatch.alarm': {
    scope: 'regional',
    title: 'CloudWatch metric alarm',
    id: 'AlarmName',
    data: '`DescribeAlarms` `MetricAlarms` item.',
    dataSchema: object(
      {
        AlarmName: string,
        AlarmArn: string,
        ActionsEnabled: boolean,
        AlarmActions: listOf(string),
        OKActions: listOf(string),
        InsufficientDataActions: listOf(string),
        MetricName: string,
        Namespace: string,
        Dimensions: listOf(object({ Name: string, Value: string })),
        StateValue: string,
      },
      ['AlarmName'],
    ),
  },
  'aws.cloudwatch.nat-gateway-traffic': {
    scope: 'regional',
    title: 'NAT gateway traffic over the last 14 days (CloudWatch metrics)',
    id: 'NatGatewayId',
    data: 'an available NAT gateway (`DescribeNatGateways` item: `NatGatewayId`, `State`, `CreateTime`, `VpcId`, `SubnetId`, `ConnectivityType`) with `Window` (`StartTime`, `EndTime`: the last 14 whole UTC days, `PeriodSeconds`, `Days`) and `Metrics.BytesOutToDestination` / `Metrics.BytesOutToSource` (`GetMetricData` daily sums: `Timestamps`, `Values`, `StatusCode`; a metric is absent when its request failed).',
    facts:
      '`idle` (both metrics have a zero daily sum for every day of the window: true; any byte: false; null when a day is missing — a gateway younger than the window — or the data is incomplete), `bytesMoved`, `daysWithData`',
    dataSchema: object(
      {
        NatGatewayId: string,
        State: string,
        CreateTime: string,
        VpcId: string,
        SubnetId: string,
        Window: object({ StartTime: string, EndTime: string, PeriodSeconds: number, Days: number }),
        Metrics: object({ BytesOutToDestination: METRIC_SERIES, BytesOutToSource: METRIC_SERIES }),
      },
      ['NatGatewayId'],
    ),
  },
} as const satisfies ResourceTypeTable;

/**
 * CloudWatch: metric alarms, and the traffic of NAT gateways (their metrics, read only when a rule
 * over that type is selected; the gateways are listed through EC2's client).
 */
export const cloudwatch: Service<typeof TYPES, { cloudwatch: CloudWatchClient }, { cloudwatch: CloudWatchClient; ec2: EC2Client }> = {
  name: 'cloudwatch',
  resourceTypes: TYPES,
  clients: {
    cloudwatch: sdkClient('@aws-sdk/client-cloudwatch', async () => (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient),
  },
  collectors: [
    {
      descriptor: {
        id: 'aws.cloudwatch.alarm',
        service: 'cloudwatch',
        scope: 'regional',
        produces: ALARM,
        commands: [{ command: 'DescribeAlarmsCommand', action: 'cloudwatch:DescribeAlarms', for: ALARM }],
      },
      load: async () => (await import('./collect-alarms.js')).collectAlarms,
    },
    {
      descriptor: {
        id: 'aws.cloudwatch.nat-gateway-traffic',
        service: 'cloudwatch',
        scope: 'regional',
        produces: NAT_TRAFFIC,
        commands: [
          { command: 'DescribeNatGatewaysCommand', service: 'ec2', action: 'ec2:DescribeNatGateways', for: NAT_TRAFFIC },
          { command: 'GetMetricDataCommand', action: 'cloudwatch:GetMetricData', for: NAT_TRAFFIC },
        ],
      },
      load: async () => (await import('./collect-nat-traffic.js')).collectNatTraffic,
    },
  ],
  enrichers: [natTrafficEnricher],
};
