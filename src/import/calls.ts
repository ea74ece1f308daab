import type { ServiceName } from '../services/index.js';

/**
 * The API calls `awsaudit import` can answer from a folder of AWS CLI outputs, and the file
 * each answer is read from (docs/import.md). The collectors run as in a live scan; each call
 * they send is answered from its file instead of AWS. A call with no entry here, or whose file
 * is missing, fails with `NotImported` and becomes a coverage gap, like a denied call.
 *
 * File names: `<cli service>/<region>/<cli operation>.json` for regional calls,
 * `<cli service>/<cli operation>.json` for global ones, and `…/<cli operation>/<key>.json` for
 * calls about one resource (a bucket, a user, a trail). The AWS CLI's error output in
 * `<same name>.error` says how the call failed (`An error occurred (NoSuchBucketPolicy) …`).
 */
export interface ImportCall {
  /** The client the collector sends it through (the pool's service name). */
  readonly service: ServiceName;
  /** The SDK command class name. */
  readonly command: string;
  /** The AWS CLI command: service and operation, e.g. `ec2 describe-security-groups`. */
  readonly cli: string;
  /** CLI arguments that make the output what the collector asks for (e.g. `--owner-ids self`). */
  readonly args?: string;
  /** Files without a region folder (IAM, STS, S3 buckets and account settings). */
  readonly global?: true;
  /** A call about one resource: the request member that names it, and the file name it gets. */
  readonly key?: ImportKey;
  /**
   * Narrow a file's answer to what the collector asked for, when the request filters and the
   * file may hold more (the CLI command run without that filter, or a listing of every region).
   */
  readonly narrow?: (
    output: Record<string, unknown>,
    input: Record<string, unknown>,
    read: (file: string) => Promise<Record<string, unknown> | undefined>,
  ) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface ImportKey {
  /** The request member whose value names the file. */
  readonly member: string;
  /** The file name from the value, when it is not the value itself (an ARN's last part). */
  readonly file?: (value: string) => string;
  /** Bash for the dump script (docs/import.md): loops over the resources and runs `run FILE aws …` for each. */
  readonly script: string;
}

/** The part of an ARN after `marker`: a trail's name, a policy's name. */
function after(marker: string): (value: string) => string {
  return (value) => {
    const at = value.lastIndexOf(marker);
    return at < 0 ? value : value.slice(at + marker.length);
  };
}

const IAM_POLICY_DOCUMENT_LISTS: Readonly<Record<string, string>> = {
  User: 'UserDetailList',
  Group: 'GroupDetailList',
  Role: 'RoleDetailList',
};

/** GetAccountAuthorizationDetails with its `Filter` applied: the CLI dump may hold every entity type. */
function narrowAuthorizationDetails(output: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> {
  const filter = Array.isArray(input.Filter) ? (input.Filter as string[]) : undefined;
  if (!filter) return output;
  const out: Record<string, unknown> = { ...output };
  for (const [entity, list] of Object.entries(IAM_POLICY_DOCUMENT_LISTS)) if (!filter.includes(entity)) delete out[list];
  if (Array.isArray(output.Policies)) {
    const local = filter.includes('LocalManagedPolicy');
    const aws = filter.includes('AWSManagedPolicy');
    out.Policies = (output.Policies as Array<{ Arn?: unknown }>).filter((p) => {
      const awsManaged = typeof p.Arn === 'string' && /^arn:[^:]+:iam::aws:/.test(p.Arn);
      return awsManaged ? aws : local;
    });
  }
  return out;
}

/**
 * ListBuckets asked for one region's buckets (`BucketRegion`); `aws s3api list-buckets` lists
 * every bucket, with its region since AWS CLI 2.18 / 1.35. For a bucket without it, the region
 * comes from `s3api/get-bucket-location/<bucket>.json` (LocationConstraint: none for us-east-1,
 * `EU` for eu-west-1); a bucket with neither is not placed by guessing.
 */
async function narrowBuckets(
  output: Record<string, unknown>,
  input: Record<string, unknown>,
  read: (file: string) => Promise<Record<string, unknown> | undefined>,
): Promise<Record<string, unknown>> {
  const region = input.BucketRegion;
  if (typeof region !== 'string' || !Array.isArray(output.Buckets)) return output;
  const buckets = output.Buckets as Array<{ Name?: unknown; BucketRegion?: unknown }>;
  const placed = await Promise.all(
    buckets.map(async (b) => {
      if (typeof b.BucketRegion === 'string') return b.BucketRegion;
      const location = await read(`s3api/get-bucket-location/${String(b.Name)}`);
      if (!location) return undefined;
      const constraint = location.LocationConstraint;
      return typeof constraint !== 'string' || constraint === '' ? 'us-east-1' : constraint === 'EU' ? 'eu-west-1' : constraint;
    }),
  );
  const unplaced = buckets.filter((_, i) => placed[i] === undefined).map((b) => String(b.Name));
  if (unplaced.length) {
    throw Object.assign(
      new Error(
        `s3api/list-buckets.json does not say the region of ${unplaced.length} bucket(s) (${unplaced.slice(0, 3).join(', ')}), and there is no s3api/get-bucket-location/<bucket>.json for them: dump them with \`aws s3api get-bucket-location\`, or list the buckets with AWS CLI 2.18 / 1.35 or later`,
      ),
      { name: 'ImportFileIncomplete' },
    );
  }
  return { ...output, Buckets: buckets.filter((_, i) => placed[i] === region).map((b) => ({ ...b, BucketRegion: region })) };
}

/** DescribeNatGateways with its `Filter` on `state` (the NAT traffic collector asks for available ones only). */
function narrowNatGateways(output: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> {
  const filters = Array.isArray(input.Filter) ? (input.Filter as Array<{ Name?: string; Values?: string[] }>) : [];
  const state = filters.find((f) => f.Name === 'state')?.Values;
  if (!state || !Array.isArray(output.NatGateways)) return output;
  return { ...output, NatGateways: (output.NatGateways as Array<{ State?: unknown }>).filter((g) => state.includes(String(g.State))) };
}

// The dump script lists users and buckets once, into these variables (script.ts).
const EACH_USER = 'for u in $users; do';
const EACH_BUCKET = 'for b in $buckets; do';

function bucketCall(command: string, cli: string): ImportCall {
  return {
    service: 's3',
    command,
    cli: `s3api ${cli}`,
    global: true,
    key: { member: 'Bucket', script: `${EACH_BUCKET}\n  run "s3api/${cli}/$b" aws s3api ${cli} --bucket "$b"\ndone` },
  };
}

function ec2(command: string, cli: string, args?: string): ImportCall {
  return { service: 'ec2', command, cli: `ec2 ${cli}`, ...(args ? { args } : {}) };
}

/**
 * A regional call about one resource, for the dump script's loop: `list` prints the resources'
 * ids or ARNs (bound to `$k`), `option` passes one, `shell` makes the file name from `$k` as
 * `file` does from the request's value (a `/` in it is written `%2F`, see importFile).
 */
function regionalKeyed(
  service: ServiceName,
  command: string,
  cli: string,
  member: string,
  how: { list: string; option: string; extra?: string; file?: (value: string) => string; shell?: string },
): ImportCall {
  const [cliService, operation] = cli.split(' ') as [string, string];
  const name = how.shell ? `n=${how.shell}; n=\${n//\\//%2F}` : 'n=$k';
  return {
    service,
    command,
    cli,
    ...(how.extra ? { args: how.extra.trim() } : {}),
    key: {
      member,
      ...(how.file ? { file: how.file } : {}),
      script: `for k in $(${how.list}); do\n  ${name}\n  run "${cliService}/$r/${operation}/$n" aws ${cli} --region "$r" ${how.option} "$k"${how.extra ?? ''}\ndone`,
    },
  };
}

export const IMPORT_CALLS: readonly ImportCall[] = [
  { service: 'sts', command: 'GetCallerIdentityCommand', cli: 'sts get-caller-identity', global: true },

  // IAM: one account-wide dump, the credential report, account settings, access keys per user.
  {
    service: 'iam',
    command: 'GetAccountAuthorizationDetailsCommand',
    cli: 'iam get-account-authorization-details',
    args: '--filter User Role Group LocalManagedPolicy',
    global: true,
    narrow: narrowAuthorizationDetails,
  },
  { service: 'iam', command: 'GetCredentialReportCommand', cli: 'iam get-credential-report', global: true },
  { service: 'iam', command: 'GetAccountSummaryCommand', cli: 'iam get-account-summary', global: true },
  { service: 'iam', command: 'GetAccountPasswordPolicyCommand', cli: 'iam get-account-password-policy', global: true },
  { service: 'iam', command: 'ListAccountAliasesCommand', cli: 'iam list-account-aliases', global: true },
  { service: 'iam', command: 'ListServerCertificatesCommand', cli: 'iam list-server-certificates', global: true },
  {
    service: 'iam',
    command: 'ListVirtualMFADevicesCommand',
    cli: 'iam list-virtual-mfa-devices',
    args: '--assignment-status Any',
    global: true,
  },
  { service: 'iam', command: 'ListPoliciesCommand', cli: 'iam list-policies', args: '--scope AWS --only-attached', global: true },
  {
    service: 'iam',
    command: 'GetPolicyVersionCommand',
    cli: 'iam get-policy-version',
    global: true,
    key: {
      member: 'PolicyArn',
      file: after('/'),
      script: `aws iam list-policies --scope AWS --only-attached --query 'Policies[].[Arn,DefaultVersionId]' --output text |\nwhile read -r arn v; do\n  run "iam/get-policy-version/\${arn##*/}" aws iam get-policy-version --policy-arn "$arn" --version-id "$v"\ndone`,
    },
  },
  {
    service: 'iam',
    command: 'ListAccessKeysCommand',
    cli: 'iam list-access-keys',
    global: true,
    key: { member: 'UserName', script: `${EACH_USER}\n  run "iam/list-access-keys/$u" aws iam list-access-keys --user-name "$u"\ndone` },
  },
  {
    service: 'iam',
    command: 'GetAccessKeyLastUsedCommand',
    cli: 'iam get-access-key-last-used',
    global: true,
    key: {
      member: 'AccessKeyId',
      script: `${EACH_USER}\n  for k in $(aws iam list-access-keys --user-name "$u" --query 'AccessKeyMetadata[].AccessKeyId' --output text); do\n    run "iam/get-access-key-last-used/$k" aws iam get-access-key-last-used --access-key-id "$k"\n  done\ndone`,
    },
  },

  // EC2, per region.
  ec2('DescribeSecurityGroupsCommand', 'describe-security-groups'),
  ec2('DescribeInstancesCommand', 'describe-instances'),
  ec2('DescribeAddressesCommand', 'describe-addresses'),
  ec2('DescribeVpcsCommand', 'describe-vpcs'),
  ec2('DescribeSubnetsCommand', 'describe-subnets'),
  ec2('DescribeRouteTablesCommand', 'describe-route-tables'),
  ec2('DescribeInternetGatewaysCommand', 'describe-internet-gateways'),
  ec2('DescribeVolumesCommand', 'describe-volumes'),
  { ...ec2('DescribeNatGatewaysCommand', 'describe-nat-gateways'), narrow: narrowNatGateways },
  ec2('DescribeNetworkAclsCommand', 'describe-network-acls'),
  ec2('DescribeFlowLogsCommand', 'describe-flow-logs'),
  ec2('DescribeVpcEndpointsCommand', 'describe-vpc-endpoints'),
  ec2('DescribeTransitGatewaysCommand', 'describe-transit-gateways'),
  ec2('DescribeNetworkInterfacesCommand', 'describe-network-interfaces'),
  ec2('DescribeVpcPeeringConnectionsCommand', 'describe-vpc-peering-connections'),
  ec2('DescribeSnapshotsCommand', 'describe-snapshots', '--owner-ids self'),
  ec2('GetEbsEncryptionByDefaultCommand', 'get-ebs-encryption-by-default'),
  ec2('GetSnapshotBlockPublicAccessStateCommand', 'get-snapshot-block-public-access-state'),
  ec2('DescribeVpcBlockPublicAccessOptionsCommand', 'describe-vpc-block-public-access-options'),
  ec2('DescribeLaunchTemplatesCommand', 'describe-launch-templates'),
  ec2('DescribeLaunchTemplateVersionsCommand', 'describe-launch-template-versions', "--versions '$Default'"),
  {
    ...ec2('DescribeInstanceAttributeCommand', 'describe-instance-attribute'),
    key: {
      member: 'InstanceId',
      script: `for i in $(aws ec2 describe-instances --region "$r" --query 'Reservations[].Instances[].InstanceId' --output text); do\n  run "ec2/$r/describe-instance-attribute/$i" aws ec2 describe-instance-attribute --region "$r" --instance-id "$i" --attribute userData\ndone`,
    },
  },
  {
    ...ec2('DescribeSnapshotAttributeCommand', 'describe-snapshot-attribute'),
    key: {
      member: 'SnapshotId',
      script: `for s in $(aws ec2 describe-snapshots --region "$r" --owner-ids self --query 'Snapshots[].SnapshotId' --output text); do\n  run "ec2/$r/describe-snapshot-attribute/$s" aws ec2 describe-snapshot-attribute --region "$r" --snapshot-id "$s" --attribute createVolumePermission\ndone`,
    },
  },

  // S3: the bucket list (with each bucket's region) and each bucket's settings; the account's Block Public Access.
  { service: 's3', command: 'ListBucketsCommand', cli: 's3api list-buckets', global: true, narrow: narrowBuckets },
  // Read only for a bucket that the list does not place (older CLIs): see narrowBuckets.
  {
    service: 's3',
    command: 'GetBucketLocationCommand',
    cli: 's3api get-bucket-location',
    global: true,
    key: {
      member: 'Bucket',
      script: `${EACH_BUCKET}\n  run "s3api/get-bucket-location/$b" aws s3api get-bucket-location --bucket "$b"\ndone`,
    },
  },
  bucketCall('GetBucketAclCommand', 'get-bucket-acl'),
  bucketCall('GetBucketPolicyCommand', 'get-bucket-policy'),
  bucketCall('GetPublicAccessBlockCommand', 'get-public-access-block'),
  bucketCall('GetBucketOwnershipControlsCommand', 'get-bucket-ownership-controls'),
  bucketCall('GetBucketEncryptionCommand', 'get-bucket-encryption'),
  bucketCall('GetBucketVersioningCommand', 'get-bucket-versioning'),
  bucketCall('GetBucketWebsiteCommand', 'get-bucket-website'),
  bucketCall('GetBucketLoggingCommand', 'get-bucket-logging'),
  bucketCall('GetBucketTaggingCommand', 'get-bucket-tagging'),
  bucketCall('GetBucketLifecycleConfigurationCommand', 'get-bucket-lifecycle-configuration'),
  bucketCall('GetBucketNotificationConfigurationCommand', 'get-bucket-notification-configuration'),
  bucketCall('GetObjectLockConfigurationCommand', 'get-object-lock-configuration'),
  {
    service: 's3control',
    command: 'GetPublicAccessBlockCommand',
    cli: 's3control get-public-access-block',
    args: '--account-id "$account"',
    global: true,
  },

  // RDS, per region.
  { service: 'rds', command: 'DescribeDBInstancesCommand', cli: 'rds describe-db-instances' },
  { service: 'rds', command: 'DescribeDBClustersCommand', cli: 'rds describe-db-clusters' },
  { service: 'rds', command: 'DescribeDBSnapshotsCommand', cli: 'rds describe-db-snapshots' },
  { service: 'rds', command: 'DescribeEventSubscriptionsCommand', cli: 'rds describe-event-subscriptions' },
  {
    service: 'rds',
    command: 'DescribeDBSnapshotAttributesCommand',
    cli: 'rds describe-db-snapshot-attributes',
    key: {
      member: 'DBSnapshotIdentifier',
      script: `for s in $(aws rds describe-db-snapshots --region "$r" --snapshot-type manual --query 'DBSnapshots[].DBSnapshotIdentifier' --output text); do\n  run "rds/$r/describe-db-snapshot-attributes/$s" aws rds describe-db-snapshot-attributes --region "$r" --db-snapshot-identifier "$s"\ndone`,
    },
  },

  // CloudTrail and Config, per region.
  { service: 'cloudtrail', command: 'DescribeTrailsCommand', cli: 'cloudtrail describe-trails' },
  ...(['get-trail-status', 'get-event-selectors'] as const).map((cli): ImportCall => ({
    service: 'cloudtrail',
    command: cli === 'get-trail-status' ? 'GetTrailStatusCommand' : 'GetEventSelectorsCommand',
    cli: `cloudtrail ${cli}`,
    key: {
      member: cli === 'get-trail-status' ? 'Name' : 'TrailName',
      file: after(':trail/'),
      script: `for t in $(aws cloudtrail describe-trails --region "$r" --query 'trailList[].TrailARN' --output text); do\n  run "cloudtrail/$r/${cli}/\${t##*:trail/}" aws cloudtrail ${cli} --region "$r" ${cli === 'get-trail-status' ? '--name' : '--trail-name'} "$t"\ndone`,
    },
  })),
  { service: 'config', command: 'DescribeConfigurationRecordersCommand', cli: 'configservice describe-configuration-recorders' },
  { service: 'config', command: 'DescribeConfigurationRecorderStatusCommand', cli: 'configservice describe-configuration-recorder-status' },

  // The other services, per region (account contacts are global).
  { service: 'guardduty', command: 'ListDetectorsCommand', cli: 'guardduty list-detectors' },
  regionalKeyed('guardduty', 'GetDetectorCommand', 'guardduty get-detector', 'DetectorId', {
    list: `aws guardduty list-detectors --region "$r" --query 'DetectorIds[]' --output text`,
    option: '--detector-id',
  }),
  { service: 'securityhub', command: 'DescribeHubCommand', cli: 'securityhub describe-hub' },
  { service: 'accessanalyzer', command: 'ListAnalyzersCommand', cli: 'accessanalyzer list-analyzers' },
  { service: 'macie2', command: 'GetMacieSessionCommand', cli: 'macie2 get-macie-session' },
  { service: 'macie2', command: 'GetAutomatedDiscoveryConfigurationCommand', cli: 'macie2 get-automated-discovery-configuration' },
  { service: 'kms', command: 'ListKeysCommand', cli: 'kms list-keys' },
  ...(
    [
      ['DescribeKeyCommand', 'describe-key', ''],
      ['GetKeyRotationStatusCommand', 'get-key-rotation-status', ''],
      ['GetKeyPolicyCommand', 'get-key-policy', ' --policy-name default'],
    ] as const
  ).map(([command, cli, extra]) =>
    regionalKeyed('kms', command, `kms ${cli}`, 'KeyId', {
      list: `aws kms list-keys --region "$r" --query 'Keys[].KeyId' --output text`,
      option: '--key-id',
      extra,
    }),
  ),
  { service: 'lambda', command: 'ListFunctionsCommand', cli: 'lambda list-functions' },
  regionalKeyed('lambda', 'GetPolicyCommand', 'lambda get-policy', 'FunctionName', {
    list: `aws lambda list-functions --region "$r" --query 'Functions[].FunctionName' --output text`,
    option: '--function-name',
  }),
  { service: 'logs', command: 'DescribeLogGroupsCommand', cli: 'logs describe-log-groups' },
  { service: 'logs', command: 'DescribeMetricFiltersCommand', cli: 'logs describe-metric-filters' },
  { service: 'cloudwatch', command: 'DescribeAlarmsCommand', cli: 'cloudwatch describe-alarms' },
  { service: 'sns', command: 'ListTopicsCommand', cli: 'sns list-topics' },
  { service: 'sns', command: 'ListSubscriptionsCommand', cli: 'sns list-subscriptions' },
  regionalKeyed('sns', 'GetTopicAttributesCommand', 'sns get-topic-attributes', 'TopicArn', {
    list: `aws sns list-topics --region "$r" --query 'Topics[].TopicArn' --output text`,
    option: '--topic-arn',
    file: after(':'),
    shell: '${k##*:}',
  }),
  { service: 'efs', command: 'DescribeFileSystemsCommand', cli: 'efs describe-file-systems' },
  { service: 'efs', command: 'DescribeAccessPointsCommand', cli: 'efs describe-access-points' },
  ...(
    [
      ['DescribeBackupPolicyCommand', 'describe-backup-policy'],
      ['DescribeMountTargetsCommand', 'describe-mount-targets'],
    ] as const
  ).map(([command, cli]) =>
    regionalKeyed('efs', command, `efs ${cli}`, 'FileSystemId', {
      list: `aws efs describe-file-systems --region "$r" --query 'FileSystems[].FileSystemId' --output text`,
      option: '--file-system-id',
    }),
  ),
  { service: 'elb', command: 'DescribeLoadBalancersCommand', cli: 'elb describe-load-balancers' },
  regionalKeyed('elb', 'DescribeLoadBalancerAttributesCommand', 'elb describe-load-balancer-attributes', 'LoadBalancerName', {
    list: `aws elb describe-load-balancers --region "$r" --query 'LoadBalancerDescriptions[].LoadBalancerName' --output text`,
    option: '--load-balancer-name',
  }),
  { service: 'elbv2', command: 'DescribeLoadBalancersCommand', cli: 'elbv2 describe-load-balancers' },
  { service: 'elbv2', command: 'DescribeTargetGroupsCommand', cli: 'elbv2 describe-target-groups' },
  regionalKeyed('elbv2', 'DescribeTargetHealthCommand', 'elbv2 describe-target-health', 'TargetGroupArn', {
    list: `aws elbv2 describe-target-groups --region "$r" --query 'TargetGroups[].TargetGroupArn' --output text`,
    option: '--target-group-arn',
    file: after(':targetgroup/'),
    shell: '${k#*:targetgroup/}',
  }),
  ...(
    [
      ['DescribeListenersCommand', 'describe-listeners'],
      ['DescribeLoadBalancerAttributesCommand', 'describe-load-balancer-attributes'],
    ] as const
  ).map(([command, cli]) =>
    regionalKeyed('elbv2', command, `elbv2 ${cli}`, 'LoadBalancerArn', {
      list: `aws elbv2 describe-load-balancers --region "$r" --query 'LoadBalancers[].LoadBalancerArn' --output text`,
      option: '--load-balancer-arn',
      file: after(':loadbalancer/'),
      shell: '${k#*:loadbalancer/}',
    }),
  ),
  { service: 'account', command: 'GetContactInformationCommand', cli: 'account get-contact-information', global: true },
  {
    service: 'account',
    command: 'GetAlternateContactCommand',
    cli: 'account get-alternate-contact',
    global: true,
    key: {
      member: 'AlternateContactType',
      script: `for t in BILLING OPERATIONS SECURITY; do\n  run "account/get-alternate-contact/$t" aws account get-alternate-contact --alternate-contact-type "$t"\ndone`,
    },
  },
];

/** The entry for a command sent through a client, if import can answer it. */
export function importCallFor(service: string, command: string): ImportCall | undefined {
  return BY_COMMAND.get(`${service}:${command}`);
}

const BY_COMMAND = new Map(IMPORT_CALLS.map((c) => [`${c.service}:${c.command}`, c]));

/** The file (without `.json`/`.error`) that answers a call, relative to the import folder. */
export function importFile(call: ImportCall, region: string, input: Record<string, unknown>): string {
  const [service, operation] = call.cli.split(' ') as [string, string];
  const base = call.global ? `${service}/${operation}` : `${service}/${region}/${operation}`;
  if (!call.key) return base;
  const value = input[call.key.member];
  if (typeof value !== 'string' || value === '') throw new Error(`${call.command} sent without ${call.key.member}`);
  return `${base}/${safeName((call.key.file ?? ((v: string) => v))(value))}`;
}

/** A resource name as a file name: `/` (and NUL) cannot be in one; `%2F` stands for `/` as URL encoding does. */
function safeName(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F').replace(/\0/g, '%00');
}
