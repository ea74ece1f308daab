// Fuzzing the CloudTrail reader and the event rules: every record of the fixtures, mutated one
// field at a time (deleted, null, number<->string, object<->string, array<->object, very long,
// nested thousands deep), with a fixed seed. Anyone who can write a record into the trail's
// bucket can write such a record: none may crash the run, every one that cannot be read must be
// counted, and the findings on the records around it must not change.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isCloudTrailRule } from '../src/cloudtrail/pipeline.js';
import { evaluateEventsOutcome as evaluateEvents, type EventsOutcome as EventsResult } from './support/cloudtrail.js';
import { fileSource } from '../src/cloudtrail/sources/files.js';
import { compileRule } from '../src/ruleset/load.js';
import { loadAllRules } from '../src/ruleset/select.js';
import { CLOUDTRAIL_FIXTURES, invictusFiles, stratusFiles, type FixtureFile } from './support/cloudtrail.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-fuzz-');
const SEED = 0x5eed_2026;
const MUTATIONS_PER_RECORD = 4;
const DEEP = 3000;
const LONG = 64 * 1024;

/** mulberry32: a small seeded generator, so every run mutates the same way. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;
const KINDS = ['delete', 'null', 'number<->string', 'object<->string', 'array<->object', 'very long', 'deep nesting'] as const;
type Kind = (typeof KINDS)[number];

/** Every path to a value in the record (its own fields, and below them up to a few levels). */
function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length >= 6 || value === null || typeof value !== 'object') return out;
  const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    pathsOf(child, [...prefix, key], out);
  }
  return out;
}

/** The marker a deep value is written in place of (JSON.stringify itself cannot write a value that deep). */
const DEEP_MARKER = '__awsaudit_fuzz_deep__';
const deepText = (inner: string) => '['.repeat(DEEP) + inner + ']'.repeat(DEEP);

function mutateValue(value: Json, kind: Kind): Json | undefined {
  switch (kind) {
    case 'delete':
      return undefined;
    case 'null':
      return null;
    case 'number<->string':
      if (typeof value === 'number') return String(value);
      if (typeof value === 'string') return Number.isFinite(Number(value)) && value.trim() !== '' ? Number(value) : value.length;
      return 7;
    case 'object<->string':
      if (value !== null && typeof value === 'object') return JSON.stringify(value);
      if (typeof value === 'string') return { value };
      return '{}';
    case 'array<->object':
      if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
      if (value !== null && typeof value === 'object') return Object.values(value);
      return [value];
    case 'very long':
      if (typeof value === 'string') return value.repeat(Math.ceil(LONG / Math.max(1, value.length))).slice(0, LONG) || 'x'.repeat(LONG);
      if (Array.isArray(value)) return Array.from({ length: 2000 }, () => value[0] ?? 'x');
      return 'x'.repeat(LONG);
    case 'deep nesting':
      return DEEP_MARKER;
  }
}

/** One mutated copy of a record: one field changed; the record's text (deep values written by hand). */
function mutate(record: Json, next: () => number, id: string): string {
  const copy = structuredClone(record) as { [key: string]: Json };
  copy.eventID = id;
  const own = Object.keys(copy);
  const all = pathsOf(copy);
  const target: Path = next() < 0.5 ? [own[Math.floor(next() * own.length)]!] : all[Math.floor(next() * all.length)]!;
  const kind = KINDS[Math.floor(next() * KINDS.length)]!;
  let parent: Json = copy;
  for (const key of target.slice(0, -1)) parent = (parent as Record<string, Json>)[key as string]!;
  const last = target[target.length - 1]!;
  const container = parent as Record<string | number, Json>;
  const original = container[last]!;
  const value = mutateValue(original, kind);
  if (value === undefined) {
    if (Array.isArray(container)) container.splice(last as number, 1);
    else delete container[last];
  } else container[last] = value;
  const text = JSON.stringify(copy);
  return kind === 'deep nesting' ? text.replace(JSON.stringify(DEEP_MARKER), deepText(JSON.stringify(original ?? null))) : text;
}

/** Independent of the reader: can this text be read as a record (an object with an eventName and an ISO 8601 eventTime)? */
function readable(text: string): boolean {
  const value = JSON.parse(text) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { eventName, eventTime } = value as { eventName?: unknown; eventTime?: unknown };
  return (
    typeof eventName === 'string' &&
    typeof eventTime === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(eventTime) &&
    !Number.isNaN(Date.parse(eventTime))
  );
}

describe('fuzz: every fixture record, mutated one field at a time', async () => {
  const rules = (await loadAllRules([])).map((f) => compileRule(f, undefined, 'test').rule!).filter(isCloudTrailRule);
  const options = {
    now: new Date('2024-12-01T00:00:00Z'),
    window: {},
    workers: 0,
    attribution: { mode: 'off' as const },
    maxFindingsPerRule: 1_000_000,
  };
  const fixtures: FixtureFile[] = [...invictusFiles(), ...stratusFiles()];
  const originals = fixtures.flatMap((f) => f.records);
  const originalIds = new Set(originals.map((r) => r.eventID));

  // The mutated records, written into files beside the records they came from, in every layout.
  const next = random(SEED);
  const dir = tmp();
  let mutated = 0;
  let unreadable = 0;
  const started = Date.now();
  fixtures.forEach((fixture, f) => {
    const texts = fixture.records.flatMap((record, r) =>
      Array.from({ length: MUTATIONS_PER_RECORD }, (_, m) => mutate(record as Json, next, `fuzz-${f}-${r}-${m}`)),
    );
    mutated += texts.length;
    unreadable += texts.filter((t) => !readable(t)).length;
    const originalTexts = fixture.records.map((r) => JSON.stringify(r));
    const all = [...originalTexts, ...texts];
    // Records objects, plain and gzipped, arrays and JSON lines.
    const layout = f % 4;
    const body = layout === 3 ? all.join('\n') + '\n' : layout === 2 ? `[${all.join(',')}]` : `{"Records":[${all.join(',')}]}`;
    writeFileSync(path.join(dir, `${f}.json${layout === 1 ? '.gz' : ''}`), layout === 1 ? gzipSync(body) : body);
  });
  const generationMs = Date.now() - started;

  const baseline = await evaluateEvents([fileSource([CLOUDTRAIL_FIXTURES])], rules, options);
  let fuzzed: EventsResult | undefined;
  let crash: unknown;
  const runStarted = Date.now();
  try {
    fuzzed = await evaluateEvents([fileSource([dir])], rules, options);
  } catch (error) {
    crash = error;
  }
  const runMs = Date.now() - runStarted;
  // For the record of a run (npm test prints it): how many mutated records, how many crashes.
  console.log(
    `fuzz: ${mutated} mutated records (seed ${SEED}), ${unreadable} unreadable by construction; ${crash ? 1 : 0} crash(es); generated in ${generationMs} ms, evaluated in ${runMs} ms`,
  );

  it(`mutates at least 10,000 records, and the run does not crash`, () => {
    expect(mutated).toBeGreaterThanOrEqual(10_000);
    expect(crash).toBeUndefined();
    // Every finding can be written to a report (evidence nested thousands deep would not).
    expect(() => JSON.stringify(fuzzed!.findings)).not.toThrow();
  });

  it('every record that cannot be read is counted, and every other one is read', () => {
    expect(fuzzed!.stats.unreadable).toBe(unreadable);
    expect(fuzzed!.stats.records).toBe(originals.length + mutated - unreadable);
    const counted = fuzzed!.gaps
      .filter((g) => g.errorCode === 'InvalidRecords' || g.errorCode === 'NotCloudTrail')
      .map((g) => Number(/^(\d+) of |none of its (\d+)/.exec(g.message)!.slice(1).find(Boolean)));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(unreadable);
    // A record no rule could evaluate would be counted too; with the shipped rules there is none.
    expect(fuzzed!.stats.unevaluated).toBe(0);
    expect(fuzzed!.gaps.every((g) => g.errorCode === 'InvalidRecords')).toBe(true);
  });

  it('worker threads give the same result (findings with odd values cross threads intact)', async () => {
    const threaded = await evaluateEvents([fileSource([dir])], rules, { ...options, workers: 2 });
    expect(threaded.stats).toEqual(fuzzed!.stats);
    expect(threaded.gaps).toEqual(fuzzed!.gaps);
    expect(threaded.findings).toEqual(fuzzed!.findings);
  });

  it("the unmutated records' findings are unchanged", () => {
    const onOriginals = (r: EventsResult) =>
      r.findings.filter((f) => f.resource.type === 'aws.cloudtrail.event' && originalIds.has(f.resource.id));
    expect(onOriginals(baseline).length).toBeGreaterThan(30);
    expect(onOriginals(fuzzed!)).toEqual(onOriginals(baseline));
  });
});
