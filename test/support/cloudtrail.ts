// The real CloudTrail logs copied into test/fixtures/cloudtrail (see its README.md and LICENSE files).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';
import { evaluateEvents, type EventsResult } from '../../src/cloudtrail/pipeline.js';
import type { Finding, RuleResult } from '../../src/engine/findings.js';
import { buildResults } from '../../src/engine/results.js';

export const CLOUDTRAIL_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cloudtrail');
export const INVICTUS_DIR = path.join(CLOUDTRAIL_FIXTURES, 'invictus-ir-aws-dataset');
export const STRATUS_DIR = path.join(CLOUDTRAIL_FIXTURES, 'stratus-red-team-detonations');

export type RawRecord = Record<string, unknown> & { eventName: string; eventTime: string; eventID: string };

export interface FixtureFile {
  name: string;
  file: string;
  records: RawRecord[];
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
}

/** invictus-ir: files as CloudTrail delivers them, {"Records": [...]}. */
export function invictusFiles(): FixtureFile[] {
  return jsonFiles(INVICTUS_DIR).map((name) => {
    const file = path.join(INVICTUS_DIR, name);
    return { name, file, records: (JSON.parse(readFileSync(file, 'utf8')) as { Records: RawRecord[] }).Records };
  });
}

/** Stratus Red Team: one JSON array of records per attack technique. */
export function stratusFiles(): FixtureFile[] {
  return jsonFiles(STRATUS_DIR).map((name) => {
    const file = path.join(STRATUS_DIR, name);
    return { name, file, records: JSON.parse(readFileSync(file, 'utf8')) as RawRecord[] };
  });
}

export const allRecords = (files: FixtureFile[]): RawRecord[] => files.flatMap((f) => f.records);

/** An independent count for the assertions: a plain filter over the raw records, no awsaudit code. */
export function countWhere(records: RawRecord[], names: string[], opts: { successOnly?: boolean } = {}): number {
  return records.filter((r) => names.includes(r.eventName) && (!opts.successOnly || r.errorCode === undefined)).length;
}

/** What the CloudTrail pipeline gave, with its rule results and findings built by the results model as a run builds them. */
export type EventsOutcome = EventsResult & { rules: RuleResult[]; findings: Finding[] };

export async function evaluateEventsOutcome(...args: Parameters<typeof evaluateEvents>): Promise<EventsOutcome> {
  const result = await evaluateEvents(...args);
  return { ...result, ...buildResults([result.results]) };
}
