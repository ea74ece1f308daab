// `scan --org` end to end against moto: an organisation with member accounts, each with its own
// resources that only its assumed role can see, one member whose role cannot be assumed (a
// proxy in front of moto denies that AssumeRole, as AWS would for a role that does not trust the
// management account), and the organisation's selection by OU.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { MOTO_CLI_ENV, startMoto, type MotoServer } from './support/moto.js';
import {
  assumeInto,
  createOrganization,
  MANAGEMENT_ACCOUNT,
  type Credentials,
  seedOpenGroupAndAddress,
  type SeededOrganization,
} from './support/org.js';
import { sarifProblems } from './support/sarif.js';
import { tempDirs } from './support/temp.js';

const REGION = 'us-east-1';
const RULES = 'ec2-security-group-admin-ports-open,ec2-elastic-ip-unattached';
/** A name from AWS is untrusted text: it must reach every report as text. */
const HOSTILE_NAME = 'sandbox<img src=x onerror="window.__xss=1">';

let moto: MotoServer | undefined;
let proxy: FaultProxy | undefined;
let org: SeededOrganization;
/** Security group ids seeded in each account (the management account's too). */
const groups = new Map<string, string>();
let denied: string;
const tmp = tempDirs('awsaudit-org-');

async function seedAccount(account: string, credentials: Credentials | undefined, name: string): Promise<void> {
  groups.set(account, await seedOpenGroupAndAddress(moto!.endpoint, REGION, credentials, name));
}

beforeAll(async () => {
  moto = await startMoto();
  org = await createOrganization(moto.endpoint, [
    { name: 'prod', inOu: true },
    { name: 'dev', inOu: true },
    { name: HOSTILE_NAME },
    { name: 'locked' },
  ]);
  for (const m of org.members) await seedAccount(m.id, await assumeInto(moto.endpoint, m.id), m.name.slice(0, 7));
  await seedAccount(MANAGEMENT_ACCOUNT, undefined, 'mgmt');
  denied = org.members.find((m) => m.name === 'locked')!.id;
  proxy = await startFaultProxy(moto.endpoint, {
    rules: [{ fault: 'deny', when: (r) => r.service === 'sts' && r.action === 'AssumeRole' && r.body.toString('utf8').includes(denied) }],
  });
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

interface Report {
  scan: { accounts: string[]; organization: { id: string; managementAccount: string; callerAccount: string; accountsListed: number } };
  accounts: Array<{
    account: string;
    name: string | null;
    status: string;
    access: string;
    error?: { code: string; message: string };
    gaps: number;
    summary: {
      findings: number;
      costMonthlyUsd: number;
      bySeverity: Record<string, number>;
      rules: { incomplete: number; passed: number };
    };
    compliance?: Array<{ framework: string; pass: number; fail: number; incomplete: number }>;
  }>;
  findings: Array<{ ruleId: string; resource: { id: string; account: string; type: string } }>;
  gaps: Array<{ account?: string; service: string; operation: string; errorCode: string }>;
  rules: Array<{ ruleId: string; status: string; complete: boolean }>;
  summary: { findings: number };
}

const scanOrg = (out: string, ...extra: string[]) =>
  runCli(
    [
      'scan',
      '--org',
      '--only',
      RULES,
      '--endpoint-url',
      proxy!.endpoint,
      '--region',
      REGION,
      '--output-dir',
      out,
      '--now',
      '2026-01-01T00:00:00Z',
      ...extra,
    ],
    { env: MOTO_CLI_ENV },
  );

describe('scan --org', () => {
  let out: string;
  let report: Report;
  let stderr: string;
  let stdout: string;
  beforeAll(async () => {
    out = tmp();
    const r = await scanOrg(out, '-f', 'text,json,html,sarif', '--compliance', 'fsbp');
    expect(r.code, r.stderr).toBe(1);
    ({ stderr, stdout } = r);
    report = JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8')) as Report;
  }, 120_000);

  it("reports each account's findings under its own account id, read through its own role", () => {
    const all = [MANAGEMENT_ACCOUNT, ...org.members.map((m) => m.id)].sort();
    expect(report.scan.accounts).toEqual(all);
    expect(report.scan.organization).toMatchObject({
      id: org.id,
      managementAccount: MANAGEMENT_ACCOUNT,
      callerAccount: MANAGEMENT_ACCOUNT,
      accountsListed: 5,
    });
    for (const [account, group] of groups) {
      if (account === denied) continue;
      const sg = report.findings.filter((f) => f.ruleId === 'ec2-security-group-admin-ports-open');
      // Each account's group is reported in that account, and in no other.
      expect(sg.filter((f) => f.resource.id === group).map((f) => f.resource.account)).toEqual([account]);
      const eips = report.findings.filter((f) => f.ruleId === 'ec2-elastic-ip-unattached' && f.resource.account === account);
      expect(eips).toHaveLength(1);
    }
    const byAccount = new Map(report.accounts.map((a) => [a.account, a]));
    expect(byAccount.get(MANAGEMENT_ACCOUNT)).toMatchObject({ access: 'caller', status: 'scanned', name: 'master' });
    for (const m of org.members.filter((x) => x.id !== denied)) {
      expect(byAccount.get(m.id)).toMatchObject({ access: 'role', status: 'scanned', name: m.name, gaps: 0 });
      expect(byAccount.get(m.id)!.summary).toMatchObject({ findings: 2, costMonthlyUsd: 3.65 });
    }
    expect(report.summary.findings).toBe(8);
  });

  it("with --compliance, each account's own counts per framework", () => {
    for (const a of report.accounts) {
      expect(a.compliance?.map((c) => c.framework)).toEqual(['fsbp']);
      const fsbp = a.compliance![0]!;
      // EC2.12 (the Elastic IP) and the security group's four controls fail where the account was read; nothing passes or fails where it was not.
      if (a.account === denied) expect(fsbp).toMatchObject({ pass: 0, fail: 0 });
      else expect(fsbp.fail).toBe(5);
    }
  });

  it('an account whose role cannot be assumed is a failed account with a gap, not a clean one', () => {
    const locked = report.accounts.find((a) => a.account === denied)!;
    expect(locked).toMatchObject({ status: 'failed', access: 'role', gaps: 1, error: { code: 'AccessDenied' } });
    expect(locked.summary.findings).toBe(0);
    expect(locked.summary.rules.passed).toBe(0);
    expect(locked.summary.rules.incomplete).toBe(2);
    expect(report.gaps).toEqual([
      expect.objectContaining({ account: denied, service: 'sts', operation: 'AssumeRole', errorCode: 'AccessDenied' }),
    ]);
    // The rules pass nowhere in the run as a whole: one account could not be read.
    for (const r of report.rules) expect(r.complete).toBe(false);
    expect(stderr).toMatch(new RegExp(`\\[\\d/5\\] ${denied} \\(locked\\): not scanned, AccessDenied`));
    expect(stdout).toContain('Accounts (5: 4 scanned, 0 with coverage gaps, 1 not scanned):');
    expect(stdout).toMatch(
      new RegExp(
        `^  ${denied} locked +NOT SCANNED AccessDenied: cannot assume arn:aws:iam::${denied}:role/OrganizationAccountAccessRole`,
        'm',
      ),
    );
    expect(stdout).toMatch(new RegExp(`^  ${denied} sts global AssumeRole: AccessDenied`, 'm'));
    for (const m of org.members.filter((x) => x.id !== denied))
      expect(stdout).toMatch(new RegExp(`^  ${m.id} .*2 finding\\(s\\) \\(1 high, 1 medium\\) · waste \\$3\\.65/month`, 'm'));
    expect(stdout).toMatch(new RegExp(`^awsaudit — organisation ${org.id} \\(5 accounts\\)`));
  });

  it('SARIF: one run per account that was read, in its own category; the unread account is a notification in each, never an empty run', () => {
    const file = path.join(out, 'awsaudit.sarif');
    expect(sarifProblems(file)).toEqual([]);
    const log = JSON.parse(readFileSync(file, 'utf8')) as Sarif.Log;
    const scanned = report.scan.accounts.filter((a) => a !== denied);
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual(scanned.map((a) => `awsaudit/${a}/`));
    for (const run of log.runs) {
      const account = String(run.properties!.account);
      expect(run.results!.length).toBe(2);
      for (const r of run.results!) expect(r.properties!.account).toBe(account);
      expect(run.properties!.accountsNotScanned).toEqual([denied]);
      const notes = run.invocations![0]!.toolExecutionNotifications ?? [];
      expect(notes.filter((n) => n.level === 'error').map((n) => n.message.text)).toEqual([
        expect.stringContaining(`Account ${denied} (locked) could not be scanned (AccessDenied`),
      ]);
      // Its own rules passed nowhere incomplete: this account was read in full.
      expect(run.properties!.incompleteRules).toEqual([]);
    }
  });

  it('HTML: an accounts view, sortable, each account opening the findings filtered to it; names from AWS stay text', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path.join(out, 'awsaudit.html')).href);
      const rows = page.locator('#accounts-table tbody tr.account');
      expect(await rows.count()).toBe(5);
      expect(await page.locator('#accounts-table').innerText()).toContain(HOSTILE_NAME);
      expect(await page.locator('#accounts-table img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      const failedRow = page.locator(`#accounts-table tr[data-account="${denied}"]`);
      expect(await failedRow.innerText()).toMatch(/not scanned[\s\S]*AccessDenied/i);
      // Sort by findings, most first: the unread account (no findings) goes last.
      await page.locator('#accounts-table th[data-sort="findings"]').click();
      expect(await rows.last().getAttribute('data-account')).toBe(denied);
      await page.locator('#accounts-table th[data-sort="account"]').click();
      expect(await rows.first().getAttribute('data-account')).toBe(report.scan.accounts[0]);
      const prod = org.members.find((m) => m.name === 'prod')!.id;
      await page.locator(`a[data-filter-account="${prod}"]`).click();
      const visible = page.locator('tbody.finding:visible');
      expect(await visible.count()).toBe(2);
      for (const account of await visible.evaluateAll((els) => els.map((e) => e.getAttribute('data-account')))) expect(account).toBe(prod);
      expect(await page.locator('#f-account').inputValue()).toBe(prod);
      expect(await page.locator('#coverage').innerText()).toContain(denied);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('scan --org: choosing the accounts', () => {
  const accountsOf = (dir: string) => (JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8')) as Report).scan.accounts;

  it('--accounts with an OU id scans the accounts under it only', async () => {
    const out = tmp();
    const r = await scanOrg(out, '-f', 'json', '--accounts', org.ouId);
    expect(r.code, r.stderr).toBe(1);
    expect(accountsOf(out)).toEqual(
      org.members
        .filter((m) => m.inOu)
        .map((m) => m.id)
        .sort(),
    );
  }, 60_000);

  it('--exclude-accounts with an OU id and an account id leaves them out', async () => {
    const out = tmp();
    const r = await scanOrg(out, '-f', 'json', '--exclude-accounts', `${org.ouId},${denied}`);
    expect(r.code, r.stderr).toBe(1);
    expect(accountsOf(out)).toEqual([MANAGEMENT_ACCOUNT, ...org.members.filter((m) => !m.inOu && m.id !== denied).map((m) => m.id)].sort());
    expect(JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8')).gaps).toEqual([]);
  }, 60_000);

  it('an account id that is not in the organisation, and a selection that leaves nothing, are clear errors', async () => {
    const missing = await scanOrg(tmp(), '--accounts', '000000000000');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^awsaudit: --accounts: not an ACTIVE account of organisation o-\w+: 000000000000\n$/);
    const none = await scanOrg(tmp(), '--accounts', org.ouId, '--exclude-accounts', org.ouId);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--org: no ACTIVE account left after --accounts/--exclude-accounts');
    const bad = await scanOrg(tmp(), '--accounts', 'prod');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--accounts: not an account id, OU id or root id: prod');
  }, 60_000);
});

describe('scan --org: clear errors', () => {
  it('from an account that is not in an organisation', async () => {
    const outsider = await assumeInto(moto!.endpoint, '999999999999', 'anything');
    const r = await runCli(
      ['scan', '--org', '--only', RULES, '--endpoint-url', moto!.endpoint, '--region', REGION, '-f', 'json', '-o', tmp()],
      {
        env: {
          ...MOTO_CLI_ENV,
          AWS_ACCESS_KEY_ID: outsider.accessKeyId,
          AWS_SECRET_ACCESS_KEY: outsider.secretAccessKey,
          AWS_SESSION_TOKEN: outsider.sessionToken,
        },
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'awsaudit: --org: account 999999999999 is not in an organisation (AWS Organizations is not in use)\n  run without --org to scan this account, or with credentials of the management account\n',
    );
  }, 60_000);

  it('when ListAccounts is denied (not the management account nor a delegated administrator)', async () => {
    const deny = await startFaultProxy(moto!.endpoint, { rules: [{ fault: 'deny', service: 'organizations', action: 'ListAccounts' }] });
    try {
      const r = await runCli(
        ['scan', '--org', '--only', RULES, '--endpoint-url', deny.endpoint, '--region', REGION, '-f', 'json', '-o', tmp()],
        { env: MOTO_CLI_ENV },
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^awsaudit: --org: account 123456789012 may not list the organisation's accounts \(organizations:ListAccounts: AccessDenied(Exception)?\)\n {2}run from the management account or a delegated administrator account, with the actions `awsaudit permissions --org` lists\n$/,
      );
    } finally {
      await deny.stop();
    }
  }, 60_000);

  it('--org companions without --org, and --org with sources it does not combine with', async () => {
    const alone = await runCli(['scan', '--accounts', '111122223333', '--demo']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--accounts: only with --org');
    const demo = await runCli(['scan', '--org', '--demo']);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain('--org scans the organisation');
    const template = await runCli(['scan', '--org', '--role-arn-template', 'arn:aws:iam::123:role/x', '--region', REGION]);
    expect(template.code).toBe(2);
    expect(template.stderr).toContain('--role-arn-template arn:aws:iam::123:role/x: expected an IAM role ARN with {accountId}');
  });
});
