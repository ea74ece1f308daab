import type { Enricher } from '../../enrich/types.js';
import type { JsonObject } from '../../util/json.js';

/**
 * `environmentSecrets`: what the secret scan of a function's environment variable values found
 * at collection time (masked). A snapshot written before the scan's results moved into `data`
 * keeps them in its own `facts`, which then stand as they are.
 */
export const lambdaFunctionEnricher: Enricher = {
  type: 'aws.lambda.function',
  enrich(resource): JsonObject {
    return Object.hasOwn(resource.data, 'awsauditEnvironmentSecrets')
      ? { environmentSecrets: resource.data.awsauditEnvironmentSecrets ?? null }
      : {};
  },
};
