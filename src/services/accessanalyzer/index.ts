import type { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { sdkClient } from '../../aws/client.js';
import { listOf, object, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { ANALYZERS } from './produces.js';

const TYPES = {
  'aws.accessanalyzer.analyzers': {
    scope: 'regional',
    title: 'IAM Access Analyzer analyzers of a region (one per account and region, listing none or more)',
    id: 'account id',
    data: '`{ Analyzers: [ListAnalyzers items: arn, name, type, status, createdAt, …] }`; an empty list when the region has none.',
    dataSchema: object({ Analyzers: listOf(object({ arn: string, name: string, type: string, status: string })) }, ['Analyzers']),
  },
} as const satisfies ResourceTypeTable;

/** IAM Access Analyzer: the analyzers of each scanned region. */
export const accessanalyzer: Service<typeof TYPES, { accessanalyzer: AccessAnalyzerClient }> = {
  name: 'accessanalyzer',
  resourceTypes: TYPES,
  clients: {
    accessanalyzer: sdkClient(
      '@aws-sdk/client-accessanalyzer',
      async () => (await import('@aws-sdk/client-accessanalyzer')).AccessAnalyzerClient,
    ),
  },
  collectors: [
    {
      descriptor: {
        id: 'aws.accessanalyzer.analyzers',
        service: 'accessanalyzer',
        scope: 'regional',
        produces: ANALYZERS,
        commands: [{ command: 'ListAnalyzersCommand', action: 'access-analyzer:ListAnalyzers', for: ANALYZERS }],
      },
      load: async () => (await import('./collect.js')).collectAnalyzers,
    },
  ],
  enrichers: [],
};
