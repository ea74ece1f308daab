import type { SnapshotIndex } from '../snapshot/index.js';
import type { CoverageGap, Resource } from '../snapshot/types.js';
import type { JsonObject } from '../util/json.js';

export interface EnrichContext {
  /** Evaluation clock, ms since epoch. */
  now: number;
  index: SnapshotIndex;
  /**
   * Whether a gap may have left resources of a type out of the snapshot (a listing failed), rather
   * than only some fields of listed resources unfilled (src/engine/gap-effects.ts). The engine sets
   * it; without it every gap counts as one that may hide resources.
   */
  hidesResources?: (gap: CoverageGap, type: string) => boolean;
}

/** Computes facts for one resource type. Pure: reads the resource, the index and the clock. */
export interface Enricher {
  type: string;
  /**
   * Other resource types the facts are computed from. Collection gathers them whenever this
   * type is collected, and a coverage gap on one of them makes rules over this type incomplete.
   */
  reads?: readonly string[];
  /**
   * The top-level fields of its own resource's `data` the facts are computed from. When a call
   * that fills one of them failed, the facts of a resource lacking it are unknown to the rules
   * (src/engine/gap-effects.ts); when not given, any such field makes them unknown.
   */
  fields?: readonly string[];
  enrich(resource: Resource, ctx: EnrichContext): JsonObject;
}

export const DAY_MS = 86_400_000;

export function daysSince(value: unknown, now: number): number | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.floor((now - t) / DAY_MS);
}

/**
 * A value derived from the whole snapshot (e.g. "trail bucket names"), computed once per
 * evaluation and shared by every resource an enricher visits. `compute` must not return
 * undefined.
 */
export function derived<T>(index: SnapshotIndex, key: string, compute: () => T): T {
  // Kept on the index itself: this runs for most resources, and a property read costs less
  // than a WeakMap look-up.
  const values = index.derived;
  let value = values.get(key) as T | undefined;
  if (value === undefined) {
    value = compute();
    values.set(key, value);
  }
  return value;
}

/** Was this resource type collected (attempted) for the snapshot? Facts about an uncollected type are unknown, not empty. */
export function wasCollected(index: SnapshotIndex, type: string): boolean {
  return derived(index, 'collected-types', () => new Set(index.snapshot.meta.resourceTypes)).has(type);
}

/** The coverage gaps that leave a resource type incomplete. */
export function gapsOf(index: SnapshotIndex, type: string): SnapshotIndex['snapshot']['gaps'] {
  return index.snapshot.gaps.filter((g) => g.resourceTypes.includes(type));
}

/**
 * The gaps that may have left resources of a type out (a listing failed). A gap that only left a
 * field of listed resources unfilled is not one: the facts see those resources, and say "unknown"
 * for each whose verdict needs the missing field.
 */
export function listingGapsOf(ctx: EnrichContext, type: string): CoverageGap[] {
  const hides = ctx.hidesResources;
  return gapsOf(ctx.index, type).filter((g) => !hides || hides(g, type));
}
