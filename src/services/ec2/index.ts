import type { EC2Client } from '@aws-sdk/client-ec2';
import { sdkClient } from '../../aws/client.js';
import { boolean, integer, listOf, object, orNull, string, tags } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { elasticIpEnricher } from './enrich-elastic-ip.js';
import { ec2InstanceEnricher } from './enrich-instance.js';
import { natGatewayEnricher } from './enrich-nat-gateway.js';
import { securityGroupEnricher } from './enrich-security-group.js';
import { userDataEnricher } from './enrich-user-data.js';
import { ec2VolumeEnricher } from './enrich-volume.js';
import { networkAclEnricher } from './enrich-network-acl.js';
import { routeTableEnricher } from './enrich-route-table.js';
import { snapshotEnricher } from './enrich-snapshot.js';
import { vpcEnricher } from './enrich-vpc.js';
import type { Collector } from '../../collect/types.js';
import {
  EBS_DEFAULT_ENCRYPTION,
  EC2_LISTINGS,
  SNAPSHOT_BLOCK_PUBLIC_ACCESS,
  VPC_BLOCK_PUBLIC_ACCESS,
  LAUNCH_TEMPLATES,
  listingTypes,
  type Ec2Type,
  type Ec2DetailsType,
} from './produces.js';

/** What the masked results of the user-data secret scan look like, for docs (see the lambda service's too). */
const DETECTED =
  '`[{ line, kind: "aws-access-key-id" \\| "aws-secret-access-key" \\| "private-key" \\| "secret-named-variable", keyIdMasked?, keyPrefix?, keyKind?, keyType?, variable?, part? }]`';

const listedItem = (call: string) => `\`${call}\` item.`;

const INSTANCE_STATE = object({ Code: integer, Name: string });

/** One ingress permission of a security group, as its enricher reads it (src/services/ec2/enrich-security-group.ts). */
const IP_PERMISSION = object({
  // "-1", "tcp", "6", ...
  IpProtocol: string,
  FromPort: integer,
  ToPort: integer,
  IpRanges: listOf(object({ CidrIp: string, Description: string })),
  Ipv6Ranges: listOf(object({ CidrIpv6: string, Description: string })),
  PrefixListIds: listOf(object({ PrefixListId: string, Description: string })),
  UserIdGroupPairs: listOf(object({ GroupId: string, Description: string })),
});

/** One side of a VPC peering connection. */
const PEERING_VPC_INFO = object({
  VpcId: string,
  OwnerId: string,
  Region: string,
  CidrBlock: string,
  CidrBlockSet: listOf(object({ CidrBlock: string })),
  Ipv6CidrBlockSet: listOf(object({ Ipv6CidrBlock: string })),
});

/** What the secret scan of user data found (masked), as DETECTED says. */
const DETECTED_SECRET = object({
  line: integer,
  kind: string,
  keyIdMasked: string,
  keyPrefix: string,
  keyKind: string,
  keyType: string,
  variable: string,
  part: string,
});

const TYPES = {
  'aws.ec2.security-group': {
    scope: 'regional',
    title: 'EC2 security group',
    id: 'GroupId',
    data: listedItem('DescribeSecurityGroups'),
    facts:
      '`ingress` (every inbound rule flattened to `{protocol, fromPort, toPort, ports, source, sourceKind, internet, description, allPorts}`; `allPorts`: the entry covers ports 0-65535; `adminPorts` / `databasePorts`: the administration (22, 3389) and database ports the entry opens), `internetIngress` (those with `internet: true`), `attachedInstances` (ids of instances, not terminated, that use the group), `reachableInstances` (those of them with a public address and a route to an internet gateway for it)',
    dataSchema: object(
      {
        GroupId: string,
        GroupName: string,
        VpcId: string,
        IpPermissions: listOf(IP_PERMISSION),
        IpPermissionsEgress: listOf(IP_PERMISSION),
        Tags: tags,
      },
      ['GroupId'],
    ),
  },
  'aws.ec2.instance': {
    scope: 'regional',
    title: 'EC2 instance',
    id: 'InstanceId',
    data: '`DescribeInstances` instance item (not the reservation). User data is not stored.',
    facts:
      "`stoppedAt` (when a stopped instance stopped, from `StateTransitionReason`; null otherwise or when EC2 does not say), `attachedVolumeIds` (from `BlockDeviceMappings`), `attachedVolumesGiB` / `attachedVolumesMonthlyUsd` (their size and monthly cost at us-east-1 EBS list prices; null when volumes were not collected, one is missing or its type has no known price), `previousGeneration` (for a previous-generation type with a current family in awsaudit's table: `{twinFamily, twinType, monthlyUsd, twinMonthlyUsd, monthlySavingUsd}` at us-east-1 Linux on-demand prices, each null when the table has no price; null for a current type), `publicIp` (first public IPv4 or null), `publicIps`, `ipv6Addresses`, `routeTableId` (explicit subnet association, else the VPC's main table; null when unknown), `publicSubnet` (0.0.0.0/0 to an `igw-` that is not a blackhole; null when no route table is known), `ipv6PublicSubnet` (::/0 to an `igw-`; egress-only gateways do not count), `securityGroupIds` (from `SecurityGroups` and the network interfaces), `missingSecurityGroupIds` (of those, the groups not in the snapshot), `openPorts` (`internetIngress` entries of its groups, each with `groupId`), `active` (not terminated or shutting down), `internetReachable` (active, and a public address + an internet route + a group admitting the internet, for IPv4 or for IPv6; network ACLs are not considered; null when unknown: no route table known, or a missing group, unless what is known settles it), `exposedAddresses` / `exposedPorts` (the addresses and `openPorts` entries of the address families that are reachable)",
    dataSchema: object(
      {
        InstanceId: string,
        InstanceType: string,
        State: INSTANCE_STATE,
        StateTransitionReason: string,
        LaunchTime: string,
        VirtualizationType: string,
        MetadataOptions: object({ HttpTokens: string, HttpEndpoint: string, State: string }),
        BlockDeviceMappings: listOf(object({ DeviceName: string, Ebs: object({ VolumeId: string }) })),
        SubnetId: string,
        VpcId: string,
        PublicIpAddress: string,
        IamInstanceProfile: object({ Arn: string }),
        SecurityGroups: listOf(object({ GroupId: string })),
        NetworkInterfaces: listOf(
          object({
            Association: object({ PublicIp: string }),
            Ipv6Addresses: listOf(object({ Ipv6Address: string })),
            Groups: listOf(object({ GroupId: string })),
          }),
        ),
        Tags: tags,
      },
      ['InstanceId'],
    ),
  },
  'aws.ec2.instance-user-data': {
    scope: 'regional',
    title: 'User data of an EC2 instance (scanned for secrets when read, never stored)',
    id: 'InstanceId',
    data: `Read only when a selected rule needs it: one \`DescribeInstanceAttribute\` (\`userData\`) per instance that is not terminated or shutting down (from the same \`DescribeInstances\` listing; at most 8 in flight per region). \`{ InstanceId, State, Tags, UserDataPresent, UserDataBytes (decoded size), UserDataEncoding: ["gzip"?, "mime"?, "text"?], UserDataTruncated (more than 4 MiB decoded: the rest was not read), UserDataError? (the error code when it could not be read or decoded; also a coverage gap), awsauditUserDataSecrets }\`. The user data itself is never stored: it is base64-decoded, gunzipped when gzip (1f 8b), split into parts when MIME multipart (base64 and gzip parts decoded), and scanned by \`src/secrets/detect.ts\` at collection time; \`awsauditUserDataSecrets\` (awsaudit's own field, not AWS's) holds what it found, masked: ${DETECTED}, or null when the user data could not be read.`,
    facts: '`userDataSecrets`: `awsauditUserDataSecrets` of `data` (null when the user data could not be read)',
    dataSchema: object(
      {
        InstanceId: string,
        State: orNull(INSTANCE_STATE),
        Tags: tags,
        UserDataPresent: boolean,
        UserDataTruncated: boolean,
        UserDataError: string,
        awsauditUserDataSecrets: orNull(listOf(DETECTED_SECRET)),
      },
      ['InstanceId'],
    ),
  },
  'aws.ec2.elastic-ip': {
    scope: 'regional',
    title: 'Elastic IP address',
    id: 'AllocationId',
    data: '`DescribeAddresses` item (association fields may be `""` on some endpoints: rules use `empty`).',
    facts:
      '`instanceState` of the associated instance in the same snapshot (null when none, when instances were not collected, or when the instance is missing)',
    factsReadsNote: 'instances when collected; `ec2-elastic-ip-on-stopped-instance` requires them',
    dataSchema: object(
      { AllocationId: string, PublicIp: string, AssociationId: string, InstanceId: string, NetworkInterfaceId: string, Tags: tags },
      ['AllocationId'],
    ),
  },
  'aws.ec2.vpc': {
    scope: 'regional',
    title: 'VPC',
    id: 'VpcId',
    data: listedItem('DescribeVpcs'),
    facts:
      '`flowLogIds` (flow logs of the VPC itself, not of its subnets or interfaces), `activeFlowLogIds` (those that are ACTIVE, record REJECT or ALL traffic, and whose delivery has not failed); both null when flow logs were not collected; `ec2EndpointIds` (VPC endpoints of the VPC for the EC2 API of its region, `com.amazonaws.<region>.ec2`, not deleted, rejected, failed or expired; null when VPC endpoints were not collected)',
    factsReadsNote:
      'flow logs and VPC endpoints when collected; `ec2-vpc-flow-logs-disabled` requires flow logs, `ec2-vpc-no-ec2-endpoint` VPC endpoints',
    dataSchema: object({ VpcId: string, IsDefault: boolean, CidrBlock: string, State: string, Tags: tags }, ['VpcId']),
  },
  'aws.ec2.subnet': {
    scope: 'regional',
    title: 'VPC subnet',
    id: 'SubnetId',
    data: listedItem('DescribeSubnets'),
    dataSchema: object({ SubnetId: string, VpcId: string, AvailabilityZone: string, MapPublicIpOnLaunch: boolean, Tags: tags }, [
      'SubnetId',
    ]),
  },
  'aws.ec2.route-table': {
    scope: 'regional',
    title: 'VPC route table',
    id: 'RouteTableId',
    data: listedItem('DescribeRouteTables'),
    facts:
      "`peeringRoutes` (routes through a VPC peering connection, blackholes left out: `{destination, peeringConnectionId, peerVpcId, peerCidrs, coversPeerVpc}`; `coversPeerVpc`: the destination holds a whole CIDR block of the peer VPC, null when the connection is not in the snapshot, the destination is a prefix list or the peer's blocks are unknown), `broadPeeringRoutes` (those with `coversPeerVpc: true`), `undecidedPeeringRoutes` (those with null)",
    factsReadsNote: 'VPC peering connections when collected; `ec2-route-table-peering-not-least-access` requires them',
    dataSchema: object(
      {
        RouteTableId: string,
        VpcId: string,
        Routes: listOf(
          object({
            DestinationCidrBlock: string,
            DestinationIpv6CidrBlock: string,
            DestinationPrefixListId: string,
            GatewayId: string,
            VpcPeeringConnectionId: string,
            State: string,
          }),
        ),
        Associations: listOf(object({ SubnetId: string, Main: boolean, AssociationState: object({ State: string }) })),
        Tags: tags,
      },
      ['RouteTableId'],
    ),
  },
  'aws.ec2.internet-gateway': {
    scope: 'regional',
    title: 'Internet gateway',
    id: 'InternetGatewayId',
    data: listedItem('DescribeInternetGateways'),
    dataSchema: object({ InternetGatewayId: string, Tags: tags }, ['InternetGatewayId']),
  },
  'aws.ec2.volume': {
    scope: 'regional',
    title: 'EBS volume',
    id: 'VolumeId',
    data: listedItem('DescribeVolumes'),
    facts:
      '`monthlyCostUsd` at us-east-1 list prices (null for an unknown volume type), `gp3MonthlySavingUsd` (gp2 only: what the same size as gp3 with the same baseline IOPS would save; null for other types), `gp3Iops` (gp2 only: those IOPS, at least 3,000)',
    dataSchema: object(
      {
        VolumeId: string,
        VolumeType: string,
        Size: integer,
        Encrypted: boolean,
        KmsKeyId: string,
        Attachments: listOf(object({ InstanceId: string, State: string })),
        Iops: integer,
        Throughput: integer,
        State: string,
        CreateTime: string,
        AvailabilityZone: string,
        Tags: tags,
      },
      ['VolumeId'],
    ),
  },
  'aws.ec2.nat-gateway': {
    scope: 'regional',
    title: 'NAT gateway',
    id: 'NatGatewayId',
    data: listedItem('DescribeNatGateways'),
    facts:
      "`natSingleAz` (every public NAT gateway of the VPC in one AZ while its subnets span several; null when subnets were not collected or a NAT gateway's subnet is missing), `vpcNatGatewayAzs`, `vpcSubnetAzs`",
    dataSchema: object({ NatGatewayId: string, VpcId: string, SubnetId: string, State: string, ConnectivityType: string, Tags: tags }, [
      'NatGatewayId',
    ]),
  },
  'aws.ec2.network-acl': {
    scope: 'regional',
    title: 'VPC network ACL',
    id: 'NetworkAclId',
    data: listedItem('DescribeNetworkAcls'),
    facts:
      '`adminPortIngress` (ingress entries that let 0.0.0.0/0 or ::/0 reach TCP 22 or 3389, in rule-number order with earlier denies of the whole internet applied: `{ruleNumber, protocol, fromPort, toPort, ports, source, adminPorts}`), `associatedSubnets` (subnet ids)',
    dataSchema: object(
      {
        NetworkAclId: string,
        VpcId: string,
        IsDefault: boolean,
        Entries: listOf(
          object({
            RuleNumber: integer,
            Protocol: string,
            RuleAction: string,
            Egress: boolean,
            CidrBlock: string,
            Ipv6CidrBlock: string,
            PortRange: object({ From: integer, To: integer }),
          }),
        ),
        Associations: listOf(object({ NetworkAclAssociationId: string, SubnetId: string })),
        Tags: tags,
      },
      ['NetworkAclId'],
    ),
  },
  'aws.ec2.flow-log': {
    scope: 'regional',
    title: 'VPC flow log',
    id: 'FlowLogId',
    data: listedItem('DescribeFlowLogs'),
    dataSchema: object(
      {
        FlowLogId: string,
        ResourceId: string,
        TrafficType: string,
        FlowLogStatus: string,
        DeliverLogsStatus: string,
        LogDestinationType: string,
        Tags: tags,
      },
      ['FlowLogId'],
    ),
  },
  'aws.ec2.vpc-peering-connection': {
    scope: 'regional',
    title: 'VPC peering connection',
    id: 'VpcPeeringConnectionId',
    data: listedItem('DescribeVpcPeeringConnections'),
    dataSchema: object(
      {
        VpcPeeringConnectionId: string,
        Status: object({ Code: string }),
        RequesterVpcInfo: PEERING_VPC_INFO,
        AccepterVpcInfo: PEERING_VPC_INFO,
        Tags: tags,
      },
      ['VpcPeeringConnectionId'],
    ),
  },
  'aws.ec2.snapshot': {
    scope: 'regional',
    title: 'EBS snapshot (owned by the account)',
    id: 'SnapshotId',
    data: '`DescribeSnapshots` item (`OwnerIds: ["self"]`: the account\'s own snapshots, not those shared with it or public ones).',
    facts:
      "`sourceVolumeExists` (the snapshot's volume is among the region's volumes; null when volumes were not collected or the snapshot names no source volume, `vol-ffffffff`: a copy), `amiSnapshot` (its description says EC2 made it for an AMI), `monthlyCostUpperBoundUsd` (volume size x $0.05/GB-month, us-east-1 standard tier, or $0.0125 archive tier: an upper bound, standard snapshots are incremental)",
    factsReadsNote: 'volumes when collected; `ec2-snapshot-of-deleted-volume` requires them',
    dataSchema: object(
      {
        SnapshotId: string,
        VolumeId: string,
        VolumeSize: integer,
        State: string,
        StartTime: string,
        Description: string,
        Encrypted: boolean,
        StorageTier: string,
        Tags: tags,
      },
      ['SnapshotId'],
    ),
  },
  'aws.ec2.snapshot-permissions': {
    scope: 'regional',
    title: 'Who may create volumes from an EBS snapshot',
    id: 'SnapshotId',
    data: 'Read only when a selected rule needs it: one `DescribeSnapshotAttribute` (`createVolumePermission`) per snapshot of the `DescribeSnapshots` listing (at most 8 in flight per region). `{ SnapshotId, VolumeId, VolumeSize, Tags, CreateVolumePermissions: [{ Group: "all" } | { UserId }], PermissionsError? (the error code when it could not be read; `CreateVolumePermissions` is then absent and the snapshot undecided) }`.',
    dataSchema: object(
      {
        SnapshotId: string,
        VolumeId: orNull(string),
        VolumeSize: orNull(integer),
        CreateVolumePermissions: listOf(object({ Group: string, UserId: string })),
        PermissionsError: string,
        Tags: tags,
      },
      ['SnapshotId'],
    ),
  },
  'aws.ec2.ebs-encryption-by-default': {
    scope: 'regional',
    title: 'EBS encryption by default (a setting of each region)',
    id: 'region name',
    data: '`GetEbsEncryptionByDefault` response with the region: `{ Region, EbsEncryptionByDefault, SseType? }`.',
    dataSchema: object({ Region: string, EbsEncryptionByDefault: boolean, SseType: string }, ['Region']),
  },
  'aws.ec2.snapshot-block-public-access': {
    scope: 'regional',
    title: 'Block public access for EBS snapshots (a setting of each region)',
    id: 'region name',
    data: '`GetSnapshotBlockPublicAccessState` response with the region: `{ Region, State, ManagedBy }`; `State` is `block-all-sharing`, `block-new-sharing` or `unblocked` (null when the answer has none), `ManagedBy` `account` or `declarative-policy`.',
    dataSchema: object({ Region: string, State: orNull(string), ManagedBy: orNull(string) }, ['Region', 'State']),
  },
  'aws.ec2.vpc-block-public-access': {
    scope: 'regional',
    title: 'VPC Block Public Access (a setting of each region)',
    id: 'region name',
    data: '`DescribeVpcBlockPublicAccessOptions` `VpcBlockPublicAccessOptions` with the region: `{ Region, InternetGatewayBlockMode, State, ExclusionsAllowed?, ManagedBy?, LastUpdateTimestamp?, Reason? }`; `InternetGatewayBlockMode` is `off`, `block-ingress` or `block-bidirectional` (null when the answer has none).',
    dataSchema: object(
      { Region: string, InternetGatewayBlockMode: orNull(string), State: string, ExclusionsAllowed: string, ManagedBy: string },
      ['Region', 'InternetGatewayBlockMode'],
    ),
  },
  'aws.ec2.vpc-endpoint': {
    scope: 'regional',
    title: 'VPC endpoint',
    id: 'VpcEndpointId',
    data: listedItem('DescribeVpcEndpoints'),
    dataSchema: object({ VpcEndpointId: string, VpcEndpointType: string, VpcId: string, ServiceName: string, State: string, Tags: tags }, [
      'VpcEndpointId',
    ]),
  },
  'aws.ec2.transit-gateway': {
    scope: 'regional',
    title: 'Transit gateway',
    id: 'TransitGatewayId',
    data: listedItem('DescribeTransitGateways'),
    dataSchema: object(
      {
        TransitGatewayId: string,
        State: string,
        OwnerId: string,
        Description: string,
        Options: object({
          AutoAcceptSharedAttachments: string,
          DefaultRouteTableAssociation: string,
          DefaultRouteTablePropagation: string,
        }),
        Tags: tags,
      },
      ['TransitGatewayId'],
    ),
  },
  'aws.ec2.network-interface': {
    scope: 'regional',
    title: 'Elastic network interface',
    id: 'NetworkInterfaceId',
    data: listedItem('DescribeNetworkInterfaces'),
    dataSchema: object(
      {
        NetworkInterfaceId: string,
        InterfaceType: string,
        Status: string,
        SourceDestCheck: boolean,
        RequesterManaged: boolean,
        Description: string,
        VpcId: string,
        SubnetId: string,
        Attachment: object({ InstanceId: string, DeviceIndex: integer, Status: string }),
        TagSet: tags,
      },
      ['NetworkInterfaceId'],
    ),
  },
  'aws.ec2.launch-template': {
    scope: 'regional',
    title: 'EC2 launch template (with what its default version launches)',
    id: 'LaunchTemplateId',
    data: '`DescribeLaunchTemplates` item with `DefaultVersionData` (the `LaunchTemplateData` of the default version, from one `DescribeLaunchTemplateVersions` call with `Versions: ["$Default"]` for every template of the region; `{}` when that version sets nothing) and `DefaultVersionNumber`; when the versions call failed, `DefaultVersionError` (its error code) instead of `DefaultVersionData`, and the template is undecided.',
    dataSchema: object(
      {
        LaunchTemplateId: string,
        LaunchTemplateName: string,
        DefaultVersionNumber: orNull(integer),
        LatestVersionNumber: integer,
        DefaultVersionError: string,
        DefaultVersionData: object({
          MetadataOptions: object({ HttpTokens: string, HttpEndpoint: string }),
          NetworkInterfaces: listOf(object({ DeviceIndex: integer, AssociatePublicIpAddress: boolean, NetworkInterfaceId: string })),
          BlockDeviceMappings: listOf(
            object({ DeviceName: string, Ebs: object({ Encrypted: boolean, KmsKeyId: string, SnapshotId: string, VolumeSize: integer }) }),
          ),
        }),
        Tags: tags,
      },
      ['LaunchTemplateId'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** The fields a failed per-resource details call leaves out (the resource is still listed: user-data.ts, snapshot-permissions.ts). */
const DETAIL_FILLS: Record<Ec2DetailsType, readonly string[]> = {
  // The secrets found are null (not absent) when the call failed: listed so a rule that reads them
  // is undecided in a snapshot that left them out, as their `unknownWhen` makes the null undecided.
  'aws.ec2.instance-user-data': ['UserDataPresent', 'UserDataBytes', 'UserDataEncoding', 'UserDataTruncated', 'awsauditUserDataSecrets'],
  'aws.ec2.snapshot-permissions': ['CreateVolumePermissions'],
};

/** EC2, VPC and EBS: instances (and their user data), security groups, addresses, the network, volumes, snapshots. */
export const ec2: Service<typeof TYPES, { ec2: EC2Client }> = {
  name: 'ec2',
  resourceTypes: TYPES,
  clients: { ec2: sdkClient('@aws-sdk/client-ec2', async () => (await import('@aws-sdk/client-ec2')).EC2Client) },
  collectors: [
    ...EC2_LISTINGS.map((listing): Collector<Ec2Type, { ec2: EC2Client }> => {
      const types = listingTypes(listing);
      return {
        descriptor: {
          id: listing.type,
          service: 'ec2',
          scope: 'regional',
          produces: types,
          commands: [
            { command: `${listing.operation}Command`, action: `ec2:${listing.operation}`, for: types },
            ...('details' in listing
              ? [
                  {
                    command: `${listing.details.operation}Command`,
                    action: `ec2:${listing.details.operation}`,
                    for: [listing.details.type],
                    fills: { [listing.details.type]: DETAIL_FILLS[listing.details.type] },
                  },
                ]
              : []),
          ],
        },
        load: async () => (await import('./collect.js')).ec2Collector(listing),
      };
    }),
    {
      descriptor: {
        id: 'aws.ec2.ebs-encryption-by-default',
        service: 'ec2',
        scope: 'regional',
        produces: EBS_DEFAULT_ENCRYPTION,
        commands: [{ command: 'GetEbsEncryptionByDefaultCommand', action: 'ec2:GetEbsEncryptionByDefault', for: EBS_DEFAULT_ENCRYPTION }],
      },
      load: async () => (await import('./collect.js')).collectEbsEncryptionByDefault,
    },
    {
      descriptor: {
        id: 'aws.ec2.snapshot-block-public-access',
        service: 'ec2',
        scope: 'regional',
        produces: SNAPSHOT_BLOCK_PUBLIC_ACCESS,
        commands: [
          {
            command: 'GetSnapshotBlockPublicAccessStateCommand',
            action: 'ec2:GetSnapshotBlockPublicAccessState',
            for: SNAPSHOT_BLOCK_PUBLIC_ACCESS,
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectSnapshotBlockPublicAccess,
    },
    {
      descriptor: {
        id: 'aws.ec2.vpc-block-public-access',
        service: 'ec2',
        scope: 'regional',
        produces: VPC_BLOCK_PUBLIC_ACCESS,
        commands: [
          {
            command: 'DescribeVpcBlockPublicAccessOptionsCommand',
            action: 'ec2:DescribeVpcBlockPublicAccessOptions',
            for: VPC_BLOCK_PUBLIC_ACCESS,
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectVpcBlockPublicAccess,
    },
    {
      descriptor: {
        id: 'aws.ec2.launch-template',
        service: 'ec2',
        scope: 'regional',
        produces: LAUNCH_TEMPLATES,
        commands: [
          { command: 'DescribeLaunchTemplatesCommand', action: 'ec2:DescribeLaunchTemplates', for: LAUNCH_TEMPLATES },
          {
            command: 'DescribeLaunchTemplateVersionsCommand',
            action: 'ec2:DescribeLaunchTemplateVersions',
            for: LAUNCH_TEMPLATES,
            fills: { 'aws.ec2.launch-template': ['DefaultVersionData', 'DefaultVersionNumber'] },
          },
        ],
      },
      load: async () => (await import('./launch-templates.js')).collectLaunchTemplates,
    },
  ],
  enrichers: [
    securityGroupEnricher,
    ec2InstanceEnricher,
    elasticIpEnricher,
    natGatewayEnricher,
    ec2VolumeEnricher,
    userDataEnricher,
    networkAclEnricher,
    vpcEnricher,
    routeTableEnricher,
    snapshotEnricher,
  ],
};
