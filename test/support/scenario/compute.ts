// Twins of the RDS, EFS, ELBv2 and Lambda rules (test/support/scenario/index.ts says how twins work).
//
// RDS twins live in the compliant account (both the failing and the compliant one): the notes'
// scenario counts the DB instances of the main account exactly, and a database security group open
// to the internet there would add a finding to the notes' own rules. A public, unencrypted manual
// snapshot of a notes database stays in the main account, so `collect --types all` finds snapshots.
// Moto does not report `MonitoringInterval`, so rds-instance-enhanced-monitoring-disabled has no
// twin (it leaves moto's instances undecided, as it should).
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateAccessPointCommand, CreateFileSystemCommand, CreateMountTargetCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient, type Runtime } from '@aws-sdk/client-lambda';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { randomBytes } from 'node:crypto';
import type { BreadthSeeder, SeedContext, Twin } from './index.js';

/** A VPC of its own: two private subnets in the first AZ, one in the second, a public one (public IPs on launch), and a group for functions. */
async function seedNetwork(ctx: SeedContext, region: string) {
  const ec2 = new EC2Client(ctx.main(region));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.213.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string, az: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: `${region}${az}` }))).Subnet!.SubnetId!;
  const privateA = await subnet('10.213.1.0/24', 'a');
  const privateA2 = await subnet('10.213.2.0/24', 'a');
  const privateB = await subnet('10.213.3.0/24', 'b');
  const publicA = await subnet('10.213.4.0/24', 'a');
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: publicA, MapPublicIpOnLaunch: { Value: true } }));
  // For the functions: a VPC configuration names at least one security group (moto reports no VpcId without one).
  const functionGroup = (
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'cmp-fn', Description: 'functions, no ingress', VpcId: vpc }))
  ).GroupId!;
  ec2.destroy();
  return { vpc, privateA, privateA2, privateB, publicA, functionGroup };
}

async function seedEfs(ctx: SeedContext, region: string, net: Awaited<ReturnType<typeof seedNetwork>>): Promise<Twin[]> {
  const efs = new EFSClient(ctx.main(region));
  const fileSystem = async (token: string, encrypted: boolean) =>
    (
      await efs.send(
        new CreateFileSystemCommand({
          CreationToken: token,
          Encrypted: encrypted,
          Backup: encrypted,
          Tags: [{ Key: 'Name', Value: token }],
        }),
      )
    ).FileSystemId!;
  const plain = await fileSystem('cmp-efs-plain', false);
  const hardened = await fileSystem('cmp-efs-hardened', true);
  const publicTarget = (await efs.send(new CreateMountTargetCommand({ FileSystemId: plain, SubnetId: net.publicA }))).MountTargetId!;
  const privateTarget = (await efs.send(new CreateMountTargetCommand({ FileSystemId: hardened, SubnetId: net.privateA }))).MountTargetId!;
  const openPoint = (await efs.send(new CreateAccessPointCommand({ FileSystemId: plain, ClientToken: 'cmp-ap-open' }))).AccessPointId!;
  const confined = (
    await efs.send(
      new CreateAccessPointCommand({
        FileSystemId: hardened,
        ClientToken: 'cmp-ap-confined',
        PosixUser: { Uid: 1000, Gid: 1000 },
        RootDirectory: { Path: '/app', CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '750' } },
      }),
    )
  ).AccessPointId!;
  efs.destroy();
  return [
    { rule: 'efs-file-system-not-encrypted', fail: { id: plain }, pass: { id: hardened } },
    { rule: 'efs-file-system-backup-disabled', fail: { id: plain }, pass: { id: hardened } },
    { rule: 'efs-mount-target-in-public-subnet', fail: { id: publicTarget }, pass: { id: privateTarget } },
    { rule: 'efs-access-point-root-directory-not-enforced', fail: { id: openPoint }, pass: { id: confined } },
    { rule: 'efs-access-point-user-identity-not-enforced', fail: { id: openPoint }, pass: { id: confined } },
  ];
}

async function seedLoadBalancers(ctx: SeedContext, region: string, net: Awaited<ReturnType<typeof seedNetwork>>): Promise<Twin[]> {
  const elb = new ElasticLoadBalancingV2Client(ctx.main(region));
  const loadBalancer = async (name: string) =>
    (
      await elb.send(
        new CreateLoadBalancerCommand({ Name: name, Subnets: [net.privateA, net.privateB], Scheme: 'internal', Type: 'application' }),
      )
    ).LoadBalancers![0]!.LoadBalancerArn!;
  const targetGroup = async (name: string) =>
    (await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: net.vpc, TargetType: 'ip' })))
      .TargetGroups![0]!.TargetGroupArn!;
  // Named to sort after the notes' django-board-alb, which the collect test expects first.
  const idle = await loadBalancer('stale-staging-alb');
  const busy = await loadBalancer('serving-alb');
  const idleGroup = await targetGroup('cmp-tg-empty');
  const busyGroup = await targetGroup('cmp-tg-busy');
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: busyGroup, Targets: [{ Id: '10.213.1.10', Port: 80 }] }));
  // Port 80 redirects (listener ARNs carry ids the fingerprints cannot name); 443 forwards to the empty group.
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: idle,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    }),
  );
  // An IAM server certificate: moto then does not look for it in ACM.
  const certificate = 'arn:aws:iam::123456789012:server-certificate/cmp-example';
  const tlsListener = async (lb: string, port: number, policy: string) =>
    (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Protocol: 'HTTPS',
          Port: port,
          SslPolicy: policy,
          Certificates: [{ CertificateArn: certificate }],
          DefaultActions: [{ Type: 'forward', TargetGroupArn: lb === busy ? busyGroup : idleGroup }],
        }),
      )
    ).Listeners![0]!.ListenerArn!;
  const oldTls = await tlsListener(idle, 443, 'ELBSecurityPolicy-2016-08');
  const newTls = await tlsListener(busy, 443, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
  const attributes = (lb: string, values: Record<string, string>) =>
    elb.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerArn: lb,
        Attributes: Object.entries(values).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  await attributes(idle, {
    'access_logs.s3.enabled': 'false',
    'deletion_protection.enabled': 'false',
    'routing.http.drop_invalid_header_fields.enabled': 'false',
    'routing.http.desync_mitigation_mode': 'monitor',
  });
  await attributes(busy, {
    'access_logs.s3.enabled': 'true',
    'access_logs.s3.bucket': `cmp-alb-logs-${ctx.suffix}`,
    'deletion_protection.enabled': 'true',
    'routing.http.drop_invalid_header_fields.enabled': 'true',
    'routing.http.desync_mitigation_mode': 'defensive',
  });
  elb.destroy();
  const lbTwin = (rule: string): Twin => ({ rule, fail: { id: 'stale-staging-alb' }, pass: { id: 'serving-alb' } });
  return [
    lbTwin('elbv2-load-balancer-no-targets'),
    lbTwin('elbv2-alb-invalid-headers-not-dropped'),
    lbTwin('elbv2-load-balancer-access-logs-disabled'),
    lbTwin('elbv2-load-balancer-deletion-protection-disabled'),
    lbTwin('elbv2-alb-desync-mitigation-not-defensive'),
    { rule: 'elbv2-listener-outdated-tls-policy', fail: { id: oldTls }, pass: { id: newTls } },
  ];
}

async function seedFunctions(ctx: SeedContext, region: string, net: Awaited<ReturnType<typeof seedNetwork>>): Promise<Twin[]> {
  const lambda = new LambdaClient(ctx.main(region));
  const fn = async (name: string, runtime: Runtime, subnets: string[]) =>
    (
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: runtime,
          Role: ctx.roleArn,
          Handler: 'app.handler',
          Code: { ZipFile: new TextEncoder().encode('placeholder package') },
          VpcConfig: { SubnetIds: subnets, SecurityGroupIds: [net.functionGroup] },
        }),
      )
    ).FunctionArn!;
  await fn('cmp-fn-open', 'python3.8', [net.privateA, net.privateA2]);
  await fn('cmp-fn-guarded', 'python3.12', [net.privateA, net.privateB]);
  await lambda.send(
    new AddPermissionCommand({ FunctionName: 'cmp-fn-open', StatementId: 'open-invoke', Action: 'lambda:InvokeFunction', Principal: '*' }),
  );
  await lambda.send(
    new AddPermissionCommand({
      FunctionName: 'cmp-fn-guarded',
      StatementId: 's3-uploads',
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceArn: `arn:aws:s3:::cmp-uploads-${ctx.suffix}`,
      SourceAccount: '123456789012',
    }),
  );
  lambda.destroy();
  const fnTwin = (rule: string): Twin => ({ rule, fail: { id: 'cmp-fn-open' }, pass: { id: 'cmp-fn-guarded' } });
  return [fnTwin('lambda-function-policy-public'), fnTwin('lambda-function-deprecated-runtime'), fnTwin('lambda-function-vpc-single-az')];
}

async function seedDatabases(ctx: SeedContext, region: string): Promise<Twin[]> {
  // The compliant account: both instances (see the header).
  const ec2 = new EC2Client(ctx.compliant(region));
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;
  const group = async (name: string, port: number, cidr: string) => {
    const id = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpc }))).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] }],
      }),
    );
    return id;
  };
  const open = await group('cmp-db-open', 3306, '0.0.0.0/0');
  const closed = await group('cmp-db-closed', 3307, '10.0.0.0/16');
  ec2.destroy();
  const rds = new RDSClient(ctx.compliant(region));
  const base = {
    Engine: 'mysql',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 20,
    MasterUsername: 'admin',
    MasterUserPassword: randomBytes(12).toString('hex'),
    MultiAZ: true,
  };
  await rds.send(
    new CreateDBInstanceCommand({
      ...base,
      DBInstanceIdentifier: 'cmp-db-plain',
      StorageEncrypted: false,
      AutoMinorVersionUpgrade: false,
      PubliclyAccessible: true,
      DeletionProtection: false,
      BackupRetentionPeriod: 0,
      EnableIAMDatabaseAuthentication: false,
      CopyTagsToSnapshot: false,
      Port: 3306,
      VpcSecurityGroupIds: [open],
    }),
  );
  await rds.send(
    new CreateDBInstanceCommand({
      ...base,
      DBInstanceIdentifier: 'cmp-db-hardened',
      StorageEncrypted: true,
      AutoMinorVersionUpgrade: true,
      PubliclyAccessible: false,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      EnableCloudwatchLogsExports: ['audit', 'error', 'general', 'slowquery'],
      EnableIAMDatabaseAuthentication: true,
      CopyTagsToSnapshot: true,
      Port: 3307,
      VpcSecurityGroupIds: [closed],
    }),
  );
  await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'cmp-db-hardened', DBSnapshotIdentifier: 'cmp-snap-private' }));
  rds.destroy();

  // The main account: a public, unencrypted manual snapshot of a notes database.
  const mainRds = new RDSClient(ctx.main(region));
  await mainRds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'django-board-db-ha', DBSnapshotIdentifier: 'cmp-snap-shared' }));
  await mainRds.send(
    new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: 'cmp-snap-shared', AttributeName: 'restore', ValuesToAdd: ['all'] }),
  );
  mainRds.destroy();

  // Aurora clusters (no instances) in the main account: collect --types all finds clusters there.
  const mainRdsClusters = new RDSClient(ctx.main(region));
  const cluster = (id: string, good: boolean) =>
    mainRdsClusters.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: 'aurora-mysql',
        MasterUsername: 'admin',
        MasterUserPassword: randomBytes(12).toString('hex'),
        StorageEncrypted: good,
        DeletionProtection: good,
        CopyTagsToSnapshot: good,
        EnableIAMDatabaseAuthentication: good,
      }),
    );
  await cluster('cmp-aurora-plain', false);
  await cluster('cmp-aurora-hardened', true);
  mainRdsClusters.destroy();
  const clusterTwin = (rule: string): Twin => ({ rule, fail: { id: 'cmp-aurora-plain' }, pass: { id: 'cmp-aurora-hardened' } });

  const dbTwin = (rule: string): Twin => ({
    rule,
    fail: { id: 'cmp-db-plain', account: 'compliant' },
    pass: { id: 'cmp-db-hardened', account: 'compliant' },
  });
  const snapshotTwin = (rule: string): Twin => ({
    rule,
    fail: { id: 'cmp-snap-shared' },
    pass: { id: 'cmp-snap-private', account: 'compliant' },
  });
  return [
    dbTwin('rds-instance-storage-not-encrypted'),
    dbTwin('rds-instance-auto-minor-upgrade-disabled'),
    dbTwin('rds-instance-publicly-accessible'),
    dbTwin('rds-instance-deletion-protection-disabled'),
    dbTwin('rds-instance-backups-too-short'),
    dbTwin('rds-instance-logs-not-exported'),
    dbTwin('rds-instance-iam-auth-disabled'),
    dbTwin('rds-instance-copy-tags-to-snapshots-disabled'),
    dbTwin('rds-instance-default-port'),
    clusterTwin('rds-cluster-storage-not-encrypted'),
    clusterTwin('rds-cluster-deletion-protection-disabled'),
    clusterTwin('rds-cluster-copy-tags-to-snapshots-disabled'),
    clusterTwin('rds-cluster-iam-auth-disabled'),
    snapshotTwin('rds-snapshot-public'),
    snapshotTwin('rds-snapshot-not-encrypted'),
  ];
}

/** The RDS, EFS, ELBv2 and Lambda twins, in the first scanned region. */
export const seedCompute: BreadthSeeder = async (ctx) => {
  const region = ctx.regions[0]!;
  const net = await seedNetwork(ctx, region);
  return [
    ...(await seedEfs(ctx, region, net)),
    ...(await seedLoadBalancers(ctx, region, net)),
    ...(await seedFunctions(ctx, region, net)),
    ...(await seedDatabases(ctx, region)),
  ];
};
