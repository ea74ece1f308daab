import type { LambdaClient } from '@aws-sdk/client-lambda';
import { sdkClient } from '../../aws/client.js';
import { listOf, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { lambdaFunctionEnricher } from './enrich.js';
import { FN } from './produces.js';

const TYPES = {
  'aws.lambda.function': {
    scope: 'regional',
    title: 'Lambda function',
    id: 'FunctionName',
    data: '`ListFunctions` item without `Environment` (kept only as `{Error}` when AWS reports one), plus `EnvironmentVariableNames: [names, sorted]` at the top of `data`. The values are never stored: they are scanned by `src/secrets/detect.ts` at collection time, and `awsauditEnvironmentSecrets` (awsaudit\'s own field, not AWS\'s) holds what it found: `[{ variable, kind: "aws-access-key-id" \\| "aws-secret-access-key" \\| "secret-named-variable", keyIdMasked?, keyPrefix?, keyKind? }]`. Key ids are masked and AWS\'s documented example keys and placeholders skipped exactly as by the file scanner (`AKIA…MPLE`; `keyKind` `access-key`, `temporary`, ...).',
    facts: '`environmentSecrets`: `awsauditEnvironmentSecrets` of `data`',
    dataSchema: object(
      {
        FunctionName: string,
        FunctionArn: string,
        VpcConfig: object({ VpcId: string }),
        TracingConfig: object({ Mode: string }),
        EnvironmentVariableNames: listOf(string),
        awsauditEnvironmentSecrets: orNull(
          listOf(object({ variable: string, kind: string, keyIdMasked: string, keyPrefix: string, keyKind: string })),
        ),
      },
      ['FunctionName'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** Lambda functions, with what a secret scan of their environment found (never the values). */
export const lambda: Service<typeof TYPES, { lambda: LambdaClient }> = {
  name: 'lambda',
  resourceTypes: TYPES,
  clients: { lambda: sdkClient('@aws-sdk/client-lambda', async () => (await import('@aws-sdk/client-lambda')).LambdaClient) },
  collectors: [
    {
      descriptor: {
        id: 'aws.lambda.function',
        service: 'lambda',
        scope: 'regional',
        produces: FN,
        commands: [{ command: 'ListFunctionsCommand', action: 'lambda:ListFunctions', for: FN }],
      },
      load: async () => (await import('./collect.js')).collectFunctions,
    },
  ],
  enrichers: [lambdaFunctionEnricher],
};
