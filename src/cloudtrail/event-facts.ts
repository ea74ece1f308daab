import { maskKeyId } from '../secrets/access-key-id.js';
import type { JsonObject } from '../util/json.js';
import type { CloudTrailRecord } from './records.js';
import type { AwsIpIndex } from './aws-ip-ranges.js';
import { instanceCredentialsFact } from './facts/instance-credentials.js';

/**
 * Facts of one event, computed per run (the record itself stays as delivered, in `data`).
 * `leakedAccessKey`: the call was signed with an access key id found leaked in local files
 * (the run's list, from `--leaked-key-id` and the file scanner). Rules read the fact, never
 * the list, so no report repeats the leaked ids: findings show `accessKeyIdMasked`.
 */
export interface EventFactsContext {
  leakedKeyIds: ReadonlySet<string>;
  /** AWS's published address ranges, when given (--aws-ip-ranges): for facts.instanceCredentials. */
  awsRanges?: AwsIpIndex | undefined;
}

const NOT_LEAKED: JsonObject = Object.freeze({ leakedAccessKey: false });

export function eventFacts(record: CloudTrailRecord, ctx: EventFactsContext): JsonObject {
  const instance = instanceCredentialsFact(record, ctx.awsRanges);
  const facts = leakFacts(record, ctx);
  return instance ? { ...facts, instanceCredentials: instance } : facts;
}

function leakFacts(record: CloudTrailRecord, ctx: EventFactsContext): JsonObject {
  if (ctx.leakedKeyIds.size === 0) return NOT_LEAKED;
  const identity = record.userIdentity as { accessKeyId?: unknown } | undefined;
  const keyId = identity?.accessKeyId;
  if (typeof keyId !== 'string' || !ctx.leakedKeyIds.has(keyId)) return NOT_LEAKED;
  return { leakedAccessKey: true, accessKeyIdMasked: maskKeyId(keyId) };
}

/** The same mask as everywhere else: `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`. */
export { maskKeyId };
