// Seeds a large account in moto_server through the SDK, the same way for every benchmark that
// needs one (bench/collect.mjs, bench/prowler.mjs): security groups (1 in 10 with SSH open, half
// of those to the world), Elastic IPs, instances with user data (1 in 10 stopped), buckets (1 in 25
// public, half with Block Public Access), IAM users with a key (1 in 30 with AmazonEC2FullAccess).
import pLimit from 'p-limit';
import {
  EC2Client,
  CreateSecurityGroupCommand,
  AuthorizeSecurityGroupIngressCommand,
  AllocateAddressCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { S3Client, CreateBucketCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, AttachUserPolicyCommand } from '@aws-sdk/client-iam';

const AMI = 'ami-12c6146b'; // one of the images moto knows in every region
const SEED_CONCURRENCY = 8;

const cfg = (endpoint, region) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  forcePathStyle: true,
  maxAttempts: 5,
});

/** Seeds the account; `size` gives the counts (security groups per region, the others in total, split over the regions). */
export async function seedAccount(endpoint, REGIONS, size) {
  const { securityGroupsPerRegion: SG_PER_REGION, eips: EIPS, buckets: BUCKETS, users: USERS, instances: INSTANCES } = size;
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
      const Bucket = `bench-${region}-${i}`;
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
  await Promise.all(jobs);
}
