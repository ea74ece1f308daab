// EC2, VPC and EBS twins of the breadth rules (CIS 4.7, 6.x; FSBP EC2.*; EC2 waste). Two VPCs of
// their own (10.20.0.0/16 failing, 10.21.0.0/16 compliant, peered), instances, volumes and
// snapshots in the first region of the main account; EBS encryption by default is off in the
// main account (moto's default) and turned on in the compliant account. Times are moto's "now";
// the breadth scan runs 200 days later, so the stopped instance and the snapshot are old by then.
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AcceptVpcPeeringConnectionCommand,
  AttachVolumeCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateFlowLogsCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteVolumeCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  EnableEbsEncryptionByDefaultCommand,
  ModifySnapshotAttributeCommand,
  ReplaceNetworkAclAssociationCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { BreadthSeeder, Twin } from './index.js';

/** An AMI moto knows (the notes' scenario's; not imported from it: it imports this file through index.ts). */
const AMI = 'ami-12c6146b';

/** Strip what AWS returns but does not accept back (rule ids), so a group's rules can be revoked as they are. */
const asRequest = (permissions: IpPermission[] | undefined): IpPermission[] =>
  (permissions ?? []).map((p) => ({
    IpProtocol: p.IpProtocol,
    FromPort: p.FromPort,
    ToPort: p.ToPort,
    IpRanges: p.IpRanges,
    Ipv6Ranges: p.Ipv6Ranges,
    PrefixListIds: p.PrefixListIds,
    UserIdGroupPairs: p.UserIdGroupPairs?.map((g) => ({ GroupId: g.GroupId })),
  }));

export const seedEc2: BreadthSeeder = async (ctx) => {
  const region = ctx.regions[0]!;
  const ec2 = new EC2Client(ctx.main(region));
  const logs = new CloudWatchLogsClient(ctx.main(region));
  const twins: Twin[] = [];
  try {
    const vpc = async (cidr: string) => (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    const open = await vpc('10.20.0.0/16');
    const closed = await vpc('10.21.0.0/16');
    const subnet = async (vpcId: string, cidr: string) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: `${region}a` }))).Subnet!.SubnetId!;
    const openSubnet = await subnet(open, '10.20.1.0/24');
    const closedSubnet = await subnet(closed, '10.21.1.0/24');

    // Network ACLs: SSH from anywhere (and attached to nothing) against a deny of 22 before an allow-all.
    const acl = async (vpcId: string) => (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    const openAcl = await acl(open);
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: openAcl,
        RuleNumber: 100,
        Protocol: '6',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
        PortRange: { From: 22, To: 22 },
      }),
    );
    const closedAcl = await acl(closed);
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: closedAcl,
        RuleNumber: 50,
        Protocol: '6',
        RuleAction: 'deny',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
        PortRange: { From: 22, To: 22 },
      }),
    );
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: closedAcl,
        RuleNumber: 60,
        Protocol: '6',
        RuleAction: 'deny',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
        PortRange: { From: 3389, To: 3389 },
      }),
    );
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: closedAcl,
        RuleNumber: 100,
        Protocol: '-1',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
      }),
    );
    // The compliant ACL takes over the compliant subnet from the VPC's default ACL.
    const association = (
      await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [closedSubnet] }] }))
    ).NetworkAcls![0]!.Associations!.find((a) => a.SubnetId === closedSubnet)!.NetworkAclAssociationId!;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association, NetworkAclId: closedAcl }));
    twins.push(
      { rule: 'ec2-network-acl-admin-ports-open', fail: { id: openAcl }, pass: { id: closedAcl } },
      { rule: 'ec2-network-acl-unused', fail: { id: openAcl }, pass: { id: closedAcl } },
    );

    // Flow logs: the open VPC's only flow log delivers to a log group that does not exist (FAILED);
    // the closed VPC's records rejected traffic to one that does.
    const group = `/awsaudit/flow-logs-${ctx.suffix}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const flowLog = (vpcId: string, logGroupName: string) =>
      ec2.send(
        new CreateFlowLogsCommand({
          ResourceType: 'VPC',
          ResourceIds: [vpcId],
          TrafficType: 'REJECT',
          LogDestinationType: 'cloud-watch-logs',
          LogGroupName: logGroupName,
          DeliverLogsPermissionArn: ctx.roleArn,
        }),
      );
    await flowLog(open, `/awsaudit/missing-${ctx.suffix}`);
    await flowLog(closed, group);
    twins.push({ rule: 'ec2-vpc-flow-logs-disabled', fail: { id: open }, pass: { id: closed } });

    // Peering: the open VPC routes the peer's whole /16, the closed one a single /24 of its peer.
    const pcx = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: open, PeerVpcId: closed }))).VpcPeeringConnection!
      .VpcPeeringConnectionId!;
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    const table = async (vpcId: string, destination: string) => {
      const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
      await ec2.send(new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: destination, VpcPeeringConnectionId: pcx }));
      return id;
    };
    twins.push({
      rule: 'ec2-route-table-peering-not-least-access',
      fail: { id: await table(open, '10.21.0.0/16') },
      pass: { id: await table(closed, '10.20.1.0/24') },
    });

    // Default security groups: the open VPC's keeps AWS's rules; the closed VPC's is emptied.
    const defaultGroup = async (vpcId: string) =>
      (
        await ec2.send(
          new DescribeSecurityGroupsCommand({
            Filters: [
              { Name: 'vpc-id', Values: [vpcId] },
              { Name: 'group-name', Values: ['default'] },
            ],
          }),
        )
      ).SecurityGroups![0]!;
    const closedDefault = await defaultGroup(closed);
    if (closedDefault.IpPermissions?.length)
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: closedDefault.GroupId!, IpPermissions: asRequest(closedDefault.IpPermissions) }),
      );
    if (closedDefault.IpPermissionsEgress?.length)
      await ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId: closedDefault.GroupId!,
          IpPermissions: asRequest(closedDefault.IpPermissionsEgress),
        }),
      );
    twins.push({
      rule: 'ec2-default-security-group-allows-traffic',
      fail: { id: (await defaultGroup(open)).GroupId! },
      pass: { id: closedDefault.GroupId! },
    });

    // SMB: from anywhere, and from the VPN's range.
    const smbGroup = async (name: string, vpcId: string, cidr: string) => {
      const id = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${name}-${ctx.suffix}`, Description: name, VpcId: vpcId })))
        .GroupId!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 445, ToPort: 445, IpRanges: [{ CidrIp: cidr }] }],
        }),
      );
      return id;
    };
    twins.push({
      rule: 'ec2-security-group-cifs-port-open',
      fail: { id: await smbGroup('file-share', open, '0.0.0.0/0') },
      pass: { id: await smbGroup('file-share-vpn', closed, '192.168.0.0/16') },
    });

    // Instances: IMDSv1 on a previous-generation type, stopped; IMDSv2 on a current type, running.
    const run = async (instanceType: 't2.micro' | 't3.micro', subnetId: string, httpTokens: 'optional' | 'required') =>
      (
        await ec2.send(
          new RunInstancesCommand({
            ImageId: AMI,
            MinCount: 1,
            MaxCount: 1,
            InstanceType: instanceType,
            SubnetId: subnetId,
            MetadataOptions: { HttpTokens: httpTokens, HttpEndpoint: 'enabled' },
          }),
        )
      ).Instances![0]!.InstanceId!;
    const legacy = await run('t2.micro', openSubnet, 'optional');
    const current = await run('t3.micro', closedSubnet, 'required');
    twins.push(
      { rule: 'ec2-instance-imdsv1-allowed', fail: { id: legacy }, pass: { id: current } },
      { rule: 'ec2-instance-paravirtual', pass: { id: current } },
    );

    // Volumes: an unencrypted gp2 on the legacy instance, an encrypted gp3 on the current one.
    const volume = async (type: 'gp2' | 'gp3', encrypted: boolean, size: number) =>
      (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: size, VolumeType: type, Encrypted: encrypted })))
        .VolumeId!;
    const gp2 = await volume('gp2', false, 100);
    const gp3 = await volume('gp3', true, 100);
    await ec2.send(new AttachVolumeCommand({ VolumeId: gp2, InstanceId: legacy, Device: '/dev/sdf' }));
    await ec2.send(new AttachVolumeCommand({ VolumeId: gp3, InstanceId: current, Device: '/dev/sdf' }));
    twins.push(
      { rule: 'ec2-volume-unencrypted', fail: { id: gp2 }, pass: { id: gp3 } },
      { rule: 'ec2-volume-gp2', fail: { id: gp2 }, pass: { id: gp3 } },
    );

    // The legacy instance is stopped (it still pays for its volumes); the current one keeps running.
    // A running t2 would be the previous-generation finding: the stopped one pays no compute, so a
    // second, running t2 is that rule's failing twin.
    await ec2.send(new StopInstancesCommand({ InstanceIds: [legacy] }));
    const runningLegacy = await run('t2.micro', openSubnet, 'required');
    twins.push(
      { rule: 'ec2-instance-stopped-long', fail: { id: legacy }, pass: { id: current } },
      { rule: 'ec2-instance-stopped-volumes-cost', fail: { id: legacy }, pass: { id: current } },
      { rule: 'ec2-instance-previous-generation', fail: { id: runningLegacy }, pass: { id: current } },
    );

    // Snapshots: of a volume deleted since, made public; of a volume that still exists, private.
    const gone = await volume('gp3', false, 20);
    const orphan = (await ec2.send(new CreateSnapshotCommand({ VolumeId: gone, Description: `before deleting ${gone}` }))).SnapshotId!;
    await ec2.send(new DeleteVolumeCommand({ VolumeId: gone }));
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: orphan,
        Attribute: 'createVolumePermission',
        OperationType: 'add',
        GroupNames: ['all'],
      }),
    );
    const kept = (await ec2.send(new CreateSnapshotCommand({ VolumeId: gp3, Description: 'nightly backup' }))).SnapshotId!;
    twins.push(
      { rule: 'ec2-snapshot-public', fail: { id: orphan }, pass: { id: kept } },
      { rule: 'ec2-snapshot-of-deleted-volume', fail: { id: orphan }, pass: { id: kept } },
    );

    // Auto-assigned public IPv4: the default VPC's subnets have it on, a new subnet does not.
    const defaultSubnet = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] })))
      .Subnets![0]!.SubnetId!;
    twins.push({ rule: 'ec2-subnet-auto-assigns-public-ip', fail: { id: defaultSubnet }, pass: { id: closedSubnet } });

    // EBS encryption by default: off in the main account (moto's default), on in the compliant one.
    const compliant = new EC2Client(ctx.compliant(region));
    try {
      await compliant.send(new EnableEbsEncryptionByDefaultCommand({}));
    } finally {
      compliant.destroy();
    }
    twins.push({ rule: 'ec2-ebs-encryption-by-default-disabled', fail: { id: region }, pass: { id: region, account: 'compliant' } });
    return twins;
  } finally {
    ec2.destroy();
    logs.destroy();
  }
};
