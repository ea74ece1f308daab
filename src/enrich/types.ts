import type { SnapshotIndex } from '../snapshot/index.js';
import type { Resource } from '../snapshot/types.js';
import type { JsonObject } from '../util/json.js';

export interface EnrichContext {
  /** Evaluation clock, ms since epoch. */
  now: number;
  index: SnapshotIndex;
}

/** Computes facts for one resource type. Pure: reads the resource, the index and the clock. */
export interface Enricher {
  type: string;
  /**
   * Other resource types the facts are computed from. Collection gathers them whenever this
   * type is collected, and a coverage gap on one of them makes rules over this type incomplete.
   */
  reads?: readonly string[];
  enrich(resource: Resource, ctx: EnrichContext): JsonObject;
}

export const DAY_MS = 86_400_000;

export function daysSince(value: unknown, now: number): number | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.floor((now - t) / DAY_MS);
}
