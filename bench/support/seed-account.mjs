// Seeds a large account in moto_server through the SDK, the same way for every benchmark that
// needs one (bench/collect.mjs, bench/prowler.mjs): security groups (1 in 10 with SSH open, half
// of those to the world), Elastic IPs, instances with user data (1 in 10 stopped), buckets (1 in 25
// public, half with Block Public Access), IAM users with a key (1 in 30 with AmazonEC2FullAccess),
// and `breadth` of each of issue 13's services per region (default 5) so that their calls are made:
// KMS keys (every other one rotated), EBS snapshots, EFS file systems (one with a mount target and
// an access point), an application load balancer with a target group, a DB instance with manual DB snapshots, SNS topics with a subscription,
// CloudWatch Logs metric filters on the trail's log group each with an alarm to a topic, one NAT
// gateway per region (its traffic is read from CloudWatch), a multi-region trail sending to that
// log group, and a GuardDuty detector in the first region only (the second region has none).
import pLimit from 'p-limit';
import {
  EC2Client,
  CreateSecurityGroupCommand,
  AuthorizeSecurityGroupIngressCommand,
  AllocateAddressCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  CreateVolumeCommand,
  CreateSnapshotCommand,
  CreateNatGatewayCommand,
  DescribeSubnetsCommand,
} from '@aws-sdk/client-ec2';
import { S3Client, CreateBucketCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, AttachUserPolicyCommand } from '@aws-sdk/client-iam';
import { KMSClient, CreateKeyCommand, EnableKeyRotationCommand } from '@aws-sdk/client-kms';
import { EFSClient, CreateFileSystemCommand, CreateMountTargetCommand, CreateAccessPointCommand } from '@aws-sdk/client-efs';
import { RDSClient, CreateDBInstanceCommand, CreateDBSnapshotCommand } from '@aws-sdk/client-rds';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { GuardDutyClient, CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import {
  ElasticLoadBalancingV2Client,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  RegisterTargetsCommand,
  CreateListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';

const ACCOUNT = '123456789012'; // moto's default account
const AMI = 'ami-12c6146b'; // one of the images moto knows in every region
const SEED_CONCURRENCY = 8;

const DEFAULT_ACCESS = { account: ACCOUNT, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };

// `access` is whose account is seeded (bench/org.mjs seeds member accounts through their assumed role).
const cfgFor = (endpoint, region, access = DEFAULT_ACCESS) => ({
  endpoint,
  region,
  credentials: access.credentials,
  forcePathStyle: true,
  maxAttempts: 5,
});

/**
 * Seeds the account; `size` gives the counts (security groups per region, the others in total, split over the regions).
 * `access` ({ account, credentials }) seeds another account than moto's default; bucket names then carry its id (S3 names are global).
 */
export async function seedAccount(endpoint, REGIONS, size, access = DEFAULT_ACCESS) {
  const cfg = (e, region) => cfgFor(e, region, access);
  const bucketPrefix = access === DEFAULT_ACCESS ? 'bench' : `bench-${access.account}`;
  const { securityGroupsPerRegion: SG_PER_REGION, eips: EIPS, buckets: BUCKETS, users: USERS, instances: INSTANCES, breadth = 5 } = size;
  const limit = pLimit(SEED_CONCURRENCY);
  const jobs = [];
  for (const [r, region] of REGIONS.entries()) {
    const ec2 = new EC2Client(cfg(endpoint, region));
    const s3 = new S3Client(cfg(endpoint, region));
    const vpc = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs[0].VpcId;
    for (let i = 0; i < SG_PER_REGION; i++) {
      jobs.push(
        limit(async () => {
          const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `bench-${i}`, Description: 'bench', VpcId: vpc }));
          if (i % 10 === 0) {
            await ec2.send(
              new AuthorizeSecurityGroupIngressCommand({
                GroupId,
                IpPermissions: [
                  { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: i % 20 === 0 ? '0.0.0.0/0' : '10.0.0.0/8' }] },
                ],
              }),
            );
          }
        }),
      );
    }
    const eips = Math.floor(EIPS / REGIONS.length) + (r < EIPS % REGIONS.length ? 1 : 0);
    for (let i = 0; i < eips; i++) jobs.push(limit(() => ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))));
    const instances = Math.floor(INSTANCES / REGIONS.length) + (r < INSTANCES % REGIONS.length ? 1 : 0);
    for (let done = 0; done < instances; done += 50) {
      const n = Math.min(50, instances - done);
      const UserData = Buffer.from(`#!/bin/bash\necho bench ${region} ${done}\n`).toString('base64');
      jobs.push(
        limit(async () => {
          const { Instances } = await ec2.send(
            new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: n, MaxCount: n, UserData }),
          );
          const stop = Instances.filter((_, i) => i % 10 === 0).map((i) => i.InstanceId);
          if (stop.length) await ec2.send(new StopInstancesCommand({ InstanceIds: stop }));
        }),
      );
    }
    const buckets = Math.floor(BUCKETS / REGIONS.length) + (r < BUCKETS % REGIONS.length ? 1 : 0);
    for (let i = 0; i < buckets; i++) {
      const Bucket = `${bucketPrefix}-${region}-${i}`;
      jobs.push(
        limit(async () => {
          await s3.send(
            new CreateBucketCommand({
              Bucket,
              ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }),
              ...(i % 25 === 0 ? { ACL: 'public-read' } : {}),
            }),
          );
          if (i % 2 === 0) {
            await s3.send(
              new PutPublicAccessBlockCommand({
                Bucket,
                PublicAccessBlockConfiguration: {
                  BlockPublicAcls: true,
                  IgnorePublicAcls: true,
                  BlockPublicPolicy: true,
                  RestrictPublicBuckets: true,
                },
              }),
            );
          }
        }),
      );
    }
  }
  const iam = new IAMClient(cfg(endpoint, 'us-east-1'));
  for (let i = 0; i < USERS; i++) {
    jobs.push(
      limit(async () => {
        const UserName = `bench-user-${i}`;
        await iam.send(new CreateUserCommand({ UserName }));
        await iam.send(new CreateAccessKeyCommand({ UserName }));
        if (i % 30 === 0)
          await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: 'arn:aws:iam::aws:policy/AmazonEC2FullAccess' }));
      }),
    );
  }
  for (const [r, region] of REGIONS.entries()) seedBreadth(endpoint, region, r === 0, breadth, limit, jobs, access, bucketPrefix);
  await Promise.all(jobs);
}

/** Issue 13's services in one region, `n` of each (see the header); `first`: the region of the trail and the detector. */
function seedBreadth(endpoint, region, first, n, limit, jobs, access = DEFAULT_ACCESS, bucketPrefix = 'bench') {
  if (n <= 0) return;
  const c = cfgFor(endpoint, region, access);
  const ACCOUNT = access.account;
  const ec2 = new EC2Client(c);
  const kms = new KMSClient(c);
  for (let i = 0; i < n; i++) {
    jobs.push(
      limit(async () => {
        const { KeyId } = (await kms.send(new CreateKeyCommand({ Description: `bench key ${i}` }))).KeyMetadata;
        if (i % 2 === 0) await kms.send(new EnableKeyRotationCommand({ KeyId }));
      }),
    );
    jobs.push(
      limit(async () => {
        const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: 8, VolumeType: 'gp3' }));
        await ec2.send(new CreateSnapshotCommand({ VolumeId, Description: `bench snapshot ${i}` }));
      }),
    );
  }
  const efs = new EFSClient(c);
  jobs.push(
    limit(async () => {
      const subnet = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets[0]
        .SubnetId;
      for (let i = 0; i < n; i++) {
        const { FileSystemId } = await efs.send(new CreateFileSystemCommand({ CreationToken: `bench-efs-${i}`, Encrypted: i % 2 === 0 }));
        if (i === 0) {
          await efs.send(new CreateMountTargetCommand({ FileSystemId, SubnetId: subnet }));
          await efs.send(new CreateAccessPointCommand({ FileSystemId, ClientToken: 'bench-ap' }));
        }
      }
      // A NAT gateway: the NAT traffic collector reads its CloudWatch metrics.
      const { AllocationId } = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId }));
    }),
  );
  // One application load balancer forwarding to a target group with a target, so that its
  // attributes and targets are read.
  jobs.push(
    limit(async () => {
      const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets;
      const elb = new ElasticLoadBalancingV2Client(c);
      const LoadBalancerArn = (
        await elb.send(
          new CreateLoadBalancerCommand({ Name: 'bench-alb', Subnets: subnets.slice(0, 2).map((s) => s.SubnetId), Type: 'application' }),
        )
      ).LoadBalancers[0].LoadBalancerArn;
      const TargetGroupArn = (
        await elb.send(
          new CreateTargetGroupCommand({ Name: 'bench-tg', Protocol: 'HTTP', Port: 80, VpcId: subnets[0].VpcId, TargetType: 'ip' }),
        )
      ).TargetGroups[0].TargetGroupArn;
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: '172.31.0.10', Port: 80 }] }));
      await elb.send(
        new CreateListenerCommand({ LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn }] }),
      );
    }),
  );
  const rds = new RDSClient(c);
  jobs.push(
    limit(async () => {
      const DBInstanceIdentifier = 'bench-db';
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier,
          Engine: 'mysql',
          DBInstanceClass: 'db.t3.micro',
          AllocatedStorage: 20,
          MasterUsername: 'admin',
          MasterUserPassword: 'bench-not-a-secret',
        }),
      );
      for (let i = 0; i < n; i++)
        await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier, DBSnapshotIdentifier: `bench-db-snapshot-${i}` }));
    }),
  );
  jobs.push(
    limit(async () => {
      const sns = new SNSClient(c);
      const topics = [];
      for (let i = 0; i < n; i++) {
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `bench-topic-${i}` }));
        await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: `security-${i}@example.com` }));
        topics.push(TopicArn);
      }
      // Metric filters on a log group, each with an alarm to a topic; the first region's group receives the trail.
      const logGroupName = `bench-trail-${region}`;
      const logs = new CloudWatchLogsClient(c);
      const cw = new CloudWatchClient(c);
      await logs.send(new CreateLogGroupCommand({ logGroupName }));
      for (let i = 0; i < n; i++) {
        const metricName = `bench-filter-${i}`;
        await logs.send(
          new PutMetricFilterCommand({
            logGroupName,
            filterName: metricName,
            filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            metricTransformations: [{ metricName, metricNamespace: 'CISBenchmark', metricValue: '1' }],
          }),
        );
        await cw.send(
          new PutMetricAlarmCommand({
            AlarmName: `bench-alarm-${i}`,
            MetricName: metricName,
            Namespace: 'CISBenchmark',
            Statistic: 'Sum',
            Period: 300,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            AlarmActions: [topics[i % topics.length]],
          }),
        );
      }
      if (!first) return;
      const Bucket = `${bucketPrefix}-trail-logs`;
      await new S3Client(c).send(new CreateBucketCommand({ Bucket }));
      const cloudtrail = new CloudTrailClient(c);
      await cloudtrail.send(
        new CreateTrailCommand({
          Name: 'bench-trail',
          S3BucketName: Bucket,
          IsMultiRegionTrail: true,
          EnableLogFileValidation: true,
          CloudWatchLogsLogGroupArn: `arn:aws:logs:${region}:${ACCOUNT}:log-group:${logGroupName}:*`,
          CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrailToCloudWatchLogs`,
        }),
      );
      await cloudtrail.send(new StartLoggingCommand({ Name: 'bench-trail' }));
      await new GuardDutyClient(c).send(new CreateDetectorCommand({ Enable: true }));
    }),
  );
}
