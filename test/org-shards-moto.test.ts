// `scan --org --shard i/3` against moto, then `awsaudit merge`: the organisation's (account,
// region) units split between three jobs, merged back into the reports of one `scan --org`
// (findings, fingerprints, counts, per-account summaries), with a member whose role cannot be
// assumed (a proxy denies its AssumeRole) a failed account after the merge as before, and a
// missing shard a gap. The organisation is set up as in test/org-moto.test.ts.
import { readFileSync } from 'node:fs';
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
import { tempDirs } from './support/temp.js';

const REGIONS = ['us-east-1', 'us-west-2'];
const RULES = 'ec2-security-group-admin-ports-open,ec2-elastic-ip-unattached';
const NOW = '2026-01-01T00:00:00Z';

let moto: MotoServer | undefined;
let proxy: FaultProxy | undefined;
let org: SeededOrganization;
let denied: string;
const tmp = tempDirs('awsaudit-org-shards-');

async function seed(credentials: Credentials | undefined, name: string, region: string): Promise<void> {
  await seedOpenGroupAndAddress(moto!.endpoint, region, credentials, name);
}

interface Report {
  scan: { accounts: string[]; regions: string[]; resourceCount: number; organization?: { id: string; accountsListed: number } };
  shard?: { index: number; count: number; units: string[]; universe: string[] };
  accounts: Array<{
    account: string;
    name: string | null;
    status: string;
    error?: { code: string };
    regions: string[];
    gaps: number;
    summary: unknown;
  }>;
  findings: Array<{ ruleId: string; fingerprint: string; resource: { account: string } }>;
  gaps: Array<{ account?: string; service: string; region: string; errorCode: string; message: string }>;
  rules: unknown[];
  summary: unknown;
  merge?: { missingShards: string[] };
}

const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8')) as Report;

const scanOrg = (out: string, ...extra: string[]) =>
  runCli(
    [
      'scan',
      '--org',
      '--only',
      RULES,
      '--endpoint-url',
      proxy!.endpoint,
      '--regions',
      REGIONS.join(','),
      '-f',
      'json',
      '-o',
      out,
      '--now',
      NOW,
      ...extra,
    ],
    { env: MOTO_CLI_ENV },
  );

const merge = (out: string, ...inputs: string[]) =>
  runCli(['merge', ...inputs, '--only', RULES, '-f', 'json,text', '-o', out, '--now', NOW], { env: MOTO_CLI_ENV });

/** What must be equal between the unsharded `scan --org` and the merge of its shards (timings aside). */
function comparable(r: Report) {
  return {
    findings: r.findings,
    summary: r.summary,
    rules: r.rules,
    gaps: r.gaps,
    accounts: r.accounts.map(({ account, name, status, error, regions, gaps, summary }) => ({
      account,
      name,
      status,
      error,
      regions,
      gaps,
      summary,
    })),
    scanAccounts: r.scan.accounts,
    regions: r.scan.regions,
    resourceCount: r.scan.resourceCount,
  };
}

let whole: Report;
const shardDirs: string[] = [];
let shards: Report[];

beforeAll(async () => {
  moto = await startMoto();
  org = await createOrganization(moto.endpoint, [
    { name: 'prod', inOu: true },
    { name: 'dev', inOu: true },
    { name: 'sandbox' },
    { name: 'locked' },
  ]);
  for (const m of org.members) {
    const credentials = await assumeInto(moto.endpoint, m.id);
    for (const region of REGIONS) await seed(credentials, `${m.name}-${region}`, region);
  }
  await seed(undefined, 'mgmt', REGIONS[0]!);
  denied = org.members.find((m) => m.name === 'locked')!.id;
  proxy = await startFaultProxy(moto.endpoint, {
    rules: [{ fault: 'deny', when: (r) => r.service === 'sts' && r.action === 'AssumeRole' && r.body.toString('utf8').includes(denied) }],
  });
  const wholeDir = tmp();
  const w = await scanOrg(wholeDir);
  expect(w.code, w.stderr).toBe(1);
  whole = read(wholeDir);
  for (const i of [1, 2, 3]) {
    const dir = tmp();
    const r = await scanOrg(dir, '--shard', `${i}/3`);
    expect([0, 1], r.stderr).toContain(r.code);
    shardDirs.push(dir);
  }
  shards = shardDirs.map(read);
}, 600_000);

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe('scan --org --shard i/3 and awsaudit merge (moto, an organisation of 4 members and its management account)', () => {
  it('the shards split the organisation’s units: each enters only the accounts it has units of, together they cover every unit once', () => {
    const universe = shards[0]!.shard!.universe;
    // 5 accounts × (global unit + 2 regions).
    expect(universe).toHaveLength(5 * (REGIONS.length + 1));
    expect([...shards.flatMap((s) => s.shard!.units)].sort()).toEqual([...universe].sort());
    for (const s of shards) {
      const entered = new Set(s.shard!.units.map((k) => k.split('/')[0]));
      expect(new Set(s.accounts.map((a) => a.account))).toEqual(entered);
      // Units of its accounts that other shards read are gaps there, never a clean bill.
      // (A failed account — its role could not be assumed — has its own gap instead: nothing of it was read.)
      const failed = new Set(s.accounts.filter((a) => a.status === 'failed').map((a) => a.account));
      const others = s.shard!.universe.filter(
        (k) => !s.shard!.units.includes(k) && entered.has(k.split('/')[0]) && !failed.has(k.split('/')[0]!),
      );
      if (others.length) expect(s.gaps.some((g) => g.errorCode === 'OtherShard')).toBe(true);
    }
  });

  it('merged equals the unsharded scan: findings, fingerprints, counts, per-account summaries, the failed account', async () => {
    const out = tmp();
    const r = await merge(out, ...shardDirs);
    expect(r.code, r.stderr).toBe(1);
    const merged = read(out);
    expect(merged.findings.length).toBeGreaterThan(0);
    // Every account's findings under its own id: the members' resources were seen through their roles.
    expect(new Set(merged.findings.map((f) => f.resource.account))).toEqual(
      new Set([MANAGEMENT_ACCOUNT, ...org.members.filter((m) => m.id !== denied).map((m) => m.id)]),
    );
    expect(comparable(merged)).toEqual(comparable(whole));
    expect(merged.findings.map((f) => f.fingerprint)).toEqual(whole.findings.map((f) => f.fingerprint));
    const locked = merged.accounts.find((a) => a.account === denied)!;
    expect(locked).toMatchObject({ status: 'failed', error: { code: 'AccessDenied' } });
    expect(merged.gaps.some((g) => g.account === denied && g.service === 'sts')).toBe(true);
    expect(merged.scan.organization).toEqual(whole.scan.organization);
    expect(r.stdout).toMatch(/accounts?/);
  });

  it('a missing shard is a gap of each account it held, never silence', async () => {
    const out = tmp();
    const r = await merge(out, shardDirs[0]!, shardDirs[2]!);
    expect(r.stderr).toMatch(/missing: shard 2\/3/);
    const merged = read(out);
    expect(merged.merge!.missingShards).toEqual(['2/3']);
    const missing = shards[1]!.shard!.units;
    const gaps = merged.gaps.filter((g) => g.errorCode === 'ShardMissing');
    expect(gaps.map((g) => `${g.account}/${g.region}`).sort()).toEqual([...missing].sort());
    // An account whose units were all in the missing shard is still listed, with its gaps.
    for (const account of new Set(missing.map((k) => k.split('/')[0]!))) {
      const a = merged.accounts.find((x) => x.account === account);
      expect(a, account).toBeDefined();
      expect(a!.gaps).toBeGreaterThan(0);
      expect(a!.status).not.toBe('scanned');
    }
    // Nothing of the missing shard is passed: the rules over its types are not complete.
    const wholeFp = new Set(whole.findings.map((f) => f.fingerprint));
    expect(merged.findings.every((f) => wholeFp.has(f.fingerprint))).toBe(true);
  });
});
