// Keys hidden one layer down: base64 values (Kubernetes Secrets, .env, JSON/YAML), percent
// encoding, `\n`-escaped PEM inside JSON strings, UTF-16 text and text with stray NUL bytes.
// Every key-shaped string is assembled at run time.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFiles, type FileScan } from '../src/files/scan-files.js';
import { maskKeyId } from '../src/secrets/access-key-id.js';
import { tempDirs } from './support/temp.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';

const tmp = tempDirs('awsaudit-decode-');
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

async function scanOne(name: string, body: string | Buffer): Promise<FileScan> {
  const dir = tmp();
  writeFileSync(path.join(dir, name), body);
  return scanFiles([dir], { cwd: dir, workers: 0 });
}
const keys = (scan: FileScan) => scan.resources.filter((r) => r.type === 'file.access-key').map((r) => r.data);

describe('base64 values', () => {
  it('a Kubernetes Secret: the key id and its secret, each base64, are a pair at the encoded value', async () => {
    const id = keyIdFor(randomAccount());
    const body = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: s3-uploader',
      'type: Opaque',
      'data:',
      `  AWS_ACCESS_KEY_ID: ${b64(id)}`,
      `  AWS_SECRET_ACCESS_KEY: ${b64(randomSecret())}`,
      '',
    ].join('\n');
    const scan = await scanOne('secret.yaml', body);
    expect(keys(scan)).toMatchObject([
      { keyIdMasked: maskKeyId(id), line: 7, column: 22, hasSecret: true, secretLine: 8, encoding: 'base64', context: 'yaml' },
    ]);
    expect(scan.resources.filter((r) => r.type === 'file.secret-key')).toEqual([]);
  });

  it('a base64 secret alone under its name is a lone secret', async () => {
    const scan = await scanOne('secret.yaml', `data:\n  AWS_SECRET_ACCESS_KEY: ${b64(randomSecret())}\n`);
    expect(scan.resources.map((r) => [r.type, r.data.line, r.data.name])).toEqual([['file.secret-key', 2, 'AWS_SECRET_ACCESS_KEY']]);
  });

  it('a whole credentials file base64-encoded in a .env value or a JSON string', async () => {
    const id = keyIdFor(randomAccount());
    const creds = b64(`[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${randomSecret()}\n`);
    for (const [name, body, line] of [
      ['.env', `APP=1\nAWS_CREDENTIALS_B64=${creds}\n`, 2],
      ['config.json', `{\n  "ci": {\n    "credentials": "${creds}"\n  }\n}\n`, 3],
    ] as const) {
      expect(keys(await scanOne(name, body)), name).toMatchObject([
        { keyIdMasked: maskKeyId(id), line, hasSecret: true, encoding: 'base64' },
      ]);
    }
  });

  it('two layers are looked through, not three (bounded depth)', async () => {
    const id = keyIdFor(randomAccount());
    expect(keys(await scanOne('a.txt', `value: ${b64(b64(`key ${id}`))}\n`))).toHaveLength(1);
    expect(keys(await scanOne('a.txt', `value: ${b64(b64(b64(`key ${id}`)))}\n`))).toHaveLength(0);
  });

  it('base64 of binary data, of the documented example keys, and long identifiers stay silent', async () => {
    for (const body of [
      `blob: ${randomBytes(300).toString('base64')}\n`,
      `AWS_ACCESS_KEY_ID: ${b64('AKIAIOSFODNN7EXAMPLE')}\nAWS_SECRET_ACCESS_KEY: ${b64('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')}\n`,
      'const thisIsAVeryLongJavaScriptIdentifierName = 1;\n',
    ]) {
      expect((await scanOne('x.yaml', body)).resources, body.slice(0, 40)).toEqual([]);
    }
  });
});

describe('percent-encoding', () => {
  it('a secret with / and + written as %2F and %2B (a URL, a form body) is decoded', async () => {
    let secret = randomSecret();
    while (!/[/+]/.test(secret)) secret = randomSecret();
    const encoded = encodeURIComponent(secret);
    const scan = await scanOne('request.log', `POST /login\naws_secret_access_key=${encoded}&region=eu-west-1\n`);
    expect(scan.resources.map((r) => [r.type, r.data.line, r.data.name])).toEqual([['file.secret-key', 2, 'aws_secret_access_key']]);
  });
});

describe('a PEM inside a JSON string (a service-account file)', () => {
  it('is a private key at the line of its header', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const body = JSON.stringify({ type: 'service_account', project_id: 'demo', private_key_id: 'abc', private_key: pem }, null, 2);
    const scan = await scanOne('sa.json', body);
    expect(scan.resources.map((r) => [r.type, r.data.line, r.data.keyType])).toEqual([['file.private-key', 5, 'PKCS8']]);
  });

  it('a mention of the header in a JSON string is not a key', async () => {
    const scan = await scanOne('doc.json', JSON.stringify({ hint: '-----BEGIN PRIVATE KEY-----\\n(paste your key here)' }));
    expect(scan.resources).toEqual([]);
  });
});

describe('UTF-16 text and stray NUL bytes', () => {
  const text = (id: string) => `# notes\r\n\r\naws_access_key_id = ${id}\r\naws_secret_access_key = ${randomSecret()}\r\n`;
  const utf16be = (s: string) => {
    const le = Buffer.from(s, 'utf16le');
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
    return le;
  };
  for (const [label, encode] of [
    ['UTF-16LE with a byte order mark', (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
    ['UTF-16LE without one', (s: string) => Buffer.from(s, 'utf16le')],
    ['UTF-16BE with a byte order mark', (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(s)])],
    ['UTF-16BE without one', utf16be],
  ] as const) {
    it(`${label}: decoded and scanned, at the line and column an editor shows`, async () => {
      const id = keyIdFor(randomAccount());
      const scan = await scanOne('creds.txt', encode(text(id)));
      expect(keys(scan)).toMatchObject([{ keyIdMasked: maskKeyId(id), line: 3, column: 21, hasSecret: true, secretLine: 4 }]);
      expect(scan.gaps).toEqual([]);
    });
  }

  it('UTF-32 is still a coverage gap (not decoded), never "clean"', async () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.alloc(64)]);
    const scan = await scanOne('wide.txt', body);
    expect(scan.gaps.map((g) => g.errorCode)).toContain('NotUtf8Text');
  });

  it('a text file with a few stray NUL bytes is scanned as text; a binary file is not', async () => {
    const id = keyIdFor(randomAccount());
    const body = `started\n\0\0\n${'log line\n'.repeat(40)}key ${id}\n`;
    expect(keys(await scanOne('app.log', body))).toMatchObject([{ keyIdMasked: maskKeyId(id), line: 43 }]);
    const binary = Buffer.concat([randomBytes(400), Buffer.alloc(64), Buffer.from(`key ${id}\n`)]);
    expect(keys(await scanOne('blob.bin', binary))).toEqual([]);
  });
});
