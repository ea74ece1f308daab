/**
 * Records evaluated on this thread, chunk by chunk, with the correlation judged at the end: what
 * the pipeline does with files, for rule cases (`rules test`) and tests. Each chunk goes to its own
 * evaluator when `separateEvaluators` is set, as two workers would see them.
 */
import type { Finding } from '../../engine/findings.js';
import { EventEvaluator, capHits, type ChunkResult, type EvaluatorConfig } from '../event-evaluator.js';
import { CorrelationState, freshSync } from './state.js';

export interface InlineResult {
  findings: Finding[];
  /** Per rule: failed (events, or correlation findings), allowed, undecided. */
  failed: number[];
  allowed: number[];
  undecided: number[];
  notes: string[];
  truncated: Set<number>;
}

export function evaluateChunksInline(
  config: EvaluatorConfig,
  chunks: ReadonlyArray<readonly unknown[]>,
  options: { separateEvaluators?: boolean; maxCorrelationEntries?: number } = {},
): InlineResult {
  const shared = new EventEvaluator(config);
  const evaluators = options.separateEvaluators ? chunks.map(() => new EventEvaluator(config)) : [shared];
  const results: ChunkResult[] = chunks.map((records, k) =>
    evaluators[options.separateEvaluators ? k : 0]!.processRecords(`chunk ${k + 1}`, records),
  );
  const n = config.rules.length;
  const state = new CorrelationState(shared.compiledRules, options.maxCorrelationEntries, config.maxSightings);
  const failed = new Array<number>(n).fill(0);
  const allowed = new Array<number>(n).fill(0);
  const undecided = new Array<number>(n).fill(0);
  let first: string | undefined;
  let hits = [];
  for (const r of results) {
    r.failed.forEach((x, i) => (failed[i]! += x));
    r.allowed.forEach((x, i) => (allowed[i]! += x));
    r.undecided.forEach((x, i) => (undecided[i]! += x));
    for (const part of r.correlation) state.add(part);
    hits.push(...r.hits);
    if (r.firstEventTime && (!first || r.firstEventTime < first)) first = r.firstEventTime;
  }
  const outcome = state.finish(
    first,
    config.now,
    freshSync(state, first, (q) => evaluators.map((e) => e.answer(q))),
  );
  for (const [i, list] of outcome.findings) {
    failed[i] = list.length;
    for (const { finding, eventTime } of list) hits.push({ rule: i, eventTime, finding });
  }
  hits = capHits(hits, n, config.maxFindingsPerRule);
  return { findings: hits.map((h) => h.finding), failed, allowed, undecided, notes: outcome.notes, truncated: outcome.truncated };
}
