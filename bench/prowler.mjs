#!/usr/bin/env node
// Side-by-side benchmark against Prowler (issue 13): the same seeded moto account, scanned by
// awsaudit with every default rule (the whole CIS v6.0.0 / FSBP set it carries) and by Prowler
// limited to the checks that match awsaudit's rules — the Prowler checks its own compliance files
// map to the CIS v6.0.0 recommendations and Security Hub (FSBP) controls awsaudit's rules name.
// Both go through one counting proxy in front of moto, so HTTP requests are counted the same way
// for both; wall time is measured around each process. All figures come from one run.
//
//   pip install prowler into a virtual environment outside the project, then
//   npm run build && PROWLER=/tmp/prowler-venv/bin/prowler node bench/prowler.mjs [securityGroupsPerRegion=50] [eips=20] [buckets=20] [users=20] [instances=10] [breadth=5]
//
// awsaudit runs once untimed, then three times (the median wall time is shown; requests are the
// same each run), Prowler once (a run takes minutes). The untimed run is there because moto
// starts each service's backend on its first request (a second or more in all): without it the
// first awsaudit run pays that, and Prowler, which runs after, does not.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCountingProxy } from './support/counting-proxy.mjs';
import { importTs } from './support/load-ts.mjs';
import { seedAccount } from './support/seed-account.mjs';

const [SG = 50, EIPS = 20, BUCKETS = 20, USERS = 20, INSTANCES = 10, BREADTH = 5] = process.argv.slice(2).map(Number);
const REGIONS = ['us-east-1', 'eu-west-1'];
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROWLER = process.env.PROWLER ?? 'prowler';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startMoto } = await importTs(path.join(ROOT, 'test', 'support', 'moto.ts'));

/** Where Prowler's compliance files are: beside the `prowler` package of the Python that runs it. */
function prowlerComplianceDir() {
  const bin = PROWLER.includes('/') ? PROWLER : execFileSync('which', [PROWLER], { encoding: 'utf8' }).trim();
  const python = path.join(path.dirname(bin), 'python');
  const pkg = execFileSync(
    existsSync(python) ? python : 'python3',
    ['-c', 'import os, prowler; print(os.path.dirname(prowler.__file__))'],
    {
      encoding: 'utf8',
    },
  ).trim();
  return path.join(pkg, 'compliance', 'aws');
}

/** Control ids awsaudit's built-in rules carry, by framework. */
function awsauditIds() {
  const ids = { 'cis-aws-6.0': new Set(), fsbp: new Set() };
  let rules = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const r = JSON.parse(readFileSync(p, 'utf8'));
        if (r.enabled === false || !r.resource.startsWith('aws.') || r.resource.startsWith('aws.cloudtrail.event')) continue;
        rules++;
        for (const [fw, list] of Object.entries(r.compliance ?? {})) for (const id of list) ids[fw]?.add(id);
      }
    }
  };
  walk(path.join(ROOT, 'rules'));
  return { ids, rules };
}

/** The Prowler checks its compliance files map to those ids. */
function matchingChecks(ids) {
  const dir = prowlerComplianceDir();
  const checks = new Set();
  const matched = { 'cis-aws-6.0': 0, fsbp: 0 };
  for (const [fw, file] of [
    ['cis-aws-6.0', 'cis_6.0_aws.json'],
    ['fsbp', 'aws_foundational_security_best_practices_aws.json'],
  ]) {
    for (const req of JSON.parse(readFileSync(path.join(dir, file), 'utf8')).Requirements) {
      if (!ids[fw].has(req.Id) || !req.Checks?.length) continue;
      matched[fw]++;
      for (const c of req.Checks) checks.add(c);
    }
  }
  return { checks: [...checks].sort(), matched };
}

function run(command, args, env) {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - t) / 1000, out }));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const credentials = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_DEFAULT_REGION: REGIONS[0],
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
};

const { ids, rules } = awsauditIds();
const { checks, matched } = matchingChecks(ids);
const moto = await startMoto();
const proxy = await startCountingProxy(moto.endpoint);
try {
  console.log(
    `Prowler side by side: ${REGIONS.length} regions, ${SG} security groups per region, ${EIPS} Elastic IPs, ${BUCKETS} buckets, ${USERS} users, ${INSTANCES} instances, ${BREADTH} of each newer service per region (moto_server behind a counting proxy)`,
  );
  await seedAccount(moto.endpoint, REGIONS, {
    securityGroupsPerRegion: SG,
    eips: EIPS,
    buckets: BUCKETS,
    users: USERS,
    instances: INSTANCES,
    breadth: BREADTH,
  });
  console.log(
    `awsaudit: ${rules} account rules naming ${ids['cis-aws-6.0'].size} CIS v6.0.0 recommendations and ${ids.fsbp.size} FSBP controls; ` +
      `Prowler: the ${checks.length} checks its compliance files map to those (${matched['cis-aws-6.0']} CIS, ${matched.fsbp} FSBP)`,
  );

  const out = mkdtempSync(path.join(tmpdir(), 'awsaudit-prowler-bench-'));
  const awsaudit = [];
  for (let i = -1; i < 3; i++) {
    proxy.reset();
    const r = await run(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'cli', 'main.js'),
        'scan',
        '--endpoint-url',
        proxy.endpoint,
        '--regions',
        REGIONS.join(','),
        '--format',
        'json',
        '--output',
        `json=${path.join(out, 'awsaudit.json')}`,
        '--quiet',
        '--fail-on',
        'none',
      ],
      credentials,
    );
    if (r.code !== 0) throw new Error(`awsaudit exited ${r.code}:\n${r.out.slice(-3000)}`);
    if (i >= 0) awsaudit.push({ seconds: r.seconds, requests: proxy.count(), services: proxy.services() });
  }
  const report = JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8'));

  proxy.reset();
  const p = await run(
    PROWLER,
    ['aws', '--checks', ...checks, '-f', ...REGIONS, '--output-formats', 'json-ocsf', '-o', path.join(out, 'prowler'), '--no-banner'],
    { ...credentials, AWS_ENDPOINT_URL: proxy.endpoint },
  );
  const prowler = { seconds: p.seconds, requests: proxy.count(), services: proxy.services() };
  // Prowler exits 3 when it has failed findings.
  if (p.code !== 0 && p.code !== 3) console.log(`Prowler exited ${p.code}; its output ended with:\n${p.out.slice(-2000)}`);
  const ocsf = readdirSync(path.join(out, 'prowler')).find((f) => f.endsWith('.ocsf.json'));
  const prowlerFindings = ocsf ? JSON.parse(readFileSync(path.join(out, 'prowler', ocsf), 'utf8')) : [];

  const a = { seconds: median(awsaudit.map((x) => x.seconds)), requests: awsaudit[0].requests };
  console.log('');
  console.log(`                 wall time   HTTP requests   results`);
  console.log(
    `awsaudit      ${a.seconds.toFixed(2).padStart(10)} s ${String(a.requests).padStart(15)}   ${report.findings.length} findings over ${report.rules.length} rules (runs: ${awsaudit.map((x) => x.seconds.toFixed(2)).join(', ')} s)`,
  );
  console.log(
    `Prowler       ${prowler.seconds.toFixed(2).padStart(10)} s ${String(prowler.requests).padStart(15)}   ${prowlerFindings.filter((f) => f.status_code === 'FAIL').length} FAIL of ${prowlerFindings.length} results over ${checks.length} checks`,
  );
  console.log('');
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} on ${cpus().length} cores`,
  );
  console.log(`speed: awsaudit is ${(prowler.seconds / a.seconds).toFixed(1)}x faster (target >= 15x)`);
  console.log(`requests: Prowler sends ${(prowler.requests / a.requests).toFixed(1)}x as many`);
  const services = [...new Set([...awsaudit[0].services.keys(), ...prowler.services.keys()])].sort();
  console.log('requests by service (awsaudit / Prowler):');
  for (const s of services)
    console.log(
      `  ${s.padEnd(24)} ${String(awsaudit[0].services.get(s) ?? 0).padStart(6)} / ${String(prowler.services.get(s) ?? 0).padStart(6)}`,
    );
} finally {
  await proxy.stop();
  await moto.stop();
}
