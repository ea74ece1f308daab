import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { sdkClient } from '../../aws/client.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { LB, LISTENER } from './produces.js';

const TYPES = {
  [LB]: {
    scope: 'regional',
    title: 'Application/Network load balancer',
    id: 'LoadBalancerName',
    data: '`DescribeLoadBalancers` item plus `Listeners: [DescribeListeners items]`.',
    dataSchema: { type: 'object', required: ['LoadBalancerName'], properties: { LoadBalancerName: { type: 'string' }, Type: { type: 'string' }, Scheme: { type: 'string' }, Listeners: { type: 'array' } } },
  },
  [LISTENER]: {
    scope: 'regional',
    title: 'Load balancer listener',
    id: 'ListenerArn',
    data: "`DescribeListeners` item plus `LoadBalancerName`, `LoadBalancerType` (the load balancer's `Type`), `Scheme`.",
    dataSchema: {
      type: 'object',
      required: ['ListenerArn', 'LoadBalancerName'],
      properties: { ListenerArn: { type: 'string' }, Protocol: { type: 'string' }, Port: { type: 'integer' }, DefaultActions: { type: 'array' }, LoadBalancerName: { type: 'string' } },
    },
  },
} as const satisfies ResourceTypeTable;

/** Application and network load balancers and their listeners. */
export const elbv2: Service<typeof TYPES, { elbv2: ElasticLoadBalancingV2Client }> = {
  name: 'elbv2',
  resourceTypes: TYPES,
  clients: { elbv2: sdkClient('@aws-sdk/client-elastic-load-balancing-v2', async () => (await import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client) },
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
