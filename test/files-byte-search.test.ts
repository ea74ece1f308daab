// The file scanner searches bytes for candidates before it decodes anything (scan-content.ts):
// key-id runs and long base64 runs in one SIMD pass (key-id-runs.wat), private key headers by a
// native search for a part of their literal. These tests hold it to the detectors' own patterns
// run over the whole text.
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS_KEY_ID_LENGTH, ACCESS_KEY_ID_SOURCE, isPlaceholderKeyId } from '../src/secrets/access-key-id.js';
import { PRIVATE_KEY_HEADERS, PRIVATE_KEY_HEADER_SOURCE } from '../src/secrets/private-key.js';
import { SECRET_KEY_CHARS } from '../src/secrets/secret-key.js';
import { KeyIdRunFinder, LONG_RUN_MIN } from '../src/secrets/key-id-runs.js';
import { CHUNK_BYTES, CONTEXT_BYTES, ContentScanner, type ContentResult } from '../src/secrets/scan-content.js';
import { scanFiles } from '../src/files/scan-files.js';
import { compileKeyIdRuns } from '../scripts/build-wasm.mjs';
import { ROOT } from './support/cli.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-byte-search-');
const C = CONTEXT_BYTES;

/** Scan one file's bytes with a fresh scanner, as the scan does (chunk by chunk past CHUNK_BYTES). */
async function scanBytes(body: Buffer | string, name = 'f.txt'): Promise<ContentResult> {
  const file = path.join(tmp(), name);
  writeFileSync(file, body);
  const fd = openSync(file, 'r');
  try {
    return await new ContentScanner().scan(fd, file);
  } finally {
    closeSync(fd);
  }
}

/** What the patterns find over the whole text at once: key ids (not placeholders) and headers, with line and column. */
function reference(body: Buffer): {
  keyIds: Array<{ keyId: string; line: number; column: number }>;
  headers: Array<{ line: number; column: number }>;
} {
  const text = body.toString('latin1');
  const all = new RegExp(`(?<keyId>${ACCESS_KEY_ID_SOURCE})|${PRIVATE_KEY_HEADER_SOURCE}`, 'g');
  const keyIds: Array<{ keyId: string; line: number; column: number }> = [];
  const headers: Array<{ line: number; column: number }> = [];
  for (const m of text.matchAll(all)) {
    // Lines as editors count them: `\n`, `\r\n` and a lone `\r` each end one.
    const lineStart = Math.max(text.lastIndexOf('\n', m.index - 1), text.lastIndexOf('\r', m.index - 1)) + 1;
    const line = text.slice(0, m.index).split(/\r\n|\r|\n/).length;
    const column = body.toString('utf8', lineStart, m.index).length + 1;
    if (m.groups?.keyId !== undefined) {
      if (!isPlaceholderKeyId(m.groups.keyId)) keyIds.push({ keyId: m.groups.keyId, line, column });
    } else headers.push({ line, column });
  }
  return { keyIds, headers };
}

/** The starts of key-id runs in [from, limit) of `bytes`; key-id bytes follow them in the finder's memory (as a previous file's may). */
function keyIdRuns(bytes: Buffer, from = 0, limit = bytes.length): number[] {
  const finder = new KeyIdRunFinder(bytes.length + 64);
  bytes.copy(finder.bytes);
  finder.bytes.fill('Q', bytes.length);
  const out: number[] = [];
  finder.findRuns(from, limit, bytes.length, out, []);
  // What follows the bytes searched is left as it was (the search borrows it).
  expect(finder.bytes.subarray(bytes.length).every((b) => b === 'Q'.charCodeAt(0))).toBe(true);
  return out;
}

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('the key-id run search', () => {
  it('finds a run of exactly 20 key-id bytes at every offset (against every 64-byte block boundary), and nothing shorter or longer', () => {
    const run = (n: number) => 'AKIA' + 'Q7'.repeat(20).slice(0, n - 4);
    for (let at = 0; at < 2 * 64 + 3; at++) {
      for (const [length, expected] of [
        [ACCESS_KEY_ID_LENGTH, [at]],
        [ACCESS_KEY_ID_LENGTH - 1, []],
        [ACCESS_KEY_ID_LENGTH + 1, []],
      ] as const) {
        const bytes = Buffer.from(`${'x y-'.repeat(40).slice(0, at)}${run(length)}${' z,'.repeat(30)}`, 'latin1');
        expect({ at, length, out: keyIdRuns(bytes) }).toEqual({ at, length, out: expected });
        // At the very end of the bytes too (the search reads a little past them, and must not count that).
        const atEnd = bytes.subarray(0, at + length);
        expect({ at, length, out: keyIdRuns(atEnd) }).toEqual({ at, length, out: expected });
      }
    }
  });

  it('reports a run only if it starts in [from, limit), even when it ends past limit', () => {
    const bytes = Buffer.from(`.. ${'B'.repeat(20)} .. ${'C'.repeat(20)} ..`, 'latin1');
    const find = (from: number, limit: number) => keyIdRuns(bytes, from, limit);
    expect(find(0, bytes.length)).toEqual([3, 27]);
    expect(find(4, bytes.length)).toEqual([27]);
    expect(find(0, 4)).toEqual([3]);
    expect(find(0, 3)).toEqual([]);
    expect(find(0, 28)).toEqual([3, 27]);
  });

  it('finds every run when there are more than the starts it hands back at a time (1024)', () => {
    const body = Buffer.from(Array.from({ length: 2500 }, (_, i) => `ASIA${String(i).padStart(16, '7')}`).join(' '), 'latin1');
    expect(keyIdRuns(body)).toEqual(Array.from({ length: 2500 }, (_, i) => i * 21));
  });

  it('runs on the bytes of key-id-runs.wat as compiled (scripts/build-wasm.mjs)', async () => {
    const embedded = /const WASM = '([^']*)'/.exec(readFileSync(path.join(ROOT, 'src', 'secrets', 'key-id-runs.ts'), 'utf8'))?.[1];
    expect(embedded).toBe(await compileKeyIdRuns());
  });

  it('the patterns it feeds are the detectors own: a key id is 20 key-id bytes, prefix included', () => {
    expect(new RegExp(`^${ACCESS_KEY_ID_SOURCE}$`).test(keyIdFor(randomAccount()))).toBe(true);
    expect(keyIdFor(randomAccount())).toHaveLength(ACCESS_KEY_ID_LENGTH);
  });
});

describe('the long-run search (secret keys, Bedrock keys, base64 values)', () => {
  // The references: every maximal run of LONG_RUN_MIN or more secret-key bytes, and of exactly 20 key-id bytes, that starts in [from, limit).
  const starts = (text: string, pattern: string, from: number, limit: number) =>
    [...text.matchAll(new RegExp(pattern, 'g'))].map((m) => m.index).filter((i) => i >= from && i < limit);
  const LONG = `(?<![${SECRET_KEY_CHARS}])[${SECRET_KEY_CHARS}]{${LONG_RUN_MIN},}`;
  const KEY = `(?<![A-Z0-9])[A-Z0-9]{${ACCESS_KEY_ID_LENGTH}}(?![A-Z0-9])`;
  const finder = new KeyIdRunFinder(1 << 16);
  const runs = (bytes: Buffer, from: number, limit: number, after = 0) => {
    bytes.copy(finder.bytes);
    // What lies after the bytes (a previous file's) is not part of them, whatever it is.
    finder.bytes.fill(after, bytes.length, bytes.length + 80);
    const keyIds: number[] = [];
    const longRuns: number[] = [];
    finder.findRuns(from, limit, bytes.length, keyIds, longRuns);
    expect(finder.bytes.subarray(bytes.length, bytes.length + 80).every((b) => b === after)).toBe(true);
    return { keyIds, longRuns };
  };
  const longRuns = (bytes: Buffer, from: number, limit: number) => runs(bytes, from, limit).longRuns;

  it('finds the same runs as regular expressions, in text that breaks them every few bytes and in long base64', () => {
    const breaks = ' .\n-=_:"é\u0000\u00ff';
    const alphabets = ['aZ09+/Qx', 'AZ09Q7', 'AKIA7Q', 'a/+b'];
    for (let t = 0; t < 6000; t++) {
      const length = 1 + randomInt(t % 10 === 0 ? 3000 : 700);
      const breakRate = [0, 0.01, 0.02, 0.05, 0.08, 0.3][t % 6]!;
      const alphabet = alphabets[t % alphabets.length]!;
      let text = '';
      for (let i = 0; i < length; i++)
        text += Math.random() < breakRate ? breaks[randomInt(breaks.length)] : alphabet[randomInt(alphabet.length)];
      const bytes = Buffer.from(text, 'latin1');
      const from = randomInt(bytes.length);
      const limit = from + randomInt(bytes.length - from + 1);
      const got = runs(bytes, from, limit, t % 2 ? 0x51 : 0);
      expect({ t, from, limit, ...got }).toEqual({
        t,
        from,
        limit,
        keyIds: starts(text, KEY, from, limit),
        longRuns: starts(text, LONG, from, limit),
      });
    }
  });

  it('a run of exactly the minimum at every offset, one byte short, and at the very end of the bytes', () => {
    for (let at = 0; at < 140; at++) {
      for (const [length, found] of [
        [LONG_RUN_MIN, true],
        [LONG_RUN_MIN - 1, false],
      ] as const) {
        const text = `${' -.:'.repeat(40).slice(0, at)}${'Q/+9'.repeat(10).slice(0, length)}`;
        const bytes = Buffer.from(text, 'latin1');
        expect({ at, length, out: longRuns(bytes, 0, bytes.length) }).toEqual({ at, length, out: found ? [at] : [] });
        // Followed by text, and searched from every offset up to it.
        const more = Buffer.from(`${text} tail`, 'latin1');
        for (const from of [0, at - 1, at, at + 1].filter((f) => f >= 0))
          expect({ at, length, from, out: longRuns(more, from, more.length) }).toEqual({
            at,
            length,
            from,
            out: found && from <= at ? [at] : [],
          });
      }
    }
  });

  it('a base64 value of a megabyte is one run, found once', () => {
    const big = new KeyIdRunFinder(1 << 20);
    const value = Buffer.from(`key: ${Buffer.alloc(700_000, 7).toString('base64')}\n`, 'latin1');
    value.copy(big.bytes);
    const keyIds: number[] = [];
    const found: number[] = [];
    big.findRuns(0, value.length, value.length, keyIds, found);
    expect(found).toEqual([5]);
  });
});

describe('private key headers', () => {
  it('each header is searched by a part of its literal, and every header the pattern matches starts with a literal', () => {
    for (const h of PRIVATE_KEY_HEADERS) expect(h.literal).toContain(h.needle);
    const samples = ['RSA ', 'EC ', '', 'ENCRYPTED ', 'OPENSSH ', 'DSA ', 'PGP '].map(
      (w) => `-----BEGIN ${w}PRIVATE KEY${w === 'PGP ' ? ' BLOCK' : ''}-----`,
    );
    samples.push('PuTTY-User-Key-File-2: ssh-rsa', 'PuTTY-User-Key-File-3: ecdsa-sha2-nistp256');
    for (const sample of samples) {
      const m = new RegExp(PRIVATE_KEY_HEADER_SOURCE).exec(`x ${sample}\n`);
      expect(m?.[0]).toBe(sample);
      expect(PRIVATE_KEY_HEADERS.some((h) => sample.startsWith(h.literal))).toBe(true);
    }
  });

  it('a header straddling a chunk boundary is found at its line and column', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const ppk = 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\n';
    // Each read ends at CHUNK + 2C; candidates are handled up to CHUNK + C; the next window starts at CHUNK.
    const targets = [1, 2].flatMap((k) => [k * CHUNK_BYTES, k * CHUNK_BYTES + C, k * CHUNK_BYTES + 2 * C]);
    let body = '';
    const expected: Array<{ line: number; column: number; keyType: string }> = [];
    targets.forEach((target, i) => {
      const key = i % 2 ? ppk : pem;
      // The literal's needle ("BEGIN", "User-Key-File-") straddles the boundary, then the literal's start.
      const cut = i % 3 === 0 ? 7 : i % 3 === 1 ? 3 : 1;
      while (body.length + 80 < target - cut - 3) body += 'y'.repeat(79) + '\n';
      body += 'q'.repeat(target - cut - 3 - body.length) + ' > ';
      expected.push({ line: body.split('\n').length, column: body.length - body.lastIndexOf('\n'), keyType: i % 2 ? 'PuTTY' : 'EC' });
      body += key;
    });
    const result = await scanBytes(body);
    expect(result.privateKeys.map((k) => ({ line: k.line, column: k.column, keyType: k.keyType }))).toEqual(expected);
    expect(reference(Buffer.from(body)).headers).toEqual(expected.map(({ line, column }) => ({ line, column })));
  });
});

describe('line numbers are exact wherever a candidate sits', () => {
  it('keys far into a large file (after chunks with no candidate) get their exact line, with LF and with CRLF', async () => {
    for (const eol of ['\n', '\r\n']) {
      const ids = [keyIdFor(randomAccount()), keyIdFor(randomAccount()), keyIdFor(randomAccount())];
      const lines: string[] = [];
      const at = [120_000, 120_003, 171_234]; // 0-based line index of each key
      for (let i = 0; lines.length < 190_000; i++) {
        const k = at.indexOf(lines.length);
        lines.push(k === -1 ? `line ${i} of a long log, nothing to see` : `ts=${i} leaked ${ids[k]} here`);
      }
      const body = lines.join(eol) + eol;
      expect(body.length).toBeGreaterThan(4 * CHUNK_BYTES);
      const result = await scanBytes(body, 'big.log');
      expect(result.keyIds.map((k) => [k.keyId, k.line, k.column])).toEqual(
        ids.map((id, k) => [id, at[k]! + 1, lines[at[k]!]!.indexOf(id) + 1]),
      );
      expect(result.bytes).toBe(body.length);
    }
  });

  it('a CRLF credentials file: the pair, its lines and columns, and a private key after it', async () => {
    const id = keyIdFor(randomAccount());
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
      .replaceAll('\n', '\r\n');
    const body = `[default]\r\naws_access_key_id = ${id}\r\naws_secret_access_key = ${randomSecret()}\r\n\r\n${pem}`;
    const result = await scanBytes(body, 'credentials');
    expect(result.keyIds.map((k) => [k.line, k.column, k.context, k.secret?.line])).toEqual([
      [2, 'aws_access_key_id = '.length + 1, 'credentials file', 3],
    ]);
    expect(result.privateKeys.map((k) => [k.line, k.column, k.keyType, k.encrypted])).toEqual([[5, 1, 'PKCS8', false]]);
  });
});

describe('the byte search finds what the patterns find over the whole text', () => {
  it('random text with near misses, CRLF, non-ASCII and keys around every chunk boundary', async () => {
    const rand = prng(20_240_617);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const id = () => keyIdFor(randomAccount(), pick(['AKIA', 'ASIA', 'ABIA', 'ACCA']));
    const words = [
      'the',
      'deploy',
      'AWS',
      'ACCESS_KEY',
      'ALLOWED_HOSTS',
      '0.0.0.0:8000',
      '123456789012',
      'ap-northeast-2',
      '보안',
      'café',
      'AKIA-like',
      'ASIA',
      'ABCDEFGHIJKLMNOPQRST',
      'ZZZZZZZZZZZZZZZZZZZZZZ',
      'AIDAQ7Q7Q7Q7Q7Q7Q7Q7',
      '-----BEGIN CERTIFICATE-----',
      'BEGIN',
      'User-Key-File-',
    ];
    // Key-shaped tokens: real ones, ones one byte too short or long or glued to a letter, and
    // one inside a header's words (part of the header's match, so not a key id of its own).
    const base64 = 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu';
    const tokens = [
      () => id(),
      () => id().slice(0, 19),
      () => `${id()}Q`,
      () => `x${id()}`,
      () => `${id()}y`,
      () => `_${id()}_`,
      () => `"${id()}"`,
      () => `=${id()}\r`,
      () => `-----BEGIN ${id()} PRIVATE KEY-----\n${base64}\n`,
    ];
    const chunks: string[] = [];
    let length = 0;
    const targets = [1, 2, 3].flatMap((k) => [k * CHUNK_BYTES, k * CHUNK_BYTES + C, k * CHUNK_BYTES + 2 * C]);
    const push = (s: string) => {
      chunks.push(s);
      length += Buffer.byteLength(s);
    };
    while (length < 3 * CHUNK_BYTES + 3 * C) {
      const next = targets.find((t) => t > length && t - length < 200);
      if (next !== undefined) {
        // A key id that starts anywhere from 25 bytes before the boundary to just after it.
        const before = Math.floor(rand() * 27) - 1;
        push('-'.repeat(Math.max(0, next - length - before)));
        push(`${id()}\n`);
        targets.splice(targets.indexOf(next), 1);
        continue;
      }
      const r = rand();
      if (r < 0.02) push(pick(tokens)());
      else if (r < 0.0205) push(rand() < 0.5 ? pem : 'PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\n');
      else push(pick(words));
      push(rand() < 0.85 ? ' ' : rand() < 0.7 ? '\n' : '\r\n');
    }
    const body = Buffer.from(chunks.join(''));
    const expected = reference(body);
    expect(expected.keyIds.length).toBeGreaterThan(100);
    expect(expected.headers.length).toBeGreaterThan(5);
    const result = await scanBytes(body, 'mixed.txt');
    expect(result.keyIds.map(({ keyId, line, column }) => ({ keyId, line, column }))).toEqual(expected.keyIds);
    // Every header planted here has key data after it, so each is a private key.
    expect(result.privateKeys.map(({ line, column }) => ({ line, column }))).toEqual(expected.headers);
  });
});

describe('small files are read into one buffer and searched together', () => {
  it('each file is judged on its own: nothing spans two files, binary is per file, lines count from each file', async () => {
    const dir = tmp();
    const id = () => keyIdFor(randomAccount());
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const files: Record<string, string | Buffer> = {};
    const expected: Array<[string, number, number]> = [];
    for (let i = 0; i < 300; i++) {
      const name = `f${String(i).padStart(3, '0')}.txt`;
      if (i % 50 === 1) {
        files[name] = Buffer.concat([Buffer.from([0x89, 0x50, 0, 0]), Buffer.from(`${id()}\n`)]); // binary: its key is not looked at
      } else if (i % 50 === 2) {
        const key = id(); // a key as the whole file, no newline after it
        files[name] = key;
        expected.push([name, 1, 1]);
      } else if (i % 50 === 3) {
        const key = id(); // split over this file's end and the next one's start: no key
        files[name] = `line\n${key.slice(0, 12)}`;
        files[`f${String(i + 1).padStart(3, '0')}.txt`] = `${key.slice(12)}\nmore\n`;
        i++;
      } else if (i % 50 === 5) {
        files[name] = `notes\n${pem.split('\n')[0]}`; // a header at the very end, its key data in the next file
        files[`f${String(i + 1).padStart(3, '0')}.txt`] = pem.split('\n').slice(1).join('\n');
        i++;
      } else if (i % 50 === 7) {
        const key = id(); // a NUL after the first 8000 bytes: text
        files[name] = Buffer.concat([Buffer.from('x'.repeat(8100) + '\n'), Buffer.from([0]), Buffer.from(`\nk ${key}\n`)]);
        expected.push([name, 3, 3]);
      } else {
        files[name] = `plain text ${i}\n`.repeat(1 + (i % 40));
      }
    }
    // Larger than the room left after the small files before it: scanned alone, then packing goes on.
    const big = id();
    files['f150-big.log'] = `${'y'.repeat(99)}\n`.repeat(10_000) + `tail ${big}\n`;
    expected.push(['f150-big.log', 10_001, 6]);
    for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
    const scan = await scanFiles([dir], { cwd: dir });
    const found = scan.resources.filter((r) => r.type === 'file.access-key').map((r) => [r.data.path, r.data.line, r.data.column]);
    expect(found).toEqual(expected.sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    expect(scan.resources.filter((r) => r.type === 'file.private-key')).toEqual([]);
    expect(scan.stats.binary).toBe(6);
    expect(scan.stats.files).toBe(Object.keys(files).length);
    expect(scan.stats.bytes).toBe(Object.values(files).reduce((n, body) => n + Buffer.byteLength(body), 0));
  });
});

describe('a file larger than the room left after packed files', () => {
  it('is scanned alone after them, from the start of the buffer, then packing goes on', async () => {
    const dir = tmp();
    const ids = Array.from({ length: 5 }, () => keyIdFor(randomAccount()));
    const bodies = [
      `a ${ids[0]}\n`.repeat(1) + 'x\n'.repeat(20_000), // 40 KiB of small files first
      'y\n'.repeat(5_000) + `b ${ids[1]}\n`, // 10 KiB: 50 KiB packed, under PACK_BYTES
      '', // below
      `d ${ids[3]}\n`,
      // Larger than the buffer: chunk by chunk.
      `${'v'.repeat(99)}\n`.repeat((CHUNK_BYTES + 2 * C) / 50) + `e ${ids[4]}\n`,
    ];
    // Fits the whole buffer, not the room left after the two above: read in part (its key id
    // straddles the end of that part), then moved to the buffer's start and read on.
    const room = CHUNK_BYTES + 2 * C - (bodies[0]!.length + 1) - (bodies[1]!.length + 1) - 1;
    const lead = `${'w'.repeat(99)}\n`.repeat(Math.floor((room - 20) / 100));
    bodies[2] = lead + 'u'.repeat(room - 10 - lead.length - 2) + `c ${ids[2]}\n` + `${'t'.repeat(99)}\n`.repeat(200);
    expect(bodies[2].indexOf(ids[2]!)).toBe(room - 10);
    const paths = bodies.map((body, i) => {
      const file = path.join(dir, `f${i}`);
      writeFileSync(file, body);
      return file;
    });
    const reads: Array<[number, number, number, number]> = [];
    await new ContentScanner().scanFiles(
      paths,
      () => false,
      (index, read) => {
        const key = read.content!.keyIds[0]!;
        reads.push([index, read.content!.bytes, key.line, key.column]);
      },
    );
    const lineOf = (body: string, id: string) => body.slice(0, body.indexOf(id)).split('\n').length;
    const columnOf = (body: string, id: string) => body.indexOf(id) - body.lastIndexOf('\n', body.indexOf(id));
    expect(reads.sort((a, b) => a[0] - b[0])).toEqual(
      bodies.map((body, i) => [i, body.length, lineOf(body, ids[i]!), columnOf(body, ids[i]!)]),
    );
  });
});
