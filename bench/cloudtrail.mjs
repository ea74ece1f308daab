#!/usr/bin/env node
// CloudTrail throughput benchmark (issue 6, acceptance 4).
//
// Generates an archive of N realistic records (default 2,000,000): every record is a real one
// from test/fixtures/cloudtrail (invictus-ir + Stratus Red Team, 3,210 records, ~260 event
// names) picked at random, with a fresh eventID/requestID, a time spread over 7 days, varied
// source IPs, regions and accounts; written as gzipped {"Records":[…]} files of a few thousand
// records each, the way CloudTrail delivers them (compact JSON, fields in delivery order). The archive is cached in os.tmpdir() (keyed by
// the parameters) because generating it takes a minute or two.
//
// Then, in this one run, each in its own child process so their memory is measured apart:
//   floor:    one thread reads every file, gunzips it and JSON.parses it (nothing else);
//   pipeline: awsaudit's CloudTrail pipeline (src/cloudtrail) as `awsaudit scan --cloudtrail DIR`
//             runs it: files read on the main thread; gunzip, every event rule and the EIP
//             correlation in os.availableParallelism() worker threads (records no rule can match
//             are counted from their raw fields, not parsed: see delivered-file.ts); once with the
//             rules a scan selects by default, once with every event rule (opt-in ones enabled
//             too: the target is for this one);
//   and the default rules with attribution of every changed resource (more records parsed).
// Prints events/second of each and the ratio to the floor (target >= 1.5x on a 2-core machine) and the
// peak RSS of each process: process.resourceUsage().maxRSS, which covers every thread of the
// process (workers are threads, not processes), so it includes the workers. Target < 512 MB.
//
// Run: npm run build && node bench/cloudtrail.mjs [records] [recordsPerFile] [rounds]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzip } from 'node:zlib';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cloudtrail');
const gzipAsync = promisify(gzip);

function logFiles(dir) {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json.gz'))
    .sort()
    .map((n) => path.join(dir, n));
}

/** CPU time of the whole process so far (every thread), ms. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// ---------------------------------------------------------------- child: the single-thread floor
async function floor(dir) {
  const cpu0 = cpuMs();
  const started = performance.now();
  let records = 0;
  for (const file of logFiles(dir)) {
    const parsed = JSON.parse(gunzipSync(await readFile(file)).toString('utf8'));
    records += parsed.Records.length;
  }
  const ms = performance.now() - started;
  return { records, ms, cpuMs: cpuMs() - cpu0, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

// ---------------------------------------------------------------- child: the awsaudit pipeline
async function pipeline(dir, attributionMode, selection) {
  const { evaluateEvents } = await import('../dist/cloudtrail/pipeline.js');
  const { buildResults } = await import('../dist/engine/results.js');
  const { fileSource } = await import('../dist/cloudtrail/sources/files.js');
  const { compileRule } = await import('../dist/ruleset/load.js');
  const { loadAllRules } = await import('../dist/ruleset/select.js');
  const rules = (await loadAllRules([])).map((f) => compileRule(f, undefined, 'bench').rule);
  const cloudtrailRules = rules.filter(
    (r) => r.definition.resource.startsWith('aws.cloudtrail.') && (selection === 'every' || r.definition.enabled !== false),
  );
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const cpu0 = cpuMs();
  const started = performance.now();
  const result = await evaluateEvents([fileSource([dir])], cloudtrailRules, {
    now: new Date('2026-01-08T00:00:00Z'),
    window: {},
    attribution: { mode: attributionMode },
  });
  const ms = performance.now() - started;
  clearInterval(sampler);
  const built = buildResults([result.results]);
  return {
    records: result.stats.records,
    events: result.stats.events,
    findings: built.findings.length,
    failed: Object.fromEntries(built.rules.filter((r) => r.failed).map((r) => [r.ruleId, r.failed])),
    rules: cloudtrailRules.length,
    workers: availableParallelism(),
    gaps: result.gaps.length,
    attributed: result.lastChangeByResource.size,
    ms,
    cpuMs: cpuMs() - cpu0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    sampledPeakRssMb: peakRss / 1024 / 1024,
  };
}

// ---------------------------------------------------------------- the generated archive
let seed = 20230710;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000;
const hex = (n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
};
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
const REGIONS = ['us-east-1', 'us-east-1', 'us-east-1', 'eu-west-1', 'ap-northeast-2', 'us-west-2'];
const ACCOUNTS = ['123456789012', '210987654321', '111122223333'];
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN = 7 * 86_400_000;

// CloudTrail writes a record's top-level fields in this order; the Stratus Red Team logs were
// re-serialised with sorted keys, so their records are put back in delivery order.
const DELIVERY_ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'apiVersion',
  'managementEvent',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'serviceEventDetails',
  'eventCategory',
  'tlsDetails',
  'sessionCredentialFromConsole',
];

function inDeliveryOrder(record) {
  const out = {};
  for (const key of DELIVERY_ORDER) if (key in record) out[key] = record[key];
  for (const key of Object.keys(record)) if (!(key in out)) out[key] = record[key];
  return out;
}

function templates() {
  const out = [];
  for (const dir of ['invictus-ir-aws-dataset', 'stratus-red-team-detonations']) {
    for (const name of readdirSync(path.join(FIXTURES, dir)).filter((n) => n.endsWith('.json'))) {
      const value = JSON.parse(readFileSync(path.join(FIXTURES, dir, name), 'utf8'));
      out.push(...(Array.isArray(value) ? value : value.Records).map(inDeliveryOrder));
    }
  }
  return out;
}

async function generate(dir, total, perFile) {
  const pool = templates();
  mkdirSync(dir, { recursive: true });
  const files = Math.ceil(total / perFile);
  let written = 0;
  const pending = [];
  for (let f = 0; f < files; f++) {
    const count = Math.min(perFile, total - written);
    const fileStart = START + Math.floor((f / files) * SPAN);
    const region = REGIONS[f % REGIONS.length];
    const account = ACCOUNTS[f % ACCOUNTS.length];
    const records = new Array(count);
    for (let i = 0; i < count; i++) {
      const t = pool[Math.floor(rand() * pool.length)];
      const time = new Date(fileStart + Math.floor((i / count) * (SPAN / files))).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const identity = t.userIdentity ? { ...t.userIdentity, ...(t.userIdentity.accountId ? { accountId: account } : {}) } : t.userIdentity;
      records[i] = {
        ...t,
        userIdentity: identity,
        eventTime: time,
        awsRegion: region,
        recipientAccountId: account,
        sourceIPAddress: rand() < 0.7 ? t.sourceIPAddress : `198.51.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
        requestID: uuid(),
        eventID: uuid(),
      };
    }
    written += count;
    const name = `${account}_CloudTrail_${region}_${time16(fileStart)}_${hex(16)}.json.gz`;
    pending.push(gzipAsync(JSON.stringify({ Records: records })).then((gz) => writeFile(path.join(dir, name), gz)));
    if (pending.length >= 4) await pending.shift();
    if (f % 50 === 0) process.stderr.write(`\rgenerating: ${written.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} records`);
  }
  await Promise.all(pending);
  process.stderr.write('\n');
}

function time16(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
}

function child(mode, dir, ...extra) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--${mode}`, dir, ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---------------------------------------------------------------- main
const [flag, arg] = process.argv.slice(2);
if (flag === '--floor') {
  process.stdout.write(JSON.stringify(await floor(arg)) + '\n');
} else if (flag === '--pipeline') {
  process.stdout.write(JSON.stringify(await pipeline(arg, process.argv[4] ?? 'off', process.argv[5] ?? 'default')) + '\n');
} else {
  const total = Number(process.argv[2] ?? 2_000_000);
  const perFile = Number(process.argv[3] ?? 3000);
  const rounds = Number(process.argv[4] ?? 2);
  const dir = path.join(tmpdir(), `awsaudit-bench-cloudtrail-v2-${total}-${perFile}`);
  const marker = path.join(dir, 'complete.marker');
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    const t = performance.now();
    await generate(dir, total, perFile);
    writeFileSync(marker, JSON.stringify({ total, perFile, seconds: (performance.now() - t) / 1000 }));
  }
  const files = logFiles(dir);
  const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
  console.log(
    `archive: ${dir}\n  ${files.length} gzipped files, ${(bytes / 1048576).toFixed(0)} MB, ${total.toLocaleString('en-US')} records (${perFile} per file)`,
  );
  const floors = [];
  const defaults = [];
  const pipes = [];
  const attributed = [];
  for (let round = 0; round < rounds; round++) {
    floors.push(child('floor', dir));
    defaults.push(child('pipeline', dir, 'off', 'default'));
    pipes.push(child('pipeline', dir, 'off', 'every'));
    attributed.push(child('pipeline', dir, 'all', 'default'));
  }
  const best = (xs) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const f = best(floors);
  const d = best(defaults);
  const p = best(pipes);
  const a = best(attributed);
  for (const x of [f, d, p, a]) if (x.records !== total) throw new Error(`read ${x.records} records, expected ${total}`);
  const rate = (x) => (x.records / x.ms) * 1000;
  const maxRss = Math.max(...pipes.map((x) => x.maxRssMb));
  const defaultRss = Math.max(...defaults.map((x) => x.maxRssMb), ...attributed.map((x) => x.maxRssMb));
  const runs = (xs) => xs.map((x) => (x.ms / 1000).toFixed(2)).join(', ');
  const line = (label, x, xs) =>
    console.log(
      `${label.padEnd(58)} ${(x.ms / 1000).toFixed(2)} s  ${Math.round(rate(x)).toLocaleString('en-US').padStart(9)} events/s  ${(rate(x) / rate(f)).toFixed(2)}x  CPU ${(x.cpuMs / 1000).toFixed(2)} s  peak RSS ${x.maxRssMb.toFixed(0)} MB   [runs: ${runs(xs)} s]`,
    );
  line('floor: 1 thread, gunzip + JSON.parse', f, floors);
  line(`pipeline: ${d.workers} workers, ${d.rules} rules selected by default (as scan --cloudtrail)`, d, defaults);
  line(`pipeline: ${p.workers} workers, every event rule (${p.rules}, opt-in ones too)`, p, pipes);
  line('pipeline, default rules + attribution of every changed resource', a, attributed);
  console.log(
    `  findings kept: ${p.findings}; matching events per rule: ${JSON.stringify(p.failed)}; resources attributed (second pipeline): ${a.attributed}; gaps: ${p.gaps}`,
  );
  console.log(
    `  peak RSS: process.resourceUsage().maxRSS of each child process, which covers all its threads (the workers are threads); machine load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${availableParallelism()} CPUs`,
  );
  const ratio = rate(p) / rate(f);
  console.log(
    `ratio pipeline / floor, every event rule: ${ratio.toFixed(2)}x (target >= 1.5x), peak RSS ${maxRss.toFixed(0)} MB (target < 512 MB)`,
  );
  console.log(
    `ratio pipeline / floor, rules selected by default: ${(rate(d) / rate(f)).toFixed(2)}x; with attribution ${(rate(a) / rate(f)).toFixed(2)}x; peak RSS ${defaultRss.toFixed(0)} MB`,
  );
  console.log(ratio >= 1.5 && maxRss < 512 ? 'PASS' : 'BELOW TARGET');
}
