import { GetPolicyCommand, paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import { detectVariableSecrets } from '../../secrets/detect.js';
import type { JsonValue } from '../../util/json.js';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { FN, FUNCTION, FUNCTION_POLICY } from './produces.js';

/** No resource policy (or the function was deleted after the listing): nothing grants access through it. */
const NO_POLICY = 'ResourceNotFoundException';

/**
 * Lambda functions of a region (50 per page, the maximum). Environment variable values can
 * hold secrets and are never stored: the snapshot keeps the names, and what the secret
 * detector found in the values, with key ids masked, as `awsauditEnvironmentSecrets` (its
 * enricher makes it the `environmentSecrets` fact). Only when a selected rule reads it, each
 * function's resource-based policy (one GetPolicy per function: no call lists them).
 */
export const collectFunctions: CollectFunction<(typeof FN)[number], { lambda: LambdaClient }> = async (ctx) => {
  const client = ctx.client('lambda');
  // A failed listing is a gap for the functions, and for their policies only when they are wanted.
  const result = await ctx.call('ListFunctions', ctx.wants(FUNCTION_POLICY) ? FN : [FUNCTION], () =>
    allItems(paginateListFunctions({ client, pageSize: 50 }, {}), (p) => p.Functions),
  );
  if (result.status !== 'ok') return;
  const policies: Array<Promise<void>> = [];
  for (const fn of result.value) {
    const variables = fn.Environment?.Variables ?? {};
    // Drop the values before anything else touches the item.
    const { Environment, ...rest } = fn;
    const data = toJsonObject(rest);
    if (typeof data.FunctionName !== 'string') continue;
    if (Environment?.Error) data.Environment = toJsonObject({ Error: Environment.Error });
    data.EnvironmentVariableNames = Object.keys(variables).sort();
    data.awsauditEnvironmentSecrets = detectVariableSecrets(variables).map((s) => toJsonObject(s) as JsonValue);
    const FunctionName = data.FunctionName;
    const arn = typeof data.FunctionArn === 'string' ? data.FunctionArn : undefined;
    if (ctx.wants(FUNCTION)) ctx.add({ type: FUNCTION, id: FunctionName, arn, data });
    if (ctx.wants(FUNCTION_POLICY)) {
      policies.push(
        (async () => {
          const policy = await ctx.call(
            'GetPolicy',
            [FUNCTION_POLICY],
            async () => (await client.send(new GetPolicyCommand({ FunctionName }))).Policy ?? null,
            { subject: FunctionName, absent: [NO_POLICY] },
          );
          if (policy.status === 'failed') return;
          ctx.add({
            type: FUNCTION_POLICY,
            id: FunctionName,
            arn,
            data: { FunctionName, FunctionArn: arn ?? null, Policy: policy.status === 'ok' ? policy.value : null },
          });
        })(),
      );
    }
  }
  await Promise.all(policies);
};
