import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

export const DEMO = path.join(ROOT, 'demo', 'demo-account.snapshot.json');
export const HOSTILE = path.join(ROOT, 'test', 'fixtures', 'hostile-snapshot.json');
/** Test-only rules over file.private-key and file.access-key, so reports cover file findings. */
export const FILE_RULES = path.join(ROOT, 'test', 'fixtures', 'report-rules');
export const DEMO_NOW = '2026-11-21T09:00:00Z';

export interface SnapshotResource {
  type: string;
  id: string;
  account: string;
  region: string;
  arn?: string;
  data: Record<string, unknown>;
}
export interface SnapshotDoc {
  meta: Record<string, unknown>;
  resources: SnapshotResource[];
  gaps: unknown[];
  [key: string]: unknown;
}

export function tempDir(prefix = 'awsaudit-report-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function readDemo(): SnapshotDoc {
  return JSON.parse(readFileSync(DEMO, 'utf8')) as SnapshotDoc;
}

/** A copy of the demo snapshot with one change applied, written to a temporary file. */
export function demoVariant(change: (snapshot: SnapshotDoc) => void, dir = tempDir()): string {
  const snapshot = readDemo();
  change(snapshot);
  const file = path.join(dir, 'variant.snapshot.json');
  writeFileSync(file, JSON.stringify(snapshot, null, 2));
  return file;
}

export function resourceById(snapshot: SnapshotDoc, id: string): SnapshotResource {
  const found = snapshot.resources.find((r) => r.id === id);
  if (!found) throw new Error(`no resource ${id} in the snapshot`);
  return found;
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** 40 days after the demo's collection: the reports show how old its data was when judged. */
export const MIXED_NOW = '2026-12-31T09:00:00Z';

/**
 * The demo account with every kind of rule result at once, for the reports to agree on: trails
 * not collected (their rules, and the account rule that requires them, are not checked), a gap on
 * instances (the instance rules fail and are incomplete; the security-group rules, whose facts
 * read instances, are incomplete), and long notes.
 */
export function mixedCoverageVariant(dir = tempDir()): string {
  return demoVariant((s) => {
    s.meta.resourceTypes = (s.meta.resourceTypes as string[]).filter((t) => t !== 'aws.cloudtrail.trail');
    s.resources = s.resources.filter((r) => r.type !== 'aws.cloudtrail.trail');
    s.gaps = [
      {
        service: 'ec2',
        region: 'us-east-1',
        operation: 'DescribeInstances',
        resourceTypes: ['aws.ec2.instance'],
        errorCode: 'AccessDenied',
        message: 'not authorized to perform ec2:DescribeInstances',
      },
    ];
    s.meta.notes = [
      ...(s.meta.notes as string[]),
      '12 file(s) ignored by .gitignore were not read (add --include-ignored to read them)',
      'LookupEvents us-east-1: the window was cut at 2026-11-20T00:00:00Z after 50,000 events (--max-events); earlier events were not read',
      'attribution: more changed resources than the 100000 kept; 42 later ones are not attributed',
    ];
  }, dir);
}
