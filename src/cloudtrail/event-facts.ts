import { ruleReads, type RuleExpressions } from '../engine/data-paths.js';
import type { JsonObject } from '../util/json.js';
import { bucketExposureFacts } from './facts/bucket-exposure.js';
import { ingressFacts } from './facts/ingress.js';
import { inlinePolicyFacts } from './facts/inline-policy.js';
import { leakedKeyFacts } from './facts/leaked-key.js';
import { outcomeFacts } from './facts/outcome.js';
import { rootFacts } from './facts/root.js';
import type { EventFactModule, EventFactsContext } from './facts/types.js';
import type { CloudTrailRecord } from './records.js';
import { resourcePolicyFacts } from './facts/resource-policy.js';
import { roleTrustFacts } from './facts/role-trust.js';
import { sharingFacts } from './facts/sharing.js';
import { targetUserFacts } from './facts/target-user.js';
import { instanceCredentialsFacts } from './facts/instance-credentials.js';

export type { EventFactModule, EventFactsContext } from './facts/types.js';

/**
 * Facts of one event, computed per run (the record itself stays as delivered, in `data`), from
 * small pure modules under ./facts, one per topic. Add a topic by adding its module here.
 * Whether a policy document is public or grants admin, and whether an ingress rule opens a port
 * to the internet, are decided by the code that decides it for resources (./facts/policy.ts,
 * ./facts/ingress.ts), never by patterns in rule files.
 */
export const EVENT_FACT_MODULES: readonly EventFactModule[] = [
  leakedKeyFacts,
  outcomeFacts,
  rootFacts,
  inlinePolicyFacts,
  bucketExposureFacts,
  ingressFacts,
  resourcePolicyFacts,
  sharingFacts,
  roleTrustFacts,
  targetUserFacts,
  instanceCredentialsFacts,
];

const NO_FACTS: JsonObject = Object.freeze({});

/** Every module's facts for a record (those whose event names include it), merged in list order. */
export function eventFacts(
  record: CloudTrailRecord,
  ctx: EventFactsContext,
  modules: readonly EventFactModule[] = EVENT_FACT_MODULES,
): JsonObject {
  let out: JsonObject | undefined;
  let own = false;
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i]!;
    if (m.eventNames !== null && !m.eventNames.includes(record.eventName)) continue;
    const part = m.compute(record, ctx);
    if (part === undefined) continue;
    if (out === undefined) out = part;
    else {
      // Parts may be shared frozen objects: merge into a copy of our own.
      if (!own) {
        out = { ...out };
        own = true;
      }
      Object.assign(out, part);
    }
  }
  return out ?? NO_FACTS;
}

/** The facts a set of rules reads (condition, severity overrides, message, fix), or `all` when one reads `facts` whole. */
export function factsReadBy(rules: readonly RuleExpressions[]): Set<string> | 'all' {
  const names = new Set<string>();
  for (const rule of rules) {
    const reads = ruleReads(rule);
    if (reads.whole.some((l) => l.length <= 1 && (l.length === 0 || l[0] === 'facts'))) return 'all';
    for (const l of reads.locations) if (l[0] === 'facts' && l[1] !== undefined) names.add(l[1]);
  }
  return names;
}

/**
 * The modules a run needs, by event name: those whose facts a selected rule reads and that speak
 * to the event. Computed once per event name (a few hundred in a large archive), so an event
 * no rule reads facts of costs one map look-up.
 */
export class EventFactsPlan {
  private readonly needed: readonly EventFactModule[];
  private readonly byName = new Map<string, readonly EventFactModule[]>();

  constructor(read: Set<string> | 'all', modules: readonly EventFactModule[] = EVENT_FACT_MODULES) {
    this.needed = read === 'all' ? modules : modules.filter((m) => m.facts.some((f) => read.has(f)));
  }

  facts(record: CloudTrailRecord, ctx: EventFactsContext): JsonObject {
    let modules = this.byName.get(record.eventName);
    if (modules === undefined) {
      modules = this.needed.filter((m) => m.eventNames === null || m.eventNames.includes(record.eventName));
      // Bounded: event names are few, but a hostile file could hold many.
      if (this.byName.size < 10_000) this.byName.set(record.eventName, modules);
    }
    return modules.length === 0 ? NO_FACTS : eventFacts(record, ctx, modules);
  }
}

/** The same mask as everywhere else: `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`. */
export { maskKeyId } from '../secrets/access-key-id.js';
