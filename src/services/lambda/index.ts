import type { LambdaClient } from '@aws-sdk/client-lambda';
import { sdkClient } from '../../aws/client.js';
import { listOf, object, orNull, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { lambdaFunctionEnricher, lambdaPolicyEnricher } from './enrich.js';
import { FN, FUNCTION, FUNCTION_POLICY } from './produces.js';

const TYPES = {
  [FUNCTION]: {
    scope: 'regional',
    title: 'Lambda function',
    id: 'FunctionName',
    data: '`ListFunctions` item without `Environment` (kept only as `{Error}` when AWS reports one), plus `EnvironmentVariableNames: [names, sorted]` at the top of `data`. The values are never stored: they are scanned by `src/secrets/detect.ts` at collection time, and `awsauditEnvironmentSecrets` (awsaudit\'s own field, not AWS\'s) holds what it found: `[{ variable, kind: "aws-access-key-id" \\| "aws-secret-access-key" \\| "secret-named-variable", keyIdMasked?, keyPrefix?, keyKind? }]`. Key ids are masked and AWS\'s documented example keys and placeholders skipped exactly as by the file scanner (`AKIA…MPLE`; `keyKind` `access-key`, `temporary`, ...).',
    facts:
      "`environmentSecrets`: `awsauditEnvironmentSecrets` of `data`; `runtimeDeprecatedOn`: the date AWS deprecates (deprecated) the function's `Runtime`, from a dated table of AWS's schedule (`src/services/lambda/runtimes.ts`; null for runtimes without a known date and image functions); `vpcAvailabilityZones`: the Availability Zones of its VPC subnets, sorted (null when not in a VPC, when subnets were not collected, or when a subnet is missing and the others span fewer than two zones)",
    dataSchema: object(
      {
        FunctionName: string,
        FunctionArn: string,
        Runtime: string,
        PackageType: string,
        VpcConfig: object({ VpcId: string, SubnetIds: listOf(string) }),
        TracingConfig: object({ Mode: string }),
        EnvironmentVariableNames: listOf(string),
        awsauditEnvironmentSecrets: orNull(
          listOf(object({ variable: string, kind: string, keyIdMasked: string, keyPrefix: string, keyKind: string })),
        ),
      },
      ['FunctionName'],
    ),
  },
  [FUNCTION_POLICY]: {
    scope: 'regional',
    title: 'Resource-based policy of a Lambda function',
    id: 'FunctionName',
    data: "Read only when a selected rule needs it: one `GetPolicy` per function of the `ListFunctions` listing (the unqualified function's policy; aliases and versions have their own). `{ FunctionName, FunctionArn, Policy }`: `Policy` is the policy document as JSON text, or null when the function has none (`ResourceNotFoundException`).",
    facts:
      '`publicStatements`: the Allow statements with Principal `*` (or `{"AWS": "*"}`) and no condition pinning the caller\'s account, organisation, source ARN or network, each `{ index, sid, action }`',
    dataSchema: object({ FunctionName: string, FunctionArn: orNull(string), Policy: orNull(string) }, ['FunctionName', 'Policy']),
  },
} as const satisfies ResourceTypeTable;

/** Lambda functions, with what a secret scan of their environment found (never the values), and their resource-based policies. */
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
        commands: [
          { command: 'ListFunctionsCommand', action: 'lambda:ListFunctions', for: FN },
          // Per function: no call lists the policies of many functions.
          { command: 'GetPolicyCommand', action: 'lambda:GetPolicy', for: [FUNCTION_POLICY] },
        ],
      },
      load: async () => (await import('./collect.js')).collectFunctions,
    },
  ],
  enrichers: [lambdaFunctionEnricher, lambdaPolicyEnricher],
};
