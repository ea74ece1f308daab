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
