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
import { minimumCalls } from './support/minimum-calls.mjs';
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
