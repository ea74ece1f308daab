import { paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import { detectVariableSecrets } from '../../secrets/detect.js';
import type { JsonValue } from '../../util/json.js';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { FN } from './produces.js';

/**
 * Lambda functions of a region (50 per page, the maximum). Environment variable values can
 * hold secrets and are never stored: the snapshot keeps the names, and what the secret
 * detector found in the values, with key ids masked, as `awsauditEnvironmentSecrets` (its
 * enricher makes it the `environmentSecrets` fact).
 */
export const collectFunctions: CollectFunction<(typeof FN)[number], { lambda: LambdaClient }> = async (ctx) => {
  const client = ctx.client('lambda');
  const result = await ctx.call('ListFunctions', FN, () =>
    allItems(paginateListFunctions({ client, pageSize: 50 }, {}), (p) => p.Functions),
  );
  if (result.status !== 'ok') return;
  for (const fn of result.value) {
    const variables = fn.Environment?.Variables ?? {};
    // Drop the values before anything else touches the item.
    const { Environment, ...rest } = fn;
    const data = toJsonObject(rest);
    if (typeof data.FunctionName !== 'string') continue;
    if (Environment?.Error) data.Environment = toJsonObject({ Error: Environment.Error });
    data.EnvironmentVariableNames = Object.keys(variables).sort();
    data.awsauditEnvironmentSecrets = detectVariableSecrets(variables).map((s) => toJsonObject(s) as JsonValue);
    ctx.add({
      type: 'aws.lambda.function',
      id: data.FunctionName,
      arn: typeof data.FunctionArn === 'string' ? data.FunctionArn : undefined,
      data,
    });
  }
};
