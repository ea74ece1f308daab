import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { evaluateResources } from '../engine/evaluate.js';
import type { Attribution, Finding } from '../engine/findings.js';
import type { RuleTally, SourceResults } from '../engine/results.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { CoverageGap, Resource, Snapshot } from '../snapshot/types.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from '../snapshot/types.js';
import { RUN_TIMEOUT, deadlineSignal, settlesWithin, whenAborted, type Deadline } from '../util/deadline.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { recordChange } from './attribution.js';
import { AllocationTracker, EIP_ALLOCATION_TYPE } from './eip-allocations.js';
import { EVENT_TYPE, capHits, type AttributionMode, type ChunkResult, type EvaluatorConfig, type RuleHit } from './event-evaluator.js';
import { InlineProcessor, WorkerPool, type Chunk, type ChunkProcessor } from './pool.js';
import { ReadProblems } from './read-problems.js';
import { KeyList } from './event-key.js';
import { FileProblem, gzipProblem, isGzip, type BatchLayout } from './records.js';
import { ItemSplitter } from './split.js';
import { CorrelationState, fresh } from './correlation/state.js';
import type { Match } from './correlation/types.js';
import type { AllowEntry } from '../ruleset/types.js';
import type { AwsIpRanges } from './aws-ip-ranges.js';
import { cloudTrailTime, type TimeWindow } from './window.js';

/** The resource types whose rules CloudTrail events feed. */
export const CLOUDTRAIL_TYPES = [EVENT_TYPE, EIP_ALLOCATION_TYPE] as const;

export function isCloudTrailRule(rule: CompiledRule): boolean {
  return (CLOUDTRAIL_TYPES as readonly string[]).includes(rule.definition.resource);
}

/**
 * A chunk plus where it came from, and how to read it again as a stream (a whole file that is
 * too large, or whose gzip stream is cut or damaged, is read again that way: see processBytes).
 */
export interface SourceItem extends Chunk {
  region: string;
  reopen?: () => Promise<Readable>;
  /** For a batch of a streamed file: that file (its problems are gathered under it, and it counts as one chunk). */
  file?: string;
  layout?: BatchLayout;
}

/**
 * What a source can do while it reads: hand over chunks (waiting while the workers are full),
 * report gaps and notes. After the run's deadline, `dispatch` and `stream` throw (the source
 * stops there) and gaps and notes are dropped: the source as a whole is then a gap.
 */
export interface SourceContext {
  readonly window: TimeWindow;
  readonly now: Date;
  /** Aborted at the run's deadline (`--timeout`): sources pass it to their AWS calls. */
  readonly signal?: AbortSignal;
  dispatch(item: SourceItem): Promise<void>;
  /** Read a large input as a stream: gunzip and split into record batches on this thread, parse in the workers. */
  stream(readable: Readable, label: string, region: string): Promise<void>;
  gap(gap: Omit<CoverageGap, 'service' | 'resourceTypes'>): void;
  note(text: string): void;
}

/** Where events come from: local files, an S3 archive, the LookupEvents API. */
export interface EventSource {
  readonly description: string;
  /** The region of a gap about the source as a whole (default `global`; local files: `local`). */
  readonly region?: string;
  run(ctx: SourceContext): Promise<void>;
}

export interface EventProgress {
  chunks: number;
  records: number;
  events: number;
}

export interface EvaluateEventsOptions {
  now: Date;
  window: TimeWindow;
  /** Worker threads; default os.availableParallelism(); 0 evaluates on this thread. */
  workers?: number;
  /** Access key ids found leaked (from --leaked-key-id and the file scanner): events signed with them are findings. */
  leakedKeyIds?: string[];
  /**
   * Which resources to keep the last change of: `targets` (keys from attribution.resourceKey, e.g.
   * the resources that have findings), `all` (bounded by maxChanges) or `off`. Default `all`.
   */
  attribution?: AttributionMode;
  /** Findings kept per event rule (the most recent); counts stay exact. Default 1000. */
  maxFindingsPerRule?: number;
  /** Bound on the attribution map in `all` mode. Default 100,000. */
  maxChanges?: number;
  /** Bound on the coverage gaps listed one by one. Default 1,000. */
  maxGaps?: number;
  /** Allow-list entries (config `allow` and each rule's own), by rule id; `*` applies to every event rule. */
  allow?: Readonly<Record<string, AllowEntry[]>>;
  /** AWS's published address ranges (--aws-ip-ranges), for facts.instanceCredentials. */
  awsIpRanges?: AwsIpRanges;
  /** Bound on each correlation rule's state (matching events and seen values). Default 200,000. */
  maxCorrelationEntries?: number;
  /** About how many characters of a delivered file are read as one text (event-evaluator.ts); tests make it small. */
  partSize?: number;
  /** False: the TypeScript scan of delivered files only (EvaluatorConfig.byteScan); for tests. */
  byteScan?: boolean;
  /** When to stop reading (`--timeout`): what was read by then is evaluated, the rest is a gap. */
  deadline?: Deadline | undefined;
  progress?: (p: EventProgress) => void;
}

export interface EventsStats {
  sources: string[];
  /** Files, objects and API pages read (a streamed file counts once). */
  chunks: number;
  /** Readable records. */
  records: number;
  /** Records inside the window (an event read twice counts twice). */
  events: number;
  /** Distinct events among them (eventID, account and region: event-key.ts): what the event rules count. */
  distinctEvents: number;
  /** Items that are not readable records (counted in the gaps, file by file). */
  unreadable: number;
  /** Readable records that a rule could not evaluate (counted in the gaps, file by file). */
  unevaluated: number;
  accounts: string[];
  regions: string[];
  firstEventTime?: string;
  lastEventTime?: string;
  /** The deadline that stopped reading before everything was read (`--timeout 5m`). */
  stoppedBy?: string;
}

export interface EventsResult {
  /**
   * A tally per CloudTrail rule (event rules and the EIP-allocation rule) and their findings, for
   * the results model (src/engine/results.ts), which counts an event read twice once.
   */
  results: SourceResults;
  gaps: CoverageGap[];
  notes: string[];
  /** Last successful change per resource, keyed by attribution.resourceKey. */
  lastChangeByResource: Map<string, Attribution>;
  /** The synthetic I8 resources (one per Elastic IP allocation seen). */
  allocations: Resource[];
  stats: EventsStats;
}

const MAX_LISTED = 1000;

/** What `dispatch` and `stream` throw once the run's deadline has passed. */
class ReadingStopped extends Error {
  constructor(flag: string) {
    super(`reading stopped: ${flag} expired`);
    this.name = 'ReadingStopped';
  }
}

/**
 * Read every source, evaluate the CloudTrail rules over the events in the window, and return
 * findings, per-rule counts, gaps and the last change of each resource. Events are never all in
 * memory: sources hand over chunks, at most a few are in flight, and workers return counts and
 * findings only. Deterministic once built into results (src/engine/results.ts sorts and deduplicates
 * the findings): which findings and counts come out does not depend on which chunk finished first.
 */
export async function evaluateEvents(
  sources: readonly EventSource[],
  rules: readonly CompiledRule[],
  options: EvaluateEventsOptions,
): Promise<EventsResult> {
  const eventRules = rules.filter((r) => r.definition.resource === EVENT_TYPE);
  const allocationRules = rules.filter((r) => r.definition.resource === EIP_ALLOCATION_TYPE);
  const maxFindings = options.maxFindingsPerRule ?? 1000;
  const maxChanges = options.maxChanges ?? 100_000;
  const maxGaps = options.maxGaps ?? 1000;
  const attribution = options.attribution ?? { mode: 'all' };
  const config: EvaluatorConfig = {
    rules: eventRules.map((r) => {
      const allow = [...(options.allow?.['*'] ?? []), ...(options.allow?.[r.id] ?? [])];
      return { file: r.file, definition: r.definition, severity: r.severity, options: r.options, ...(allow.length ? { allow } : {}) };
    }),
    now: options.now.getTime(),
    leakedKeyIds: options.leakedKeyIds ?? [],
    attribution,
    maxFindingsPerRule: maxFindings,
  };
  if (options.awsIpRanges) config.awsIpRanges = options.awsIpRanges;
  if (options.partSize) config.partSize = options.partSize;
  if (options.byteScan === false) config.byteScan = false;
  if (options.window.since) config.since = cloudTrailTime(options.window.since);
  if (options.window.until) config.until = cloudTrailTime(options.window.until);
  const workers = options.workers ?? availableParallelism();
  const processor: ChunkProcessor = workers > 0 ? new WorkerPool(config, workers) : new InlineProcessor(config);

  const failed = new Array<number>(eventRules.length).fill(0);
  // Every event's key, and each rule's failing, allow-listed and undecided events' keys: counted once each at the end (event-key.ts).
  const eventKeys = new KeyList();
  const failedKeys = eventRules.map(() => new KeyList());
  const allowedKeys = eventRules.map(() => new KeyList());
  const undecidedKeys = eventRules.map(() => new KeyList());
  const undecidedIds = eventRules.map(() => [] as string[]);
  const correlation = new CorrelationState(eventRules, options.maxCorrelationEntries, config.maxSightings);
  let freshEvents: Map<number, Match[]> | undefined;
  let hits: RuleHit[] = [];
  const hitsPerRule = new Array<number>(eventRules.length).fill(0);
  const changes = new Map<string, Attribution>();
  let changesDropped = 0;
  const tracker = new AllocationTracker();
  const accounts = new Set<string>();
  const regions = new Set<string>();
  const gaps: CoverageGap[] = [];
  let gapsDropped = 0;
  const notes: string[] = [];
  const stats: EventsStats = {
    sources: sources.map((s) => s.description),
    chunks: 0,
    records: 0,
    events: 0,
    distinctEvents: 0,
    unreadable: 0,
    unevaluated: 0,
    accounts: [],
    regions: [],
  };
  const readProblems = new ReadProblems();
  const pending = new Set<Promise<void>>();
  /** The first error a source or a worker met: it ends the run (thrown as it came). */
  let failure: Error | undefined;
  const { deadline } = options;
  const signal = deadline ? deadlineSignal(deadline) : undefined;
  /** The deadline has passed: sources can hand over nothing more, and what they report is dropped. */
  const stopped = () => signal?.aborted ?? false;
  /** The wind-down after the deadline is over: results that come later are dropped. */
  let closed = false;

  const addGap = (gap: Omit<CoverageGap, 'service' | 'resourceTypes'>) => {
    if (gaps.length >= maxGaps) {
      gapsDropped++;
      return;
    }
    gaps.push({ service: 'cloudtrail', resourceTypes: [...CLOUDTRAIL_TYPES], ...gap });
  };

  const merge = (r: ChunkResult, item: SourceItem) => {
    if (closed) return;
    if (item.file === undefined) stats.chunks++;
    stats.records += r.records;
    stats.events += r.events;
    r.failed.forEach((n, i) => (failed[i]! += n));
    eventKeys.pushAll(r.eventKeys);
    r.failedKeys.forEach((keys, i) => failedKeys[i]!.pushAll(keys));
    r.allowedKeys.forEach((keys, i) => allowedKeys[i]!.pushAll(keys));
    r.undecidedKeys.forEach((keys, i) => undecidedKeys[i]!.pushAll(keys));
    for (const [i, id] of r.undecidedIds)
      if (undecidedIds[i]!.length < MAX_LISTED && !undecidedIds[i]!.includes(id)) undecidedIds[i]!.push(id);
    for (const part of r.correlation) correlation.add(part);
    if (r.hits.length) {
      hits.push(...r.hits);
      // Findings hold their event: each rule keeps at most 1.25 times what the report lists before they are capped again.
      let over = false;
      for (const h of r.hits) over = ++hitsPerRule[h.rule]! > 1.25 * maxFindings || over;
      if (over) {
        hits = capHits(hits, eventRules.length, maxFindings);
        hitsPerRule.fill(0);
        for (const h of hits) hitsPerRule[h.rule]!++;
      }
    }
    for (const [key, change] of r.changes) {
      if (!changes.has(key) && attribution.mode === 'all' && changes.size >= maxChanges) changesDropped++;
      else recordChange(changes, key, change);
    }
    for (const address of r.addresses) tracker.add(address);
    for (const a of r.accounts) if (accounts.size < MAX_LISTED) accounts.add(a);
    for (const g of r.regions) if (regions.size < MAX_LISTED) regions.add(g);
    if (r.firstEventTime && (!stats.firstEventTime || r.firstEventTime < stats.firstEventTime)) stats.firstEventTime = r.firstEventTime;
    if (r.lastEventTime && (!stats.lastEventTime || r.lastEventTime > stats.lastEventTime)) stats.lastEventTime = r.lastEventTime;
    readProblems.add(item.file ?? item.label, item.region, r);
    options.progress?.({ chunks: stats.chunks, records: stats.records, events: stats.events });
  };

  const track = (promise: Promise<void>) => {
    const p = promise.catch((error: unknown) => {
      // After the deadline, work cut off is reported as such (a RunTimeout gap), not as a failure.
      if (!stopped()) failure ??= error instanceof Error ? error : new Error(String(error));
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const ctx: SourceContext = {
    window: options.window,
    now: options.now,
    ...(signal ? { signal } : {}),
    async dispatch(item) {
      if (stopped()) throw new ReadingStopped(deadline!.flag);
      if (failure) throw failure;
      const { result } = await processor.submit(item);
      track(
        result.then(async (r) => {
          if (closed) return;
          // Too large to parse whole (a concatenated export, not a delivery file), or a gzip stream
          // cut or damaged: read it again as a stream, which keeps the records before the damage.
          if (r.reread) {
            let again: Readable | undefined;
            try {
              again = await item.reopen?.();
            } catch {
              // Gone or unreadable since it was read: the problem found in it stands.
            }
            if (again) await ctx.stream(again, item.label, item.region);
            else {
              stats.chunks++;
              readProblems.problem(item.label, item.region, r.reread);
            }
            return;
          }
          merge(r, item);
        }),
      );
    },
    async stream(readable, label, region) {
      if (stopped()) {
        readable.destroy();
        throw new ReadingStopped(deadline!.flag);
      }
      stats.chunks++;
      const splitter = new ItemSplitter();
      let part = 0;
      const send = async (batch: { bytes: Buffer; layout: BatchLayout }) => {
        for (const s of splitter.takeSkipped()) readProblems.skipped(label, region, s);
        await ctx.dispatch({ kind: 'batch', label: `${label}#${++part}`, bytes: batch.bytes, layout: batch.layout, file: label, region });
      };
      try {
        for await (const chunk of decompressed(readable)) {
          for (const batch of splitter.push(chunk)) await send(batch);
          // Reading stops at a structural problem (the rest is not JSON the splitter can follow).
          if (splitter.problem) break;
        }
        for (const batch of splitter.end()) await send(batch);
      } catch (error) {
        // Cut off by the deadline: the source's RunTimeout gap says so.
        if (stopped()) throw error;
        // A FileProblem comes from the source itself (an S3 download that broke off for good).
        const problem = error instanceof FileProblem ? error : gzipProblem(error, splitter.count);
        if (!problem) throw error;
        // Records read before the cut are still evaluated.
        for (const batch of splitter.salvage()) await send(batch);
        readProblems.problem(label, region, problem);
      } finally {
        readable.destroy();
      }
      for (const s of splitter.takeSkipped()) readProblems.skipped(label, region, s);
      if (splitter.problem) readProblems.problem(label, region, splitter.problem);
    },
    gap(gap) {
      if (!stopped()) addGap(gap);
    },
    note(text) {
      if (!stopped()) notes.push(text);
    },
  };

  let started = 0;
  let finished = 0;
  const readAll = async () => {
    for (const source of sources) {
      started++;
      await source.run(ctx);
      finished++;
      if (failure) throw failure;
    }
    while (pending.size) await Promise.all([...pending]);
    if (failure) throw failure;
  };
  try {
    const reading = readAll();
    if (!signal) await reading;
    else {
      const outcome = await Promise.race([reading.then(() => 'done' as const), whenAborted(signal).then(() => 'expired' as const)]).catch(
        (error: unknown) => {
          // A source that stopped on the deadline rejects (ReadingStopped, an aborted call).
          if (stopped()) return 'expired' as const;
          throw error;
        },
      );
      if (outcome === 'expired') {
        // The run is over: what the sources still throw is of no use to anyone now.
        reading.catch(() => undefined);
        // Chunks already handed over get a moment to come back; what has not by then is dropped.
        const evaluated = await settlesWithin(Promise.all([...pending]));
        closed = true;
        const flag = deadline!.flag;
        sources.forEach((source, i) => {
          if (i < finished) return;
          const message = i < started ? `not read to the end: ${flag} expired` : `not read: ${flag} expired before it was started`;
          addGap({ region: source.region ?? 'global', operation: source.description, errorCode: RUN_TIMEOUT, message });
        });
        if (!evaluated)
          addGap({
            region: 'global',
            operation: 'CloudTrail events',
            errorCode: RUN_TIMEOUT,
            message: `events read before ${flag} expired were not all evaluated in time`,
          });
        if (finished < sources.length || !evaluated) stats.stoppedBy = flag;
      }
    }
    // "Never seen before" is held by the evaluators (correlation/sightings.ts): asked before they
    // close; not once a deadline has cut the run (they may still be busy with what was dropped).
    if (!closed) freshEvents = await fresh(correlation, stats.firstEventTime, (q) => processor.ask(q));
  } finally {
    await processor.close();
  }
  // Unreadable and unevaluated records, file by file (a streamed file's batches gathered).
  for (const gap of readProblems.gaps()) addGap(gap);
  stats.unreadable = readProblems.unreadable;
  stats.unevaluated = readProblems.unevaluated;

  // Correlation rules: judged now that every chunk is in (any reading order gives the same result).
  const correlated = correlation.finish(stats.firstEventTime, options.now.getTime(), freshEvents);
  if (!freshEvents)
    eventRules.forEach((rule, i) => {
      const c = rule.correlation;
      if (c?.kind !== 'unseen' && !(c?.kind === 'sequence' && c.unseen)) return;
      correlated.truncated.add(i);
      correlated.notes.push(
        `${rule.id}: what was new could not be judged after ${deadline?.flag ?? 'the deadline'} expired; this rule's result is partial`,
      );
    });
  for (const [i, list] of correlated.findings) {
    // One finding per window, per first event of a sequence, per new place: each fingerprint once.
    failed[i] = list.length;
    for (const { finding, eventTime } of list) hits.push({ rule: i, eventTime, finding });
  }
  notes.push(...correlated.notes);
  // Event rules: counts from every chunk; findings capped per rule, most recent kept.
  hits = capHits(hits, eventRules.length, maxFindings);
  const gapRefs = gaps.map((g) => ({ region: g.region, operation: g.operation, errorCode: g.errorCode }));
  // One counting: a rule counts distinct events, as its findings do (an event read twice is one).
  stats.distinctEvents = eventKeys.distinct();
  const undecided = undecidedKeys.map((keys) => keys.distinct());
  const allowed = allowedKeys.map((keys) => keys.distinct());
  const tallies: RuleTally[] = eventRules.map((rule, i) => ({
    rule,
    evaluated: stats.distinctEvents,
    // A correlation rule fails once per finding (a window, a sequence, a new place: its events deduplicated by key, correlation/windows.ts).
    failed: correlated.findings.has(i) ? failed[i]! : failedKeys[i]!.distinct(),
    distinct: true,
    // Events a rule's `unknownWhen` could not decide (e.g. no AWS IP ranges to tell an address by), each once.
    undecided: undecided[i]!,
    // The first few by id, whichever chunk came first.
    undecidedResources: undecidedIds[i]!.sort().slice(0, 5),
    missingTypes: [],
    gaps: gapRefs,
    partial: gapsDropped > 0 || correlated.truncated.has(i),
    ...(rule.id in (options.allow ?? {}) || (options.allow?.['*']?.length ?? 0) > 0 ? { allowed: allowed[i]! } : {}),
  }));
  const kept = new Array<number>(eventRules.length).fill(0);
  for (const h of hits) kept[h.rule]!++;
  eventRules.forEach((rule, i) => {
    if (undecided[i])
      notes.push(
        `${rule.id}: ${undecided[i]} event(s) could not be decided${options.awsIpRanges || !JSON.stringify(rule.definition.unknownWhen ?? null).includes('instanceCredentials') ? '' : " (to tell AWS addresses from others, give AWS's ip-ranges.json with --aws-ip-ranges FILE)"}; the rule is incomplete`,
      );
  });
  eventRules.forEach((rule, i) => {
    // capHits keeps every copy of the events it keeps: fewer hits than failures (copies counted) means events were left out.
    if (failed[i]! > kept[i]!)
      notes.push(`${rule.id}: more than ${maxFindings} matching events; the report lists the ${maxFindings} most recent`);
  });

  // I8: allocations correlated over the whole stream, evaluated as resources by the engine.
  const observedUntil = options.window.until ? cloudTrailTime(options.window.until) : (stats.lastEventTime ?? cloudTrailTime(options.now));
  const allocations = tracker.resources(observedUntil);
  const findings = hits.map((h) => h.finding);
  if (allocationRules.length) {
    const snapshot: Snapshot = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      meta: {
        accounts: [],
        regions: [],
        collectedAt: options.now.toISOString(),
        tool: { name: TOOL_NAME, version: toolVersion() },
        source: 'cloudtrail',
        resourceTypes: [EIP_ALLOCATION_TYPE],
      },
      resources: allocations,
      gaps: [],
    };
    const part = evaluateResources(snapshot, allocationRules, { now: options.now });
    for (const f of part.findings) findings.push(withAllocationAttribution(f, allocations));
    // What could not be read leaves the correlation as unsure as the event rules; so does a tracker past its bound.
    for (const t of part.tallies) tallies.push({ ...t, gaps: gapRefs, partial: gapsDropped > 0 || tracker.truncated });
    if (part.notes) notes.push(...part.notes);
  }
  if (tracker.truncated)
    notes.push('Elastic IP allocations: more address events than the tracker keeps; some allocations were not correlated');
  if (changesDropped)
    notes.push(`attribution: more changed resources than the ${maxChanges} kept; ${changesDropped} later ones are not attributed`);
  if (gapsDropped) notes.push(`${gapsDropped} more unreadable file(s)/object(s) are not listed one by one`);

  gaps.sort((a, b) => (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0));
  // Sources that run in parallel (LookupEvents regions) add notes in any order.
  notes.sort();
  stats.accounts = [...accounts].sort();
  stats.regions = [...regions].sort();
  return { results: { tallies, findings }, gaps, notes, lastChangeByResource: changes, allocations, stats };
}

/** An allocation finding names its own AllocateAddress event as the change that left the address running. */
function withAllocationAttribution(finding: Finding, allocations: readonly Resource[]): Finding {
  const resource = allocations.find(
    (r) => r.id === finding.resource.id && r.account === finding.resource.account && r.region === finding.resource.region,
  );
  if (!resource) return finding;
  const d = resource.data as Record<string, string | null>;
  const attribution: Attribution = {
    eventName: 'AllocateAddress',
    eventTime: d.allocatedAt!,
    eventID: d.allocateEventID ?? '',
    eventSource: 'ec2.amazonaws.com',
  };
  if (d.allocatedBy) attribution.principalArn = d.allocatedBy;
  if (d.sourceIPAddress) attribution.sourceIPAddress = d.sourceIPAddress;
  if (d.userAgent) attribution.userAgent = d.userAgent;
  return { ...finding, attribution };
}

/** The bytes of a stream, gunzipped (every member) when they start with the gzip magic number. */
async function* decompressed(readable: Readable): AsyncGenerator<Buffer> {
  const iterator = readable[Symbol.asyncIterator]() as AsyncIterator<Buffer | Uint8Array>;
  // The magic number is two bytes: a stream may hand over one byte first.
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, Buffer.from(next.value)]);
  }
  if (head.length === 0) return;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield Buffer.from(next.value);
    }
  }
  if (!isGzip(head)) {
    yield* all();
    return;
  }
  const gunzip = createGunzip();
  const input = Readable.from(all());
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  for await (const chunk of gunzip) yield chunk as Buffer;
}
