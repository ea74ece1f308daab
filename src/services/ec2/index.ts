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
import { EC2_LISTINGS, listingTypes } from './produces.js';

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
    dataSchema: object({ GroupId: string, GroupName: string, VpcId: string, IpPermissions: listOf(IP_PERMISSION), Tags: tags }, [
      'GroupId',
    ]),
  },
  'aws.ec2.instance': {
    scope: 'regional',
    title: 'EC2 instance',
    id: 'InstanceId',
    data: '`DescribeInstances` instance item (not the reservation). User data is not stored.',
    facts:
      "`publicIp` (first public IPv4 or null), `publicIps`, `ipv6Addresses`, `routeTableId` (explicit subnet association, else the VPC's main table; null when unknown), `publicSubnet` (0.0.0.0/0 to an `igw-` that is not a blackhole; null when no route table is known), `ipv6PublicSubnet` (::/0 to an `igw-`; egress-only gateways do not count), `securityGroupIds` (from `SecurityGroups` and the network interfaces), `missingSecurityGroupIds` (of those, the groups not in the snapshot), `openPorts` (`internetIngress` entries of its groups, each with `groupId`), `active` (not terminated or shutting down), `internetReachable` (active, and a public address + an internet route + a group admitting the internet, for IPv4 or for IPv6; network ACLs are not considered; null when unknown: no route table known, or a missing group, unless what is known settles it), `exposedAddresses` / `exposedPorts` (the addresses and `openPorts` entries of the address families that are reachable)",
    dataSchema: object(
      {
        InstanceId: string,
        State: INSTANCE_STATE,
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
    dataSchema: object({ VpcId: string, Tags: tags }, ['VpcId']),
  },
  'aws.ec2.subnet': {
    scope: 'regional',
    title: 'VPC subnet',
    id: 'SubnetId',
    data: listedItem('DescribeSubnets'),
    dataSchema: object({ SubnetId: string, VpcId: string, AvailabilityZone: string, Tags: tags }, ['SubnetId']),
  },
  'aws.ec2.route-table': {
    scope: 'regional',
    title: 'VPC route table',
    id: 'RouteTableId',
    data: listedItem('DescribeRouteTables'),
    dataSchema: object(
      {
        RouteTableId: string,
        VpcId: string,
        Routes: listOf(object({ DestinationCidrBlock: string, DestinationIpv6CidrBlock: string, GatewayId: string, State: string })),
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
    facts: '`monthlyCostUsd` at us-east-1 list prices (null for an unknown volume type)',
    dataSchema: object(
      {
        VolumeId: string,
        VolumeType: string,
        Size: integer,
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
} as const satisfies ResourceTypeTable;

/** EC2 and VPC: instances (and their user data), security groups, addresses, the network, volumes. */
export const ec2: Service<typeof TYPES, { ec2: EC2Client }> = {
  name: 'ec2',
  resourceTypes: TYPES,
  clients: { ec2: sdkClient('@aws-sdk/client-ec2', async () => (await import('@aws-sdk/client-ec2')).EC2Client) },
  collectors: EC2_LISTINGS.map((listing) => {
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
            ? [{ command: `${listing.details.operation}Command`, action: `ec2:${listing.details.operation}`, for: [listing.details.type] }]
            : []),
        ],
      },
      load: async () => (await import('./collect.js')).ec2Collector(listing),
    };
  }),
  enrichers: [securityGroupEnricher, ec2InstanceEnricher, elasticIpEnricher, natGatewayEnricher, ec2VolumeEnricher, userDataEnricher],
};
