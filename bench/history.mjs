#!/usr/bin/env node
// Git history scan throughput (issue 15): `scan --files REPO --history` against git's own
// reading of the same objects, measured in one run.
//
//   node bench/history.mjs [--commits 5000] [--mb 300] [--keys 10] [--rounds 3]
//
// Generates a repository (cached in os.tmpdir(), keyed by the parameters: generating it takes a
// minute) with `git fast-import`: `--commits` commits on main, each changing two text files,
// `--mb` MB of blob content in all (every blob distinct), and `--keys` AWS key pairs each
// committed in a file that the next commit deletes (so only the history has them).
//
// Then alternates, `--rounds` times:
//   git:     `git cat-file --batch-all-objects --batch > /dev/null` (git decompressing every object, in
//            object-id order), and the same with --unordered (pack order: git's fastest read);
//   history: scanHistory() from dist/ in a child process (git log --raw, one git cat-file --batch,
//            every blob scanned), whose peak RSS (process.resourceUsage().maxRSS) is reported.
// Prints the medians, the ratio git time / history time (target >= 0.5: the scan reads at least
// half as fast as git alone), the keys found (must be all planted), the peak RSS (target < 512
// MB) and the load average. Build first (`npm run build`); `npm run bench:history` does both.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    commits: { type: 'string', default: '5000' },
    mb: { type: 'string', default: '300' },
    keys: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});

if (args.child) {
  // The measured scan, alone in this process so its memory is its own.
  const { scanHistory } = await import('../dist/files/git-history.js');
  const t0 = performance.now();
  const scan = await scanHistory(args.child, 'repo');
  const ms = performance.now() - t0;
  const keys = scan.resources.filter((r) => r.type === 'file.history-access-key');
  process.stdout.write(
    JSON.stringify({
      ms,
      keys: keys.length,
      paired: keys.filter((k) => k.data.hasSecret && !k.data.inHead).length,
      blobs: scan.stats.blobs,
      bytes: scan.stats.bytes,
      commits: scan.stats.commits,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

const COMMITS = Number(args.commits);
const BYTES = Number(args.mb) * 1e6;
const KEYS = Number(args.keys);
const ROUNDS = Number(args.rounds);
const repo = path.join(tmpdir(), `awsaudit-bench-history-${COMMITS}-${args.mb}-${KEYS}`);

let seed = 0x51ed;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const WORDS =
  'the deploy server config region bucket instance role policy Allow Deny Principal Action Resource django nginx gunicorn docker compose item true value AKIA-like ASIA Asia ACCESS_LOG secret access key token'.split(
    ' ',
  );
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const keyId = () => 'AKIA' + Array.from({ length: 16 }, () => B32[Math.floor(rand() * 32)]).join('');

function textBlock(bytes) {
  let out = '';
  while (out.length < bytes) {
    let line = '';
    const n = 4 + Math.floor(rand() * 12);
    for (let i = 0; i < n; i++) line += (i ? ' ' : '') + WORDS[Math.floor(rand() * WORDS.length)];
    out += line + '\n';
  }
  return out;
}

async function generate() {
  if (existsSync(path.join(repo, '.bench-done'))) return;
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main', repo]);
  const t0 = performance.now();
  const git = spawn('git', ['-C', repo, 'fast-import', '--quiet'], { stdio: ['pipe', 'inherit', 'inherit'] });
  const write = (chunk) => (git.stdin.write(chunk) ? undefined : new Promise((r) => git.stdin.once('drain', r)));
  const blocks = Array.from({ length: 64 }, () => textBlock(8 * 1024));
  const perFile = Math.max(1024, Math.floor(BYTES / COMMITS / 2));
  const keyEvery = Math.floor(COMMITS / (KEYS + 1));
  let time = 1_700_000_000;
  let planted = 0;
  for (let c = 1; c <= COMMITS; c++) {
    time += 600;
    let body = `commit refs/heads/main\nmark :${c}\nauthor Bench <bench@example.com> ${time} +0000\ncommitter Bench <bench@example.com> ${time} +0000\ndata 9\ncommit ${c % 10}\n`;
    if (c > 1) body += `from :${c - 1}\n`;
    await write(body);
    for (let f = 0; f < 2; f++) {
      // Distinct content: a unique first line, then blocks in a varying order.
      let content = `# ${c}.${f} ${randomBytes(8).toString('hex')}\n`;
      while (content.length < perFile) content += blocks[Math.floor(rand() * blocks.length)];
      content = content.slice(0, perFile);
      const data = Buffer.from(content);
      await write(`M 100644 inline src/module${(c * 2 + f) % 200}/file${f}.txt\ndata ${data.length}\n`);
      await write(data);
      await write('\n');
    }
    if (planted < KEYS && c % keyEvery === 0) {
      const creds = Buffer.from(
        `[default]\naws_access_key_id = ${keyId()}\naws_secret_access_key = ${randomBytes(30).toString('base64')}\n`,
      );
      await write(`M 100644 inline deploy/creds-${planted}.txt\ndata ${creds.length}\n`);
      await write(creds);
      await write('\n');
    }
    if (planted < KEYS && c % keyEvery === 1 && c > keyEvery) {
      await write(`D deploy/creds-${planted}.txt\n`);
      planted++;
    }
  }
  git.stdin.end();
  await new Promise((resolve, reject) => git.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import ${code}`)))));
  // Packed the way a clone is (fast-import's pack is in write order, with long delta chains).
  spawnSync('git', ['-C', repo, 'repack', '-adq'], { stdio: 'inherit' });
  spawnSync('git', ['-C', repo, 'checkout', '-q', 'main']);
  writeFileSync(path.join(repo, '.bench-done'), `${planted}\n`);
  console.log(`generated ${COMMITS} commits, ${planted} deleted key files, in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${repo}`);
}

function gitRead() {
  const t0 = performance.now();
  const r = spawnSync('git', ['-C', repo, 'cat-file', '--batch-all-objects', '--batch'], {
    stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit'],
  });
  if (r.status !== 0) throw new Error('git cat-file failed');
  return performance.now() - t0;
}

function historyScan() {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', repo], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await generate();
const load0 = loadavg()[0];
gitRead(); // warm the page cache
const gitMs = [];
const unorderedMs = [];
const scans = [];
for (let i = 0; i < ROUNDS; i++) {
  gitMs.push(gitRead());
  unorderedMs.push(gitRead(true));
  scans.push(historyScan());
  const s = scans.at(-1);
  console.log(
    `round ${i + 1}: git cat-file ${gitMs.at(-1).toFixed(0)} ms (--unordered ${unorderedMs.at(-1).toFixed(0)} ms); history scan ${s.ms.toFixed(0)} ms (${s.commits} commits, ${s.blobs} blobs, ${(s.bytes / 1e6).toFixed(0)} MB), ratio ${(gitMs.at(-1) / s.ms).toFixed(2)}, peak RSS ${s.maxRssMb.toFixed(0)} MB`,
  );
}
const scanMs = median(scans.map((s) => s.ms));
const last = scans.at(-1);
console.log(`git cat-file --batch-all-objects --batch > /dev/null: median ${median(gitMs).toFixed(0)} ms`);
console.log(
  `history scan (log + cat-file --batch + scan): median ${scanMs.toFixed(0)} ms, ${(last.bytes / 1e6 / (scanMs / 1000)).toFixed(0)} MB/s of blobs`,
);
console.log(`git cat-file --batch-all-objects --batch --unordered (pack order): median ${median(unorderedMs).toFixed(0)} ms`);
console.log(
  `ratio git time / scan time: median ${(median(gitMs) / scanMs).toFixed(2)} (target >= 0.5); against --unordered ${(median(unorderedMs) / scanMs).toFixed(2)}`,
);
console.log(`keys found: ${last.keys} (${last.paired} pairs no longer in HEAD); planted ${KEYS}`);
console.log(`peak RSS of the scan: max ${Math.max(...scans.map((s) => s.maxRssMb)).toFixed(0)} MB (target < 512)`);
console.log(`machine: load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`);
