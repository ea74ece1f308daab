// Smaller hostile-input cases, each seen to fail before its fix: a `__proto__` key in evidence,
// bidi overrides and other invisible controls in the text report, an impossible suppression
// date, `--files ""`, and the column of a key found more than a MiB into a line.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExpiry } from '../src/findings/suppressions.js';
import type { Review } from '../src/findings/review.js';
import { FORMATS } from '../src/report/index.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-hostile-small-');
const DEMO = path.join(ROOT, 'demo', 'demo-account.snapshot.json');

function review(overrides: { evidence?: unknown; id?: string; message?: string; account?: string; gap?: string; note?: string }): Review {
  return {
    meta: {
      tool: { name: 'awsaudit', version: 'test' },
      accounts: [overrides.account ?? '123456789012'],
      regions: ['us-east-1'],
      source: 'test',
      collectedAt: '2026-01-01T00:00:00Z',
      resourceTypes: ['aws.ec2.volume'],
      notes: overrides.note ? [overrides.note] : [],
    },
    evaluatedAt: '2026-01-01T00:00:00.000Z',
    resourceCount: 1,
    findings: [
      {
        fingerprint: '0123456789abcdef0123456789abcdef',
        ruleId: 'ec2-volume-unattached',
        title: 'Unattached volume',
        severity: 'low',
        kind: 'cost',
        resource: {
          type: 'aws.ec2.volume',
          id: overrides.id ?? 'vol-1',
          account: overrides.account ?? '123456789012',
          region: 'us-east-1',
        },
        message: overrides.message ?? 'Volume vol-1 is not attached.',
        evidence: [{ path: 'data.Tags', op: 'present', actual: overrides.evidence ?? null }],
        remediation: { text: 'Delete it.', cli: 'aws ec2 delete-volume --volume-id vol-1' },
      },
    ],
    rules: [],
    gaps: overrides.gap
      ? [
          {
            service: 'ec2',
            region: 'us-east-1',
            operation: 'DescribeVolumes',
            resourceTypes: ['aws.ec2.volume'],
            errorCode: 'X',
            message: overrides.gap,
          },
        ]
      : [],
  } as unknown as Review;
}

describe('__proto__ keys in evidence', () => {
  // As JSON.parse makes it from a policy document or request parameters: an own key named __proto__.
  const hostile = JSON.parse(
    '{"Effect":"Allow","__proto__":{"polluted":"yes"},"nested":[{"__proto__":{"isAdmin":true},"k":"v"}]}',
  ) as unknown;

  for (const [name, format] of Object.entries(FORMATS)) {
    it(`${name}: dropped, the other keys kept`, () => {
      const body = format.formatter({ evaluation: review({ evidence: hostile }), rules: [], color: false });
      expect(body).not.toContain('__proto__');
      expect(body).not.toContain('polluted');
      expect(body).not.toContain('isAdmin');
      // The Markdown summary and ASFF (Security Hub has no field for it) carry no evidence.
      if (name !== 'markdown' && name !== 'asff') expect(body).toContain('Effect');
    });
  }

  it('json: the evidence reads back as the object without them', () => {
    const body = FORMATS.json.formatter({ evaluation: review({ evidence: hostile }), rules: [], color: false });
    const parsed = JSON.parse(body) as { findings: Array<{ evidence: Array<{ actual: unknown }> }> };
    expect(parsed.findings[0]!.evidence[0]!.actual).toEqual({ Effect: 'Allow', nested: [{ k: 'v' }] });
  });
});

describe('the text report escapes bidi overrides and other invisible controls', () => {
  // U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LEFT-TO-RIGHT ISOLATE, U+200F RIGHT-TO-LEFT MARK,
  // U+061C ARABIC LETTER MARK, U+FEFF, U+200B ZERO WIDTH SPACE, and ESC.
  const invisible = ['\u202e', '\u2066', '\u2069', '\u200f', '\u061c', '\ufeff', '\u200b', '\x1b'];
  const word = (s: string) => `safe${invisible.join('')}gpj.exe${s}`;
  const body = FORMATS.text.formatter({
    evaluation: review({
      id: word('id'),
      message: word('message'),
      account: word('account'),
      gap: word('gap'),
      note: word('note'),
      evidence: word('evidence'),
    }),
    rules: [],
    color: false,
  });

  it('no raw bidi or invisible character anywhere in the output', () => {
    for (const c of invisible) expect(body, `U+${c.charCodeAt(0).toString(16)}`).not.toContain(c);
  });

  it('each is shown as \\uXXXX where it was (resource id, message, account, gap, note)', () => {
    const escaped = '\\u202e\\u2066\\u2069\\u200f\\u061c\\ufeff\\u200b\\u001b';
    for (const where of ['id', 'message', 'account', 'gap', 'note']) expect(body).toContain(`safe${escaped}gpj.exe${where}`);
  });
});

describe('suppression dates that do not exist are located errors', () => {
  it.each([
    '2026-02-30T00:00:00+09:00',
    '2026-02-29',
    '2026-04-31T12:00:00-05:00',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T10:00:00+24:00',
  ])('%s', async (expires) => {
    expect(parseExpiry(expires)).toBeUndefined();
    const dir = tmp();
    const ignore = path.join(dir, 'ignore.json');
    writeFileSync(ignore, JSON.stringify({ suppressions: [{ rule: 's3-bucket-public-acl', reason: 'accepted', expires }] }));
    const r = await runCli(['evaluate', '--snapshot', DEMO, '--ignore-file', ignore, '--format', 'json', '--output-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ignore.json#/suppressions/0/expires: "${expires}" is not a valid date`);
    expect(r.stderr).not.toContain('internal error');
  });

  it('real dates with a zone are read as the instant they name', () => {
    expect(parseExpiry('2026-02-28T00:00:00+09:00')).toBe(Date.parse('2026-02-27T15:00:00Z'));
    expect(parseExpiry('2028-02-29')).toBe(Date.parse('2028-02-29T00:00:00Z'));
    expect(parseExpiry('2026-12-31T23:59:59.999-12:00')).toBe(Date.parse('2027-01-01T11:59:59.999Z'));
  });
});

describe('--files ""', () => {
  it('is an error, not a scan of the working directory', async () => {
    const dir = tmp();
    // A key in the working directory that a scan of "." would find.
    writeFileSync(path.join(dir, 'notes.txt'), `${keyIdFor(randomAccount())}\n${randomSecret()}\n`);
    const r = await runCli(['scan', '--files', '', '--format', 'json', '--output-dir', path.join(dir, 'out')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--files: an empty path/);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('the column of a key far into a long line', () => {
  // Prefixes longer than the scanner's 1 MiB chunk, with characters of 2 and 4 bytes (1 and 2
  // UTF-16 code units, SARIF's column unit), so a column counted in bytes or from a chunk's
  // start is wrong.
  for (const [name, units] of [
    ['1.5 MiB', 1.5 * 1024 * 1024],
    ['3.2 MiB', 3.2 * 1024 * 1024],
  ] as const) {
    it(`a key ${name} into its line is at the column of its UTF-16 offset`, async () => {
      const dir = tmp();
      const piece = 'abcé😀 ';
      const prefix = piece.repeat(Math.ceil(units / piece.length));
      const keyId = keyIdFor(randomAccount());
      writeFileSync(path.join(dir, 'long.txt'), `first line\n${prefix}${keyId} ${randomSecret()}\nlast line\n`);
      const out = path.join(dir, 'out');
      const r = await runCli(['scan', '--files', 'long.txt', '--format', 'json', '--output-dir', out, '--fail-on', 'none'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8')) as {
        findings: Array<{ location?: { line?: number; column?: number } }>;
      };
      const located = report.findings.filter((f) => f.location);
      expect(located.length).toBeGreaterThan(0);
      for (const f of located) expect(f.location).toEqual({ path: 'long.txt', line: 2, column: prefix.length + 1 });
    });
  }
});
