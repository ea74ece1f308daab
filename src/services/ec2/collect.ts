import {
  DescribeAddressesCommand,
  GetEbsEncryptionByDefaultCommand,
  GetSnapshotBlockPublicAccessStateCommand,
  DescribeVpcBlockPublicAccessOptionsCommand,
  paginateDescribeFlowLogs,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSnapshots,
  paginateDescribeSubnets,
  paginateDescribeVolumes,
  paginateDescribeTransitGateways,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction, CollectorContext } from '../../collect/types.js';
import { collectSnapshotPermissions } from './snapshot-permissions.js';
import {
  EBS_DEFAULT_ENCRYPTION,
  SNAPSHOT_BLOCK_PUBLIC_ACCESS,
  VPC_BLOCK_PUBLIC_ACCESS,
  listingTypes,
  type Ec2DetailsType,
  type Ec2Listing,
  type Ec2ListingType,
  type Ec2Type,
} from './produces.js';
import { collectUserData } from './user-data.js';

/** What the EC2 collectors read the account through. */
type Context = CollectorContext<Ec2Type, { ec2: EC2Client }>;

/** How each listing of EC2_LISTINGS (produces.ts) is read, at the largest page size the API accepts. */
const LIST: { readonly [T in Ec2ListingType]: (client: EC2Client, account: string) => Promise<object[]> } = {
  'aws.ec2.security-group': (client) => allItems(paginateDescribeSecurityGroups({ client, pageSize: 1000 }, {}), (p) => p.SecurityGroups),
  // Instances come grouped in reservations; the resource is the instance.
  'aws.ec2.instance': async (client) =>
    (await allItems(paginateDescribeInstances({ client, pageSize: 1000 }, {}), (p) => p.Reservations)).flatMap((r) => r.Instances ?? []),
  // DescribeAddresses has no pagination: one call returns every address of the region.
  'aws.ec2.elastic-ip': async (client) => (await client.send(new DescribeAddressesCommand({}))).Addresses ?? [],
  'aws.ec2.vpc': (client) => allItems(paginateDescribeVpcs({ client, pageSize: 1000 }, {}), (p) => p.Vpcs),
  'aws.ec2.subnet': (client) => allItems(paginateDescribeSubnets({ client, pageSize: 1000 }, {}), (p) => p.Subnets),
  'aws.ec2.route-table': (client) => allItems(paginateDescribeRouteTables({ client, pageSize: 100 }, {}), (p) => p.RouteTables),
  'aws.ec2.internet-gateway': (client) =>
    allItems(paginateDescribeInternetGateways({ client, pageSize: 1000 }, {}), (p) => p.InternetGateways),
  'aws.ec2.volume': (client) => allItems(paginateDescribeVolumes({ client, pageSize: 500 }, {}), (p) => p.Volumes),
  'aws.ec2.nat-gateway': (client) => allItems(paginateDescribeNatGateways({ client, pageSize: 1000 }, {}), (p) => p.NatGateways),
  'aws.ec2.network-acl': (client) => allItems(paginateDescribeNetworkAcls({ client, pageSize: 1000 }, {}), (p) => p.NetworkAcls),
  'aws.ec2.flow-log': (client) => allItems(paginateDescribeFlowLogs({ client, pageSize: 1000 }, {}), (p) => p.FlowLogs),
  'aws.ec2.vpc-endpoint': (client) => allItems(paginateDescribeVpcEndpoints({ client, pageSize: 1000 }, {}), (p) => p.VpcEndpoints),
  'aws.ec2.transit-gateway': (client) =>
    allItems(paginateDescribeTransitGateways({ client, pageSize: 1000 }, {}), (p) => p.TransitGateways),
  'aws.ec2.network-interface': (client) =>
    allItems(paginateDescribeNetworkInterfaces({ client, pageSize: 1000 }, {}), (p) => p.NetworkInterfaces),
  'aws.ec2.vpc-peering-connection': (client) =>
    allItems(paginateDescribeVpcPeeringConnections({ client, pageSize: 1000 }, {}), (p) => p.VpcPeeringConnections),
  // The account's own snapshots only: without OwnerIds the call lists every public snapshot of every
  // account. The owner-id filter says the same to endpoints that ignore OwnerIds (moto, which
  // otherwise answers with every AMI snapshot it knows), and each item's owner is checked again.
  'aws.ec2.snapshot': async (client, account) =>
    (
      await allItems(
        paginateDescribeSnapshots({ client, pageSize: 1000 }, { OwnerIds: ['self'], Filters: [{ Name: 'owner-id', Values: [account] }] }),
        (p) => p.Snapshots,
      )
    ).filter((s) => s.OwnerId === undefined || s.OwnerId === account),
};

/** How each further type is read item by item from its listing (instances' user data). */
const DETAILS: { readonly [T in Ec2DetailsType]: (ctx: Context, client: EC2Client, items: object[]) => Promise<void> } = {
  'aws.ec2.instance-user-data': collectUserData,
  'aws.ec2.snapshot-permissions': collectSnapshotPermissions,
};

/** The collector of one listing: one paginated Describe call per region. */
export function ec2Collector(listing: Ec2Listing): CollectFunction<Ec2Type, { ec2: EC2Client }> {
  const types = listingTypes(listing);
  const details = 'details' in listing ? listing.details : undefined;
  return async (ctx) => {
    const client = ctx.client('ec2');
    const wanted = types.filter((t) => ctx.wants(t));
    const result = await ctx.call(listing.operation, wanted, () => LIST[listing.type](client, ctx.account));
    if (result.status !== 'ok') return;
    if (details && ctx.wants(details.type)) await DETAILS[details.type](ctx, client, result.value);
    if (!ctx.wants(listing.type)) return;
    for (const item of result.value) {
      const data = toJsonObject(item);
      const id = data[listing.idField];
      if (typeof id !== 'string' || id === '') continue;
      const account = 'arnAccount' in listing ? '' : ctx.account;
      ctx.add({ type: listing.type, id, arn: `arn:${ctx.partition}:ec2:${ctx.region}:${account}:${listing.arnKind}/${id}`, data });
    }
  };
}

/**
 * EBS encryption by default, a setting of each region: one GetEbsEncryptionByDefault call, one
 * resource named after the region. A failed call adds nothing (a gap), never "off".
 */
export const collectEbsEncryptionByDefault: CollectFunction<(typeof EBS_DEFAULT_ENCRYPTION)[number], { ec2: EC2Client }> = async (ctx) => {
  const client = ctx.client('ec2');
  const result = await ctx.call('GetEbsEncryptionByDefault', EBS_DEFAULT_ENCRYPTION, () =>
    client.send(new GetEbsEncryptionByDefaultCommand({})),
  );
  if (result.status !== 'ok') return;
  ctx.add({ type: 'aws.ec2.ebs-encryption-by-default', id: ctx.region, data: { Region: ctx.region, ...toJsonObject(result.value) } });
};

/**
 * Block public access for EBS snapshots, a setting of each region: one
 * GetSnapshotBlockPublicAccessState call, one resource named after the region. A failed call
 * adds nothing (a gap), never "unblocked".
 */
export const collectSnapshotBlockPublicAccess: CollectFunction<(typeof SNAPSHOT_BLOCK_PUBLIC_ACCESS)[number], { ec2: EC2Client }> = async (
  ctx,
) => {
  const client = ctx.client('ec2');
  const result = await ctx.call('GetSnapshotBlockPublicAccessState', SNAPSHOT_BLOCK_PUBLIC_ACCESS, () =>
    client.send(new GetSnapshotBlockPublicAccessStateCommand({})),
  );
  if (result.status !== 'ok') return;
  const data = toJsonObject(result.value);
  ctx.add({
    type: 'aws.ec2.snapshot-block-public-access',
    id: ctx.region,
    data: { Region: ctx.region, State: typeof data.State === 'string' ? data.State : null, ManagedBy: data.ManagedBy ?? null },
  });
};

/**
 * VPC Block Public Access, a setting of each region: one DescribeVpcBlockPublicAccessOptions
 * call, one resource named after the region. A failed call adds nothing (a gap), never "off".
 */
export const collectVpcBlockPublicAccess: CollectFunction<(typeof VPC_BLOCK_PUBLIC_ACCESS)[number], { ec2: EC2Client }> = async (ctx) => {
  const client = ctx.client('ec2');
  const result = await ctx.call('DescribeVpcBlockPublicAccessOptions', VPC_BLOCK_PUBLIC_ACCESS, () =>
    client.send(new DescribeVpcBlockPublicAccessOptionsCommand({})),
  );
  if (result.status !== 'ok') return;
  const options = toJsonObject(result.value.VpcBlockPublicAccessOptions ?? {});
  ctx.add({
    type: 'aws.ec2.vpc-block-public-access',
    id: ctx.region,
    data: {
      ...options,
      Region: ctx.region,
      InternetGatewayBlockMode: typeof options.InternetGatewayBlockMode === 'string' ? options.InternetGatewayBlockMode : null,
    },
  });
};
