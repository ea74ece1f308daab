import type { CloudTrailSummary, Evaluation, Finding } from '../engine/findings.js';
import { buildResults, type SourceResults } from '../engine/results.js';
import type { Snapshot, SnapshotMeta } from '../snapshot/types.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { attributeFindings, resourceKey } from './attribution.js';
import { CLOUDTRAIL_TYPES, type EventsResult } from './pipeline.js';
import { cloudTrailTime, type TimeWindow } from './window.js';

function summary(events: EventsResult, window: TimeWindow): CloudTrailSummary {
  const s: CloudTrailSummary = {
    sources: events.stats.sources,
    chunks: events.stats.chunks,
    records: events.stats.records,
    events: events.stats.events,
    distinctEvents: events.stats.distinctEvents,
  };
  if (window.since) s.since = cloudTrailTime(window.since);
  if (window.until) s.until = cloudTrailTime(window.until);
  if (events.stats.firstEventTime) s.firstEventTime = events.stats.firstEventTime;
  if (events.stats.lastEventTime) s.lastEventTime = events.stats.lastEventTime;
  return s;
}

/** The attribution keys of the resources that have findings: the only resources whose last change a report needs. */
export function findingResourceKeys(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => resourceKey(f.resource.type, f.resource.account, f.resource.region, f.resource.id)))].sort();
}

/** A snapshot's part of a run: the snapshot and what its rules gave (src/engine/evaluate.ts `evaluateResources`). */
export interface ResourcePart {
  snapshot: Snapshot;
  results: SourceResults;
}

/**
 * The evaluation of a run that read CloudTrail events (pure). With a snapshot's part, its findings
 * get the last change of their resource, and its meta, gaps and notes are joined with the events';
 * without one, only the CloudTrail rules ran. The rules of the two parts must not overlap (a
 * CloudTrail rule in the snapshot's part would be "not checked" there).
 */
export function evaluationWithEvents(events: EventsResult, window: TimeWindow, now: Date, resources?: ResourcePart): Evaluation {
  const parts: SourceResults[] = [events.results];
  let meta: SnapshotMeta;
  let gaps = events.gaps;
  let resourceCount = events.allocations.length;
  if (resources) {
    const { snapshot, results } = resources;
    parts.unshift({ tallies: results.tallies, findings: attributeFindings(results.findings, events.lastChangeByResource) });
    meta = {
      ...snapshot.meta,
      resourceTypes: [...new Set([...snapshot.meta.resourceTypes, ...CLOUDTRAIL_TYPES])],
      notes: [...(snapshot.meta.notes ?? []), ...(results.notes ?? []), ...events.notes],
    };
    gaps = [...snapshot.gaps, ...gaps];
    resourceCount += snapshot.resources.length;
  } else {
    meta = {
      accounts: events.stats.accounts,
      regions: events.stats.regions,
      collectedAt: now.toISOString(),
      tool: { name: TOOL_NAME, version: toolVersion() },
      source: 'cloudtrail',
      resourceTypes: [...CLOUDTRAIL_TYPES],
      notes: events.notes,
    };
  }
  return { meta, evaluatedAt: now.toISOString(), ...buildResults(parts), gaps, resourceCount, cloudtrail: summary(events, window) };
}
