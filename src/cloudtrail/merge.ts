import { compareFindings } from '../engine/evaluate.js';
import type { CloudTrailSummary, Evaluation, Finding } from '../engine/findings.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { attributeFindings, resourceKey } from './attribution.js';
import { CLOUDTRAIL_TYPES, type EventsResult } from './pipeline.js';
import { cloudTrailTime, type TimeWindow } from './window.js';

function summary(events: EventsResult, window: TimeWindow): CloudTrailSummary {
  const s: CloudTrailSummary = { sources: events.stats.sources, chunks: events.stats.chunks, records: events.stats.records, events: events.stats.events };
  if (window.since) s.since = cloudTrailTime(window.since);
  if (window.until) s.until = cloudTrailTime(window.until);
  if (events.stats.firstEventTime) s.firstEventTime = events.stats.firstEventTime;
  if (events.stats.lastEventTime) s.lastEventTime = events.stats.lastEventTime;
  return s;
}

function dedupeSorted(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true))).sort(compareFindings);
}

/** The attribution keys of the resources that have findings: the only resources whose last change a report needs. */
export function findingResourceKeys(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => resourceKey(f.resource.type, f.resource.account, f.resource.region, f.resource.id)))].sort();
}

/**
 * One evaluation from a resource evaluation and the CloudTrail result (pure): resource findings
 * get their attribution, event findings and the CloudTrail rules' results are added, gaps and
 * notes are joined. The resource evaluation must not contain the CloudTrail rules (they would
 * be "not checked" there).
 */
export function mergeEvents(evaluation: Evaluation, events: EventsResult, window: TimeWindow): Evaluation {
  const findings = dedupeSorted([...attributeFindings(evaluation.findings, events.lastChangeByResource), ...events.findings]);
  const replaced = new Set(events.ruleResults.map((r) => r.ruleId));
  const rules = [...evaluation.rules.filter((r) => !replaced.has(r.ruleId)), ...events.ruleResults].sort((a, b) => a.ruleId.localeCompare(b.ruleId));
  const meta = {
    ...evaluation.meta,
    resourceTypes: [...new Set([...evaluation.meta.resourceTypes, ...CLOUDTRAIL_TYPES])],
    notes: [...(evaluation.meta.notes ?? []), ...events.notes],
  };
  return {
    ...evaluation,
    meta,
    findings,
    rules,
    gaps: [...evaluation.gaps, ...events.gaps],
    resourceCount: evaluation.resourceCount + events.allocations.length,
    cloudtrail: summary(events, window),
  };
}

/** The evaluation of a run with CloudTrail sources and no account snapshot: only the CloudTrail rules. */
export function eventsOnlyEvaluation(events: EventsResult, window: TimeWindow, now: Date): Evaluation {
  return {
    meta: {
      accounts: events.stats.accounts,
      regions: events.stats.regions,
      collectedAt: now.toISOString(),
      tool: { name: TOOL_NAME, version: toolVersion() },
      source: 'cloudtrail',
      resourceTypes: [...CLOUDTRAIL_TYPES],
      notes: events.notes,
    },
    evaluatedAt: now.toISOString(),
    findings: dedupeSorted([...events.findings]),
    rules: [...events.ruleResults],
    gaps: [...events.gaps],
    resourceCount: events.allocations.length,
    cloudtrail: summary(events, window),
  };
}
