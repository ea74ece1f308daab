import { paginateListFunctions } from '@aws-sdk/client-lambda';
import { detectVariableSecrets } from '../../secrets/detect.js';
import type { JsonObject, JsonValue } from '../../util/json.js';
import { allItems } from '../pages.js';
import { toJsonObject } from '../sdk-json.js';
import type { Collector, CollectorDescriptor } from '../types.js';

const FN = ['aws.lambda.function'] as const;

export const lambdaFunctionsDescriptor = {
  id: 'aws.lambda.function',
  service: 'lambda',
  scope: 'regional',
  produces: FN,
  commands: [{ command: 'ListFunctionsCommand', action: 'lambda:ListFunctions', for: FN }],
} as const satisfies CollectorDescriptor;

/**
 * Lambda functions of a region (50 per page, the maximum). Environment variable values can
 * hold secrets and are never stored: the snapshot keeps the names, and what the secret
 * detector found in the values, with key ids masked, as `facts.environmentSecrets`.
 */
export const lambdaFunctionsCollector: Collector = {
  descriptor: lambdaFunctionsDescriptor,
  async collect(ctx) {
    const client = ctx.client('lambda');
    const result = await ctx.call('ListFunctions', FN, () => allItems(paginateListFunctions({ client, pageSize: 50 }, {}), (p) => p.Functions));
    if (result.status !== 'ok') return;
    for (const fn of result.value) {
      const variables = fn.Environment?.Variables ?? {};
      // Drop the values before anything else touches the item.
      const { Environment, ...rest } = fn;
      const data = toJsonObject(rest);
      if (typeof data.FunctionName !== 'string') continue;
      if (Environment?.Error) data.Environment = toJsonObject({ Error: Environment.Error });
      data.EnvironmentVariableNames = Object.keys(variables).sort();
      const facts: JsonObject = { environmentSecrets: detectVariableSecrets(variables).map((s) => toJsonObject(s) as JsonValue) };
      ctx.add({ type: 'aws.lambda.function', id: data.FunctionName, arn: typeof data.FunctionArn === 'string' ? data.FunctionArn : undefined, data, facts });
    }
  },
};
