// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.

/**
 * EC2 and VPC resources: one collector per listing, each one paginated Describe call per
 * region (collect.ts says how each is read).
 */
export const EC2_LISTINGS = [
  { type: 'aws.ec2.security-group', operation: 'DescribeSecurityGroups', arnKind: 'security-group', idField: 'GroupId' },
  {
    type: 'aws.ec2.instance',
    operation: 'DescribeInstances',
    arnKind: 'instance',
    idField: 'InstanceId',
    // User data comes from the same listing, so a scan that wants both lists instances once.
    details: { type: 'aws.ec2.instance-user-data', operation: 'DescribeInstanceAttribute' },
  },
  { type: 'aws.ec2.elastic-ip', operation: 'DescribeAddresses', arnKind: 'elastic-ip', idField: 'AllocationId' },
  { type: 'aws.ec2.vpc', operation: 'DescribeVpcs', arnKind: 'vpc', idField: 'VpcId' },
  { type: 'aws.ec2.subnet', operation: 'DescribeSubnets', arnKind: 'subnet', idField: 'SubnetId' },
  { type: 'aws.ec2.route-table', operation: 'DescribeRouteTables', arnKind: 'route-table', idField: 'RouteTableId' },
  { type: 'aws.ec2.internet-gateway', operation: 'DescribeInternetGateways', arnKind: 'internet-gateway', idField: 'InternetGatewayId' },
  { type: 'aws.ec2.volume', operation: 'DescribeVolumes', arnKind: 'volume', idField: 'VolumeId' },
  { type: 'aws.ec2.nat-gateway', operation: 'DescribeNatGateways', arnKind: 'natgateway', idField: 'NatGatewayId' },
  { type: 'aws.ec2.network-acl', operation: 'DescribeNetworkAcls', arnKind: 'network-acl', idField: 'NetworkAclId' },
  { type: 'aws.ec2.flow-log', operation: 'DescribeFlowLogs', arnKind: 'vpc-flow-log', idField: 'FlowLogId' },
  { type: 'aws.ec2.vpc-endpoint', operation: 'DescribeVpcEndpoints', arnKind: 'vpc-endpoint', idField: 'VpcEndpointId' },
  { type: 'aws.ec2.transit-gateway', operation: 'DescribeTransitGateways', arnKind: 'transit-gateway', idField: 'TransitGatewayId' },
  {
    type: 'aws.ec2.network-interface',
    operation: 'DescribeNetworkInterfaces',
    arnKind: 'network-interface',
    idField: 'NetworkInterfaceId',
  },
  {
    type: 'aws.ec2.vpc-peering-connection',
    operation: 'DescribeVpcPeeringConnections',
    arnKind: 'vpc-peering-connection',
    idField: 'VpcPeeringConnectionId',
  },
  {
    type: 'aws.ec2.snapshot',
    operation: 'DescribeSnapshots',
    arnKind: 'snapshot',
    idField: 'SnapshotId',
    // Snapshot ARNs name no account: arn:aws:ec2:region::snapshot/snap-...
    arnAccount: false,
    // Who may create volumes from each snapshot: one call per snapshot, only when a rule reads it.
    details: { type: 'aws.ec2.snapshot-permissions', operation: 'DescribeSnapshotAttribute' },
  },
] as const satisfies ReadonlyArray<{
  /** A type of the service's table (index.ts: its collectors must produce only those). */
  type: string;
  operation: string;
  /** The ARN's resource kind: arn:aws:ec2:region:account:<kind>/<id>. */
  arnKind: string;
  idField: string;
  /** false: the ARN has no account part (snapshots). */
  arnAccount?: false;
  /** A further type read item by item from the listing, only when wanted. */
  details?: { type: string; operation: string };
}>;

export type Ec2Listing = (typeof EC2_LISTINGS)[number];
export type Ec2ListingType = Ec2Listing['type'];
export type Ec2DetailsType = NonNullable<Extract<Ec2Listing, { details: unknown }>['details']>['type'];

/** EBS encryption by default: a setting of each region, one GetEbsEncryptionByDefault call per region. */
export const EBS_DEFAULT_ENCRYPTION = ['aws.ec2.ebs-encryption-by-default'] as const;

/** Block public access for EBS snapshots: a setting of each region, one GetSnapshotBlockPublicAccessState call per region. */
export const SNAPSHOT_BLOCK_PUBLIC_ACCESS = ['aws.ec2.snapshot-block-public-access'] as const;

/** VPC Block Public Access: a setting of each region, one DescribeVpcBlockPublicAccessOptions call per region. */
export const VPC_BLOCK_PUBLIC_ACCESS = ['aws.ec2.vpc-block-public-access'] as const;

/**
 * Launch templates with their default version: one paginated DescribeLaunchTemplates and one
 * paginated DescribeLaunchTemplateVersions ($Default of every template) per region.
 */
export const LAUNCH_TEMPLATES = ['aws.ec2.launch-template'] as const;

/** Every type the EC2 collectors produce. */
export type Ec2Type =
  | Ec2ListingType
  | Ec2DetailsType
  | (typeof EBS_DEFAULT_ENCRYPTION)[number]
  | (typeof SNAPSHOT_BLOCK_PUBLIC_ACCESS)[number]
  | (typeof VPC_BLOCK_PUBLIC_ACCESS)[number]
  | (typeof LAUNCH_TEMPLATES)[number];

/** The types one listing's collector produces: its own, and its details' type. */
export function listingTypes(listing: Ec2Listing): Ec2Type[] {
  return 'details' in listing ? [listing.type, listing.details.type] : [listing.type];
}
