#!/usr/bin/env node
// Collection benchmark (issues 3 and 13): seeds a large account in moto_server, collects every
// resource type awsaudit knows from it, and prints wall time, the API calls made and how
// they compare with the fewest calls the APIs allow.
//
//   npm run build && node bench/collect.mjs [securityGroupsPerRegion=1000] [eips=300] [buckets=300] [users=300] [instances=200] [breadth=5]
//
// Instances (split over the regions, launched in batches with small user data, 1 in 10 stopped)
// make the per-instance user-data reads part of the measurement; `breadth` resources per region
// of each of issue 13's services (KMS keys, EBS and DB snapshots, EFS file systems, SNS topics,
// metric filters with alarms, a NAT gateway, a trail, a GuardDuty detector: see
// support/seed-account.mjs) make theirs.
//
// "API calls" are HTTP requests, retries included (counted by a middleware inside the SDK's
// retry loop). The minimum is computed from what was collected, per API:
//   - a paginated listing needs ceil(items / largest page size the API accepts) calls, and at
//     least one (an empty answer is still one call), per region: DescribeSecurityGroups/
//     Instances/Vpcs/Subnets/InternetGateways/NatGateways/NetworkAcls/FlowLogs/
//     VpcPeeringConnections/Snapshots/NetworkInterfaces/VpcEndpoints/TransitGateways 1,000 per
//     page, DescribeLaunchTemplates 200 and DescribeLaunchTemplateVersions ($Default of every
//     template, none without templates) 200, DescribeRouteTables 100, DescribeVolumes
//     500, DescribeDBInstances/DBClusters/DBSnapshots 100, DescribeFileSystems/AccessPoints 100,
//     DescribeLoadBalancers, DescribeListeners and DescribeTargetGroups 400, ListFunctions 50,
//     ListKeys 1,000, DescribeLogGroups/MetricFilters 50, DescribeAlarms 100, ListTopics/
//     ListSubscriptions 100 (fixed by SNS), ListDetectors 1 (one detector per region at most),
//     ListAnalyzers 1; globally GetAccountAuthorizationDetails 1,000 entities, ListPolicies,
//     ListServerCertificates and ListVirtualMFADevices 1,000;
//   - unpaginated calls count once per region: DescribeAddresses, DescribeTrails, the Config
//     calls, GetEbsEncryptionByDefault, GetSnapshotBlockPublicAccessState,
//     DescribeVpcBlockPublicAccessOptions, DescribeEventSubscriptions (100 per page), DescribeHub, GetMacieSession;
//   - calls per item where no batch API exists count once per item: the nine settings of each
//     S3 bucket (ACL, policy, public access block, ownership, encryption, versioning, website,
//     logging, tags), ListAccessKeys per IAM user, DescribeListeners per load balancer,
//     GetPolicyVersion per attached AWS-managed policy, GetTrailStatus and GetEventSelectors
//     per trail, DescribeKey per KMS key, GetDetector per region with a detector;
//   - per-item calls that only some rules read count only when their type was collected (a
//     selected rule needs it): DescribeInstanceAttribute (user data) per instance that is not
//     terminated or shutting down; DescribeSnapshotAttribute per EBS snapshot;
//     DescribeDBSnapshotAttributes per manual DB snapshot; DescribeBackupPolicy per EFS file
//     system, DescribeMountTargets per file system with mount targets; DescribeLoadBalancerAttributes
//     per load balancer; DescribeTargetGroups (per region) and DescribeTargetHealth per target
//     group a load balancer uses; GetPolicy per Lambda function; GetKeyRotationStatus per
//     enabled customer-managed symmetric KMS key with KMS-made material, GetKeyPolicy per
//     customer-managed key; GetBucketLifecycleConfiguration / GetBucketNotificationConfiguration /
//     GetObjectLockConfiguration per bucket; GetTopicAttributes per SNS topic (aws.sns.topic
//     carries them); for aws.cloudwatch.nat-gateway-traffic, the collector's own
//     DescribeNatGateways per region (a second listing beside EC2's: collectors share no
//     listings, so it is counted rather than hidden) and ceil(2 × NAT gateways / 500)
//     GetMetricData per region;
//   - one-off calls count once: GetCallerIdentity, ListAccountAliases, GetAccountSummary, the
//     account's S3 Block Public Access, ListBuckets per region (filtered by region, so no
//     GetBucketLocation per bucket), GenerateCredentialReport + GetCredentialReport,
//     GetAccountPasswordPolicy, GetContactInformation, GetAlternateContact (3: billing,
//     operations, security).
//   - GetAccessKeyLastUsed counts zero: the credential report says when each key was last
//     used, so any such call (for a key the report cannot place) counts against the ratio.
// Target: calls / minimum <= 1.2.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { collectSnapshot } from '../dist/collect/collect.js';
import { collectableTypes } from '../dist/collect/plan.js';
import { importTs } from './support/load-ts.mjs';
import { seedAccount } from './support/seed-account.mjs';

const [SG_PER_REGION = 1000, EIPS = 300, BUCKETS = 300, USERS = 300, INSTANCES = 200, BREADTH = 5] = process.argv.slice(2).map(Number);
const REGIONS = ['us-east-1', 'eu-west-1'];

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startMoto } = await importTs(fileURLToPath(new URL('../test/support/moto.ts', import.meta.url)));

const seed = (endpoint) =>
  seedAccount(endpoint, REGIONS, {
    securityGroupsPerRegion: SG_PER_REGION,
    eips: EIPS,
    buckets: BUCKETS,
    users: USERS,
    instances: INSTANCES,
    breadth: BREADTH,
  });

const pages = (items, pageSize) => Math.max(1, Math.ceil(items / pageSize));

/** The fewest calls that can return what was collected (see the header for the rules). */
function minimumCalls(snapshot) {
  const count = (type, region) => snapshot.resources.filter((r) => r.type === type && (region === undefined || r.region === region)).length;
  const of = (type, region) => snapshot.resources.filter((r) => r.type === type && (region === undefined || r.region === region));
  const collected = (type) => snapshot.meta.resourceTypes.includes(type);
  const min = {};
  const add = (op, n) => (min[op] = (min[op] ?? 0) + n);
  for (const region of snapshot.meta.regions) {
    add('DescribeSecurityGroups', pages(count('aws.ec2.security-group', region), 1000));
    add('DescribeInstances', pages(count('aws.ec2.instance', region), 1000));
    add('DescribeAddresses', 1);
    add('DescribeVpcs', pages(count('aws.ec2.vpc', region), 1000));
    add('DescribeSubnets', pages(count('aws.ec2.subnet', region), 1000));
    add('DescribeRouteTables', pages(count('aws.ec2.route-table', region), 100));
    add('DescribeInternetGateways', pages(count('aws.ec2.internet-gateway', region), 1000));
    add('DescribeVolumes', pages(count('aws.ec2.volume', region), 500));
    add('DescribeNatGateways', pages(count('aws.ec2.nat-gateway', region), 1000));
    add('ListBuckets', 1);
    add('DescribeDBInstances', pages(count('aws.rds.db-instance', region), 100));
    const lbs = snapshot.resources.filter((r) => r.type === 'aws.elbv2.load-balancer' && r.region === region);
    add('DescribeLoadBalancers', pages(lbs.length, 400));
    add(
      'DescribeListeners',
      lbs.reduce((n, lb) => n + pages((lb.data.Listeners ?? []).length, 400), 0),
    );
    add('ListFunctions', pages(count('aws.lambda.function', region), 50));
    add('DescribeConfigurationRecorders', 1);
    add('DescribeConfigurationRecorderStatus', 1);
    add('DescribeTrails', 1);
    // Issue 13's additions.
    add('DescribeNetworkAcls', pages(count('aws.ec2.network-acl', region), 1000));
    add('DescribeFlowLogs', pages(count('aws.ec2.flow-log', region), 1000));
    add('DescribeVpcPeeringConnections', pages(count('aws.ec2.vpc-peering-connection', region), 1000));
    const ebsSnapshots = count('aws.ec2.snapshot', region);
    add('DescribeSnapshots', pages(ebsSnapshots, 1000));
    if (collected('aws.ec2.snapshot-permissions')) add('DescribeSnapshotAttribute', ebsSnapshots);
    add('GetEbsEncryptionByDefault', 1);
    const templates = count('aws.ec2.launch-template', region);
    add('DescribeLaunchTemplates', pages(templates, 200));
    // One listing of every template's default version; none when the region has no template.
    add('DescribeLaunchTemplateVersions', templates === 0 ? 0 : pages(templates, 200));
    add('DescribeNetworkInterfaces', pages(count('aws.ec2.network-interface', region), 1000));
    add('DescribeVpcEndpoints', pages(count('aws.ec2.vpc-endpoint', region), 1000));
    add('DescribeTransitGateways', pages(count('aws.ec2.transit-gateway', region), 1000));
    add('GetSnapshotBlockPublicAccessState', 1);
    add('DescribeVpcBlockPublicAccessOptions', 1);
    add('DescribeEventSubscriptions', 1);
    // Classic Load Balancers: the same operation name as ELBv2's listing (both counted under it).
    const classic = count('aws.elb.load-balancer', region);
    add('DescribeLoadBalancers', pages(classic, 400));
    if (collected('aws.elb.load-balancer-attributes')) add('DescribeLoadBalancerAttributes', classic);
    if (collected('aws.macie.automated-discovery'))
      add('GetAutomatedDiscoveryConfiguration', count('aws.macie.automated-discovery', region));
    add('DescribeDBClusters', pages(count('aws.rds.db-cluster', region), 100));
    const dbSnapshots = of('aws.rds.db-snapshot', region);
    add('DescribeDBSnapshots', pages(dbSnapshots.length, 100));
    if (collected('aws.rds.db-snapshot-attributes'))
      add('DescribeDBSnapshotAttributes', dbSnapshots.filter((s) => s.data.SnapshotType === 'manual').length);
    const fileSystems = of('aws.efs.file-system', region);
    add('DescribeFileSystems', pages(fileSystems.length, 100));
    add('DescribeAccessPoints', pages(count('aws.efs.access-point', region), 100));
    if (collected('aws.efs.backup-policy')) add('DescribeBackupPolicy', fileSystems.length);
    if (collected('aws.efs.mount-target'))
      add('DescribeMountTargets', fileSystems.filter((f) => (f.data.NumberOfMountTargets ?? 1) > 0).length);
    if (collected('aws.elbv2.load-balancer-attributes')) add('DescribeLoadBalancerAttributes', lbs.length);
    if (collected('aws.elbv2.load-balancer-targets')) {
      // Only the groups a load balancer uses are in the snapshot, so this undercounts the listing's pages, never overcounts.
      const used = new Set(
        of('aws.elbv2.load-balancer-targets', region).flatMap((t) => (t.data.TargetGroups ?? []).map((g) => g.TargetGroupArn)),
      );
      add('DescribeTargetGroups', pages(used.size, 400));
      add('DescribeTargetHealth', used.size);
    }
    if (collected('aws.lambda.function-policy')) add('GetPolicy', count('aws.lambda.function', region));
    const keys = of('aws.kms.key', region).map((k) => k.data);
    add('ListKeys', pages(keys.length, 1000));
    add('DescribeKey', keys.length);
    if (collected('aws.kms.key-rotation'))
      add(
        'GetKeyRotationStatus',
        keys.filter(
          (k) =>
            k.KeyManager === 'CUSTOMER' &&
            k.KeyState === 'Enabled' &&
            k.KeySpec === 'SYMMETRIC_DEFAULT' &&
            (k.Origin ?? 'AWS_KMS') === 'AWS_KMS',
        ).length,
      );
    if (collected('aws.kms.key-policy')) add('GetKeyPolicy', keys.filter((k) => k.KeyManager === 'CUSTOMER').length);
    add('ListDetectors', 1); // at most one detector per region: one page
    add('GetDetector', of('aws.guardduty.detector', region).filter((d) => typeof d.data.DetectorId === 'string').length);
    add('DescribeHub', 1);
    add('ListAnalyzers', 1);
    add('GetMacieSession', 1);
    add('DescribeMetricFilters', pages(count('aws.logs.metric-filter', region), 50));
    add('DescribeLogGroups', pages(count('aws.logs.log-group', region), 50));
    add('DescribeAlarms', pages(count('aws.cloudwatch.alarm', region), 100));
    const topics = count('aws.sns.topic', region);
    add('ListTopics', pages(topics, 100));
    // Every aws.sns.topic carries its attributes: the type is read with GetTopicAttributes per topic.
    if (collected('aws.sns.topic')) add('GetTopicAttributes', topics);
    add('ListSubscriptions', pages(count('aws.sns.subscription', region), 100));
    if (collected('aws.cloudwatch.nat-gateway-traffic')) {
      const nats = count('aws.cloudwatch.nat-gateway-traffic', region);
      // The NAT traffic collector lists the available gateways itself (a second DescribeNatGateways
      // per region beside EC2's own listing: collectors do not share listings), then 2 metrics each,
      // 500 queries per GetMetricData.
      add('DescribeNatGateways', pages(nats, 1000));
      add('GetMetricData', Math.ceil((2 * nats) / 500));
    }
    if (snapshot.meta.resourceTypes.includes('aws.ec2.instance-user-data')) {
      const live = snapshot.resources.filter(
        (r) => r.type === 'aws.ec2.instance' && r.region === region && !['terminated', 'shutting-down'].includes(r.data.State?.Name),
      );
      add('DescribeInstanceAttribute', live.length);
    }
  }
  const buckets = count('aws.s3.bucket');
  for (const op of [
    'GetBucketAcl',
    'GetBucketPolicy',
    'GetPublicAccessBlock',
    'GetBucketOwnershipControls',
    'GetBucketEncryption',
    'GetBucketVersioning',
    'GetBucketWebsite',
    'GetBucketLogging',
    'GetBucketTagging',
  ])
    add(op, buckets);
  add('GetPublicAccessBlock', 1); // the account's, through S3 Control
  const users = count('aws.iam.user');
  const localPolicies = snapshot.resources.filter((r) => r.type === 'aws.iam.policy' && !r.id.includes(':iam::aws:policy/')).length;
  const awsPolicies = count('aws.iam.policy') - localPolicies;
  add('GetCallerIdentity', 1);
  add('ListAccountAliases', 1);
  add('GetAccountAuthorizationDetails', pages(users + count('aws.iam.group') + count('aws.iam.role') + localPolicies, 1000));
  add('GenerateCredentialReport', 1);
  add('GetCredentialReport', 1);
  add('GetAccountSummary', 1);
  add('ListAccessKeys', users);
  add('GetAccessKeyLastUsed', 0);
  add('ListPolicies', pages(awsPolicies, 1000));
  add('GetPolicyVersion', awsPolicies);
  for (const [type, op] of [
    ['aws.s3.bucket-lifecycle', 'GetBucketLifecycleConfiguration'],
    ['aws.s3.bucket-notifications', 'GetBucketNotificationConfiguration'],
    ['aws.s3.bucket-object-lock', 'GetObjectLockConfiguration'],
  ])
    if (collected(type)) add(op, buckets);
  add('GetAccountPasswordPolicy', 1);
  add('ListServerCertificates', pages(count('aws.iam.server-certificate'), 1000));
  add('ListVirtualMFADevices', pages(count('aws.iam.virtual-mfa-device'), 1000));
  add('GetContactInformation', 1);
  add('GetAlternateContact', 3); // billing, operations, security
  const trails = count('aws.cloudtrail.trail');
  add('GetTrailStatus', trails);
  add('GetEventSelectors', trails);
  return min;
}

const moto = await startMoto();
try {
  console.log(
    `collection benchmark: ${REGIONS.length} regions × ${SG_PER_REGION} security groups, ${EIPS} Elastic IPs, ${BUCKETS} buckets, ${USERS} IAM users, ${INSTANCES} instances with user data, ${BREADTH} of each newer service per region (moto_server)`,
  );
  let t = performance.now();
  await seed(moto.endpoint);
  console.log(`seeding: ${((performance.now() - t) / 1000).toFixed(1)} s`);

  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' });
  t = performance.now();
  const { snapshot, stats } = await collectSnapshot({
    types: collectableTypes(),
    regions: REGIONS,
    endpoint: moto.endpoint,
    maxConcurrency: 8,
    maxAttempts: 5,
    retryMode: 'standard',
    progress: false,
  });
  const wall = (performance.now() - t) / 1000;
  const min = minimumCalls(snapshot);
  const minimum = Object.values(min).reduce((a, b) => a + b, 0);
  const commandsSent = Object.values(stats.commands).reduce((a, b) => a + b, 0);

  console.log(`collected: ${snapshot.resources.length} resources, ${snapshot.gaps.length} gaps`);
  console.log('calls by operation (sent / minimum):');
  const ops = [...new Set([...Object.keys(stats.commands).map((c) => c.replace(/Command$/, '')), ...Object.keys(min)])].sort();
  for (const op of ops) {
    const sent = stats.commands[`${op}Command`] ?? 0;
    if (op === 'GetPublicAccessBlock')
      console.log(`  ${op.padEnd(38)} ${String(sent).padStart(6)} / ${String(min[op]).padStart(6)}   (buckets + the account)`);
    else console.log(`  ${op.padEnd(38)} ${String(sent).padStart(6)} / ${String(min[op] ?? 0).padStart(6)}`);
  }
  const under = ops.filter((op) => (stats.commands[`${op}Command`] ?? 0) < (min[op] ?? 0));
  if (under.length) {
    console.log(
      `  (fewer than the minimum for ${under.join(', ')}: moto ignores page sizes and returns a whole listing in one answer, where AWS would need the pages counted)`,
    );
  }
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} on ${cpus().length} cores`,
  );
  console.log(`wall time: ${wall.toFixed(2)} s`);
  console.log(`API calls: ${stats.requests} HTTP requests (${commandsSent} commands; the difference is retries)`);
  console.log(`minimum:   ${minimum} calls`);
  console.log(`ratio calls / minimum: ${(stats.requests / minimum).toFixed(3)} (target <= 1.2)`);
  if (snapshot.gaps.length) console.log('gaps:', JSON.stringify(snapshot.gaps, null, 2));
} finally {
  await moto.stop();
}
