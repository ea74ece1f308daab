import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { sdkClient } from '../../aws/client.js';
import { anyObject, boolean, listOf, number, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';

export const TRAIL = ['aws.cloudtrail.trail'] as const;

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
        Status: object({ IsLogging: boolean, StopLoggingTime: string }),
        EventSelectors: orNull(listOf(object({ IncludeManagementEvents: boolean, ReadWriteType: string }))),
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
    data: 'one CloudTrail record, as delivered. `account` is `recipientAccountId`. Facts (computed per run by `src/cloudtrail/event-facts.ts`): `leakedAccessKey` (the call was signed with a key id found leaked in files), `accessKeyIdMasked` (when it was).',
    // The fields of a record that rules read. Within requestParameters and responseElements,
    // each API has its own shape (AWS documents them per event); rules read them defensively.
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
        userIdentity: object({ type: string, arn: string, userName: string, invokedBy: string, accessKeyId: string }),
        requestParameters: orNull(anyObject),
        responseElements: orNull(anyObject),
        additionalEventData: orNull(anyObject),
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
  clients: { cloudtrail: sdkClient('@aws-sdk/client-cloudtrail', async () => (await import('@aws-sdk/client-cloudtrail')).CloudTrailClient) },
  collectors: [
    {
      descriptor: {
        id: 'aws.cloudtrail.trail',
        service: 'cloudtrail',
        scope: 'account',
        produces: TRAIL,
        commands: [
          { command: 'DescribeTrailsCommand', action: 'cloudtrail:DescribeTrails', for: TRAIL },
          { command: 'GetTrailStatusCommand', action: 'cloudtrail:GetTrailStatus', for: TRAIL },
          { command: 'GetEventSelectorsCommand', action: 'cloudtrail:GetEventSelectors', for: TRAIL },
        ],
      },
      load: async () => (await import('./collect.js')).collectTrails,
    },
  ],
  enrichers: [],
};
