import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { sdkClient } from '../../aws/client.js';
import { boolean, integer, listOf, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { ELB_TYPES, LB, LB_ATTRIBUTES } from './produces.js';

const TYPES = {
  [LB]: {
    scope: 'regional',
    title: 'Classic load balancer',
    id: 'LoadBalancerName',
    data: '`DescribeLoadBalancers` item (Classic Load Balancer API): `LoadBalancerName`, `DNSName`, `Scheme`, `ListenerDescriptions: [{ Listener: { Protocol, LoadBalancerPort, InstanceProtocol, InstancePort, SSLCertificateId }, PolicyNames }]`, `AvailabilityZones`, `Subnets`, `Instances`, `SecurityGroups`, `VPCId`, `CreatedTime`.',
    dataSchema: object(
      {
        LoadBalancerName: string,
        DNSName: string,
        Scheme: string,
        ListenerDescriptions: listOf(
          object({
            Listener: object(
              { Protocol: string, LoadBalancerPort: integer, InstanceProtocol: string, InstancePort: integer, SSLCertificateId: string },
              ['Protocol'],
            ),
            PolicyNames: listOf(string),
          }),
        ),
        AvailabilityZones: listOf(string),
        Subnets: listOf(string),
        Instances: listOf(object({ InstanceId: string })),
      },
      ['LoadBalancerName'],
    ),
  },
  [LB_ATTRIBUTES]: {
    scope: 'regional',
    title: 'Attributes of a classic load balancer',
    id: 'LoadBalancerName',
    data: 'Read only when a selected rule needs it: one `DescribeLoadBalancerAttributes` per load balancer. `{ LoadBalancerName, DNSName, Scheme, CreatedTime }` plus the `LoadBalancerAttributes` fields: `CrossZoneLoadBalancing: { Enabled }`, `ConnectionDraining: { Enabled, Timeout }`, `AccessLog: { Enabled, S3BucketName, ... }`, `ConnectionSettings: { IdleTimeout }`, `AdditionalAttributes: [{ Key, Value }]` (e.g. `elb.http.desyncmitigationmode`).',
    dataSchema: object(
      {
        LoadBalancerName: string,
        DNSName: orNull(string),
        Scheme: orNull(string),
        CreatedTime: orNull(string),
        CrossZoneLoadBalancing: object({ Enabled: boolean }),
        ConnectionDraining: object({ Enabled: boolean, Timeout: integer }),
        AccessLog: object({ Enabled: boolean, S3BucketName: string }),
        ConnectionSettings: object({ IdleTimeout: integer }),
        AdditionalAttributes: listOf(object({ Key: string, Value: string })),
      },
      ['LoadBalancerName'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** Classic load balancers (the original Elastic Load Balancing API) and their attributes. */
export const elb: Service<typeof TYPES, { elb: ElasticLoadBalancingClient }> = {
  name: 'elb',
  resourceTypes: TYPES,
  clients: {
    elb: sdkClient(
      '@aws-sdk/client-elastic-load-balancing',
      async () => (await import('@aws-sdk/client-elastic-load-balancing')).ElasticLoadBalancingClient,
    ),
  },
  collectors: [
    {
      descriptor: {
        id: 'elb',
        service: 'elb',
        scope: 'regional',
        produces: ELB_TYPES,
        commands: [
          { command: 'DescribeLoadBalancersCommand', action: 'elasticloadbalancing:DescribeLoadBalancers', for: ELB_TYPES },
          // Attributes can only be read one load balancer at a time.
          {
            command: 'DescribeLoadBalancerAttributesCommand',
            action: 'elasticloadbalancing:DescribeLoadBalancerAttributes',
            for: [LB_ATTRIBUTES],
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectLoadBalancers,
    },
  ],
  enrichers: [],
};
