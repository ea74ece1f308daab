import { maskKeyId } from '../secrets/access-key-id.js';
import type { JsonObject } from '../util/json.js';
import type { CloudTrailRecord } from './records.js';
import { outcomeFacts } from './facts/outcome.js';
import { resourcePolicyFacts } from './facts/resource-policy.js';
import { roleTrustFacts } from './facts/role-trust.js';
import { sharingFacts } from './facts/sharing.js';
import { targetUserFacts } from './facts/target-user.js';
import type { EventFactModule } from './facts/types.js';

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

/** Fact modules (src/cloudtrail/facts/): those of every event, and those of named events by the event names they read. */
const MODULES: readonly EventFactModule[] = [outcomeFacts, resourcePolicyFacts, sharingFacts, roleTrustFacts, targetUserFacts];
const EVERY_EVENT = MODULES.filter((m) => m.eventNames === null);
const MODULES_BY_NAME = new Map<string, EventFactModule[]>();
for (const m of MODULES) for (const name of m.eventNames ?? []) MODULES_BY_NAME.set(name, [...(MODULES_BY_NAME.get(name) ?? []), m]);

export function eventFacts(record: CloudTrailRecord, ctx: EventFactsContext): JsonObject {
  const out: JsonObject = { ...leakFacts(record, ctx) };
  for (const m of EVERY_EVENT) Object.assign(out, m.compute(record, ctx));
  const modules = MODULES_BY_NAME.get(record.eventName);
  if (modules) for (const m of modules) Object.assign(out, m.compute(record, ctx));
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
