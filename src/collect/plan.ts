import { factSources } from '../enrich/index.js';
import { isResourceType, type ResourceType } from '../resources/types.js';
import { COLLECTORS, CORE_COMMANDS, type RegisteredCollector } from './registry.js';
import type { ServiceName } from '../services/index.js';
import type { CommandSpec } from './types.js';

/** What a rule tells collection: the type it evaluates and the other types it reads. */
export interface RuleNeeds {
  resource: string;
  requires?: readonly string[] | undefined;
}

/**
 * The resource types a set of rules needs: each rule's type, the types it `requires`, and
 * the types the enrichers of those types read to compute their facts (transitively: the
 * facts of a security group depend on instances, whose facts depend on route tables).
 */
export function typesNeeded(rules: readonly RuleNeeds[], extra: readonly string[] = []): Set<string> {
  const needed = new Set<string>();
  for (const type of [...rules.flatMap((r) => [r.resource, ...(r.requires ?? [])]), ...extra]) {
    needed.add(type);
    for (const source of factSources(type)) needed.add(source);
  }
  return needed;
}

export interface PlannedCollector {
  collector: RegisteredCollector;
  /** The types wanted from it in this scan. */
  wanted: ReadonlySet<ResourceType>;
}

export interface CollectionPlan {
  collectors: PlannedCollector[];
  /** Types collection attempts (`meta.resourceTypes`): the account and what the planned collectors produce for this scan. */
  types: ResourceType[];
  /** Needed types that no AWS collector produces (local files, CloudTrail events): left to other sources. */
  notCollected: string[];
}

/** The collectors to run for these types, each told which of its types are wanted. */
export function planCollection(types: Iterable<string>): CollectionPlan {
  const needed = new Set(types);
  const collectors: PlannedCollector[] = [];
  const covered = new Set<string>(['aws.account']);
  for (const collector of COLLECTORS) {
    const wanted = new Set(collector.descriptor.produces.filter((t) => needed.has(t)));
    if (wanted.size === 0) continue;
    collectors.push({ collector, wanted });
    for (const t of wanted) covered.add(t);
  }
  return {
    collectors,
    types: [...covered].filter(isResourceType).sort(),
    notCollected: [...needed].filter((t) => !covered.has(t)).sort(),
  };
}

/** Every type some collector can produce (for `collect --types all`). */
export function collectableTypes(): ResourceType[] {
  return [...new Set(COLLECTORS.flatMap((c) => c.descriptor.produces))].sort();
}

export interface PlannedCommand extends CommandSpec<ResourceType, ServiceName> {
  service: ServiceName;
  collector: string;
}

/** Every command the plan can send: the core calls and each planned collector's commands for its wanted types. */
export function commandsOf(plan: CollectionPlan): PlannedCommand[] {
  const out: PlannedCommand[] = CORE_COMMANDS.map((c) => ({ ...c, service: c.service ?? 'sts', collector: 'core' }));
  for (const { collector, wanted } of plan.collectors) {
    for (const spec of collector.descriptor.commands) {
      if (spec.for.some((t) => wanted.has(t)))
        out.push({ ...spec, service: spec.service ?? collector.descriptor.service, collector: collector.descriptor.id });
    }
  }
  return out;
}

/** The least-privilege, read-only IAM policy for a plan: exactly the actions its commands need. */
export function permissionsPolicy(plan: CollectionPlan): {
  Version: string;
  Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' }>;
} {
  const actions = [...new Set(commandsOf(plan).map((c) => c.action))].sort();
  return { Version: '2012-10-17', Statement: [{ Sid: 'AwsauditReadOnly', Effect: 'Allow', Action: actions, Resource: '*' }] };
}

/** Where a resource type is collected: by an account-scope collector (an account's global unit) or a regional one. */
export function collectorScopeOf(type: string): 'account' | 'regional' | undefined {
  return COLLECTORS.find((c) => (c.descriptor.produces as readonly string[]).includes(type))?.descriptor.scope;
}
