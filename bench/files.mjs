#!/usr/bin/env node
// File-scan throughput as a ratio to a plain read of the same files, measured in one run.
//
//   node bench/files.mjs [--mb 200] [--files 20000] [--rounds 3] [--concurrency 8] [--keep]
//
// Generates a tree (default: 20,000 files, at least 200 MB: mostly small text files, some
// medium ones, a few large logs, some binaries; AWS key pairs and private keys sprinkled in),
// then alternates two timed passes over it, after one untimed pass to warm the page cache:
//   - plain read: open, read every byte into a reused 1 MiB buffer, close (the same fs calls the
//     scanner makes) — same files, same concurrency, no walking (the file list is given), no scanning;
//   - scan: `scanFiles(root)` from dist/ — walking, binary sniffing, candidate search, lines
//     around candidates, resources.
// Prints MB/s for both (best round of each) and scan/plain. Target: ratio >= 0.5.
// Build first (`npm run build`); `npm run bench:files` does both.
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { close, open, read } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scanFiles } from '../dist/files/scan-files.js';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    files: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
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
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (list) => list[Math.floor(rand() * list.length)];

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
const secret = () => randomBytes(30).toString('base64');

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

// The same fs calls the scanner makes (the callback API, one reused buffer per worker).
const openFile = promisify(open);
const closeFile = promisify(close);
const readInto = (fd, buffer) => new Promise((resolve, reject) => read(fd, buffer, 0, buffer.length, null, (e, n) => (e ? reject(e) : resolve(n))));

async function plainRead(files) {
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

const time = async (fn) => {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
};

const root = mkdtempSync(path.join(tmpdir(), 'awsaudit-bench-files-'));
try {
  const gen = await time(() => generate(root));
  const { list, total, keys } = gen.result;
  console.log(`generated ${list.length} files, ${(total / 1e6).toFixed(1)} MB (${keys} key pairs) in ${gen.seconds.toFixed(1)} s: ${root}`);
  await plainRead(list); // warm the page cache; untimed

  let bestPlain = Infinity;
  let bestScan = Infinity;
  let found;
  for (let round = 1; round <= ROUNDS; round++) {
    const plain = await time(() => plainRead(list));
    if (plain.result !== total) throw new Error(`plain read saw ${plain.result} bytes, expected ${total}`);
    const scan = await time(() => scanFiles([root], { concurrency: CONCURRENCY, cwd: root }));
    found = scan.result;
    bestPlain = Math.min(bestPlain, plain.seconds);
    bestScan = Math.min(bestScan, scan.seconds);
    console.log(`round ${round}: plain read ${(total / 1e6 / plain.seconds).toFixed(0)} MB/s, scan ${(total / 1e6 / scan.seconds).toFixed(0)} MB/s`);
  }
  const pairs = found.resources.filter((r) => r.type === 'file.access-key' && r.data.hasSecret).length;
  const pems = found.resources.filter((r) => r.type === 'file.private-key').length;
  if (pairs !== keys) throw new Error(`scan found ${pairs} key pairs, ${keys} were planted`);
  const plainMBps = total / 1e6 / bestPlain;
  const scanMBps = total / 1e6 / bestScan;
  console.log(`found: ${pairs} key pairs, ${pems} private key files; ${found.stats.binary} binary files sniffed and skipped (scan read ${(found.stats.bytes / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB); MB/s below are over the whole tree for both`);
  console.log(`plain read: ${plainMBps.toFixed(0)} MB/s (best of ${ROUNDS})`);
  console.log(`file scan:  ${scanMBps.toFixed(0)} MB/s (best of ${ROUNDS})`);
  console.log(`ratio scan/plain: ${(scanMBps / plainMBps).toFixed(2)} (target >= 0.5)`);
} finally {
  if (args.keep) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
