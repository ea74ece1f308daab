import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { DEMO_NOW, FILE_RULES, HOSTILE, MIXED_NOW, mixedCoverageVariant, readJson, tempDir } from './support/snapshots.js';

describe('text report with hostile values', () => {
  it('never passes control characters from AWS or files to the terminal', async () => {
    const r = await runCli(['evaluate', '--snapshot', HOSTILE, '--rules', FILE_RULES, '--now', DEMO_NOW, '--format', 'text']);
    expect(r.code).toBe(1);
    // The gap message holds ESC [31m and an OSC title sequence: shown escaped, never raw.
    // eslint-disable-next-line no-control-regex -- the test is that no control character reaches the terminal
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('\\u001b[31mRED\\u001b[0m\\u001b]0;pwned\\u0007');
    expect(r.stdout).toContain('notes/evil"name <b>.txt:4:7');
  });
});

interface Report {
  version: number;
  summary: { rules: { total: number; failed: number; failedIncomplete: number; passed: number; incomplete: number; notChecked: number } };
  rules: Array<{ ruleId: string; resource: string; status: string; complete: boolean; missingTypes: string[] }>;
}

describe('the text, JSON and HTML reports of one run agree (failed, incomplete and not-checked rules at once)', async () => {
  const dir = tempDir();
  const r = await runCli([
    'evaluate',
    '--snapshot',
    mixedCoverageVariant(),
    '--now',
    MIXED_NOW,
    '--fail-on',
    'none',
    '--format',
    'text,json,html',
    '--output-dir',
    dir,
  ]);
  const json = readJson<Report>(path.join(dir, 'awsaudit.json'));
  const html = readFileSync(path.join(dir, 'awsaudit.html'), 'utf8');
  const c = json.summary.rules;
  const status = (s: string) => json.rules.filter((x) => x.status === s).length;

  it('JSON counts each rule once, by its status, and the parts add up to the total', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(json.version).toBe(2);
    expect(c).toEqual({
      total: json.rules.length,
      failed: status('fail'),
      failedIncomplete: json.rules.filter((x) => x.status === 'fail' && !x.complete).length,
      passed: status('pass'),
      incomplete: status('incomplete'),
      notChecked: status('not-checked'),
    });
    expect(c.failed + c.passed + c.incomplete + c.notChecked).toBe(c.total);
    // The variant has every kind: failing rules that are incomplete (a gap on instances), rules with no finding that are incomplete, rules not checked.
    for (const n of [c.failedIncomplete, c.passed, c.incomplete, c.notChecked]) expect(n).toBeGreaterThan(0);
  });

  it('an incomplete rule is never "pass" in JSON; a clean pass is complete', () => {
    expect(json.rules.find((x) => x.ruleId === 'ec2-security-group-all-traffic-open')).toMatchObject({
      status: 'incomplete',
      complete: false,
    });
    for (const x of json.rules) if (x.status === 'pass') expect(x.complete, x.ruleId).toBe(true);
  });

  it('the text summary line and the HTML page state the same numbers in the same words', () => {
    const phrase = `${c.total} rules: ${c.failed} failed (${c.failedIncomplete} of them incomplete), ${c.passed} passed, ${c.incomplete} incomplete, ${c.notChecked} not checked`;
    expect(r.stdout).toContain(` · ${phrase} · `);
    expect(html).toContain(`<span id="rule-counts">${phrase}</span>`);
  });

  it('a rule that is not checked names the type that was missing, not its own type', () => {
    const rule = json.rules.find((x) => x.ruleId === 'cloudtrail-no-multi-region-trail')!;
    expect(rule).toMatchObject({ resource: 'aws.account', status: 'not-checked', missingTypes: ['aws.cloudtrail.trail'] });
    expect(r.stdout).toMatch(
      /^Not checked \(a resource type it reads was not collected\): .*cloudtrail-no-multi-region-trail \[aws\.cloudtrail\.trail\]/m,
    );
    expect(r.stdout).not.toContain('cloudtrail-no-multi-region-trail [aws.account]');
    expect(html).toContain('<code>cloudtrail-no-multi-region-trail</code> [aws.cloudtrail.trail]');
  });

  it('the header reads collected, then evaluated', () => {
    expect(r.stdout.split('\n')[0]).toContain('collected 2026-11-21T09:00:00Z → evaluated 2026-12-31T09:00:00.000Z');
  });
});
