import type { RDSClient } from '@aws-sdk/client-rds';
import { sdkClient } from '../../aws/client.js';
import { boolean, object, string, tags } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { DB } from './produces.js';

const TYPES = {
  'aws.rds.db-instance': {
    scope: 'regional',
    title: 'RDS DB instance',
    id: 'DBInstanceIdentifier',
    data: '`DescribeDBInstances` item.',
    dataSchema: object(
      {
        DBInstanceIdentifier: string,
        DBInstanceArn: string,
        Engine: string,
        DBInstanceClass: string,
        AvailabilityZone: string,
        MultiAZ: boolean,
        TagList: tags,
      },
      ['DBInstanceIdentifier'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** RDS DB instances. */
export const rds: Service<typeof TYPES, { rds: RDSClient }> = {
  name: 'rds',
  resourceTypes: TYPES,
  clients: { rds: sdkClient('@aws-sdk/client-rds', async () => (await import('@aws-sdk/client-rds')).RDSClient) },
  collectors: [
    {
      descriptor: {
        id: 'aws.rds.db-instance',
        service: 'rds',
        scope: 'regional',
        produces: DB,
        commands: [{ command: 'DescribeDBInstancesCommand', action: 'rds:DescribeDBInstances', for: DB }],
      },
      load: async () => (await import('./collect.js')).collectDbInstances,
    },
  ],
  enrichers: [],
};
