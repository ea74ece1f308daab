// The CloudTrail events each monitoring recommendation (CIS AWS Foundations section 5) asks a
// metric filter to catch, as representative records in the shape CloudTrail delivers them to
// CloudWatch Logs. A filter "covers" a recommendation when its pattern matches every one of
// them (filter-pattern.ts). Each change is written twice, by an IAM user and by an assumed role,
// so that a filter narrowed to one kind of caller does not pass for one that catches them all.
import type { LogValue } from './filter-pattern.js';

const ACCOUNT = '123456789012';

type EventRecord = { [key: string]: LogValue };

function identity(kind: 'IAMUser' | 'AssumedRole' | 'Root'): EventRecord {
  if (kind === 'Root') {
    return {
      type: 'Root',
      principalId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    };
  }
  if (kind === 'AssumedRole') {
    return {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:ops-session',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Operations/ops-session`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/Operations`, userName: 'Operations' } },
    };
  }
  return {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEID',
    arn: `arn:aws:iam::${ACCOUNT}:user/Alice`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'Alice',
  };
}

function apiCall(eventSource: string, eventName: string, caller: 'IAMUser' | 'AssumedRole' | 'Root', extra: EventRecord = {}): EventRecord {
  return {
    eventVersion: '1.09',
    userIdentity: identity(caller),
    eventTime: '2026-11-20T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
    requestParameters: {},
    responseElements: null,
    requestID: 'example-request-id',
    eventID: 'example-event-id',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...extra,
  };
}

/** Each change event by an IAM user and by an assumed role. */
function changes(eventSource: string, names: readonly string[]): Array<{ label: string; event: EventRecord }> {
  return names.flatMap((name) => [
    { label: name, event: apiCall(eventSource, name, 'IAMUser') },
    { label: name, event: apiCall(eventSource, name, 'AssumedRole') },
  ]);
}

function consoleLogin(caller: 'IAMUser' | 'Root', outcome: 'Success' | 'Failure', mfa: 'Yes' | 'No'): EventRecord {
  return apiCall('signin.amazonaws.com', 'ConsoleLogin', caller, {
    eventType: 'AwsConsoleSignIn',
    readOnly: false,
    requestParameters: null,
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: mfa },
    ...(outcome === 'Failure' ? { errorMessage: 'Failed authentication' } : {}),
  });
}

export interface MonitoredEventSet {
  /** The fact key under `facts.monitoring` and the name rules read. */
  readonly key: string;
  /** CIS AWS Foundations v6.0.0 recommendation. */
  readonly cis: string;
  /** What is monitored, for messages ("security group changes"). */
  readonly what: string;
  /** Events a covering filter must match; `label` names each in a message. */
  readonly events: ReadonlyArray<{ label: string; event: EventRecord }>;
}

export const MONITORED_EVENT_SETS: readonly MonitoredEventSet[] = [
  {
    key: 'unauthorizedApiCalls',
    cis: '5.1',
    what: 'unauthorized API calls',
    events: [
      {
        label: 'errorCode Client.UnauthorizedOperation',
        event: apiCall('ec2.amazonaws.com', 'RunInstances', 'IAMUser', {
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
        }),
      },
      {
        label: 'errorCode AccessDenied',
        event: apiCall('iam.amazonaws.com', 'CreateUser', 'AssumedRole', {
          errorCode: 'AccessDenied',
          errorMessage: 'User is not authorized to perform: iam:CreateUser',
        }),
      },
      {
        label: 'errorCode AccessDeniedException',
        event: apiCall('kms.amazonaws.com', 'Decrypt', 'IAMUser', { errorCode: 'AccessDeniedException', readOnly: true }),
      },
    ],
  },
  {
    key: 'consoleSignInWithoutMfa',
    cis: '5.2',
    what: 'console sign-in without MFA',
    events: [{ label: 'ConsoleLogin without MFA', event: consoleLogin('IAMUser', 'Success', 'No') }],
  },
  {
    key: 'rootUsage',
    cis: '5.3',
    what: 'use of the root user',
    events: [
      { label: 'root ConsoleLogin', event: consoleLogin('Root', 'Success', 'Yes') },
      { label: 'root API call', event: apiCall('iam.amazonaws.com', 'CreateAccessKey', 'Root') },
    ],
  },
  {
    key: 'iamPolicyChanges',
    cis: '5.4',
    what: 'IAM policy changes',
    events: changes('iam.amazonaws.com', [
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    ]),
  },
  {
    key: 'cloudtrailChanges',
    cis: '5.5',
    what: 'CloudTrail configuration changes',
    events: changes('cloudtrail.amazonaws.com', ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging']),
  },
  {
    key: 'consoleAuthFailures',
    cis: '5.6',
    what: 'console authentication failures',
    events: [{ label: 'failed ConsoleLogin', event: consoleLogin('IAMUser', 'Failure', 'No') }],
  },
  {
    key: 'cmkDisableOrDeletion',
    cis: '5.7',
    what: 'disabling or scheduled deletion of customer managed KMS keys',
    events: changes('kms.amazonaws.com', ['DisableKey', 'ScheduleKeyDeletion']),
  },
  {
    key: 's3BucketPolicyChanges',
    cis: '5.8',
    what: 'S3 bucket policy changes',
    events: changes('s3.amazonaws.com', [
      'PutBucketAcl',
      'PutBucketPolicy',
      'PutBucketCors',
      'PutBucketLifecycle',
      'PutBucketReplication',
      'DeleteBucketPolicy',
      'DeleteBucketCors',
      'DeleteBucketLifecycle',
      'DeleteBucketReplication',
    ]),
  },
  {
    key: 'configChanges',
    cis: '5.9',
    what: 'AWS Config configuration changes',
    events: changes('config.amazonaws.com', [
      'StopConfigurationRecorder',
      'DeleteDeliveryChannel',
      'PutDeliveryChannel',
      'PutConfigurationRecorder',
    ]),
  },
  {
    key: 'securityGroupChanges',
    cis: '5.10',
    what: 'security group changes',
    events: changes('ec2.amazonaws.com', [
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
    ]),
  },
  {
    key: 'naclChanges',
    cis: '5.11',
    what: 'network ACL changes',
    events: changes('ec2.amazonaws.com', [
      'CreateNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAcl',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
    ]),
  },
  {
    key: 'networkGatewayChanges',
    cis: '5.12',
    what: 'network gateway changes',
    events: changes('ec2.amazonaws.com', [
      'CreateCustomerGateway',
      'DeleteCustomerGateway',
      'AttachInternetGateway',
      'CreateInternetGateway',
      'DeleteInternetGateway',
      'DetachInternetGateway',
    ]),
  },
  {
    key: 'routeTableChanges',
    cis: '5.13',
    what: 'route table changes',
    events: changes('ec2.amazonaws.com', [
      'CreateRoute',
      'CreateRouteTable',
      'ReplaceRoute',
      'ReplaceRouteTableAssociation',
      'DeleteRouteTable',
      'DeleteRoute',
      'DisassociateRouteTable',
    ]),
  },
  {
    key: 'vpcChanges',
    cis: '5.14',
    what: 'VPC changes',
    // The benchmark's pattern also lists the EC2-Classic ClassicLink calls; EC2-Classic was
    // retired in 2022 and those calls can no longer succeed, so a filter without them misses nothing.
    events: changes('ec2.amazonaws.com', [
      'CreateVpc',
      'DeleteVpc',
      'ModifyVpcAttribute',
      'AcceptVpcPeeringConnection',
      'CreateVpcPeeringConnection',
      'DeleteVpcPeeringConnection',
      'RejectVpcPeeringConnection',
    ]),
  },
  {
    key: 'organizationsChanges',
    cis: '5.15',
    what: 'AWS Organizations changes',
    events: changes('organizations.amazonaws.com', [
      'AcceptHandshake',
      'AttachPolicy',
      'CreateAccount',
      'CreateOrganizationalUnit',
      'CreatePolicy',
      'DeclineHandshake',
      'DeleteOrganization',
      'DeleteOrganizationalUnit',
      'DeletePolicy',
      'DetachPolicy',
      'DisablePolicyType',
      'EnablePolicyType',
      'InviteAccountToOrganization',
      'LeaveOrganization',
      'MoveAccount',
      'RemoveAccountFromOrganization',
      'UpdatePolicy',
      'UpdateOrganizationalUnit',
    ]),
  },
];
