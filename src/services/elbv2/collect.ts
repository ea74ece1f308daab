import {
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isPlainObject } from '../../util/json.js';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { LB, LISTENER } from './produces.js';

/**
 * Application and network load balancers of a region (400 per page, the maximum) and their
 * listeners (one paginated call per load balancer). A load balancer carries its listeners
 * under `Listeners`; each listener is also a resource of its own.
 */
export const collectLoadBalancers: CollectFunction<typeof LB | typeof LISTENER, { elbv2: ElasticLoadBalancingV2Client }> = async (ctx) => {
  const client = ctx.client('elbv2');
  const both = [LB, LISTENER] as const;
  const lbs = await ctx.call('DescribeLoadBalancers', both, () =>
    allItems(paginateDescribeLoadBalancers({ client, pageSize: 400 }, {}), (p) => p.LoadBalancers),
  );
  if (lbs.status !== 'ok') return;
  await Promise.all(
    lbs.value.map(async (lb) => {
      const data = toJsonObject(lb);
      const name = data.LoadBalancerName;
      if (typeof name !== 'string' || typeof lb.LoadBalancerArn !== 'string') return;
      const LoadBalancerArn = lb.LoadBalancerArn;
      const listeners = await ctx.call(
        'DescribeListeners',
        both,
        () => allItems(paginateDescribeListeners({ client, pageSize: 400 }, { LoadBalancerArn }), (p) => p.Listeners),
        { subject: name },
      );
      if (listeners.status === 'ok') {
        data.Listeners = listeners.value.map((l) => toJsonObject(l));
        if (ctx.wants(LISTENER)) {
          for (const listener of data.Listeners) {
            if (!isPlainObject(listener) || typeof listener.ListenerArn !== 'string') continue;
            ctx.add({
              type: LISTENER,
              id: listener.ListenerArn,
              arn: listener.ListenerArn,
              data: { ...listener, LoadBalancerName: name, LoadBalancerType: data.Type ?? null, Scheme: data.Scheme ?? null },
            });
          }
        }
      }
      if (ctx.wants(LB)) ctx.add({ type: LB, id: name, arn: LoadBalancerArn, data });
    }),
  );
};
