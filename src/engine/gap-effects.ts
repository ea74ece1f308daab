import { COLLECTORS } from '../collect/registry.js';
import type { CoverageGap } from '../snapshot/types.js';
import { FACTS } from './data-paths.js';

export { FACTS };

/**
 * What a coverage gap leaves unknown about one resource type. A per-resource sub-call that
 * failed (GetTrailStatus, GetBucketPolicy) leaves every resource listed, only without the
 * fields that call fills: those fields are unknown on the resources that lack them, and nothing
 * else is. Any other failure (a listing, a sub-call whose failure drops the resource, a collector
 * that stopped) may have left resources out altogether: then no list of the type is whole.
 *
 * Read from the collector descriptors (`CommandSpec.fills`), so a snapshot written before this
 * was known is read the same way: a gap names its service and operation, and the descriptor of
 * that command says what it fills.
 */
export type GapEffect = { fields: readonly string[] } | 'resources';

/** service \0 operation -> type -> fields, for every command that declares what it fills. */
let fillsIndex: Map<string, ReadonlyMap<string, readonly string[]>> | undefined;

function fills(): Map<string, ReadonlyMap<string, readonly string[]>> {
  if (fillsIndex) return fillsIndex;
  fillsIndex = new Map();
  for (const { descriptor } of COLLECTORS) {
    for (const command of descriptor.commands) {
      if (!command.fills) continue;
      const operation = command.command.replace(/Command$/u, '');
      const byType = new Map<string, readonly string[]>();
      for (const [type, fields] of Object.entries(command.fills) as Array<[string, readonly string[] | undefined]>) {
        if (fields && fields.length) byType.set(type, fields);
      }
      fillsIndex.set(`${descriptor.service}\u0000${operation}`, byType);
    }
  }
  return fillsIndex;
}

/** What `gap` leaves unknown about resources of `type` (which the gap must name). */
export function gapEffect(gap: CoverageGap, type: string): GapEffect {
  const fields = fills().get(`${gap.service}\u0000${gap.operation}`)?.get(type);
  return fields ? { fields } : 'resources';
}

/** Does this gap possibly leave resources of `type` out of the snapshot (rather than only some of their fields)? */
export function gapHidesResources(gap: CoverageGap, type: string): boolean {
  return gap.resourceTypes.includes(type) && gapEffect(gap, type) === 'resources';
}

/** Per type, the fields that sub-call gaps left unknown, and those gaps (for the findings that are decided despite them). */
export interface FieldGaps {
  /** Fields some sub-call of the type failed to fill (unknown on a resource only where absent). */
  fields: ReadonlySet<string>;
  /** field -> the gaps that left it unfilled. */
  gapsByField: ReadonlyMap<string, readonly CoverageGap[]>;
}

/** The field gaps of every type in the snapshot's gaps. */
export function fieldGapsByType(gaps: readonly CoverageGap[]): Map<string, FieldGaps> {
  const out = new Map<string, { fields: Set<string>; gapsByField: Map<string, CoverageGap[]> }>();
  for (const gap of gaps) {
    for (const type of gap.resourceTypes) {
      const effect = gapEffect(gap, type);
      if (effect === 'resources') continue;
      let entry = out.get(type);
      if (!entry) out.set(type, (entry = { fields: new Set(), gapsByField: new Map() }));
      for (const field of effect.fields) {
        entry.fields.add(field);
        const list = entry.gapsByField.get(field) ?? [];
        list.push(gap);
        entry.gapsByField.set(field, list);
      }
    }
  }
  return out;
}

/**
 * The fields of a resource's data that are unknown: filled by a call that failed, and absent from
 * it; and `FACTS` when its facts are computed from one of them (`factFields`: the data fields the
 * type's enrichers read, 'any' when one of them does not say, empty for a type without enrichers).
 */
export function unknownFields(
  data: object,
  gaps: FieldGaps | undefined,
  factFields: ReadonlySet<string> | 'any',
): ReadonlySet<string> | undefined {
  if (!gaps) return undefined;
  let unknown: Set<string> | undefined;
  for (const field of gaps.fields) if (!Object.hasOwn(data, field)) (unknown ??= new Set()).add(field);
  if (unknown && [...unknown].some((f) => factsRead(factFields, f))) unknown.add(FACTS);
  return unknown;
}

/** Are the facts computed from this data field? */
export function factsRead(factFields: ReadonlySet<string> | 'any', field: string): boolean {
  return factFields === 'any' || factFields.has(field);
}
