// Fingerprints of existing findings never change: baselines, suppressions and code-scanning
// alerts depend on them. The lists under test/fixtures/fingerprints/ were written by the
// release before the service-module rework; a change that alters any line breaks users.
// (The moto scenario, whose ids are random, is pinned in collect-moto.test.ts.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { expectedFingerprint, fingerprintLines, type FingerprintedFinding } from './support/fingerprints.js';

const SCANS: Record<string, string[]> = {
  demo: ['--demo'],
  'cloudtrail-fixtures': ['--cloudtrail', 'test/fixtures/cloudtrail'],
  'demo-with-events': ['--demo', '--cloudtrail', 'test/fixtures/cloudtrail-attribution/demo-account-events.json'],
  'seed-files': ['--files', 'test/fixtures/seeds'],
};

const committed = (name: string) =>
  readFileSync(path.join(ROOT, 'test', 'fixtures', 'fingerprints', `${name}.txt`), 'utf8')
    .split('\n')
    .filter(Boolean);

describe('fingerprints are the same as in the committed lists', () => {
  for (const [name, args] of Object.entries(SCANS)) {
    it(`scan ${args.join(' ')}`, async () => {
      const r = await runCli(['scan', ...args, '--fail-on', 'none', '--quiet', '--format', 'json', '--output', 'json=-']);
      expect(r.code, r.stderr).toBe(0);
      const findings = (JSON.parse(r.stdout) as { findings: FingerprintedFinding[] }).findings;
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) expect(f.fingerprint, `${f.ruleId} ${f.resource.id}`).toBe(expectedFingerprint(f));
      expect(fingerprintLines(findings)).toEqual(committed(name));
    });
  }
});
