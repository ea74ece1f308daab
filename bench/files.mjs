#!/usr/bin/env node
// File-scan throughput as a ratio to a plain read of the same files, measured in one run.
//
//   node bench/files.mjs [--mb 200] [--files 20000] [--rounds 9] [--concurrency 8] [--keep]
//
// Generates a tree (default: 20,000 files, at least 200 MB: mostly small text files, some
// medium ones, a few large logs, some binaries; AWS key pairs and private keys sprinkled in),
// then, after one untimed read to warm the page cache, alternates timed passes over it:
//   - plain read, synchronous: open, read every byte into a reused 1 MiB buffer, close (the
//     calls the scanner makes), file list given, no walking, no scanning;
//   - plain read, thread pool: the same through libuv's pool with --concurrency files in flight
//     (how Node reads files by default);
//   - scan: `scanFiles(root)` from dist/ with its defaults — walking, .gitignore, binary
//     sniffing, candidate search, lines around candidates, resources (worker threads once the
//     tree passes 2,000 files, on 4 cores or more).
// Prints, for each, the median and the best round in MB/s and CPU time; the ratio of the scan
// to the FASTER plain read (target >= 0.5) in wall time (of the medians, of the bests, and per
// round: median and worst), and the same in CPU time of the whole process, which swings much
// less than wall time when other work shares the machine; and the load average. Build first
// (`npm run build`); `npm run bench:files` does both.
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { close, closeSync, open, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scanFiles } from '../dist/files/scan-files.js';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    files: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '9' },
    concurrency: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const TARGET_BYTES = Number(args.mb) * 1e6;
const FILES = Number(args.files);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);

// A small deterministic PRNG, so every run generates the same tree shape.
let seed = 0x2f6b1d3;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = (list) => list[Math.floor(rand() * list.length)];

// Text like the notes and configs the scanner is for, with look-alikes of key prefixes (AKIA-like,
// ASIA, Asia, ACCESS_LOG, ...) on purpose, so the candidate search does real work.
const WORDS = (
  'the server deploy config Amazon Account region ap-northeast-2 bucket instance security group ' +
  'AWS ACCESS role policy Allow Deny Principal Action Resource arn:aws:iam::123456789012:role/x ' +
  'django nginx gunicorn docker compose runserver 0.0.0.0:8000 ALLOWED_HOSTS 보안 그룹 인스턴스 접속 설정 ' +
  '{"name": "value", "Id": 42} - item: true AKIA-like ASIA Asia Akita Accept Accurate ACCESS_LOG'
).split(' ');

function textBlock(bytes) {
  const parts = [];
  let n = 0;
  while (n < bytes) {
    let line = '';
    const words = 4 + Math.floor(rand() * 14);
    for (let i = 0; i < words; i++) line += (i ? ' ' : '') + pick(WORDS);
    parts.push(line);
    n += Buffer.byteLength(line) + 1;
  }
  return parts.join('\n') + '\n';
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const keyId = () => 'AKIA' + Array.from({ length: 16 }, () => B32[Math.floor(rand() * 32)]).join('');
// From the seeded PRNG too: a random secret can, rarely, read as a placeholder (`xxxx`) and not be
// reported, which made a run fail on the check that every planted pair is found.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const secret = () => Array.from({ length: 40 }, () => B64[Math.floor(rand() * 64)]).join('');

function generate(root) {
  // A small library of text blocks reused across files keeps generation fast; sizes vary.
  const blocks = Array.from({ length: 64 }, () => textBlock(16 * 1024));
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' });
  const list = [];
  let total = 0;
  let keys = 0;
  const large = Math.max(4, Math.round(TARGET_BYTES / 16e6 / 2)); // about half the bytes in a few large logs
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(root, `d${i % 40}`, `s${Math.floor(i / 40) % 10}`);
    if (i < 400) mkdirSync(dir, { recursive: true });
    let size;
    if (i < large) size = Math.floor(TARGET_BYTES / 2 / large);
    else if (i % 20 === 0) size = 16 * 1024 + Math.floor(rand() * 96 * 1024);
    else size = 1024 + Math.floor(rand() * 7 * 1024);
    const file = path.join(dir, `f${i}${pick(['.txt', '.md', '.json', '.yml', '.log', '.py', ''])}`);
    let body;
    if (i % 97 === 5) {
      body = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), randomBytes(size)]);
    } else {
      const chunks = [];
      let n = 0;
      while (n < size) {
        const b = pick(blocks);
        const part = size - n < b.length ? b.slice(0, size - n) : b;
        chunks.push(part);
        n += part.length;
      }
      if (i % 1000 === 7) {
        chunks.splice(1, 0, `aws_access_key_id = ${keyId()}\naws_secret_access_key = ${secret()}\n`);
        keys++;
      }
      if (i % 2500 === 11) chunks.splice(1, 0, pem);
      body = Buffer.from(chunks.join(''));
    }
    writeFileSync(file, body);
    list.push(file);
    total += body.length;
  }
  // Top up to the target size with more medium files if the mix fell short.
  for (let i = 0; total < TARGET_BYTES; i++) {
    const file = path.join(root, 'topup', `t${i}.txt`);
    mkdirSync(path.dirname(file), { recursive: true });
    const body = Buffer.from(blocks.slice(0, 16).join(''));
    writeFileSync(file, body);
    list.push(file);
    total += body.length;
  }
  return { list, total, keys };
}

function plainReadSync(files) {
  let bytes = 0;
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      for (;;) {
        const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
        bytes += bytesRead;
        if (bytesRead < buffer.length) break;
      }
    } finally {
      closeSync(fd);
    }
  }
  return bytes;
}

// Through libuv's thread pool (the callback API, one reused buffer per reader).
const openFile = promisify(open);
const closeFile = promisify(close);
const readInto = (fd, buffer) =>
  new Promise((resolve, reject) => read(fd, buffer, 0, buffer.length, null, (e, n) => (e ? reject(e) : resolve(n))));

async function plainReadPool(files) {
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(1 << 20);
    while (next < files.length) {
      const fd = await openFile(files[next++], 'r');
      try {
        for (;;) {
          const bytesRead = await readInto(fd, buffer);
          bytes += bytesRead;
          if (bytesRead < buffer.length) break;
        }
      } finally {
        await closeFile(fd);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return bytes;
}

// Wall time, and CPU time of the whole process (all threads: the main one, libuv's pool, workers).
const time = async (fn) => {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 };
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const best = (values) => Math.min(...values);
const worst = (values) => Math.max(...values);

const root = mkdtempSync(path.join(tmpdir(), 'awsaudit-bench-files-'));
try {
  const gen = await time(() => generate(root));
  const { list, total, keys } = gen.result;
  console.log(`generated ${list.length} files, ${(total / 1e6).toFixed(1)} MB (${keys} key pairs) in ${gen.seconds.toFixed(1)} s: ${root}`);
  plainReadSync(list); // warm the page cache; untimed
  const loadBefore = loadavg()[0];

  // Every round times all three, one after the other, so each ratio compares passes made under the same load.
  const runs = { sync: [], pool: [], scan: [] };
  const roundRatios = { wall: [], cpu: [] };
  const mbps = (seconds) => (total / 1e6 / seconds).toFixed(0);
  const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`;
  let found;
  for (let round = 1; round <= ROUNDS; round++) {
    const sync = await time(() => plainReadSync(list));
    const pool = await time(() => plainReadPool(list));
    for (const r of [sync, pool]) if (r.result !== total) throw new Error(`plain read saw ${r.result} bytes, expected ${total}`);
    const scan = await time(() => scanFiles([root], { cwd: root }));
    found = scan.result;
    runs.sync.push(sync);
    runs.pool.push(pool);
    runs.scan.push(scan);
    roundRatios.wall.push(Math.min(sync.seconds, pool.seconds) / scan.seconds);
    roundRatios.cpu.push(Math.min(sync.cpuSeconds, pool.cpuSeconds) / scan.cpuSeconds);
    const show = (r) => `${mbps(r.seconds)} MB/s ${ms(r.seconds)} (cpu ${ms(r.cpuSeconds)})`;
    console.log(
      `round ${round}: plain read sync ${show(sync)}, thread pool ${show(pool)}; scan ${show(scan)}; ratio ${roundRatios.wall.at(-1).toFixed(2)} (cpu ${roundRatios.cpu.at(-1).toFixed(2)})`,
    );
  }
  const pairs = found.resources.filter((r) => r.type === 'file.access-key' && r.data.hasSecret).length;
  const pems = found.resources.filter((r) => r.type === 'file.private-key').length;
  if (pairs !== keys) throw new Error(`scan found ${pairs} key pairs, ${keys} were planted`);
  console.log(
    `found: ${pairs} key pairs, ${pems} private key files; ${found.stats.binary} binary files sniffed and skipped (scan read ${(found.stats.bytes / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB); MB/s are over the whole tree for all`,
  );

  const wall = (name) => runs[name].map((r) => r.seconds);
  const cpu = (name) => runs[name].map((r) => r.cpuSeconds);
  const line = (label, name) =>
    `${label} wall median ${mbps(median(wall(name)))} MB/s ${ms(median(wall(name)))}, best ${mbps(best(wall(name)))} MB/s ${ms(best(wall(name)))}; cpu median ${ms(median(cpu(name)))}, best ${ms(best(cpu(name)))}`;
  console.log(line('plain read, synchronous:  ', 'sync'));
  console.log(line(`plain read, thread pool x${CONCURRENCY}:`, 'pool'));
  console.log(line('file scan:                ', 'scan'));
  // The faster plain read is the baseline: the synchronous one on every machine measured so far.
  const plainWall = (f) => Math.min(f(wall('sync')), f(wall('pool')));
  const plainCpu = (f) => Math.min(f(cpu('sync')), f(cpu('pool')));
  console.log(
    `ratio scan / faster plain read, wall time: median ${(plainWall(median) / median(wall('scan'))).toFixed(2)}, best ${(plainWall(best) / best(wall('scan'))).toFixed(2)}; per round: median ${median(roundRatios.wall).toFixed(2)}, worst ${Math.min(...roundRatios.wall).toFixed(2)} (target >= 0.5)`,
  );
  // Wall time on a shared machine swings with other load; CPU time (all threads of the process) does much less.
  console.log(
    `ratio in cpu time: median ${(plainCpu(median) / median(cpu('scan'))).toFixed(2)}, best ${(plainCpu(best) / best(cpu('scan'))).toFixed(2)}; per round: median ${median(roundRatios.cpu).toFixed(2)}, worst ${Math.min(...roundRatios.cpu).toFixed(2)}`,
  );
  console.log(
    `machine: ${availableParallelism()} cores, load average ${loadBefore.toFixed(1)} before the rounds, ${loadavg()[0].toFixed(1)} after; scan used ${found.stats.workers} worker thread(s)`,
  );
} finally {
  if (args.keep) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
