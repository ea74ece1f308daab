// `scan --org` end to end against moto: an organisation with member accounts, each with its own
// resources that only its assumed role can see, one member whose role cannot be assumed (a
// proxy in front of moto denies that AssumeRole, as AWS would for a role that does not trust the
// management account), and the organisation's selection by OU.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AllocateAddressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { MOTO_CLI_ENV, sdkConfig, startMoto, type MotoServer } from './support/moto.js';
import { assumeInto, createOrganization, MANAGEMENT_ACCOUNT, type Credentials, type SeededOrganization } from './support/org.js';
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
  const ec2 = new EC2Client({ ...sdkConfig(moto!.endpoint, REGION), ...(credentials ? { credentials } : {}) });
  try {
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `org-${name}`, Description: `ssh open in ${name}` }));
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    groups.set(account, GroupId!);
  } finally {
    ec2.destroy();
  }
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
    const r = await scanOrg(out, '-f', 'text,json,html,sarif');
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
    expect(stdout).toContain(denied);
    expect(stdout).toMatch(/failed/);
  });
});
