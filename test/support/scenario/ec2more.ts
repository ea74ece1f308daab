// Twins of the launch-template and network-interface rules (FSBP EC2.25, EC2.170, EC2.181,
// EC2.180, EC2.17), in a VPC of their own (10.22.0.0/16) in the first region of the main account:
// a launch template whose default version assigns a public IP, allows IMDSv1 and turns EBS
// encryption off, against one that does none of it; an interface with source/destination checking
// off (attached as a second interface to an instance) against one with it on; an instance with two
// interfaces against one with a single interface; that VPC has an interface endpoint for the EC2
// API, a second VPC (10.23.0.0/16) has none (EC2.10); a transit gateway that accepts shared
// attachments automatically against one that does not (EC2.23).
import {
  AttachNetworkInterfaceCommand,
  CreateLaunchTemplateCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { BreadthSeeder, Twin } from './index.js';

/** An AMI moto knows (the notes' scenario's). */
const AMI = 'ami-12c6146b';

export const seedEc2More: BreadthSeeder = async (ctx) => {
  const region = ctx.regions[0]!;
  const ec2 = new EC2Client(ctx.main(region));
  try {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.22.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.22.1.0/24', AvailabilityZone: `${region}a` })))
      .Subnet!.SubnetId!;

    const template = async (name: string, safe: boolean) =>
      (
        await ec2.send(
          new CreateLaunchTemplateCommand({
            LaunchTemplateName: `${name}-${ctx.suffix}`,
            LaunchTemplateData: {
              ImageId: AMI,
              InstanceType: 't3.micro',
              NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, AssociatePublicIpAddress: !safe }],
              MetadataOptions: { HttpTokens: safe ? 'required' : 'optional', HttpEndpoint: 'enabled' },
              BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, Encrypted: safe } }],
            },
          }),
        )
      ).LaunchTemplate!.LaunchTemplateId!;
    const risky = await template('awsaudit-risky', false);
    const safe = await template('awsaudit-safe', true);

    const instance = async () =>
      (await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet })))
        .Instances![0]!.InstanceId!;
    const dualHomed = await instance();
    const single = await instance();

    const eni = async (description: string) =>
      (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Description: description }))).NetworkInterface!
        .NetworkInterfaceId!;
    const relay = await eni('awsaudit relay interface');
    const plain = await eni('awsaudit plain interface');
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: relay, SourceDestCheck: { Value: false } }));
    await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: relay, InstanceId: dualHomed, DeviceIndex: 1 }));

    await ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: vpc,
        VpcEndpointType: 'Interface',
        ServiceName: `com.amazonaws.${region}.ec2`,
        SubnetIds: [subnet],
        PrivateDnsEnabled: true,
      }),
    );
    const noEndpoint = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.23.0.0/16' }))).Vpc!.VpcId!;

    const gateway = async (auto: 'enable' | 'disable') =>
      (await ec2.send(new CreateTransitGatewayCommand({ Description: `awsaudit ${auto}`, Options: { AutoAcceptSharedAttachments: auto } })))
        .TransitGateway!.TransitGatewayId!;
    const autoAccept = await gateway('enable');
    const reviewed = await gateway('disable');

    const twins: Twin[] = [
      { rule: 'ec2-vpc-no-ec2-endpoint', fail: { id: noEndpoint }, pass: { id: vpc } },
      { rule: 'ec2-transit-gateway-auto-accepts-attachments', fail: { id: autoAccept }, pass: { id: reviewed } },
      { rule: 'ec2-launch-template-public-ip', fail: { id: risky }, pass: { id: safe } },
      { rule: 'ec2-launch-template-imdsv1-allowed', fail: { id: risky }, pass: { id: safe } },
      { rule: 'ec2-launch-template-ebs-unencrypted', fail: { id: risky }, pass: { id: safe } },
      { rule: 'ec2-network-interface-source-dest-check-disabled', fail: { id: relay }, pass: { id: plain } },
      { rule: 'ec2-instance-multiple-enis', fail: { id: dualHomed }, pass: { id: single } },
    ];
    return twins;
  } finally {
    ec2.destroy();
  }
};
