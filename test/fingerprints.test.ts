// Fingerprints of existing findings never change: baselines, suppressions and code-scanning
// alerts depend on them. The lists under test/fixtures/fingerprints/ were written by the
// release before the service-module rework; a change that alters any line breaks users.
// (The moto scenario, whose ids are random, is pinned in collect-moto.test.ts.)
import { describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { committedFingerprints, expectedFingerprint, fingerprintLines, type FingerprintedFinding } from './support/fingerprints.js';

const SCANS: Record<string, string[]> = {
  demo: ['--demo'],
  'cloudtrail-fixtures': ['--cloudtrail', 'test/fixtures/cloudtrail'],
  'demo-with-events': ['--demo', '--cloudtrail', 'test/fixtures/cloudtrail-attribution/demo-account-events.json'],
  'seed-files': ['--files', 'test/fixtures/seeds'],
};

const committed = (name: string) => committedFingerprints(name);

describe('fingerprints are the same as in the committed lists', () => {
  for (const [name, args] of Object.entries(SCANS)) {
    it(`scan ${args.join(' ')}`, async () => {
      const r = await runCli(['scan', ...args, '--fail-on', 'none', '--quiet', '--format', 'json', '--output', 'json=-']);
      expect(r.code, r.stderr).toBe(0);
      const findings = (JSON.parse(r.stdout) as { findings: FingerprintedFinding[] }).findings;
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) expect(f.fingerprint, `${f.ruleId} ${f.resource.id}`).toBe(expectedFingerprint(f));
      // Every finding of the list written before is still there, unchanged; findings of rules
      // added since are pinned in <name>.added.txt.
      const lines = fingerprintLines(findings);
      const { original, all } = committed(name);
      expect(
        original.filter((l) => !lines.includes(l)),
        'findings that disappeared or changed fingerprint',
      ).toEqual([]);
      expect(lines).toEqual(all);
    });
  }
});
