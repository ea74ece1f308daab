import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { sdkClient } from '../../aws/client.js';
import { anyObject, boolean, listOf, number, object, orNull, string } from '../data-schema.js';
import type { JsonSchema, ResourceTypeTable, Service } from '../service.js';
import { cloudTrailEventEnricher } from './enrich-event.js';
import { TRAIL } from './produces.js';

/**
 * Ports and flags as CloudTrail records them: usually numbers and booleans, as text from some
 * callers and log shippers (the event rules read both: src/cloudtrail/request-parameters.ts).
 */
const port: JsonSchema = { type: ['integer', 'string'] };
const flag: JsonSchema = { type: ['boolean', 'string'] };
/** XML-derived parameters hold one item as an object and several as a list. */
const oneOrMore = (item: JsonSchema): JsonSchema => ({
  type: ['array', 'object'],
  items: item,
  ...(item.properties ? { properties: item.properties } : {}),
});

/** An IP range as AuthorizeSecurityGroupIngress records it (`ipRanges.items`, `ipv6Ranges.items`). */
const IP_PERMISSION_ITEM = object({
  ipProtocol: string,
  fromPort: port,
  toPort: port,
  ipRanges: object({ items: listOf(object({ cidrIp: string })) }),
  ipv6Ranges: object({ items: listOf(object({ cidrIpv6: string })) }),
});

const SECURITY_GROUP_RULE = object({ ipProtocol: string, fromPort: port, toPort: port, cidrIpv4: string, cidrIpv6: string });

/** The request parameters the event rules read (IAM, CloudTrail, Config, EC2, RDS, S3, GuardDuty, Security Hub, Macie, KMS, Lambda, Organizations calls). */
const REQUEST_PARAMETERS = object({
  // IAM
  userName: string,
  roleName: string,
  groupName: string,
  policyArn: string,
  policyName: string,
  // JSON text as CloudTrail writes it; an object where a log shipper parsed it (facts read both: src/cloudtrail/facts/inline-policy.ts).
  policyDocument: { type: ['string', 'object'] },
  // CloudTrail, Config, VPC flow logs
  name: string,
  trailName: string,
  eventSelectors: listOf(object({ readWriteType: string, includeManagementEvents: flag })),
  configurationRecorderName: string,
  deliveryChannelName: string,
  DeleteFlowLogsRequest: object({ FlowLogId: oneOrMore(object({ content: string })) }),
  flowLogIds: { type: ['array', 'object', 'string'] },
  // EC2 security groups
  groupId: string,
  ipProtocol: string,
  fromPort: port,
  toPort: port,
  cidrIp: string,
  ipPermissions: object({ items: listOf(IP_PERMISSION_ITEM) }),
  // RDS
  dBInstanceIdentifier: string,
  multiAZ: flag,
  // S3
  bucketName: string,
  'x-amz-acl': { type: ['array', 'string'], items: string },
  AccessControlPolicy: object({ AccessControlList: object({ Grant: oneOrMore(object({ Grantee: object({ URI: string }) })) }) }),
  // An object as CloudTrail writes it (text where a shipper re-serialised it): read by src/cloudtrail/facts/bucket-exposure.ts.
  bucketPolicy: { type: ['object', 'string'] },
  PublicAccessBlockConfiguration: object({
    BlockPublicAcls: flag,
    IgnorePublicAcls: flag,
    BlockPublicPolicy: flag,
    RestrictPublicBuckets: flag,
  }),
  BucketLoggingStatus: object({ LoggingEnabled: anyObject }),
  VersioningConfiguration: object({ Status: string, MfaDelete: string }),
  // RDS (exposure, backups, deletion protection)
  publiclyAccessible: flag,
  deletionProtection: flag,
  backupRetentionPeriod: port,
  targetDBInstanceIdentifier: string,
  dBSnapshotIdentifier: string,
  dBClusterSnapshotIdentifier: string,
  dBClusterIdentifier: string,
  dbiResourceId: string,
  dbClusterResourceId: string,
  // GuardDuty, Security Hub, Macie, IAM Access Analyzer
  detectorId: string,
  enable: flag,
  action: string,
  filterName: string,
  ipSetId: string,
  findingIds: listOf(string),
  FindingIdentifiers: listOf(anyObject),
  Workflow: object({ Status: string }),
  status: string,
  analyzerName: string,
  // Route 53 Resolver query logging
  resolverQueryLogConfigId: string,
  // KMS
  keyId: string,
  pendingWindowInDays: port,
  // Lambda
  functionName: string,
  statementId: string,
  layers: listOf(string),
  // EC2 user data (CloudTrail writes "<sensitiveDataRemoved>", never the script)
  instanceId: string,
  userData: string,
  // IAM identity providers, Roles Anywhere, Organizations
  url: string,
  sAMLProviderArn: string,
  openIDConnectProviderArn: string,
  trustAnchorId: string,
  accountId: string,
});

const TYPES = {
  'aws.cloudtrail.trail': {
    scope: 'regional',
    title: 'CloudTrail trail',
    id: 'Name',
    region: 'home region',
    data: '`DescribeTrails` item (every scanned region is asked; copies merged by `TrailARN`, so a multi-region trail is one resource) plus `Status` (`GetTrailStatus` output), `EventSelectors`, `AdvancedEventSelectors` (`GetEventSelectors`).',
    // Status, EventSelectors and AdvancedEventSelectors are absent when their call failed (a gap).
    dataSchema: object(
      {
        Name: string,
        TrailARN: string,
        HomeRegion: string,
        IsMultiRegionTrail: boolean,
        S3BucketName: string,
        LogFileValidationEnabled: boolean,
        CloudWatchLogsLogGroupArn: string,
        KmsKeyId: string,
        Status: object({ IsLogging: boolean, StopLoggingTime: string }),
        EventSelectors: orNull(
          listOf(
            object({
              IncludeManagementEvents: boolean,
              ReadWriteType: string,
              DataResources: listOf(object({ Type: string, Values: listOf(string) })),
            }),
          ),
        ),
        AdvancedEventSelectors: orNull(listOf(object({ FieldSelectors: listOf(object({ Field: string, Equals: listOf(string) })) }))),
      },
      ['Name', 'TrailARN'],
    ),
  },
  // Read from events (`--cloudtrail`), not collected: src/cloudtrail reads and evaluates them.
  'aws.cloudtrail.event': {
    scope: 'regional',
    title: 'CloudTrail event record',
    id: 'eventID',
    region: 'awsRegion',
    data: 'one CloudTrail record, as delivered. `account` is `recipientAccountId`.',
    facts:
      'computed per run by the modules of `src/cloudtrail/facts/` (listed in `src/cloudtrail/event-facts.ts`; docs/cloudtrail.md): `leakedAccessKey` (the call was signed with a key id found leaked in files), `accessKeyIdMasked` (when it was), `outcome` (`success`/`failed`/`denied`), `outcomeCode`, `rootActivity`, `policyGrant` (`admin`/`broad`/`none`/`unparseable`), `policyGrantSummary`, `policyGrantConditional`, `bucketPolicyPublic`, `publicStatements`, `policyProblem`, `bucketAclPublic`, `aclPublicGrants`, `internetIngress` (security-group enricher entries with `direction`), `securityGroupId`; `resourcePolicy` (a call that sets a KMS, SQS, SNS, ECR, Secrets Manager, OpenSearch or Lambda resource policy or function URL: `service`, `target`, `open` — true when anyone can use the resource, null when the policy is not readable — and `summary`); `sharing` (a snapshot or AMI shared: `kind`, `target`, `public`, `accounts` outside the account, `added`); `roleTrust` (a role trust policy set: `role`, `anyone`, `otherAccounts`, `summary`); `targetUser` (whose console password a call sets: `name`, `self`).',
    // The fields of a record that rules read. Request parameters and response elements are each
    // API's own; those below are the ones the event rules read, as CloudTrail writes them.
    dataSchema: object(
      {
        eventID: string,
        eventName: string,
        eventSource: string,
        eventTime: string,
        awsRegion: string,
        recipientAccountId: string,
        sourceIPAddress: string,
        userAgent: string,
        errorCode: string,
        userIdentity: object({
          type: string,
          arn: string,
          userName: string,
          invokedBy: string,
          accessKeyId: string,
          sessionContext: object({ sessionIssuer: object({ userName: string }) }),
        }),
        requestParameters: orNull(REQUEST_PARAMETERS),
        responseElements: orNull(object({ ConsoleLogin: string, securityGroupRuleSet: object({ items: listOf(SECURITY_GROUP_RULE) }) })),
        additionalEventData: orNull(object({ MFAUsed: string })),
      },
      ['eventID', 'eventName', 'eventSource', 'eventTime'],
    ),
  },
  'aws.cloudtrail.eip-allocation': {
    scope: 'regional',
    title: 'Elastic IP allocation seen in CloudTrail, with what followed it',
    id: 'allocationId',
    region: 'awsRegion',
    data: 'synthetic, from correlating the whole event stream (`src/cloudtrail/eip-allocations.ts`): `{ allocationId, publicIp, allocatedAt, allocateEventID, allocatedBy, sourceIPAddress, userAgent, associatedAt: string\\|null, releasedAt: string\\|null, observedUntil, hoursSinceAllocation }` — an `AllocateAddress` and the time of the latest `AssociateAddress` / `ReleaseAddress` of the same allocation id (or public IP) that came after it, if any, up to the end of the window read.',
    dataSchema: object(
      {
        allocationId: string,
        publicIp: string,
        allocatedAt: string,
        allocateEventID: string,
        allocatedBy: string,
        sourceIPAddress: string,
        userAgent: string,
        associatedAt: orNull(string),
        releasedAt: orNull(string),
        observedUntil: string,
        hoursSinceAllocation: number,
      },
      ['allocationId', 'allocatedAt'],
    ),
  },
} as const satisfies ResourceTypeTable;

/**
 * CloudTrail: trails (collected), and the events and Elastic IP allocations read from the
 * trail's history (src/cloudtrail, whose LookupEvents reader uses this service's client).
 */
export const cloudtrail: Service<typeof TYPES, { cloudtrail: CloudTrailClient }> = {
  name: 'cloudtrail',
  resourceTypes: TYPES,
  clients: {
    cloudtrail: sdkClient('@aws-sdk/client-cloudtrail', async () => (await import('@aws-sdk/client-cloudtrail')).CloudTrailClient),
  },
  collectors: [
    {
      descriptor: {
        id: 'aws.cloudtrail.trail',
        service: 'cloudtrail',
        scope: 'account',
        produces: TRAIL,
        commands: [
          { command: 'DescribeTrailsCommand', action: 'cloudtrail:DescribeTrails', for: TRAIL },
          {
            command: 'GetTrailStatusCommand',
            action: 'cloudtrail:GetTrailStatus',
            for: TRAIL,
            fills: { 'aws.cloudtrail.trail': ['Status'] },
          },
          {
            command: 'GetEventSelectorsCommand',
            action: 'cloudtrail:GetEventSelectors',
            for: TRAIL,
            fills: { 'aws.cloudtrail.trail': ['EventSelectors', 'AdvancedEventSelectors'] },
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectTrails,
    },
  ],
  enrichers: [cloudTrailEventEnricher],
};
