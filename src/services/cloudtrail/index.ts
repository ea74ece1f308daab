import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { sdkClient } from '../../aws/client.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { TRAIL } from './produces.js';

const TYPES = {
  'aws.cloudtrail.trail': {
    scope: 'regional',
    title: 'CloudTrail trail',
    id: 'Name',
    region: 'home region',
    data: '`DescribeTrails` item (every scanned region is asked; copies merged by `TrailARN`, so a multi-region trail is one resource) plus `Status` (`GetTrailStatus` output), `EventSelectors`, `AdvancedEventSelectors` (`GetEventSelectors`).',
    dataSchema: {
      type: 'object',
      required: ['Name', 'TrailARN'],
      properties: { Name: { type: 'string' }, TrailARN: { type: 'string' }, IsMultiRegionTrail: { type: 'boolean' }, S3BucketName: { type: 'string' }, Status: { type: 'object' }, EventSelectors: { type: 'array' } },
    },
  },
  // Read from events (`--cloudtrail`), not collected: src/cloudtrail reads and evaluates them.
  'aws.cloudtrail.event': {
    scope: 'regional',
    title: 'CloudTrail event record',
    id: 'eventID',
    region: 'awsRegion',
    data: 'one CloudTrail record, as delivered. `account` is `recipientAccountId`. Facts (computed per run by `src/cloudtrail/event-facts.ts`): `leakedAccessKey` (the call was signed with a key id found leaked in files), `accessKeyIdMasked` (when it was).',
    dataSchema: { type: 'object', required: ['eventID', 'eventName', 'eventSource', 'eventTime'], properties: { eventID: { type: 'string' }, eventName: { type: 'string' }, eventSource: { type: 'string' }, eventTime: { type: 'string' }, awsRegion: { type: 'string' } } },
  },
  'aws.cloudtrail.eip-allocation': {
    scope: 'regional',
    title: 'Elastic IP allocation seen in CloudTrail, with what followed it',
    id: 'allocationId',
    region: 'awsRegion',
    data: 'synthetic, from correlating the whole event stream (`src/cloudtrail/eip-allocations.ts`): `{ allocationId, publicIp, allocatedAt, allocateEventID, allocatedBy, sourceIPAddress, userAgent, associatedAt: string\\|null, releasedAt: string\\|null, observedUntil, hoursSinceAllocation }` — an `AllocateAddress` and the time of the latest `AssociateAddress` / `ReleaseAddress` of the same allocation id (or public IP) that came after it, if any, up to the end of the window read.',
    dataSchema: { type: 'object', required: ['allocationId', 'allocatedAt'], properties: { allocationId: { type: 'string' }, publicIp: { type: 'string' }, allocatedAt: { type: 'string' }, associatedAt: { type: ['string', 'null'] }, releasedAt: { type: ['string', 'null'] }, hoursSinceAllocation: { type: 'number' } } },
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
