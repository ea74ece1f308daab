import type { Enricher } from '../../enrich/types.js';
import { wasCollected } from '../../enrich/types.js';
import { isPlainObject, type JsonObject } from '../../util/json.js';
import { publicStatementFacts } from '../s3/enrich-bucket.js';
import { parsePolicyDocument } from '../iam/policy/document.js';
import { RUNTIME_DEPRECATION } from './runtimes.js';

/**
 * The Availability Zones of a VPC function's subnets, from the subnets of the same snapshot
 * (sorted). Null when the function is not in a VPC, when subnets were not collected, or when
 * one of its subnets is missing and the others do not already span two zones.
 */
function vpcZones(resource: Parameters<Enricher['enrich']>[0], ctx: Parameters<Enricher['enrich']>[1]): string[] | null {
  const vpc = resource.data.VpcConfig;
  if (!isPlainObject(vpc) || typeof vpc.VpcId !== 'string' || vpc.VpcId === '') return null;
  if (!wasCollected(ctx.index, 'aws.ec2.subnet')) return null;
  const zones = new Set<string>();
  let missing = false;
  for (const subnetId of Array.isArray(vpc.SubnetIds) ? vpc.SubnetIds : []) {
    if (typeof subnetId !== 'string') continue;
    const subnet = ctx.index.get('aws.ec2.subnet', resource.account, resource.region, subnetId);
    const zone = subnet?.data.AvailabilityZone;
    if (typeof zone === 'string') zones.add(zone);
    else missing = true;
  }
  return missing && zones.size < 2 ? null : [...zones].sort();
}

/**
 * Facts of a function:
 * - `environmentSecrets`: what the secret scan of its environment variable values found at
 *   collection time (masked). A snapshot written before the scan's results moved into `data`
 *   keeps them in its own `facts`, which then stand as they are;
 * - `runtimeDeprecatedOn`: the date AWS deprecates (or deprecated) its runtime, from
 *   runtimes.ts; null for a runtime with no known date and for image functions;
 * - `vpcAvailabilityZones`: see vpcZones.
 */
export const lambdaFunctionEnricher: Enricher = {
  type: 'aws.lambda.function',
  reads: ['aws.ec2.subnet'],
  enrich(resource, ctx): JsonObject {
    const runtime = resource.data.Runtime;
    const facts: JsonObject = {
      runtimeDeprecatedOn: typeof runtime === 'string' ? (RUNTIME_DEPRECATION[runtime] ?? null) : null,
      vpcAvailabilityZones: vpcZones(resource, ctx),
    };
    if (Object.hasOwn(resource.data, 'awsauditEnvironmentSecrets'))
      facts.environmentSecrets = resource.data.awsauditEnvironmentSecrets ?? null;
    return facts;
  },
};

/**
 * `publicStatements`: the Allow statements of a function's resource-based policy that any AWS
 * principal or anonymous caller can use (Principal `*` without a condition that pins the
 * caller's account, organisation, source or network: the same test as S3 bucket policies),
 * each `{ index, sid, action }`. A function URL with auth type NONE is such a statement.
 */
export const lambdaPolicyEnricher: Enricher = {
  type: 'aws.lambda.function-policy',
  enrich(resource): JsonObject {
    return { publicStatements: publicStatementFacts(parsePolicyDocument(resource.data.Policy)) };
  },
};
