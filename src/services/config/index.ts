import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { sdkClient } from '../../aws/client.js';
import { boolean, listOf, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { RECORDER } from './produces.js';

const TYPES = {
  'aws.config.recorder': {
    scope: 'regional',
    title: 'AWS Config configuration recorder',
    id: 'name',
    data: '`ConfigurationRecorders` item plus `Status` (`DescribeConfigurationRecorderStatus` item, `null` when it lists none for the recorder).',
    // Status is absent when its call failed (a gap), null when it lists none for the recorder.
    dataSchema: object(
      {
        name: string,
        roleARN: string,
        recordingGroup: object({
          allSupported: boolean,
          includeGlobalResourceTypes: boolean,
          resourceTypes: listOf(string),
          exclusionByResourceTypes: object({ resourceTypes: listOf(string) }),
          recordingStrategy: object({ useOnly: string }),
        }),
        Status: orNull(object({ recording: boolean, lastStatus: string, lastStopTime: string })),
      },
      ['name'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** AWS Config recorders. */
export const config: Service<typeof TYPES, { config: ConfigServiceClient }> = {
  name: 'config',
  resourceTypes: TYPES,
  clients: {
    config: sdkClient('@aws-sdk/client-config-service', async () => (await import('@aws-sdk/client-config-service')).ConfigServiceClient),
  },
  collectors: [
    {
      descriptor: {
        id: 'aws.config.recorder',
        service: 'config',
        scope: 'regional',
        produces: RECORDER,
        commands: [
          { command: 'DescribeConfigurationRecordersCommand', action: 'config:DescribeConfigurationRecorders', for: RECORDER },
          {
            command: 'DescribeConfigurationRecorderStatusCommand',
            action: 'config:DescribeConfigurationRecorderStatus',
            for: RECORDER,
            fills: { 'aws.config.recorder': ['Status'] },
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectRecorders,
    },
  ],
  enrichers: [],
};
