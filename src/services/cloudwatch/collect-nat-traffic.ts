import { paginateGetMetricData, type CloudWatchClient, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { paginateDescribeNatGateways, type EC2Client } from '@aws-sdk/client-ec2';
import { allItems, allPages } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import type { JsonObject } from '../../util/json.js';
import { NAT_IDLE_DAYS, NAT_METRICS, NAT_TRAFFIC } from './produces.js';

const DAY_MS = 86_400_000;
/** GetMetricData takes at most 500 queries per request. */
const QUERIES_PER_CALL = 500;

/**
 * What the NAT gateways of a region moved over the last 14 whole days (UTC): the available
 * gateways (`DescribeNatGateways`, 1000 per page, through EC2's client), then the daily sums of
 * `BytesOutToDestination` and `BytesOutToSource` for each, 500 queries (250 gateways) per
 * `GetMetricData` request. The window ends at the start of today so every day is complete.
 */
export const collectNatTraffic: CollectFunction<(typeof NAT_TRAFFIC)[number], { cloudwatch: CloudWatchClient; ec2: EC2Client }> = async (
  ctx,
) => {
  const ec2 = ctx.client('ec2');
  const nats = await ctx.call('DescribeNatGateways', NAT_TRAFFIC, () =>
    allItems(
      paginateDescribeNatGateways({ client: ec2, pageSize: 1000 }, { Filter: [{ Name: 'state', Values: ['available'] }] }),
      (p) => p.NatGateways,
    ),
  );
  if (nats.status !== 'ok') return;
  const gateways = nats.value.filter((n): n is typeof n & { NatGatewayId: string } => typeof n.NatGatewayId === 'string');
  if (gateways.length === 0) return;

  const end = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const start = new Date(end.getTime() - NAT_IDLE_DAYS * DAY_MS);
  const window: JsonObject = { StartTime: start.toISOString(), EndTime: end.toISOString(), PeriodSeconds: 86_400, Days: NAT_IDLE_DAYS };
  const queries: Array<{ query: MetricDataQuery; nat: string; metric: string }> = gateways.flatMap((nat, i) =>
    NAT_METRICS.map((metric, m) => ({
      nat: nat.NatGatewayId,
      metric,
      query: {
        Id: `n${i}m${m}`,
        MetricStat: {
          Metric: { Namespace: 'AWS/NATGateway', MetricName: metric, Dimensions: [{ Name: 'NatGatewayId', Value: nat.NatGatewayId }] },
          Period: 86_400,
          Stat: 'Sum',
        },
        ReturnData: true,
      },
    })),
  );

  const results = new Map<string, { Timestamps: string[]; Values: number[]; StatusCode: string }>();
  const cw = ctx.client('cloudwatch');
  for (let i = 0; i < queries.length; i += QUERIES_PER_CALL) {
    const batch = queries.slice(i, i + QUERIES_PER_CALL);
    const pages = await ctx.call(
      'GetMetricData',
      NAT_TRAFFIC,
      () =>
        allPages(paginateGetMetricData({ client: cw }, { MetricDataQueries: batch.map((b) => b.query), StartTime: start, EndTime: end })),
      { subject: `${batch.length / NAT_METRICS.length} NAT gateways` },
    );
    if (pages.status !== 'ok') continue;
    for (const page of pages.value) for (const r of page.MetricDataResults ?? []) merge(results, r);
  }

  for (const [i, nat] of gateways.entries()) {
    const metrics: JsonObject = {};
    NAT_METRICS.forEach((metric, m) => {
      const r = results.get(`n${i}m${m}`);
      // Absent when its GetMetricData request failed (a gap): the gateway stays undecided.
      if (r) metrics[metric] = r;
    });
    const { NatGatewayId, State, CreateTime, VpcId, SubnetId, ConnectivityType } = nat;
    ctx.add({
      type: 'aws.cloudwatch.nat-gateway-traffic',
      id: NatGatewayId,
      arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.account}:natgateway/${NatGatewayId}`,
      data: { ...toJsonObject({ NatGatewayId, State, CreateTime, VpcId, SubnetId, ConnectivityType }), Window: window, Metrics: metrics },
    });
  }
};

/** Results of one query can come over several pages: join them; the last page's status is the final one (PartialData means more pages follow). */
function merge(results: Map<string, { Timestamps: string[]; Values: number[]; StatusCode: string }>, r: MetricDataResult): void {
  if (typeof r.Id !== 'string') return;
  const current = results.get(r.Id) ?? { Timestamps: [], Values: [], StatusCode: 'Complete' };
  current.Timestamps.push(...(r.Timestamps ?? []).map((t) => t.toISOString()));
  current.Values.push(...(r.Values ?? []));
  current.StatusCode = r.StatusCode ?? 'Unknown';
  results.set(r.Id, current);
}
