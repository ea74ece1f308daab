import {
  DescribeLoadBalancerAttributesCommand,
  paginateDescribeLoadBalancers,
  type ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import type { JsonObject } from '../../util/json.js';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction, NewResource } from '../../collect/types.js';

import { ELB_TYPES, LB, LB_ATTRIBUTES, type ElbType } from './produces.js';

/**
 * The load balancer was deleted between the listing and the sub-call: it is simply gone. The wire
 * code is LoadBalancerNotFound, which the SDK names AccessPointNotFoundException.
 */
const LB_VANISHED = ['AccessPointNotFoundException', 'LoadBalancerNotFound'];

/** The fields of a load balancer that the attribute type repeats, so a finding can name it. */
function summary(data: JsonObject): JsonObject {
  return {
    LoadBalancerName: data.LoadBalancerName ?? null,
    DNSName: data.DNSName ?? null,
    Scheme: data.Scheme ?? null,
    CreatedTime: data.CreatedTime ?? null,
  };
}

/**
 * Classic load balancers of a region (400 per page, the maximum); their listeners come with the
 * listing. Only when a selected rule reads them: each load balancer's attributes (one call per
 * load balancer, no call answers for many).
 */
export const collectLoadBalancers: CollectFunction<ElbType, { elb: ElasticLoadBalancingClient }> = async (ctx) => {
  const client = ctx.client('elb');
  // A failed listing is a gap for the load balancer type and, when wanted, the attribute type.
  const lbs = await ctx.call(
    'DescribeLoadBalancers',
    ELB_TYPES.filter((t) => t === LB || ctx.wants(t)),
    () => allItems(paginateDescribeLoadBalancers({ client, pageSize: 400 }, {}), (p) => p.LoadBalancerDescriptions),
  );
  if (lbs.status !== 'ok') return;
  // Classic load balancers carry no ARN in the API; this is the documented form of one.
  const arnOf = (name: string) => `arn:${ctx.partition}:elasticloadbalancing:${ctx.region}:${ctx.account}:loadbalancer/${name}`;
  // Sub-calls run in parallel; the resources are added in the listing's order, so a snapshot lists them the same way every time.
  const found = await Promise.all(
    lbs.value.map(async (lb): Promise<Array<NewResource<ElbType>>> => {
      const out: Array<NewResource<ElbType>> = [];
      const data = toJsonObject(lb);
      const LoadBalancerName = lb.LoadBalancerName;
      if (typeof LoadBalancerName !== 'string') return out;
      const arn = arnOf(LoadBalancerName);
      if (ctx.wants(LB)) out.push({ type: LB, id: LoadBalancerName, arn, data });
      if (ctx.wants(LB_ATTRIBUTES)) {
        const attributes = await ctx.call(
          'DescribeLoadBalancerAttributes',
          [LB_ATTRIBUTES],
          async () => (await client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName }))).LoadBalancerAttributes ?? {},
          { subject: LoadBalancerName, absent: LB_VANISHED },
        );
        if (attributes.status === 'ok') {
          out.push({ type: LB_ATTRIBUTES, id: LoadBalancerName, arn, data: { ...summary(data), ...toJsonObject(attributes.value) } });
        }
      }
      return out;
    }),
  );
  for (const resource of found.flat()) ctx.add(resource);
};
