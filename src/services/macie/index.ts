import type { Macie2Client } from '@aws-sdk/client-macie2';
import { sdkClient } from '../../aws/client.js';
import { object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { AUTOMATED_DISCOVERY, MACIE } from './produces.js';

const TYPES = {
  'aws.macie.session': {
    scope: 'regional',
    title: 'Amazon Macie in a region (one per account and region: its session, or none)',
    id: 'account id',
    data: '`GetMacieSession` output (`status` `ENABLED` or `PAUSED`, `createdAt`, `findingPublishingFrequency`, …); `{ status: null }` when Macie is not enabled in the region (AWS answers `AccessDeniedException` "Macie is not enabled", or `ResourceNotFoundException`).',
    // status null: Macie is not enabled in the region.
    dataSchema: object({ status: orNull(string), createdAt: string }, ['status']),
  },
  [AUTOMATED_DISCOVERY]: {
    scope: 'regional',
    title: 'Macie automated sensitive data discovery in a region where Macie is on',
    id: 'account id',
    data: 'Read only when a selected rule needs it, and only in regions where Macie is enabled or paused: `GetAutomatedDiscoveryConfiguration` output (`status` `ENABLED` or `DISABLED`, `firstEnabledAt`, `disabledAt`, `lastUpdatedAt`, `classificationScopeId`, `sensitivityInspectionTemplateId`, `autoEnableOrganizationMembers`); `status` null when the answer has none.',
    dataSchema: object({ status: orNull(string), firstEnabledAt: string, disabledAt: string, lastUpdatedAt: string }, ['status']),
  },
} as const satisfies ResourceTypeTable;

/** Amazon Macie: whether each scanned region has it enabled, and automated sensitive data discovery there. */
export const macie: Service<typeof TYPES, { macie2: Macie2Client }> = {
  name: 'macie',
  resourceTypes: TYPES,
  clients: { macie2: sdkClient('@aws-sdk/client-macie2', async () => (await import('@aws-sdk/client-macie2')).Macie2Client) },
  collectors: [
    {
      descriptor: {
        id: 'aws.macie.session',
        service: 'macie2',
        scope: 'regional',
        produces: MACIE,
        commands: [
          { command: 'GetMacieSessionCommand', action: 'macie2:GetMacieSession', for: MACIE },
          {
            command: 'GetAutomatedDiscoveryConfigurationCommand',
            action: 'macie2:GetAutomatedDiscoveryConfiguration',
            for: [AUTOMATED_DISCOVERY],
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectSession,
    },
  ],
  enrichers: [],
};
