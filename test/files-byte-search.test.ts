// The file scanner searches bytes for candidates before it decodes anything (scan-content.ts):
// key-id runs by sampling every 20th byte, private key headers by a native search for a part
// of their literal. These tests hold it to the detectors' own patterns run over the whole text.
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS_KEY_ID_LENGTH, ACCESS_KEY_ID_SOURCE, isPlaceholderKeyId } from '../src/files/access-key-id.js';
import { PRIVATE_KEY_HEADERS, PRIVATE_KEY_HEADER_SOURCE } from '../src/files/private-key.js';
import { CHUNK_BYTES, CONTEXT_BYTES, ContentScanner, findKeyIdRuns, type ContentResult } from '../src/files/scan-content.js';
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
function reference(body: Buffer): { keyIds: Array<{ keyId: string; line: number; column: number }>; headers: Array<{ line: number; column: number }> } {
  const text = body.toString('latin1');
  const all = new RegExp(`(?<keyId>${ACCESS_KEY_ID_SOURCE})|${PRIVATE_KEY_HEADER_SOURCE}`, 'g');
  const keyIds: Array<{ keyId: string; line: number; column: number }> = [];
  const headers: Array<{ line: number; column: number }> = [];
  for (const m of text.matchAll(all)) {
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    const line = text.slice(0, m.index).split('\n').length;
    const column = body.toString('utf8', lineStart, m.index).length + 1;
    if (m.groups?.keyId !== undefined) {
      if (!isPlaceholderKeyId(m.groups.keyId)) keyIds.push({ keyId: m.groups.keyId, line, column });
    } else headers.push({ line, column });
  }
  return { keyIds, headers };
}

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('the key-id run search', () => {
  it('finds a run of exactly 20 key-id bytes at every offset against the sampled bytes, and nothing shorter or longer', () => {
    const run = (n: number) => 'AKIA' + 'Q7'.repeat(20).slice(0, n - 4);
    for (let at = 0; at < 2 * ACCESS_KEY_ID_LENGTH + 3; at++) {
      for (const [length, expected] of [[ACCESS_KEY_ID_LENGTH, [at]], [ACCESS_KEY_ID_LENGTH - 1, []], [ACCESS_KEY_ID_LENGTH + 1, []]] as const) {
        const bytes = Buffer.from(`${'x y-'.repeat(20).slice(0, at)}${run(length)}${' z,'.repeat(30)}`, 'latin1');
        const out: number[] = [];
        findKeyIdRuns(bytes, 0, bytes.length, out);
        expect({ at, length, out }).toEqual({ at, length, out: expected });
      }
    }
  });

  it('reports a run only if it starts in [from, limit), even when it ends past limit', () => {
    const bytes = Buffer.from(`.. ${'B'.repeat(20)} .. ${'C'.repeat(20)} ..`, 'latin1');
    const find = (from: number, limit: number) => {
      const out: number[] = [];
      findKeyIdRuns(bytes, from, limit, out);
      return out;
    };
    expect(find(0, bytes.length)).toEqual([3, 27]);
    expect(find(4, bytes.length)).toEqual([27]);
    expect(find(0, 4)).toEqual([3]);
    expect(find(0, 3)).toEqual([]);
    expect(find(0, 28)).toEqual([3, 27]);
  });

  it('the patterns it feeds are the detectors own: a key id is 20 key-id bytes, prefix included', () => {
    expect(new RegExp(`^${ACCESS_KEY_ID_SOURCE}$`).test(keyIdFor(randomAccount()))).toBe(true);
    expect(keyIdFor(randomAccount())).toHaveLength(ACCESS_KEY_ID_LENGTH);
  });
});

describe('private key headers', () => {
  it('each header is searched by a part of its literal, and every header the pattern matches starts with a literal', () => {
    for (const h of PRIVATE_KEY_HEADERS) expect(h.literal).toContain(h.needle);
    const samples = ['RSA ', 'EC ', '', 'ENCRYPTED ', 'OPENSSH ', 'DSA ', 'PGP '].map((w) => `-----BEGIN ${w}PRIVATE KEY${w === 'PGP ' ? ' BLOCK' : ''}-----`);
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
      expect(result.keyIds.map((k) => [k.keyId, k.line, k.column])).toEqual(ids.map((id, k) => [id, at[k]! + 1, lines[at[k]!]!.indexOf(id) + 1]));
      expect(result.bytes).toBe(body.length);
    }
  });

  it('a CRLF credentials file: the pair, its lines and columns, and a private key after it', async () => {
    const id = keyIdFor(randomAccount());
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replaceAll('\n', '\r\n');
    const body = `[default]\r\naws_access_key_id = ${id}\r\naws_secret_access_key = ${randomSecret()}\r\n\r\n${pem}`;
    const result = await scanBytes(body, 'credentials');
    expect(result.keyIds.map((k) => [k.line, k.column, k.context, k.secret?.line])).toEqual([[2, 'aws_access_key_id = '.length + 1, 'credentials file', 3]]);
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
      'the', 'deploy', 'AWS', 'ACCESS_KEY', 'ALLOWED_HOSTS', '0.0.0.0:8000', '123456789012', 'ap-northeast-2', '보안', 'café', 'AKIA-like',
      'ASIA', 'ABCDEFGHIJKLMNOPQRST', 'ZZZZZZZZZZZZZZZZZZZZZZ', 'AIDAQ7Q7Q7Q7Q7Q7Q7Q7', '-----BEGIN CERTIFICATE-----', 'BEGIN', 'User-Key-File-',
    ];
    // Key-shaped tokens: real ones, ones one byte too short or long or glued to a letter, and
    // one inside a header's words (part of the header's match, so not a key id of its own).
    const base64 = 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu';
    const tokens = [() => id(), () => id().slice(0, 19), () => `${id()}Q`, () => `x${id()}`, () => `${id()}y`, () => `_${id()}_`, () => `"${id()}"`, () => `=${id()}\r`, () => `-----BEGIN ${id()} PRIVATE KEY-----\n${base64}\n`];
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
