import {
  DescribeLoadBalancerAttributesCommand,
  DescribeTargetHealthCommand,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  type ElasticLoadBalancingV2Client,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isPlainObject, type JsonObject } from '../../util/json.js';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction, CollectorContext, NewResource } from '../../collect/types.js';

import { ELBV2_TYPES, LB, LB_ATTRIBUTES, LB_TARGETS, LISTENER, type Elbv2Type } from './produces.js';

type Ctx = CollectorContext<Elbv2Type, { elbv2: ElasticLoadBalancingV2Client }>;

/** The load balancer was deleted between the listing and the sub-call: it is simply gone. */
const LB_VANISHED = 'LoadBalancerNotFound';
const TG_VANISHED = 'TargetGroupNotFound';

/**
 * The target groups of the region (400 per page, the maximum) with the targets registered in
 * each that a load balancer uses (one DescribeTargetHealth per such group: no call answers for
 * many). A group whose targets could not be read has no `Targets` (a gap). Undefined when the
 * groups could not be listed.
 */
async function targetGroups(ctx: Ctx, client: ElasticLoadBalancingV2Client): Promise<Map<string, JsonObject[]> | undefined> {
  const listing = await ctx.call('DescribeTargetGroups', [LB_TARGETS], () =>
    allItems(paginateDescribeTargetGroups({ client, pageSize: 400 }, {}), (p) => p.TargetGroups),
  );
  if (listing.status !== 'ok') return undefined;
  const byLoadBalancer = new Map<string, JsonObject[]>();
  await Promise.all(
    listing.value.map(async (group: TargetGroup) => {
      const TargetGroupArn = group.TargetGroupArn;
      const users = group.LoadBalancerArns ?? [];
      if (typeof TargetGroupArn !== 'string' || users.length === 0) return;
      const entry: JsonObject = toJsonObject({
        TargetGroupName: group.TargetGroupName,
        TargetGroupArn,
        TargetType: group.TargetType,
        Protocol: group.Protocol,
        Port: group.Port,
      });
      const health = await ctx.call(
        'DescribeTargetHealth',
        [LB_TARGETS],
        async () => (await client.send(new DescribeTargetHealthCommand({ TargetGroupArn }))).TargetHealthDescriptions ?? [],
        { subject: group.TargetGroupName ?? TargetGroupArn, absent: [TG_VANISHED] },
      );
      if (health.status === 'absent') return;
      if (health.status === 'ok') entry.Targets = health.value.map((t) => toJsonObject(t));
      for (const arn of users) byLoadBalancer.set(arn, [...(byLoadBalancer.get(arn) ?? []), entry]);
    }),
  );
  return byLoadBalancer;
}

/** The fields of a load balancer that the attribute and target types repeat, so a finding can name it. */
function summary(data: JsonObject): JsonObject {
  return {
    LoadBalancerName: data.LoadBalancerName ?? null,
    LoadBalancerArn: data.LoadBalancerArn ?? null,
    Type: data.Type ?? null,
    Scheme: data.Scheme ?? null,
    CreatedTime: data.CreatedTime ?? null,
  };
}

/**
 * Application, network and gateway load balancers of a region (400 per page, the maximum) and
 * their listeners (one paginated call per load balancer). A load balancer carries its listeners
 * under `Listeners`; each listener is also a resource of its own. Only when a selected rule
 * reads them: each load balancer's attributes (one call per load balancer) and the targets
 * registered behind it (see targetGroups).
 */
export const collectLoadBalancers: CollectFunction<Elbv2Type, { elbv2: ElasticLoadBalancingV2Client }> = async (ctx) => {
  const client = ctx.client('elbv2');
  // A failed call is a gap for the types it was sent for: the two that scans have always read,
  // and the attribute and target types only when they are wanted.
  const forTypes = (...types: Elbv2Type[]) => types.filter((t) => t === LB || t === LISTENER || ctx.wants(t));
  const lbs = await ctx.call('DescribeLoadBalancers', forTypes(...ELBV2_TYPES), () =>
    allItems(paginateDescribeLoadBalancers({ client, pageSize: 400 }, {}), (p) => p.LoadBalancers),
  );
  if (lbs.status !== 'ok') return;
  const listenersWanted = ctx.wants(LB) || ctx.wants(LISTENER) || ctx.wants(LB_TARGETS);
  const groups = ctx.wants(LB_TARGETS) ? await targetGroups(ctx, client) : undefined;
  // Sub-calls run in parallel; the resources are added in the listing's order, so a snapshot lists them the same way every time.
  const found = await Promise.all(
    lbs.value.map(async (lb): Promise<Array<NewResource<Elbv2Type>>> => {
      const out: Array<NewResource<Elbv2Type>> = [];
      const data = toJsonObject(lb);
      const name = data.LoadBalancerName;
      if (typeof name !== 'string' || typeof lb.LoadBalancerArn !== 'string') return out;
      const LoadBalancerArn = lb.LoadBalancerArn;
      const [listeners, attributes] = await Promise.all([
        listenersWanted
          ? ctx.call(
              'DescribeListeners',
              forTypes(LB, LISTENER, LB_TARGETS),
              () => allItems(paginateDescribeListeners({ client, pageSize: 400 }, { LoadBalancerArn }), (p) => p.Listeners),
              { subject: name },
            )
          : undefined,
        ctx.wants(LB_ATTRIBUTES)
          ? ctx.call(
              'DescribeLoadBalancerAttributes',
              [LB_ATTRIBUTES],
              async () => (await client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn }))).Attributes ?? [],
              { subject: name, absent: [LB_VANISHED] },
            )
          : undefined,
      ]);
      if (listeners?.status === 'ok') {
        data.Listeners = listeners.value.map((l) => toJsonObject(l));
        if (ctx.wants(LISTENER)) {
          for (const listener of data.Listeners) {
            if (!isPlainObject(listener) || typeof listener.ListenerArn !== 'string') continue;
            out.push({
              type: LISTENER,
              id: listener.ListenerArn,
              arn: listener.ListenerArn,
              data: { ...listener, LoadBalancerName: name, LoadBalancerType: data.Type ?? null, Scheme: data.Scheme ?? null },
            });
          }
        }
      }
      if (ctx.wants(LB)) out.push({ type: LB, id: name, arn: LoadBalancerArn, data });
      if (attributes?.status === 'ok') {
        out.push({
          type: LB_ATTRIBUTES,
          id: name,
          arn: LoadBalancerArn,
          data: { ...summary(data), Attributes: attributes.value.map((a) => toJsonObject(a)) },
        });
      }
      if (groups) {
        const targets: JsonObject = { ...summary(data), TargetGroups: groups.get(LoadBalancerArn) ?? [] };
        // Absent when they could not be listed: a redirect-only listener is then unknown, not missing.
        if (listeners?.status === 'ok') targets.Listeners = data.Listeners ?? [];
        out.push({ type: LB_TARGETS, id: name, arn: LoadBalancerArn, data: targets });
      }
      return out;
    }),
  );
  for (const resource of found.flat()) ctx.add(resource);
};
