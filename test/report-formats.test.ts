// --format markdown and csv: parsed back with the parsers their readers use (a CommonMark + GFM
// parser as GitHub renders step summaries and comments; an RFC 4180 CSV parser), with hostile
// values from AWS, and the Markdown summary's size budget.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Root, RootContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import type { Finding, RuleResult } from '../src/engine/findings.js';
import type { Review } from '../src/findings/review.js';
import { CSV_COLUMNS, formatCsv } from '../src/report/csv.js';
import { markdownFormatter, mdText } from '../src/report/markdown.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { DEMO, DEMO_NOW, FILE_RULES, HOSTILE, tempDir, type SnapshotDoc } from './support/snapshots.js';

/** A name with everything that could break a Markdown table or a spreadsheet. */
const EVIL = "=cmd|' /C calc'!A0 | `x` ](javascript:alert(1)) <img src=x onerror=alert(1)> **b** www.evil.example\nnext|row";

function hostileVariant(): string {
  const snapshot = JSON.parse(readFileSync(HOSTILE, 'utf8')) as SnapshotDoc;
  for (const r of snapshot.resources) {
    if (r.type === 'aws.iam.user' && r.id.startsWith('django-board')) {
      r.id = EVIL;
      r.data.UserName = EVIL;
    }
  }
  const file = path.join(tempDir(), 'evil.snapshot.json');
  writeFileSync(file, JSON.stringify(snapshot));
  return file;
}

function parseMd(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function walk(node: Root | RootContent, visit: (n: Root | RootContent) => void): void {
  visit(node);
  if ('children' in node) for (const child of node.children) walk(child, visit);
}

function textOf(node: RootContent): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return (node.children as RootContent[]).map(textOf).join('');
  return '';
}

describe('--format markdown', async () => {
  const dir = tempDir();
  const r = await runCli([
    'evaluate',
    '--snapshot',
    hostileVariant(),
    '--rules',
    FILE_RULES,
    '--now',
    DEMO_NOW,
    '-f',
    'markdown',
    '-o',
    dir,
    '--fail-on',
    'none',
  ]);
  const md = readFileSync(path.join(dir, 'awsaudit.md'), 'utf8');
  const tree = parseMd(md);

  it("keeps every table whole whatever the names hold: each row has the header's cells", () => {
    expect(r.code, r.stderr).toBe(0);
    const tables: Table[] = [];
    walk(tree, (n) => n.type === 'table' && tables.push(n));
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const t of tables) {
      const width = t.children[0]!.children.length;
      for (const row of t.children) expect(row.children.length).toBe(width);
    }
    // The hostile user is one cell of one row, read back as the text it is.
    const cells = tables.flatMap((t) => t.children.flatMap((row) => row.children.map((c) => textOf(c).replace(/\u200b/g, ''))));
    expect(cells).toContain(EVIL.replace('\n', ' '));
  });

  it('lets no AWS value become a link, an image, raw HTML, code or emphasis', () => {
    const kinds = new Set<string>();
    const links: string[] = [];
    walk(tree, (n) => {
      kinds.add(n.type);
      if (n.type === 'link') links.push(n.url);
    });
    for (const k of ['html', 'image', 'inlineCode', 'emphasis', 'code', 'delete']) expect(kinds.has(k), k).toBe(false);
    // Bold only for the summary's own labels.
    const strong: string[] = [];
    walk(tree, (n) => n.type === 'strong' && strong.push(textOf(n)));
    for (const label of strong) expect(['Rules:', 'Waste:', 'Suppressed:', 'Against the baseline:']).toContain(label);
    // Only the rule documentation links: built-in rules only (the fixture's own rules have no page).
    expect(links.length).toBeGreaterThan(0);
    for (const url of links) expect(url).toMatch(/^https:\/\/github\.com\/awsaudit\/awsaudit\/blob\/main\/docs\/rules\.md#[a-z0-9-]+$/);
  });

  it('states the coverage gaps and the rules not checked', () => {
    expect(md).toMatch(/### Coverage gaps/);
    expect(md).toMatch(/\d+ rule\(s\) not checked/);
    expect(md).toContain('not checked: ');
  });

  it('escapes every punctuation character so nothing is read as syntax', () => {
    expect(mdText('a|b')).toBe('a\\|b');
    expect(mdText('x\r\ny')).toBe('x y');
    // Mentions and autolinks are found after escapes are undone: broken by a zero-width space.
    for (const text of ['@octocat', 'www.evil.example', 'https://evil.example', 'a@b.example']) {
      const p = parseMd(mdText(text));
      const kinds: string[] = [];
      walk(p, (n) => kinds.push(n.type));
      expect(kinds, text).not.toContain('link');
    }
    const p = parseMd(mdText('[a](http://x) <b> `c` *d*')).children[0]!;
    expect(p.type).toBe('paragraph');
    expect('children' in p && p.children.map((c) => c.type)).toEqual(['text']);
    expect(textOf(p).replace(/\u200b/g, '')).toBe('[a](http://x) <b> `c` *d*');
  });
});

function finding(i: number, severity: Finding['severity']): Finding {
  return {
    fingerprint: `fp-${i}`,
    ruleId: `rule-${i % 7}`,
    title: `Rule ${i % 7}`,
    severity,
    kind: 'security',
    resource: {
      type: 'aws.s3.bucket',
      id: `bucket-${i}-with-a-long-name-${'x'.repeat(40)}`,
      account: i % 2 ? '111122223333' : '444455556666',
      region: 'us-east-1',
    },
    message: `Bucket bucket-${i} is public: ${'because '.repeat(10)}`,
    evidence: [],
    remediation: { text: 'Block public access.' },
  };
}

function bigReview(n: number, withBaseline: boolean): Review {
  const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
  const findings = Array.from({ length: n }, (_, i) => ({
    ...finding(i, severities[i % 5]!),
    ...(withBaseline ? { baselineState: i % 10 === 0 ? ('new' as const) : ('unchanged' as const) } : {}),
  }));
  const rule: RuleResult = {
    ruleId: 'rule-0',
    resource: 'aws.s3.bucket',
    severity: 'high',
    kind: 'security',
    evaluated: n,
    failed: n,
    passed: 0,
    undecided: 0,
    undecidedResources: [],
    status: 'fail',
    complete: true,
    missingTypes: [],
    gaps: [],
  };
  return {
    meta: {
      accounts: ['111122223333', '444455556666'],
      regions: ['us-east-1'],
      collectedAt: DEMO_NOW,
      tool: { name: 'awsaudit', version: '0' },
      source: 'fixture',
      resourceTypes: ['aws.s3.bucket'],
    },
    evaluatedAt: DEMO_NOW,
    findings,
    rules: [rule],
    gaps: Array.from({ length: 300 }, (_, i) => ({
      service: 's3',
      region: 'us-east-1',
      operation: 'GetBucketPolicy',
      resourceTypes: ['aws.s3.bucket'],
      errorCode: 'AccessDenied',
      message: `denied for bucket-${i}`,
    })),
    resourceCount: n,
    ...(withBaseline ? { baseline: { file: 'b.json', new: n / 10, unchanged: n - n / 10, fixed: [], notRechecked: [] } } : {}),
  };
}

describe('the Markdown summary fits a pull-request comment', () => {
  for (const withBaseline of [false, true]) {
    it(`5,000 findings${withBaseline ? ' against a baseline' : ''}: at most 65,536 characters, and says how many were left out`, () => {
      const review = bigReview(5000, withBaseline);
      const md = markdownFormatter()({ evaluation: review, rules: [], color: false });
      expect(md.length).toBeLessThanOrEqual(65_536);
      const tree = parseMd(md);
      const tables: Table[] = [];
      walk(tree, (n) => n.type === 'table' && tables.push(n));
      // Finding tables: 6 columns; the others are the severity and account tables.
      const findingTables = tables.filter((t) => t.children[0]!.children.length === 6);
      const shown = findingTables.reduce((sum, t) => sum + t.children.length - 1, 0);
      expect(shown).toBeGreaterThan(50);
      const more = [...md.matchAll(/… and (\d+) more not shown|findings: (\d+), not listed/g)].reduce(
        (sum, m) => sum + Number(m[1] ?? m[2]),
        0,
      );
      expect(shown + more).toBe(5000);
      if (withBaseline) {
        // New findings come first, and every one of the 500 is listed before any other finding.
        expect(md.indexOf('### New findings (500)')).toBeLessThan(md.indexOf('Other open findings'));
      }
      // The gaps are stated even when the findings filled the budget.
      expect(md).toContain('300 call(s) that failed');
      // Per-account lines for a report of two accounts.
      expect(md).toMatch(/### Accounts \(2\)[\s\S]*\| 111122223333 \|/);
    });
  }

  it('a small budget still lists none silently', () => {
    const md = markdownFormatter(3_000)({ evaluation: bigReview(100, false), rules: [], color: false });
    expect(md.length).toBeLessThan(4_000);
    expect(md).toMatch(/… and \d+ more not shown|Open findings: 100, not listed/);
  });
});

describe('--format csv', () => {
  it('parses back (RFC 4180) with one row per finding and every cell as it was, formulas defused', async () => {
    const dir = tempDir();
    const r = await runCli([
      'evaluate',
      '--snapshot',
      hostileVariant(),
      '--rules',
      FILE_RULES,
      '--now',
      DEMO_NOW,
      '-f',
      'csv,json',
      '-o',
      dir,
      '--fail-on',
      'none',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const raw = readFileSync(path.join(dir, 'awsaudit.csv'), 'utf8');
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(raw.split('\r\n')[0]).toBe(CSV_COLUMNS.map(([c]) => c).join(','));
    const rows = parseCsv<Record<string, string>>(raw, { columns: true, record_delimiter: '\r\n', relax_quotes: false });
    const json = JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8')) as {
      findings: Array<{ fingerprint: string; resource: { id: string } }>;
    };
    expect(rows.map((x) => x.fingerprint)).toEqual(json.findings.map((f) => f.fingerprint));
    const evil = rows.filter((x) => x.resource_id!.includes('cmd|'));
    expect(evil.length).toBeGreaterThan(0);
    // Starts with "=": read as text by spreadsheets thanks to the quote; the rest (line break, quotes, commas) is intact.
    for (const row of evil) expect(row.resource_id).toBe(`'${EVIL}`);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // A finding table cannot show what was not checked: a notice says where that is.
    expect(r.stderr).toMatch(/the CSV report lists findings only: \d+ rule\(s\) not checked or incomplete and 1 coverage gap/);
  });

  it('writes the demo account with the documented columns', async () => {
    const dir = tempDir();
    const r = await runCli(['evaluate', '--snapshot', DEMO, '--now', DEMO_NOW, '-f', 'csv', '-o', dir, '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv<Record<string, string>>(readFileSync(path.join(dir, 'awsaudit.csv')), { columns: true });
    expect(rows.length).toBeGreaterThan(100);
    const docs = readFileSync(path.join(ROOT, 'docs', 'reports.md'), 'utf8');
    for (const [column] of CSV_COLUMNS) expect(docs, column).toContain(`\`${column}\``);
    expect(formatCsv({ evaluation: bigReview(3, false), rules: [], color: false }).split('\r\n')).toHaveLength(5);
  });
});
