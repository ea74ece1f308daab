import {
  DescribeAddressesCommand,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVolumes,
  paginateDescribeVpcs,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { ResourceType } from '../../resources/types.js';
import { allItems } from '../pages.js';
import { toJsonObject } from '../sdk-json.js';
import type { Collector, CollectorContext, CollectorDescriptor } from '../types.js';
import { USER_DATA_TYPE, collectUserData } from './ec2-user-data.js';

/**
 * EC2 and VPC resources: one collector per type, each one paginated Describe call per
 * region at the largest page size the API accepts (route tables take at most 100,
 * volumes 500, the others 1,000).
 */
interface Ec2Listing {
  type: ResourceType;
  operation: string;
  /** The ARN's resource kind: arn:aws:ec2:region:account:<kind>/<id>. */
  arnKind: string;
  idField: string;
  list(client: EC2Client): Promise<object[]>;
  /** A further type read item by item from the listing (instances' user data), only when wanted. */
  details?: {
    type: ResourceType;
    operation: string;
    collect(ctx: CollectorContext, client: EC2Client, items: object[]): Promise<void>;
  };
}

const LISTINGS: readonly Ec2Listing[] = [
  {
    type: 'aws.ec2.security-group', operation: 'DescribeSecurityGroups', arnKind: 'security-group', idField: 'GroupId',
    list: (client) => allItems(paginateDescribeSecurityGroups({ client, pageSize: 1000 }, {}), (p) => p.SecurityGroups),
  },
  {
    type: 'aws.ec2.instance', operation: 'DescribeInstances', arnKind: 'instance', idField: 'InstanceId',
    // Instances come grouped in reservations; the resource is the instance.
    list: async (client) => (await allItems(paginateDescribeInstances({ client, pageSize: 1000 }, {}), (p) => p.Reservations)).flatMap((r) => r.Instances ?? []),
    // User data comes from the same listing, so a scan that wants both lists instances once.
    details: { type: USER_DATA_TYPE, operation: 'DescribeInstanceAttribute', collect: collectUserData },
  },
  {
    type: 'aws.ec2.elastic-ip', operation: 'DescribeAddresses', arnKind: 'elastic-ip', idField: 'AllocationId',
    // DescribeAddresses has no pagination: one call returns every address of the region.
    list: async (client) => (await client.send(new DescribeAddressesCommand({}))).Addresses ?? [],
  },
  {
    type: 'aws.ec2.vpc', operation: 'DescribeVpcs', arnKind: 'vpc', idField: 'VpcId',
    list: (client) => allItems(paginateDescribeVpcs({ client, pageSize: 1000 }, {}), (p) => p.Vpcs),
  },
  {
    type: 'aws.ec2.subnet', operation: 'DescribeSubnets', arnKind: 'subnet', idField: 'SubnetId',
    list: (client) => allItems(paginateDescribeSubnets({ client, pageSize: 1000 }, {}), (p) => p.Subnets),
  },
  {
    type: 'aws.ec2.route-table', operation: 'DescribeRouteTables', arnKind: 'route-table', idField: 'RouteTableId',
    list: (client) => allItems(paginateDescribeRouteTables({ client, pageSize: 100 }, {}), (p) => p.RouteTables),
  },
  {
    type: 'aws.ec2.internet-gateway', operation: 'DescribeInternetGateways', arnKind: 'internet-gateway', idField: 'InternetGatewayId',
    list: (client) => allItems(paginateDescribeInternetGateways({ client, pageSize: 1000 }, {}), (p) => p.InternetGateways),
  },
  {
    type: 'aws.ec2.volume', operation: 'DescribeVolumes', arnKind: 'volume', idField: 'VolumeId',
    list: (client) => allItems(paginateDescribeVolumes({ client, pageSize: 500 }, {}), (p) => p.Volumes),
  },
  {
    type: 'aws.ec2.nat-gateway', operation: 'DescribeNatGateways', arnKind: 'natgateway', idField: 'NatGatewayId',
    list: (client) => allItems(paginateDescribeNatGateways({ client, pageSize: 1000 }, {}), (p) => p.NatGateways),
  },
];

function ec2Collector(listing: Ec2Listing): Collector {
  const { details } = listing;
  const types: ResourceType[] = details ? [listing.type, details.type] : [listing.type];
  const descriptor = {
    id: listing.type,
    service: 'ec2',
    scope: 'regional',
    produces: types,
    commands: [
      { command: `${listing.operation}Command`, action: `ec2:${listing.operation}`, for: types },
      ...(details ? [{ command: `${details.operation}Command`, action: `ec2:${details.operation}`, for: [details.type] }] : []),
    ],
  } satisfies CollectorDescriptor;
  return {
    descriptor,
    async collect(ctx) {
      const client = ctx.client('ec2');
      const wanted = types.filter((t) => ctx.wants(t));
      const result = await ctx.call(listing.operation, wanted, () => listing.list(client));
      if (result.status !== 'ok') return;
      if (details && ctx.wants(details.type)) await details.collect(ctx, client, result.value);
      if (!ctx.wants(listing.type)) return;
      for (const item of result.value) {
        const data = toJsonObject(item);
        const id = data[listing.idField];
        if (typeof id !== 'string' || id === '') continue;
        ctx.add({ type: listing.type, id, arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.account}:${listing.arnKind}/${id}`, data });
      }
    },
  };
}

export const EC2_COLLECTORS: readonly Collector[] = LISTINGS.map(ec2Collector);
