#!/usr/bin/env node
// Organisation benchmark (issue 16): moto_server with an organisation of 50 member accounts, each
// seeded with a few hundred resources through its own assumed role (support/seed-account.mjs),
// scanned by `scan --org` (every resource type, every built-in rule) twice in one run: one account
// at a time (--max-accounts-in-flight 1) and with the default. Prints, from that one run:
//   - wall time of both and their ratio;
//   - HTTP requests (through support/counting-proxy.mjs, retries included) against the fewest the
//     APIs allow: each account's minimum computed from its snapshot exactly as bench/collect.mjs
//     computes one account's (support/minimum-calls.mjs), plus the organisation's own calls:
//     DescribeOrganization once, ListAccounts ceil(accounts / 20), AssumeRole once per member
//     (a session lasts an hour, longer than any account's scan here). Target <= 1.2;
//   - peak RSS of the scanning process (target < 1 GB for the 50 accounts).
//
//   npm run build && node bench/org.mjs [members=50] [securityGroupsPerRegion=60] [eips=20] [buckets=20] [users=20] [instances=10] [breadth=1]
//
// moto is one Python process: it answers every account's calls, so the in-flight ratio measured
// here is bounded by moto's throughput on this machine, not by AWS's (docs/scale.md).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_MAX_ACCOUNTS_IN_FLIGHT } from '../dist/cli/org-options.js';
import { startCountingProxy } from './support/counting-proxy.mjs';
import { importTs } from './support/load-ts.mjs';
import { pages } from './support/minimum-calls.mjs';
import { seedAccount } from './support/seed-account.mjs';

const [MEMBERS = 50, SG_PER_REGION = 60, EIPS = 20, BUCKETS = 20, USERS = 20, INSTANCES = 10, BREADTH = 1] = process.argv
  .slice(2)
  .map(Number);
const REGIONS = ['us-east-1', 'eu-west-1'];
const MANAGEMENT = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const run = promisify(execFile);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startMoto } = await importTs(fileURLToPath(new URL('../test/support/moto.ts', import.meta.url)));

/** The organisation (moto's default account is its management account) and its members' ids. */
async function createOrganization(endpoint) {
  const org = new OrganizationsClient({ endpoint, region: 'us-east-1', credentials: MANAGEMENT });
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const ids = [];
  for (let i = 0; i < MEMBERS; i++) {
    const { CreateAccountStatus } = await org.send(
      new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }),
    );
    ids.push(CreateAccountStatus.AccountId);
  }
  org.destroy();
  return ids;
}

/** A member's credentials through its OrganizationAccountAccessRole: the only way to its resources. */
async function assumeInto(endpoint, account) {
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: MANAGEMENT });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'seed' }),
  );
  sts.destroy();
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

async function scan(endpoint, inFlight) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' };
  const script = fileURLToPath(new URL('./support/org-scan.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [script, endpoint, String(inFlight), REGIONS.join(',')], { env, maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

const moto = await startMoto();
const proxy = await startCountingProxy(moto.endpoint);
try {
  console.log(
    `organisation benchmark: ${MEMBERS} member accounts + the management account, ${REGIONS.length} regions; per member ${SG_PER_REGION} security groups per region, ${EIPS} Elastic IPs, ${BUCKETS} buckets, ${USERS} IAM users, ${INSTANCES} instances, ${BREADTH} of each newer service per region (moto_server)`,
  );
  let t = performance.now();
  const members = await createOrganization(moto.endpoint);
  for (const account of members) {
    await seedAccount(
      moto.endpoint,
      REGIONS,
      { securityGroupsPerRegion: SG_PER_REGION, eips: EIPS, buckets: BUCKETS, users: USERS, instances: INSTANCES, breadth: BREADTH },
      { account, credentials: await assumeInto(moto.endpoint, account) },
    );
  }
  console.log(`seeding: ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const results = [];
  for (const inFlight of [1, DEFAULT_MAX_ACCOUNTS_IN_FLIGHT]) {
    proxy.reset();
    const r = await scan(proxy.endpoint, inFlight);
    r.requests = proxy.count();
    r.inFlight = inFlight;
    results.push(r);
  }
  const [one, many] = results;
  const orgCalls = 1 + pages(one.accounts, 20) + MEMBERS;
  const minimum = Object.values(one.minimum).reduce((a, b) => a + b, 0) + orgCalls;
  for (const r of results) {
    console.log(
      `--max-accounts-in-flight ${String(r.inFlight).padEnd(2)}: ${(r.wallMs / 1000).toFixed(1)} s, ${r.accounts} accounts (${r.failed.length} failed), ${r.resources} resources, ${r.findings} findings, ${r.gaps} gaps, ${r.requests} HTTP requests, peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB`,
    );
    for (const f of r.failed) console.log(`  failed: ${f}`);
  }
  for (const r of results)
    console.log(
      `CPU, in flight ${r.inFlight}: ${(r.cpuMs / 1000).toFixed(1)} s (${(r.cpuMs / r.requests).toFixed(2)} ms per request, collection and evaluation included)`,
    );
  const perAccount = one.accountMs.slice().sort((a, b) => a - b);
  console.log(
    `one account (in flight 1): median ${(perAccount[perAccount.length >> 1] / 1000).toFixed(2)} s, max ${(perAccount.at(-1) / 1000).toFixed(2)} s; median ${one.accountRequests.slice().sort((a, b) => a - b)[one.accountRequests.length >> 1]} requests`,
  );
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} on ${cpus().length} cores`,
  );
  console.log(`wall time ratio (in flight 1 / in flight ${DEFAULT_MAX_ACCOUNTS_IN_FLIGHT}): ${(one.wallMs / many.wallMs).toFixed(2)}x`);
  console.log(`minimum: ${minimum} calls (${orgCalls} of them the organisation's and AssumeRole)`);
  for (const r of results)
    console.log(`ratio calls / minimum, in flight ${r.inFlight}: ${(r.requests / minimum).toFixed(3)} (target <= 1.2)`);
  console.log(`peak RSS: ${(Math.max(...results.map((r) => r.maxRssKb)) / 1024).toFixed(0)} MB (target < 1024 MB)`);
  // Shard check: 4 shards run one after the other (`scan --org --shard i/4`) plus `awsaudit
  // merge` give the same report as one `scan --org` with the same options (findings,
  // fingerprints, counts, per-account summaries; timings aside).
  const check = await shardCheck(proxy.endpoint, 4);
  console.log(
    `shard check (4 shards + merge = one run): ${check.same ? 'yes' : 'no'}; ${check.findings} findings in both; shards ${check.shardSeconds.map((s) => s.toFixed(1)).join(' + ')} s, merge ${check.mergeSeconds.toFixed(1)} s, one run ${check.wholeSeconds.toFixed(1)} s`,
  );
  for (const d of check.differences) console.log(`  differs: ${d}`);
} finally {
  await proxy.stop();
  await moto.stop();
}

/** `awsaudit` as a user runs it, with the bench's management credentials. */
async function cli(args) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' };
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const t = performance.now();
  try {
    await run(process.execPath, [main, ...args], { env, maxBuffer: 64 << 20 });
  } catch (error) {
    // Exit 1: findings at or above --fail-on, which every run here has.
    if (error.code !== 1) throw new Error(`awsaudit ${args.join(' ')}: exit ${error.code}: ${error.stderr}`);
  }
  return (performance.now() - t) / 1000;
}

/** The parts of a JSON report that must be equal between one run and the merge of its shards. */
function comparable(report) {
  return {
    findings: report.findings,
    summary: report.summary,
    rules: report.rules,
    gaps: report.gaps,
    accounts: report.accounts.map(({ timing: _t, ...a }) => a),
    scanAccounts: report.scan.accounts,
    regions: report.scan.regions,
    resourceCount: report.scan.resourceCount,
  };
}

/** One `scan --org`, then `count` shards one after the other and their merge; what differs, key by key. */
async function shardCheck(endpoint, count) {
  const dir = await mkdtemp(path.join(tmpdir(), 'awsaudit-bench-shards-'));
  try {
    const common = [
      '--org',
      '--endpoint-url',
      endpoint,
      '--regions',
      REGIONS.join(','),
      '--now',
      '2026-01-01T00:00:00Z',
      '-f',
      'json',
      '--quiet',
    ];
    const wholeSeconds = await cli(['scan', ...common, '-o', path.join(dir, 'whole')]);
    const shardSeconds = [];
    for (let i = 1; i <= count; i++)
      shardSeconds.push(await cli(['scan', ...common, '--shard', `${i}/${count}`, '-o', path.join(dir, `shard-${i}`)]));
    const shardDirs = Array.from({ length: count }, (_, i) => path.join(dir, `shard-${i + 1}`));
    const mergeSeconds = await cli([
      'merge',
      ...shardDirs,
      '--now',
      '2026-01-01T00:00:00Z',
      '-f',
      'json',
      '--quiet',
      '-o',
      path.join(dir, 'merged'),
    ]);
    const read = async (name) => comparable(JSON.parse(await readFile(path.join(dir, name, 'awsaudit.json'), 'utf8')));
    const [whole, merged] = [await read('whole'), await read('merged')];
    const differences = [];
    for (const key of Object.keys(whole)) {
      const a = JSON.stringify(whole[key]);
      const b = JSON.stringify(merged[key]);
      if (a !== b)
        differences.push(
          `${key} (one run ${a.length} bytes, merged ${b.length} bytes; first difference at character ${[...a].findIndex((c, i) => c !== b[i])})`,
        );
    }
    return { same: differences.length === 0, differences, findings: whole.findings.length, wholeSeconds, shardSeconds, mergeSeconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
