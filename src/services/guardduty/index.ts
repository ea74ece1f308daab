import type { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { sdkClient } from '../../aws/client.js';
import { anyObject, listOf, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { DETECTOR } from './produces.js';

const FEATURE = object({ Name: string, Status: string, AdditionalConfiguration: listOf(object({ Name: string, Status: string })) });

const TYPES = {
  'aws.guardduty.detector': {
    scope: 'regional',
    title: 'GuardDuty in a region (one per account and region: its detector, or none)',
    id: 'account id',
    data: '`{ DetectorId: string\\|null }` plus the `GetDetector` output (`Status`, `Features`, `DataSources`, …) when there is a detector. `DetectorId` is `null` when `ListDetectors` lists none (GuardDuty is off in the region); the `GetDetector` fields are absent when that call failed (a gap).',
    // DetectorId null: no detector in the region. Status absent: GetDetector failed (a gap).
    dataSchema: object({ DetectorId: orNull(string), Status: string, Features: listOf(FEATURE), DataSources: anyObject }, ['DetectorId']),
  },
} as const satisfies ResourceTypeTable;

/** Amazon GuardDuty: whether each scanned region has a detector, and which protection plans it runs. */
export const guardduty: Service<typeof TYPES, { guardduty: GuardDutyClient }> = {
  name: 'guardduty',
  resourceTypes: TYPES,
  clients: { guardduty: sdkClient('@aws-sdk/client-guardduty', async () => (await import('@aws-sdk/client-guardduty')).GuardDutyClient) },
  collectors: [
    {
      descriptor: {
        id: 'aws.guardduty.detector',
        service: 'guardduty',
        scope: 'regional',
        produces: DETECTOR,
        commands: [
          { command: 'ListDetectorsCommand', action: 'guardduty:ListDetectors', for: DETECTOR },
          {
            command: 'GetDetectorCommand',
            action: 'guardduty:GetDetector',
            for: DETECTOR,
            // The region's resource is added with its DetectorId whether or not this call answered.
            fills: { 'aws.guardduty.detector': ['Status', 'Features', 'DataSources'] },
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectDetector,
    },
  ],
  enrichers: [],
};
