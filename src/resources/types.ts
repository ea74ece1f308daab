/**
 * Every resource type awsaudit knows. A rule names one of these in `resource`; the loader
 * rejects any other. Collectors (live AWS), the file scanner and the CloudTrail readers
 * produce resources of these types. `scope: 'global'` resources carry region "global".
 */
export interface ResourceTypeInfo {
  readonly service: string;
  readonly scope: 'regional' | 'global' | 'local';
  readonly title: string;
  /** What `id` holds for this type, for docs. */
  readonly id: string;
}

export const RESOURCE_TYPES = {
  'aws.account': { service: 'account', scope: 'global', title: 'AWS account (account-wide settings and derived facts)', id: 'account id' },
  'aws.iam.user': { service: 'iam', scope: 'global', title: 'IAM user', id: 'UserName' },
  'aws.iam.access-key': { service: 'iam', scope: 'global', title: 'IAM access key', id: 'AccessKeyId' },
  'aws.iam.group': { service: 'iam', scope: 'global', title: 'IAM group', id: 'GroupName' },
  'aws.iam.role': { service: 'iam', scope: 'global', title: 'IAM role', id: 'RoleName' },
  'aws.iam.policy': { service: 'iam', scope: 'global', title: 'IAM managed policy', id: 'Arn' },
  'aws.iam.root-user': { service: 'iam', scope: 'global', title: 'Root user of the account', id: 'account id' },
  'aws.ec2.security-group': { service: 'ec2', scope: 'regional', title: 'EC2 security group', id: 'GroupId' },
  'aws.ec2.instance': { service: 'ec2', scope: 'regional', title: 'EC2 instance', id: 'InstanceId' },
  'aws.ec2.instance-user-data': {
    service: 'ec2',
    scope: 'regional',
    title: 'User data of an EC2 instance (scanned for secrets when read, never stored)',
    id: 'InstanceId',
  },
  'aws.ec2.elastic-ip': { service: 'ec2', scope: 'regional', title: 'Elastic IP address', id: 'AllocationId' },
  'aws.ec2.vpc': { service: 'ec2', scope: 'regional', title: 'VPC', id: 'VpcId' },
  'aws.ec2.subnet': { service: 'ec2', scope: 'regional', title: 'VPC subnet', id: 'SubnetId' },
  'aws.ec2.route-table': { service: 'ec2', scope: 'regional', title: 'VPC route table', id: 'RouteTableId' },
  'aws.ec2.internet-gateway': { service: 'ec2', scope: 'regional', title: 'Internet gateway', id: 'InternetGatewayId' },
  'aws.ec2.volume': { service: 'ec2', scope: 'regional', title: 'EBS volume', id: 'VolumeId' },
  'aws.ec2.nat-gateway': { service: 'ec2', scope: 'regional', title: 'NAT gateway', id: 'NatGatewayId' },
  'aws.s3.bucket': { service: 's3', scope: 'regional', title: 'S3 bucket', id: 'Name' },
  'aws.s3.account-public-access-block': {
    service: 's3',
    scope: 'global',
    title: 'S3 Block Public Access settings of the account',
    id: 'account id',
  },
  'aws.rds.db-instance': { service: 'rds', scope: 'regional', title: 'RDS DB instance', id: 'DBInstanceIdentifier' },
  'aws.elbv2.load-balancer': { service: 'elbv2', scope: 'regional', title: 'Application/Network load balancer', id: 'LoadBalancerName' },
  'aws.elbv2.listener': { service: 'elbv2', scope: 'regional', title: 'Load balancer listener', id: 'ListenerArn' },
  'aws.lambda.function': { service: 'lambda', scope: 'regional', title: 'Lambda function', id: 'FunctionName' },
  'aws.cloudtrail.trail': { service: 'cloudtrail', scope: 'regional', title: 'CloudTrail trail', id: 'Name' },
  'aws.cloudtrail.event': { service: 'cloudtrail', scope: 'regional', title: 'CloudTrail event record', id: 'eventID' },
  'aws.cloudtrail.eip-allocation': {
    service: 'cloudtrail',
    scope: 'regional',
    title: 'Elastic IP allocation seen in CloudTrail, with what followed it',
    id: 'allocationId',
  },
  'aws.config.recorder': { service: 'config', scope: 'regional', title: 'AWS Config configuration recorder', id: 'name' },
  'file.access-key': { service: 'files', scope: 'local', title: 'AWS access key found in a local file', id: 'path#masked key id (#n for its n-th occurrence in the file)' },
  'file.private-key': { service: 'files', scope: 'local', title: 'Private key found in a local file', id: 'path' },
  'file.text': { service: 'files', scope: 'local', title: 'Local text file (build/deploy files)', id: 'path' },
} as const satisfies Record<string, ResourceTypeInfo>;

export type ResourceType = keyof typeof RESOURCE_TYPES;

export function isResourceType(value: string): value is ResourceType {
  return Object.hasOwn(RESOURCE_TYPES, value);
}

export function resourceTypeInfo(type: string): ResourceTypeInfo | undefined {
  return isResourceType(type) ? RESOURCE_TYPES[type] : undefined;
}
