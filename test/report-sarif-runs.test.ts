// SARIF runs stay within GitHub's limit of 20 per upload whatever the source: keys found in
// local files are one run (awsaudit/local/) however many accounts own them, and an
// organization trail's events from more accounts than that share a last run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { GITHUB_LIMITS } from '../src/report/sarif.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';
import { sarifProblems } from './support/sarif.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-sarif-runs-');

/** Distinct random account ids (none the demo's). */
function accounts(n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    const a = randomAccount();
    if (a !== '123456789012') out.add(a);
  }
  return [...out];
}

describe('scan --files: 30 keys owned by 30 accounts', async () => {
  const dir = tmp();
  const notes = path.join(dir, 'notes');
  mkdirSync(notes);
  const owners = accounts(30);
  owners.forEach((account, i) =>
    writeFileSync(
      path.join(notes, `key-${i}.txt`),
      `aws_access_key_id = ${keyIdFor(account)}\naws_secret_access_key = ${randomSecret()}\n`,
    ),
  );
  const out = path.join(dir, 'reports');
  const r = await runCli(['scan', '--files', 'notes', '--format', 'sarif,json', '--output-dir', out, '--fail-on', 'none'], { cwd: dir });
  const sarifFile = path.join(out, 'awsaudit.sarif');
  const log = JSON.parse(readFileSync(sarifFile, 'utf8')) as Sarif.Log;
  const json = JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8')) as {
    findings: Array<{ fingerprint: string; resource: { account: string } }>;
  };

  it('found every key, each attributed to its owner', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(new Set(json.findings.map((f) => f.resource.account))).toEqual(new Set(owners));
  });

  it('is one run, awsaudit/local/, with every finding, and the key owner as a result property', () => {
    expect(log.runs.map((run) => run.automationDetails?.id)).toEqual(['awsaudit/local/']);
    const results = log.runs[0]!.results!;
    expect(results.map((x) => x.partialFingerprints!['awsaudit/v1']).sort()).toEqual(json.findings.map((f) => f.fingerprint).sort());
    expect(new Set(results.map((x) => x.properties!.account))).toEqual(new Set(owners));
    expect(log.properties?.warnings).toBeUndefined();
    expect(r.stderr).not.toMatch(/SARIF/);
  });

  it('passes the SARIF multitool with the GitHub rules', () => {
    expect(sarifProblems(sarifFile)).toEqual([]);
  });

  it('with an account (the demo): the account’s run and the local run', async () => {
    const both = path.join(dir, 'both');
    const r2 = await runCli(['scan', '--demo', '--files', 'notes', '--format', 'sarif', '--output-dir', both, '--fail-on', 'none'], {
      cwd: dir,
    });
    expect(r2.code, r2.stderr).toBe(0);
    const log2 = JSON.parse(readFileSync(path.join(both, 'awsaudit.sarif'), 'utf8')) as Sarif.Log;
    expect(log2.runs.map((run) => run.automationDetails?.id)).toEqual(['awsaudit/123456789012/', 'awsaudit/local/']);
    expect(log2.runs[1]!.results).toHaveLength(30);
  });
});

describe('CloudTrail events of 30 accounts (an organization trail)', async () => {
  const dir = tmp();
  const senders = accounts(30);
  const records = senders.map((account, i) => ({
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account },
    eventTime: `2026-11-20T10:${String(i).padStart(2, '0')}:00Z`,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'Mozilla/5.0',
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: account,
  }));
  const events = path.join(dir, 'events.json');
  writeFileSync(events, JSON.stringify({ Records: records }));
  const sarifFile = path.join(dir, 'events.sarif');
  const r = await runCli([
    'scan',
    '--cloudtrail',
    events,
    '--only',
    'cloudtrail-root-user-activity',
    '--format',
    'sarif',
    '--output',
    `sarif=${sarifFile}`,
    '--fail-on',
    'none',
  ]);
  const log = JSON.parse(readFileSync(sarifFile, 'utf8')) as Sarif.Log;

  it(`at most ${GITHUB_LIMITS.runsPerFile} runs, one category each, every finding exactly once`, () => {
    expect(r.code, r.stderr).toBe(0);
    expect(log.runs.length).toBeLessThanOrEqual(GITHUB_LIMITS.runsPerFile);
    const ids = log.runs.map((run) => run.automationDetails?.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.at(-1)).toBe('awsaudit/other-accounts/');
    const results = log.runs.flatMap((run) => run.results ?? []);
    expect(results).toHaveLength(30);
    expect(new Set(results.map((x) => x.properties!.account))).toEqual(new Set(senders));
    // Each account is in exactly one run: its own, or the shared last one (which lists them).
    const shared = log.runs.at(-1)!;
    const own = log.runs.slice(0, -1).map((run) => run.properties!.account as string);
    expect([...own, ...(shared.properties!.accounts as string[])].sort()).toEqual([...senders].sort());
  });

  it('says so on stderr, and the file passes the SARIF multitool with the GitHub rules', () => {
    expect(r.stderr).toMatch(/SARIF: 30 accounts, .*awsaudit\/other-accounts\//);
    // GH1004 counts runs against a display default of 5 from an older code-scanning portal,
    // fixed in the validator's code (not configurable); GitHub's upload limit is 20, checked above.
    const problems = sarifProblems(sarifFile);
    expect(
      problems.filter((p) => !/^error GH1004 .*runs: This array contains 20 element\(s\), which exceeds the default limit of 5/.test(p)),
    ).toEqual([]);
  });
});
