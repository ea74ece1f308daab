import { maskKeyId } from '../secrets/access-key-id.js';
import type { JsonObject } from '../util/json.js';
import type { CloudTrailRecord } from './records.js';
import { resourcePolicyTopic } from './facts/resource-policy.js';
import { roleTrustTopic } from './facts/role-trust.js';
import { sharingTopic } from './facts/sharing.js';
import { targetUserTopic } from './facts/target-user.js';
import type { FactTopic } from './facts/topic.js';

/**
 * Facts of one event, computed per run (the record itself stays as delivered, in `data`).
 * `leakedAccessKey`: the call was signed with an access key id found leaked in local files
 * (the run's list, from `--leaked-key-id` and the file scanner). Rules read the fact, never
 * the list, so no report repeats the leaked ids: findings show `accessKeyIdMasked`.
 */
export interface EventFactsContext {
  leakedKeyIds: ReadonlySet<string>;
}

const NOT_LEAKED: JsonObject = Object.freeze({ leakedAccessKey: false });

/** Fact topics (src/cloudtrail/facts/), by the event names they read. */
const TOPICS: readonly FactTopic[] = [resourcePolicyTopic, sharingTopic, roleTrustTopic, targetUserTopic];
const TOPICS_BY_NAME = new Map<string, FactTopic[]>();
for (const topic of TOPICS) for (const name of topic.eventNames) TOPICS_BY_NAME.set(name, [...(TOPICS_BY_NAME.get(name) ?? []), topic]);

export function eventFacts(record: CloudTrailRecord, ctx: EventFactsContext): JsonObject {
  const base = leakFacts(record, ctx);
  const topics = TOPICS_BY_NAME.get(record.eventName);
  if (!topics) return base;
  const out: JsonObject = { ...base };
  for (const topic of topics) Object.assign(out, topic.facts(record));
  return out;
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
