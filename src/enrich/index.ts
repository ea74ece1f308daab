import type { Resource } from '../snapshot/types.js';
import { SERVICES } from '../services/index.js';
import type { EnrichContext, Enricher } from './types.js';

/** Every enricher, from the services list, by the resource type it computes facts for. */
export const ENRICHERS: readonly Enricher[] = SERVICES.flatMap((service) => service.enrichers);

const byType = new Map<string, Enricher[]>();
for (const enricher of ENRICHERS) {
  const list = byType.get(enricher.type) ?? [];
  list.push(enricher);
  byType.set(enricher.type, list);
}

export function enrichersFor(type: string): readonly Enricher[] {
  return byType.get(type) ?? [];
}

/** The other resource types the facts of a type are computed from (see `Enricher.reads`). */
export function enricherReads(type: string): string[] {
  return [...new Set(enrichersFor(type).flatMap((e) => e.reads ?? []))];
}

/** `enricherReads`, followed transitively (a group's facts read instances, whose facts read route tables). */
export function factSources(type: string): string[] {
  const seen = new Set<string>();
  const queue = enricherReads(type);
  while (queue.length) {
    const t = queue.pop()!;
    if (t === type || seen.has(t)) continue;
    seen.add(t);
    queue.push(...enricherReads(t));
  }
  return [...seen].sort();
}

/** A resource as rules see it: snapshot facts with computed facts merged over them. */
export type EnrichedResource = Resource;

/**
 * Compute the facts of one resource (pure: same snapshot and clock, same facts).
 * A resource without an enricher is passed through as it is (no copy: on large
 * snapshots the allocation is what costs). `enrichers` are those of the resource's type (a
 * caller visiting many resources of one type looks them up once).
 */
export function enrichResource(
  resource: Resource,
  ctx: EnrichContext,
  enrichers: readonly Enricher[] = enrichersFor(resource.type),
): EnrichedResource {
  if (enrichers.length === 0) return resource;
  let facts = enrichers.length === 1 ? enrichers[0]!.enrich(resource, ctx) : {};
  if (enrichers.length > 1) for (let i = 0; i < enrichers.length; i++) Object.assign(facts, enrichers[i]!.enrich(resource, ctx));
  if (resource.facts) facts = { ...resource.facts, ...facts };
  const view: EnrichedResource = {
    type: resource.type,
    id: resource.id,
    account: resource.account,
    region: resource.region,
    data: resource.data,
    facts,
  };
  if (resource.arn !== undefined) view.arn = resource.arn;
  if (resource.location !== undefined) view.location = resource.location;
  return view;
}
