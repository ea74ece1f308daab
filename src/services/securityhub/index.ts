import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { sdkClient } from '../../aws/client.js';
import { object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { HUB } from './produces.js';

const TYPES = {
  'aws.securityhub.hub': {
    scope: 'regional',
    title: 'Security Hub in a region (one per account and region: its hub, or none)',
    id: 'account id',
    data: '`DescribeHub` output (`HubArn`, `SubscribedAt`, `AutoEnableControls`, `ControlFindingGenerator`); `{ HubArn: null }` when the account is not subscribed to Security Hub in the region (`InvalidAccessException`).',
    // HubArn null: not subscribed in the region.
    dataSchema: object({ HubArn: orNull(string), SubscribedAt: string, ControlFindingGenerator: string }, ['HubArn']),
  },
} as const satisfies ResourceTypeTable;

/** AWS Security Hub: whether each scanned region has it enabled. */
export const securityhub: Service<typeof TYPES, { securityhub: SecurityHubClient }> = {
  name: 'securityhub',
  resourceTypes: TYPES,
  clients: {
    securityhub: sdkClient('@aws-sdk/client-securityhub', async () => (await import('@aws-sdk/client-securityhub')).SecurityHubClient),
  },
  collectors: [
    {
      descriptor: {
        id: 'aws.securityhub.hub',
        service: 'securityhub',
        scope: 'regional',
        produces: HUB,
        commands: [{ command: 'DescribeHubCommand', action: 'securityhub:DescribeHub', for: HUB }],
      },
      load: async () => (await import('./collect.js')).collectHub,
    },
  ],
  enrichers: [],
};
