import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { sdkClient } from '../../aws/client.js';
import { integer, listOf, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { ELBV2_TYPES, LB, LB_ATTRIBUTES, LB_TARGETS, LISTENER } from './produces.js';

/** The load balancer's own fields that its attribute and target types repeat. */
const LB_SUMMARY = {
  LoadBalancerName: string,
  LoadBalancerArn: string,
  Type: orNull(string),
  Scheme: orNull(string),
  CreatedTime: orNull(string),
};

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
        SslPolicy: string,
        DefaultActions: listOf(object({ Type: string, RedirectConfig: object({ Protocol: string }) })),
        LoadBalancerName: string,
        LoadBalancerType: orNull(string),
        Scheme: orNull(string),
      },
      ['ListenerArn', 'LoadBalancerName'],
    ),
  },
  [LB_ATTRIBUTES]: {
    scope: 'regional',
    title: 'Attributes of an Application/Network/Gateway load balancer',
    id: 'LoadBalancerName',
    data: 'Read only when a selected rule needs it: one `DescribeLoadBalancerAttributes` per load balancer. `{ LoadBalancerName, LoadBalancerArn, Type, Scheme, CreatedTime, Attributes: [{ Key, Value }] }` (values are strings: `"true"`, `"defensive"`, ...).',
    dataSchema: object({ ...LB_SUMMARY, Attributes: listOf(object({ Key: string, Value: string })) }, ['LoadBalancerName', 'Attributes']),
  },
  [LB_TARGETS]: {
    scope: 'regional',
    title: 'Targets registered behind a load balancer',
    id: 'LoadBalancerName',
    data: "Read only when a selected rule needs it: `DescribeTargetGroups` (per region, 400 per page) and one `DescribeTargetHealth` per target group that a load balancer uses. `{ LoadBalancerName, LoadBalancerArn, Type, Scheme, CreatedTime, TargetGroups: [{ TargetGroupName, TargetGroupArn, TargetType, Protocol, Port, Targets: [TargetHealthDescriptions items] }], Listeners: [DescribeListeners items] }`; a group's `Targets` is absent when its targets could not be read, and `Listeners` when the listeners could not be listed.",
    dataSchema: object(
      {
        ...LB_SUMMARY,
        TargetGroups: listOf(
          object({
            TargetGroupName: string,
            TargetGroupArn: string,
            TargetType: string,
            Targets: listOf(object({ Target: object({ Id: string }), TargetHealth: object({ State: string }) })),
          }),
        ),
        Listeners: listOf(object({ Port: integer, Protocol: string, DefaultActions: listOf(object({ Type: string })) })),
      },
      ['LoadBalancerName', 'TargetGroups'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** Application, network and gateway load balancers, their listeners, attributes and registered targets. */
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
        produces: ELBV2_TYPES,
        commands: [
          { command: 'DescribeLoadBalancersCommand', action: 'elasticloadbalancing:DescribeLoadBalancers', for: ELBV2_TYPES },
          // Listeners, attributes and target health can only be read per load balancer (or target group).
          {
            command: 'DescribeListenersCommand',
            action: 'elasticloadbalancing:DescribeListeners',
            for: [LB, LISTENER, LB_TARGETS],
            // A load balancer (and its targets' view) is added without `Listeners` when they could not be read.
            fills: { [LB]: ['Listeners'], [LB_TARGETS]: ['Listeners'] },
          },
          {
            command: 'DescribeLoadBalancerAttributesCommand',
            action: 'elasticloadbalancing:DescribeLoadBalancerAttributes',
            for: [LB_ATTRIBUTES],
          },
          { command: 'DescribeTargetGroupsCommand', action: 'elasticloadbalancing:DescribeTargetGroups', for: [LB_TARGETS] },
          { command: 'DescribeTargetHealthCommand', action: 'elasticloadbalancing:DescribeTargetHealth', for: [LB_TARGETS] },
        ],
      },
      load: async () => (await import('./collect.js')).collectLoadBalancers,
    },
  ],
  enrichers: [],
};
