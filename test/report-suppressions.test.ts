import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { globToRegExp, parseExpiry } from '../src/findings/suppressions.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { sarifProblems } from './support/sarif.js';
import { readJson, tempDir } from './support/snapshots.js';

interface Report {
  findings: Array<{
    ruleId: string;
    severity: string;
    resource: { id: string };
    suppression?: { reason: string; source: string; expires?: string };
  }>;
  summary: { findings: number; suppressed: number; folded: number; bySeverity: Record<string, number> };
  expiredSuppressions: Array<{ source: string; expires: string; matched: number; reason: string }>;
}

const PUBLIC_BUCKET = {
  rule: 's3-bucket-public-acl',
  resource: 'ciw0707-*',
  reason: 'static website; content is public by design (TICKET-12)',
};
// The demo's other critical finding: SSH open on the group of an instance reachable from the internet.
const OPEN_SSH = {
  rule: 'ec2-security-group-admin-ports-open',
  resource: 'sg-0a11c0ffee0000001',
  reason: 'instance retired this sprint (TICKET-31)',
};
// And the third: a DB snapshot shared with every AWS account.
const PUBLIC_SNAPSHOT = {
  rule: 'rds-snapshot-public',
  resource: 'django-board-db-before-migration',
  reason: 'share removed and snapshot deleted in TICKET-40',
};

// The demo's other critical findings (roles anyone can assume), left out of the runs below so that the
// suppressed ones decide the exit code.
const SKIP_OTHER_CRITICAL = ['--skip', 'iam-role-trust-allows-anyone,iam-role-trust-web-identity-unrestricted'];

/** A working directory holding the given files; the demo scan runs there (so .awsaudit-ignore.json is the default). */
function workdir(files: Record<string, unknown>): string {
  const dir = tempDir('awsaudit-suppress-');
  for (const [name, content] of Object.entries(files))
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

async function scanIn(dir: string, extra: string[] = []) {
  const r = await runCli(['scan', '--demo', '--format', 'text,json,sarif,html', '--output-dir', 'out', ...extra], { cwd: dir });
  const read = <T>(name: string) => readJson<T>(path.join(dir, 'out', name));
  return {
    ...r,
    json: read<Report>('awsaudit.json'),
    sarif: read<Sarif.Log>('awsaudit.sarif'),
    sarifFile: path.join(dir, 'out', 'awsaudit.sarif'),
    html: readFileSync(path.join(dir, 'out', 'awsaudit.html'), 'utf8'),
  };
}

describe('suppressions', () => {
  it('.awsaudit-ignore.json in the working directory: the finding stays in every report, marked suppressed, and does not count for the exit code', async () => {
    const dir = workdir({ '.awsaudit-ignore.json': { suppressions: [PUBLIC_BUCKET, OPEN_SSH, PUBLIC_SNAPSHOT] } });
    const r = await scanIn(dir, ['--fail-on', 'critical', ...SKIP_OTHER_CRITICAL]);
    expect(r.code).toBe(0);
    const bucket = r.json.findings.find((f) => f.ruleId === 's3-bucket-public-acl')!;
    expect(bucket.suppression).toEqual({ reason: PUBLIC_BUCKET.reason, source: '.awsaudit-ignore.json#/suppressions/0' });
    expect(r.json.findings.find((f) => f.ruleId === OPEN_SSH.rule)!.suppression).toEqual({
      reason: OPEN_SSH.reason,
      source: '.awsaudit-ignore.json#/suppressions/1',
    });
    // Every demo finding stays in the report; the suppressed ones no longer count.
    const total = r.json.findings.length;
    expect(total).toBe((await scanIn(workdir({}), ['--fail-on', 'none', ...SKIP_OTHER_CRITICAL])).json.findings.length);
    // Two of the others are folded into a broader finding (the password policy's); the bucket's
    // Block Public Access finding, folded into the suppressed public-ACL finding, counts on its own again.
    expect(r.json.summary).toMatchObject({ findings: total - 3 - 2, suppressed: 3, folded: 2, bySeverity: { critical: 0 } });
    expect(r.stdout).toMatch(
      /s3-bucket-public-acl .*\[suppressed\]\n.*\n {9}suppressed: static website; content is public by design \(TICKET-12\)/,
    );
    expect(r.stdout).toContain('· 3 suppressed');
    const result = r.sarif.runs[0]!.results!.find((x) => x.ruleId === 's3-bucket-public-acl')!;
    expect(result.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: PUBLIC_BUCKET.reason,
        properties: { source: '.awsaudit-ignore.json#/suppressions/0' },
      },
    ]);
    expect(
      r.sarif.runs[0]!.results!.filter((x) => x.suppressions)
        .map((x) => x.ruleId)
        .sort(),
    ).toEqual([OPEN_SSH.rule, PUBLIC_SNAPSHOT.rule, PUBLIC_BUCKET.rule]);
    expect(sarifProblems(r.sarifFile)).toEqual([]);
    expect(r.html).toMatch(/<tbody class="finding is-suppressed" data-severity="critical"[^>]*data-state="suppressed"/);
    expect(r.html).toContain('Suppressed: static website; content is public by design (TICKET-12)');
    // Other findings still count.
    expect((await scanIn(dir, ['--fail-on', 'high'])).code).toBe(1);
  });

  it('an expired suppression stops applying, is reported on stderr and in the reports; the evaluation clock decides', async () => {
    const dir = workdir({
      '.awsaudit-ignore.json': { suppressions: [{ ...PUBLIC_BUCKET, expires: '2026-11-21' }, OPEN_SSH, PUBLIC_SNAPSHOT] },
    });
    // The demo is evaluated at 2026-11-21T09:00Z: a suppression that expires that day (00:00 UTC) no longer applies.
    // The bucket is high (anyone can list it): its rule alone decides the exit code at --fail-on high.
    const onlyBucket = ['--fail-on', 'high', '--only', PUBLIC_BUCKET.rule];
    const expired = await scanIn(dir, onlyBucket);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain(
      'awsaudit: suppression .awsaudit-ignore.json#/suppressions/0 expired 2026-11-21 and no longer applies (1 finding(s) reported again)',
    );
    expect(expired.json.findings.find((f) => f.ruleId === 's3-bucket-public-acl')!.suppression).toBeUndefined();
    expect(expired.json.expiredSuppressions).toEqual([
      {
        source: '.awsaudit-ignore.json#/suppressions/0',
        rule: PUBLIC_BUCKET.rule,
        resource: PUBLIC_BUCKET.resource,
        reason: PUBLIC_BUCKET.reason,
        expires: '2026-11-21',
        matched: 1,
      },
    ]);
    expect(expired.stdout).toContain('Expired suppressions (1)');
    expect(expired.html).toContain('expired suppression(s)');
    expect(expired.sarif.runs[0]!.properties!.expiredSuppressions).toHaveLength(1);
    // The day before, it still applies.
    const before = await scanIn(dir, [...onlyBucket, '--now', '2026-11-20T23:59:59Z']);
    expect(before.code).toBe(0);
    expect(before.stderr).not.toContain('expired');
    expect(before.json.findings.find((f) => f.ruleId === 's3-bucket-public-acl')!.suppression).toMatchObject({ expires: '2026-11-21' });
  });

  it('suppressions in the config file and in --ignore-file both apply; patterns match the ARN, account and region', async () => {
    const dir = workdir({
      'audit.json': {
        suppressions: [{ rule: 'iam-*', resource: 'arn:aws:iam::123456789012:user/django-*', reason: 'tracked in TICKET-7' }],
      },
      'accepted.json': {
        suppressions: [
          { rule: 'rds-instance-not-multi-az', account: '1234567890??', region: 'ap-northeast-*', reason: 'dev database' },
          { rule: 'ec2-elastic-ip-unattached', account: '999999999999', reason: 'another account: must not match' },
        ],
      },
    });
    const r = await scanIn(dir, ['--config', 'audit.json', '--ignore-file', 'accepted.json', '--fail-on', 'none']);
    const suppressed = Object.fromEntries(r.json.findings.filter((f) => f.suppression).map((f) => [f.ruleId, f.suppression!.source]));
    expect(suppressed).toEqual({
      'iam-user-direct-policies': 'audit.json#/suppressions/0',
      'iam-user-full-access-policy': 'audit.json#/suppressions/0',
      'iam-user-without-mfa': 'audit.json#/suppressions/0',
      'rds-instance-not-multi-az': 'accepted.json#/suppressions/0',
    });
  });

  it('a suppression without a reason, one that would match everything, a bad date or a missing file: exit 2, naming the place', async () => {
    const cases: Array<[Record<string, unknown>, string[], RegExp]> = [
      [
        { '.awsaudit-ignore.json': { suppressions: [{ rule: 's3-*' }] } },
        [],
        /\.awsaudit-ignore\.json: \/suppressions\/0: missing required property "reason"/,
      ],
      [
        { '.awsaudit-ignore.json': { suppressions: [{ region: 'us-east-1', reason: 'too broad' }] } },
        [],
        /\/suppressions\/0: needs "rule" or "resource"/,
      ],
      [
        { '.awsaudit-ignore.json': { suppressions: [{ rule: 'x', reason: 'r', expires: '2026-02-30' }] } },
        [],
        /\/suppressions\/0\/expires: "2026-02-30" is not a valid date/,
      ],
      [{ '.awsaudit-ignore.json': '{ "suppressions": [' }, [], /\.awsaudit-ignore\.json: not valid JSON/],
      [
        { 'c.json': { suppressions: [{ resource: 'x', reason: '' }] } },
        ['--config', 'c.json'],
        /c\.json: \/suppressions\/0\/reason: must match the pattern/,
      ],
      [{}, ['--ignore-file', 'nope.json'], /cannot read ignore file nope\.json/],
    ];
    for (const [files, args, message] of cases) {
      const r = await runCli(['scan', '--demo', '--format', 'json', '--output-dir', 'out', ...args], { cwd: workdir(files) });
      expect(r.code, String(message)).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('with a baseline and a suppression, only new, unsuppressed findings count', async () => {
    const dir = workdir({});
    const first = await scanIn(dir, ['--fail-on', 'none']);
    writeFileSync(
      path.join(dir, 'baseline.json'),
      JSON.stringify({ ...first.json, findings: first.json.findings.filter((f) => f.ruleId !== 's3-bucket-public-acl') }),
    );
    // The public bucket is "new" against this baseline: it counts ...
    expect((await scanIn(dir, ['--baseline', 'baseline.json', '--fail-on', 'high'])).code).toBe(1);
    // ... unless it is suppressed.
    writeFileSync(path.join(dir, '.awsaudit-ignore.json'), JSON.stringify({ suppressions: [PUBLIC_BUCKET] }));
    const r = await scanIn(dir, ['--baseline', 'baseline.json', '--fail-on', 'low']);
    expect(r.code).toBe(0);
    expect(sarifProblems(r.sarifFile)).toEqual([]);
    const bucket = r.sarif.runs[0]!.results!.find((x) => x.ruleId === 's3-bucket-public-acl')!;
    expect(bucket).toMatchObject({ baselineState: 'new', suppressions: [{ status: 'accepted' }] });
  });
});

describe('suppression patterns and dates', () => {
  it('globs: * spans / and :, ? is one character, everything else is literal', () => {
    expect(globToRegExp('arn:aws:s3:::logs-*').test('arn:aws:s3:::logs-2026/a')).toBe(true);
    expect(globToRegExp('sg-0?').test('sg-01')).toBe(true);
    expect(globToRegExp('sg-0?').test('sg-012')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('(x)+[y]').test('(x)+[y]')).toBe(true);
    expect(globToRegExp('Prod*').test('prod-1')).toBe(false);
  });
  it('a bare date expires at 00:00 UTC; impossible dates are refused', () => {
    expect(parseExpiry('2027-01-31')).toBe(Date.parse('2027-01-31T00:00:00Z'));
    expect(parseExpiry('2027-01-31T12:00:00+09:00')).toBe(Date.parse('2027-01-31T03:00:00Z'));
    expect(parseExpiry('2026-02-30')).toBeUndefined();
  });
});
