import type { Enricher } from '../../enrich/types.js';
import type { JsonObject } from '../../util/json.js';

/**
 * `userDataSecrets`: what the secret scan of an instance's user data found at collection time
 * (masked; null when the user data could not be read). A snapshot written before the scan's
 * results moved into `data` keeps them in its own `facts`, which then stand as they are.
 */
export const userDataEnricher: Enricher = {
  type: 'aws.ec2.instance-user-data',
  enrich(resource): JsonObject {
    return Object.hasOwn(resource.data, 'awsauditUserDataSecrets')
      ? { userDataSecrets: resource.data.awsauditUserDataSecrets ?? null }
      : {};
  },
};
