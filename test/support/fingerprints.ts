// Fingerprints identify a finding across runs: users' baselines, suppressions and GitHub
// code-scanning alerts are keyed by them. These helpers turn a JSON report into lines that
// pin every fingerprint, so a test can compare them with a list committed before a change.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

export interface FingerprintedFinding {
  ruleId: string;
  fingerprint: string;
  resource: { type: string; id: string; account: string; region: string };
}

/**
 * The fingerprint as it was defined when users' first baselines were written, computed here on
 * its own so that a change to the product's formula cannot go unnoticed.
 */
export function expectedFingerprint(f: FingerprintedFinding): string {
  const { account, region, type, id } = f.resource;
  return createHash('sha256').update([f.ruleId, account, region, type, id].join('\u0000')).digest('hex').slice(0, 32);
}

/** One sorted line per finding: fingerprint, rule, type, account, region, resource id (after `rename`). */
export function fingerprintLines(findings: readonly FingerprintedFinding[], rename: (id: string) => string = (id) => id): string[] {
  return findings
    .map((f) => [f.fingerprint, f.ruleId, f.resource.type, f.resource.account, f.resource.region, rename(f.resource.id)].join(' '))
    .sort();
}

const linesOf = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/**
 * A committed list: `<name>.txt`, written before a change and never edited (its lines must all
 * still be found), and `<name>.added.txt`, the findings of rules added since. `all` is both, sorted.
 */
export function committedFingerprints(name: string): { original: string[]; all: string[] } {
  const dir = path.join(ROOT, 'test', 'fixtures', 'fingerprints');
  const original = linesOf(path.join(dir, `${name}.txt`));
  const added = linesOf(path.join(dir, `${name}.added.txt`));
  return { original, all: [...original, ...added].sort() };
}
