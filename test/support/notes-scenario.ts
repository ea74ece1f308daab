// Seeds moto with the notes' account: the django-board deployment and its mistakes, in each
// given region, next to compliant twins (see docs/WARNINGS.md). Returns the ids the tests
// expect in findings. Everything is created through the AWS SDK, as a user would.
import { randomBytes } from 'node:crypto';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, PutPublicAccessBlockCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { isPlaceholderKeyId } from '../../src/secrets/access-key-id.js';
import { keyIdFor, randomSecret } from './keys.js';
import { sdkConfig } from './moto.js';
import { seedBreadth, type CompliantAccess, type Twin } from './scenario/index.js';

export const AMI = 'ami-12c6146b';

// The SDK's notice about its future Node.js support is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export interface RegionIds {
  region: string;
  /** SSH and 8000 open to the world; used by the instance. */
  openGroup: string;
  /** SSH only from one /32. */
  myIpGroup: string;
  instance: string;
  unattachedEip: string;
  attachedEip: string;
  publicBucket: string;
  privateBucket: string;
  singleAzDb: string;
  multiAzDb: string;
  /** The region's main route table has 0.0.0.0/0 to an internet gateway. */
  internetRoute: boolean;
}

export interface Scenario {
  account: string;
  regions: RegionIds[];
  djangoKeys: string[];
  deployerKey: string;
  /** Only in the first region. */
  lambda: { name: string; secretValues: string[]; keyId: string };
  trailArn: string;
  /** The random part of bucket names, so that runs against one moto do not collide. */
  suffix: string;
  /** The breadth rules' failing and compliant twins (test/support/scenario/). */
  twins: Twin[];
  /** The second account, holding compliant twins of account-level settings. */
  compliant: CompliantAccess;
}

/** A key-shaped id and secret, made at run time so no real-looking pair sits in the repository. */
export function fakeAwsKeyPair(account = '123456789012'): { id: string; secret: string } {
  // Random characters can spell a placeholder word (…FAKE…), which detection rightly skips.
  let id = keyIdFor(account);
  while (isPlaceholderKeyId(id)) id = keyIdFor(account);
  return { id, secret: randomSecret() };
}

async function seedRegion(endpoint: string, region: string, suffix: string, internetRoute: boolean): Promise<RegionIds> {
  const cfg = sdkConfig(endpoint, region);
  const ec2 = new EC2Client(cfg);
  const s3 = new S3Client(cfg);
  const rds = new RDSClient(cfg);
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;
  if (internetRoute) {
    // moto's default VPC has no internet gateway (AWS's has one): add it, as AWS would have.
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const main = (
      await ec2.send(
        new DescribeRouteTablesCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpc] },
            { Name: 'association.main', Values: ['true'] },
          ],
        }),
      )
    ).RouteTables![0]!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: main.RouteTableId!, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
  }
  const openGroup = (
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'django-board-sg', Description: 'django-board web', VpcId: vpc }))
  ).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: openGroup,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh' }] },
        { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8000, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'runserver 0:8000' }] },
      ],
    }),
  );
  const myIpGroup = (
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bastion-my-ip', Description: 'ssh from my ip', VpcId: vpc }))
  ).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: myIpGroup,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.10/32' }] }],
    }),
  );
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }))).Subnets!;
  const instance = (
    await ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        SecurityGroupIds: [openGroup],
        SubnetId: subnets[0]!.SubnetId!,
      }),
    )
  ).Instances![0]!.InstanceId!;
  const unattachedEip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  const attachedEip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  await ec2.send(new AssociateAddressCommand({ AllocationId: attachedEip, InstanceId: instance }));

  const publicBucket = `django-board-public-${suffix}-${region}`;
  const privateBucket = `django-board-private-${suffix}-${region}`;
  const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  await s3.send(new CreateBucketCommand({ Bucket: publicBucket, ACL: 'public-read', ...location }));
  await s3.send(new CreateBucketCommand({ Bucket: privateBucket, ...location }));
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: privateBucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );

  const db = {
    Engine: 'mysql',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 20,
    MasterUsername: 'admin',
    MasterUserPassword: randomBytes(12).toString('hex'),
  };
  await rds.send(new CreateDBInstanceCommand({ ...db, DBInstanceIdentifier: 'django-board-db', MultiAZ: false }));
  await rds.send(new CreateDBInstanceCommand({ ...db, DBInstanceIdentifier: 'django-board-db-ha', MultiAZ: true }));
  for (const c of [ec2, s3, rds]) c.destroy();
  return {
    region,
    openGroup,
    myIpGroup,
    instance,
    unattachedEip,
    attachedEip,
    publicBucket,
    privateBucket,
    singleAzDb: 'django-board-db',
    multiAzDb: 'django-board-db-ha',
    internetRoute,
  };
}

/** Services beyond the notes' mistakes, so every collector has something to read (first region only). */
async function seedExtras(
  endpoint: string,
  region: string,
  suffix: string,
  roleArn: string,
): Promise<{ lambda: Scenario['lambda']; trailArn: string }> {
  const cfg = sdkConfig(endpoint, region);
  const ec2 = new EC2Client(cfg);
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }))).Subnets!;
  // A NAT gateway holds its Elastic IP through a network interface: attached, not waste.
  const natEip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnets[0]!.SubnetId!, AllocationId: natEip }));

  const elb = new ElasticLoadBalancingV2Client(cfg);
  const lb = (
    await elb.send(
      new CreateLoadBalancerCommand({
        Name: 'django-board-alb',
        Subnets: [subnets[0]!.SubnetId!, subnets[1]!.SubnetId!],
        Scheme: 'internet-facing',
        Type: 'application',
      }),
    )
  ).LoadBalancers![0]!;
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn!,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    }),
  );

  const key = fakeAwsKeyPair();
  const dbPassword = `pw-${randomBytes(9).toString('hex')}`;
  const lambda = new LambdaClient(cfg);
  const name = 'django-board-worker';
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'python3.12',
      Role: roleArn,
      Handler: 'app.handler',
      // moto 5 stores any bytes as the package; nothing runs it.
      Code: { ZipFile: new TextEncoder().encode('placeholder package') },
      Environment: {
        Variables: { DB_PASSWORD: dbPassword, AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret, LOG_LEVEL: 'debug' },
      },
    }),
  );

  const s3 = new S3Client(cfg);
  const trailBucket = `trail-logs-${suffix}`;
  await s3.send(
    new CreateBucketCommand({
      Bucket: trailBucket,
      ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: trailBucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  const cloudtrail = new CloudTrailClient(cfg);
  const trail = await cloudtrail.send(
    new CreateTrailCommand({ Name: 'account-trail', S3BucketName: trailBucket, IsMultiRegionTrail: true, EnableLogFileValidation: true }),
  );
  await cloudtrail.send(new StartLoggingCommand({ Name: 'account-trail' }));

  const config = new ConfigServiceClient(cfg);
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: { name: 'default', roleARN: roleArn, recordingGroup: { allSupported: true } },
    }),
  );
  await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: trailBucket } }));
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  for (const c of [ec2, elb, lambda, s3, cloudtrail, config]) c.destroy();
  return { lambda: { name, secretValues: [dbPassword, key.id, key.secret], keyId: key.id }, trailArn: trail.TrailARN! };
}

export async function seedNotesScenario(endpoint: string, regions: readonly string[]): Promise<Scenario> {
  const suffix = randomBytes(3).toString('hex');
  const iam = new IAMClient(sdkConfig(endpoint, 'us-east-1'));
  await iam.send(new CreateUserCommand({ UserName: 'django-board' }));
  for (const policy of ['AmazonRDSFullAccess', 'AmazonEC2FullAccess', 'AmazonDynamoDBFullAccess']) {
    await iam.send(new AttachUserPolicyCommand({ UserName: 'django-board', PolicyArn: `arn:aws:iam::aws:policy/${policy}` }));
  }
  const djangoKeys: string[] = [];
  for (let i = 0; i < 2; i++)
    djangoKeys.push((await iam.send(new CreateAccessKeyCommand({ UserName: 'django-board' }))).AccessKey!.AccessKeyId!);
  // The twin: a deploy user with a narrow customer-managed policy and a key already deactivated.
  await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
  const deployPolicy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'deploy-django-board',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::django-board-static/*' }],
      }),
    }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: 'deployer', PolicyArn: deployPolicy.Policy!.Arn! }));
  const deployerKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }))).AccessKey!.AccessKeyId!;
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'deployer', AccessKeyId: deployerKey, Status: 'Inactive' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'deployers' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'deployers', UserName: 'deployer' }));
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: 'django-board-lambda',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  iam.destroy();

  const seeded = await Promise.all(regions.map((region, i) => seedRegion(endpoint, region, suffix, i === 0)));
  const extras = await seedExtras(endpoint, regions[0]!, suffix, role.Role!.Arn!);
  const breadth = await seedBreadth(endpoint, regions, suffix, role.Role!.Arn!);
  return { account: '123456789012', regions: seeded, djangoKeys, deployerKey, ...extras, suffix, ...breadth };
}
