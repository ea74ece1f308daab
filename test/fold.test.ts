// One cause, one finding (issue 17, point 2): a rule that `subsumes` another folds the narrower
// finding on the same resource into its own. Nothing disappears from JSON, no fingerprint changes,
// the shown counts fall by exactly the folded findings, and baselines and suppressions keep working.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/engine/evaluate.js';
import type { Finding } from '../src/engine/findings.js';
import { foldFindings } from '../src/engine/fold.js';
import { reviewFindings, countedFindings } from '../src/findings/review.js';
import { compileSuppression } from '../src/findings/suppressions.js';
import { summarize } from '../src/report/summary.js';
import { BUILTIN_RULES_DIR, compileRule, loadRuleFiles, type RuleFile } from '../src/ruleset/load.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { DEMO, tempDir } from './support/snapshots.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const { rules: files } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as Snapshot;

function run(ruleFiles: readonly RuleFile[]) {
  const compiled = ruleFiles.map((f) => compileRule(f, undefined, 'test').rule!).filter((r) => r.definition.enabled !== false);
  return evaluate(demo, compiled, { now: NOW });
}

/** The same rules with no `subsumes`: what the demo reported before folding. */
const unfolded = files.map((f) => ({ ...f, definition: { ...f.definition, subsumes: undefined } }));

describe('folding on the demo account', () => {
  const before = run(unfolded);
  const after = run(files);
  const folded = after.findings.filter((f) => f.foldedInto !== undefined);
  const byFingerprint = new Map(after.findings.map((f) => [f.fingerprint, f]));

  it('lists every finding it listed before, with the same fingerprints', () => {
    expect(after.findings.map((f) => f.fingerprint)).toEqual(before.findings.map((f) => f.fingerprint));
    expect(before.findings.some((f) => f.foldedInto !== undefined)).toBe(false);
  });

  it('shows fewer findings by exactly the folded ones, and says which rule each is folded into', () => {
    const shown = (e: typeof after) => summarize(reviewFindings(e, { now: NOW }));
    expect(shown(before).findings - shown(after).findings).toBe(folded.length);
    expect(shown(after).folded).toBe(folded.length);
    expect(folded.map((f) => `${f.ruleId} -> ${byFingerprint.get(f.foldedInto!)!.ruleId} (${f.resource.id})`).sort()).toEqual([
      'iam-password-policy-no-symbol-required -> iam-password-policy-weak-complexity (123456789012)',
      'iam-password-policy-short-minimum-length -> iam-password-policy-weak-complexity (123456789012)',
      's3-bucket-block-public-access-off -> s3-bucket-public-acl (ciw0707-web-site-s3)',
    ]);
    // Rule results (and so the CIS/FSBP view, made from them) still fail every folded rule.
    for (const f of folded) expect(after.rules.find((r) => r.ruleId === f.ruleId)!.status).toBe('fail');
  });
});

describe('foldFindings', () => {
  const finding = (ruleId: string, severity: Finding['severity'], id = 'sg-1'): Finding => ({
    fingerprint: `${ruleId}:${id}`,
    ruleId,
    title: ruleId,
    severity,
    kind: 'security',
    resource: { type: 'aws.ec2.security-group', id, account: '123456789012', region: 'us-east-1' },
    message: ruleId,
    evidence: [],
    remediation: { text: '' },
  });

  it('folds the narrower finding on the same resource only, and never into a less severe one', () => {
    const all = finding('all', 'high');
    const admin = finding('admin', 'high');
    const otherGroup = finding('admin', 'high', 'sg-2');
    const critical = finding('db', 'critical');
    foldFindings([all, admin, otherGroup, critical], new Map([['all', ['admin', 'db']]]));
    expect(admin.foldedInto).toBe(all.fingerprint);
    expect(otherGroup.foldedInto).toBeUndefined();
    expect(critical.foldedInto).toBeUndefined();
  });

  it('folds a chain into the broadest finding, and a cycle not at all', () => {
    const a = finding('a', 'high');
    const b = finding('b', 'high');
    const c = finding('c', 'medium');
    foldFindings(
      [a, b, c],
      new Map([
        ['a', ['b']],
        ['b', ['c']],
      ]),
    );
    expect([b.foldedInto, c.foldedInto]).toEqual([a.fingerprint, a.fingerprint]);
    const x = finding('x', 'high');
    const y = finding('y', 'high');
    foldFindings(
      [x, y],
      new Map([
        ['x', ['y']],
        ['y', ['x']],
      ]),
    );
    expect([x.foldedInto, y.foldedInto]).toEqual([undefined, undefined]);
  });
});

describe('suppressions and baselines with folded findings', () => {
  const evaluation = run(files);
  const narrow = evaluation.findings.find((f) => f.ruleId === 's3-bucket-block-public-access-off' && f.foldedInto !== undefined)!;
  const broad = evaluation.findings.find((f) => f.fingerprint === narrow.foldedInto)!;

  it('a suppression of the broader finding does not silence the narrower one: it is shown on its own again', () => {
    const suppression = compileSuppression({ rule: broad.ruleId, resource: broad.resource.id, reason: 'website (TICKET-12)' }, 'test');
    const review = reviewFindings(evaluation, { now: NOW, suppressions: [suppression] });
    const shownNarrow = review.findings.find((f) => f.fingerprint === narrow.fingerprint)!;
    expect(shownNarrow.foldedInto).toBeUndefined();
    expect(countedFindings(review).map((f) => f.fingerprint)).toContain(narrow.fingerprint);
  });

  it('a suppression of the folded finding still applies to it', () => {
    const suppression = compileSuppression({ rule: narrow.ruleId, resource: narrow.resource.id, reason: 'accepted (TICKET-7)' }, 'test');
    const review = reviewFindings(evaluation, { now: NOW, suppressions: [suppression] });
    expect(review.findings.find((f) => f.fingerprint === narrow.fingerprint)!.suppression?.reason).toBe('accepted (TICKET-7)');
  });

  it('a baseline that holds the folded fingerprint still matches it: unchanged, never "fixed"', () => {
    const review = reviewFindings(evaluation, { now: NOW, baseline: { file: 'old.json', findings: [narrow, broad] } });
    expect(review.baseline!.fixed).toEqual([]);
    expect(review.findings.find((f) => f.fingerprint === narrow.fingerprint)!.baselineState).toBe('unchanged');
    // A baseline taken before the broader rule existed: the broader finding is new, its folded one is not counted again.
    const older = reviewFindings(evaluation, { now: NOW, baseline: { file: 'old.json', findings: [narrow] } });
    expect(countedFindings(older).map((f) => f.fingerprint)).toContain(broad.fingerprint);
    expect(countedFindings(older).map((f) => f.fingerprint)).not.toContain(narrow.fingerprint);
  });
});

describe('reports of a folded finding', async () => {
  const dir = tempDir('awsaudit-fold-');
  const r = await runCli(['scan', '--demo', '--format', 'text,json,sarif,html', '--output-dir', 'out', '--fail-on', 'none'], { cwd: dir });
  const out = (name: string) => readFileSync(path.join(dir, 'out', name), 'utf8');
  const json = JSON.parse(out('awsaudit.json')) as {
    findings: Finding[];
    summary: { findings: number; folded: number; suppressed: number };
  };
  const narrow = json.findings.find((f) => f.ruleId === 's3-bucket-block-public-access-off' && f.foldedInto)!;

  it('JSON lists it with foldedInto; the summary counts it apart', () => {
    expect(r.code).toBe(0);
    expect(json.summary.findings + json.summary.folded + json.summary.suppressed).toBe(json.findings.length);
    expect(json.summary.folded).toBe(3);
  });

  it('SARIF has one result per cause; the broader one names the folded rule and fingerprint', () => {
    const sarif = JSON.parse(out('awsaudit.sarif')) as Sarif.Log;
    const results = sarif.runs.flatMap((run) => run.results ?? []);
    expect(results.some((x) => x.partialFingerprints?.['awsaudit/v1'] === narrow.fingerprint)).toBe(false);
    const broad = results.find((x) => x.partialFingerprints?.['awsaudit/v1'] === narrow.foldedInto)!;
    expect(broad.properties?.foldedRules).toEqual(['s3-bucket-block-public-access-off']);
    expect(broad.properties?.folded).toEqual([expect.objectContaining({ ruleId: narrow.ruleId, fingerprint: narrow.fingerprint })]);
    expect(results.length).toBe(json.summary.findings + json.summary.suppressed);
  });

  it('HTML and text show it inside the broader row, not as a row of its own', () => {
    const html = out('awsaudit.html');
    const rows = html.match(/<tbody class="finding/g) ?? [];
    expect(rows.length).toBe(json.summary.findings + json.summary.suppressed);
    expect(html).toMatch(/data-rule="s3-bucket-public-acl s3-bucket-block-public-access-off"/);
    expect(html).toContain('Same cause, also reported by:');
    const text = r.stdout;
    expect(text).toMatch(/also: medium s3-bucket-block-public-access-off/);
    expect(text).not.toMatch(/^MEDIUM\s+s3-bucket-block-public-access-off/m);
  });
});

describe('subsumes declarations of the built-in rules', () => {
  it('name existing rules of the same resource type, no less severe, and never form a cycle', () => {
    const byId = new Map(files.map((f) => [f.definition.id, f.definition]));
    const pairs: string[] = [];
    for (const f of files) {
      for (const id of f.definition.subsumes ?? []) {
        const narrower = byId.get(id);
        expect(narrower, `${f.definition.id} subsumes unknown rule ${id}`).toBeDefined();
        expect(narrower!.resource).toBe(f.definition.resource);
        pairs.push(`${f.definition.id} > ${id}`);
      }
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      (byId.get(from)?.subsumes ?? []).some((n) => n === to || (!seen.has(n) && (seen.add(n), reaches(n, to, seen))));
    for (const f of files)
      expect(reaches(f.definition.id, f.definition.id), `${f.definition.id} subsumes itself through a cycle`).toBe(false);
    expect(pairs.length).toBeGreaterThanOrEqual(20);
  });
});
