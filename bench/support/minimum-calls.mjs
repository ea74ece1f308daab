// The fewest API calls that can return what a snapshot holds, per operation: the yardstick of
// bench/collect.mjs (whose header explains each rule) and bench/org.mjs (per account).

export const pages = (items, pageSize) => Math.max(1, Math.ceil(items / pageSize));

/** The fewest calls that can return what was collected (see the header of bench/collect.mjs for the rules). */
export function minimumCalls(snapshot) {
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
