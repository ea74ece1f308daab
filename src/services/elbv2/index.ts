import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { sdkClient } from '../../aws/client.js';
import { integer, listOf, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { LB, LISTENER } from './produces.js';

const TYPES = {
  [LB]: {
    scope: 'regional',
    title: 'Application/Network load balancer',
    id: 'LoadBalancerName',
    data: '`DescribeLoadBalancers` item plus `Listeners: [DescribeListeners items]`.',
    // Listeners is absent when they could not be listed (a gap).
    dataSchema: object(
      {
        LoadBalancerName: string,
        LoadBalancerArn: string,
        Type: string,
        Scheme: string,
        AvailabilityZones: listOf(object({ ZoneName: string, SubnetId: string })),
        Listeners: listOf(object({ Port: integer, Protocol: string })),
      },
      ['LoadBalancerName'],
    ),
  },
  [LISTENER]: {
    scope: 'regional',
    title: 'Load balancer listener',
    id: 'ListenerArn',
    data: "`DescribeListeners` item plus `LoadBalancerName`, `LoadBalancerType` (the load balancer's `Type`), `Scheme`.",
    dataSchema: object(
      {
        ListenerArn: string,
        Protocol: string,
        Port: integer,
        DefaultActions: listOf(object({ Type: string, RedirectConfig: object({ Protocol: string }) })),
        LoadBalancerName: string,
        LoadBalancerType: orNull(string),
        Scheme: orNull(string),
      },
      ['ListenerArn', 'LoadBalancerName'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** Application and network load balancers and their listeners. */
export const elbv2: Service<typeof TYPES, { elbv2: ElasticLoadBalancingV2Client }> = {
  name: 'elbv2',
  resourceTypes: TYPES,
  clients: {
    elbv2: sdkClient(
      '@aws-sdk/client-elastic-load-balancing-v2',
      async () => (await import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client,
    ),
  },
  collectors: [
    {
      descriptor: {
        id: 'elbv2',
        service: 'elbv2',
        scope: 'regional',
        produces: [LB, LISTENER],
        commands: [
          { command: 'DescribeLoadBalancersCommand', action: 'elasticloadbalancing:DescribeLoadBalancers', for: [LB, LISTENER] },
          // Listeners can only be listed per load balancer.
          { command: 'DescribeListenersCommand', action: 'elasticloadbalancing:DescribeListeners', for: [LB, LISTENER] },
        ],
      },
      load: async () => (await import('./collect.js')).collectLoadBalancers,
    },
  ],
  enrichers: [],
};
