// Line numbers are counted the way editors count them: `\n` (Unix), `\r\n` (Windows) and a lone
// `\r` (old Mac OS) each end a line, in every text format the scanner reads (issue 17, point 5).
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFiles } from '../src/files/scan-files.js';
import { analyzeBuildFile } from '../src/files/build-files.js';
import { detectTextSecrets } from '../src/secrets/detect.js';
import { CHUNK_BYTES, scanText } from '../src/secrets/scan-content.js';
import { tempDirs } from './support/temp.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';

const tmp = tempDirs('awsaudit-eol-');
const ENDINGS = [
  ['\\n', '\n'],
  ['\\r\\n', '\r\n'],
  ['\\r', '\r'],
] as const;

async function scanOne(name: string, body: string) {
  const dir = tmp();
  writeFileSync(path.join(dir, name), body);
  return scanFiles([dir], { cwd: dir, workers: 0 });
}

describe.each(ENDINGS)('lines ended by %s', (_, eol) => {
  const id = keyIdFor(randomAccount());
  const secret = randomSecret();

  it('a key pair: the key id, its column and its secret on the lines an editor shows', async () => {
    const body = [
      '# notes',
      '',
      '[default]',
      `aws_access_key_id = ${id}`,
      `aws_secret_access_key = ${secret}`,
      'region = eu-west-1',
      '',
    ].join(eol);
    const scan = await scanOne('credentials', body);
    const keys = scan.resources.filter((r) => r.type === 'file.access-key');
    expect(keys.map((k) => k.data)).toMatchObject([{ line: 4, column: 21, hasSecret: true, secretLine: 5, context: 'credentials file' }]);
  });

  it('a secret two lines before the key id is still its pair', async () => {
    const body = ['x', `aws_secret_access_key = ${secret}`, 'y', `aws_access_key_id = ${id}`, 'z'].join(eol);
    const keys = (await scanOne('notes.txt', body)).resources.filter((r) => r.type === 'file.access-key');
    expect(keys.map((k) => k.data)).toMatchObject([{ line: 4, hasSecret: true, secretLine: 2 }]);
  });

  it('a private key at its line, read as a key (its data lines follow the header)', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'sec1', format: 'pem' })
      .toString()
      .replaceAll('\n', eol);
    const scan = await scanOne('deploy.pem', ['one', 'two', pem].join(eol));
    const found = scan.resources.filter((r) => r.type === 'file.private-key');
    expect(found.map((k) => [k.data.line, k.data.column, k.data.keyType])).toEqual([[3, 1, 'EC']]);
  });

  it('a key far into a large file (counted across chunks)', async () => {
    const filler = `${'x'.repeat(70)}${eol}`;
    const lines = Math.ceil((2.5 * CHUNK_BYTES) / filler.length);
    const body = filler.repeat(lines) + `key ${id}${eol}`;
    const keys = (await scanOne('big.log', body)).resources.filter((r) => r.type === 'file.access-key');
    expect(keys.map((k) => [k.data.line, k.data.column])).toEqual([[lines + 1, 5]]);
  });

  it('text in memory (Lambda variables, user data) and build files', () => {
    const text = ['#!/bin/sh', `export AWS_ACCESS_KEY_ID=${id}`, `export DB_PASSWORD=hunter2-${secret.slice(0, 8)}`].join(eol);
    expect(scanText(text).keyIds.map((k) => k.line)).toEqual([2]);
    expect(detectTextSecrets(text).map((d) => [d.line, d.kind])).toEqual([
      [2, 'aws-access-key-id'],
      [3, 'secret-named-variable'],
    ]);
    const dockerfile = ['FROM python:3.12', 'COPY . /app', 'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]'].join(eol);
    expect(analyzeBuildFile('dockerfile', dockerfile).devServers.map((d) => d.line)).toEqual([3]);
  });
});
