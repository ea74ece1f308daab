import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeUserData, userDataSecrets, USER_DATA_MAX_BYTES } from '../src/services/ec2/user-data.js';
import { maskKeyId as maskInFiles } from '../src/secrets/access-key-id.js';
import {
  detectTextSecrets,
  detectVariableSecrets,
  findAccessKeyIds,
  findSecretAccessKeys,
  isSecretNamedVariable,
  maskKeyId,
} from '../src/secrets/detect.js';
import { keyIdFor, randomSecret } from './support/keys.js';

// AWS's documented example keys: placeholders, never findings. Real-shaped keys are made at run time.
const EXAMPLE_ID = 'AKIAIOSFODNN7EXAMPLE';
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCOUNT = '123456789012';

describe('secret detection (one definition for Lambda, user data and files)', () => {
  const id = keyIdFor(ACCOUNT);
  const tmp = keyIdFor(ACCOUNT, 'ASIA');
  const secret = randomSecret();

  it("finds credential key ids (AKIA, ASIA, ...), not longer or lower-case look-alikes, and not AWS's documented examples", () => {
    const found = findAccessKeyIds(`id=${id} tmp ${tmp} x ${id}X ${id.toLowerCase()} ${EXAMPLE_ID} ASIAI44QH8DHBEXAMPLE`);
    expect(found.map((k) => [k.keyId, k.keyPrefix, k.keyKind])).toEqual([
      [id, 'AKIA', 'access-key'],
      [tmp, 'ASIA', 'temporary'],
    ]);
    expect(found[0]!.index).toBe(3);
  });

  it('masks a key id the way the file scanner does: prefix, an ellipsis, last four characters', () => {
    expect(maskKeyId(id)).toBe(`${id.slice(0, 4)}…${id.slice(-4)}`);
    expect(maskKeyId(id)).toBe(maskInFiles(id));
    expect(maskKeyId(id)).not.toContain(id.slice(4, 16));
  });

  it('finds 40-character secret keys but not hex digests, the documented example secret or a 41-character run', () => {
    expect(findSecretAccessKeys(`aws_secret_access_key = ${secret}`)).toHaveLength(1);
    expect(findSecretAccessKeys(`aws_secret_access_key = ${EXAMPLE_SECRET}`)).toEqual([]);
    expect(findSecretAccessKeys('commit 3f786850e387550fdab836ed7e6dc881de23001b')).toEqual([]);
    expect(findSecretAccessKeys(`${secret}A`)).toEqual([]);
  });

  it('secret-named variables count; references to secret stores, shell substitutions, descriptive names and example keys do not', () => {
    expect(isSecretNamedVariable('DB_PASSWORD', 'hunter2')).toBe(true);
    expect(isSecretNamedVariable('GITHUB_TOKEN', 'x')).toBe(true);
    expect(isSecretNamedVariable('stripe_api_key', 'x')).toBe(true);
    expect(isSecretNamedVariable('DB_PASSWORD', '')).toBe(false);
    expect(isSecretNamedVariable('DB_PASSWORD_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db')).toBe(false);
    expect(isSecretNamedVariable('DB_PASSWORD', 'arn:aws:ssm:us-east-1:123456789012:parameter/db')).toBe(false);
    expect(
      isSecretNamedVariable('DB_PASSWORD', '$(aws ssm get-parameter --name /db --with-decryption --query Parameter.Value --output text)'),
    ).toBe(false);
    expect(isSecretNamedVariable('AWS_SECRET_ACCESS_KEY', EXAMPLE_SECRET)).toBe(false);
    expect(isSecretNamedVariable('TOKEN_TTL', '3600')).toBe(false);
    expect(isSecretNamedVariable('LOG_LEVEL', 'debug')).toBe(false);
  });

  it('detectVariableSecrets (Lambda) reports kinds and masked ids, never a value; documented examples are not findings', () => {
    const vars = {
      AWS_ACCESS_KEY_ID: id,
      AWS_SECRET_ACCESS_KEY: secret,
      DB_PASSWORD: 'hunter2',
      CONFIG: `key ${id}`,
      LOG_LEVEL: 'debug',
      EXAMPLE_KEY_ID: EXAMPLE_ID,
      EXAMPLE_SECRET_KEY: EXAMPLE_SECRET,
    };
    const found = detectVariableSecrets(vars);
    const masked = `${id.slice(0, 4)}…${id.slice(-4)}`;
    expect(found).toEqual([
      { variable: 'AWS_ACCESS_KEY_ID', kind: 'aws-access-key-id', keyIdMasked: masked, keyPrefix: 'AKIA', keyKind: 'access-key' },
      { variable: 'AWS_SECRET_ACCESS_KEY', kind: 'aws-secret-access-key' },
      { variable: 'CONFIG', kind: 'aws-access-key-id', keyIdMasked: masked, keyPrefix: 'AKIA', keyKind: 'access-key' },
      { variable: 'DB_PASSWORD', kind: 'secret-named-variable' },
    ]);
    const text = JSON.stringify(found);
    for (const value of [id, secret, 'hunter2']) expect(text).not.toContain(value);
  });

  it('detectTextSecrets (user data): key id and its secret, private keys, secret-named assignments, each with its line; examples and references are not findings', () => {
    const pem = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB',
      '-----END RSA PRIVATE KEY-----',
    ];
    const script = [
      '#!/bin/bash',
      `export AWS_ACCESS_KEY_ID=${id}`,
      `export AWS_SECRET_ACCESS_KEY=${secret}`,
      `# docs: ${EXAMPLE_ID} ${EXAMPLE_SECRET}`,
      'export DB_PASSWORD="hunter2-at-boot"',
      'export API_TOKEN=$(aws ssm get-parameter --name /app/token --with-decryption --query Parameter.Value --output text)',
      'cat > /root/.ssh/id_rsa <<EOF',
      ...pem,
      'EOF',
      'LOG_LEVEL=debug',
    ].join('\n');
    const found = detectTextSecrets(script);
    expect(found).toEqual([
      { line: 2, kind: 'aws-access-key-id', keyIdMasked: maskKeyId(id), keyPrefix: 'AKIA', keyKind: 'access-key' },
      { line: 3, kind: 'aws-secret-access-key' },
      { line: 5, kind: 'secret-named-variable', variable: 'DB_PASSWORD' },
      { line: 8, kind: 'private-key', keyType: 'RSA' },
    ]);
    const text = JSON.stringify(found);
    for (const value of [id, secret, 'hunter2-at-boot', pem[1]!]) expect(text).not.toContain(value);
  });

  it('a secret access key on its own line of a credentials file or cloud-config is found without its key id', () => {
    expect(detectTextSecrets(['[default]', `aws_secret_access_key = ${secret}`].join('\n'))).toEqual([
      { line: 2, kind: 'aws-secret-access-key', variable: 'aws_secret_access_key' },
    ]);
  });
});

describe('EC2 user data decoding', () => {
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
  const id = keyIdFor(ACCOUNT);
  const secret = randomSecret();
  const script = `#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY=${secret}\n`;
  const expected = [
    { line: 2, kind: 'aws-access-key-id', keyIdMasked: maskKeyId(id), keyPrefix: 'AKIA', keyKind: 'access-key' },
    { line: 3, kind: 'aws-secret-access-key' },
  ];

  it('plain text and gzip (magic 1f 8b) decode to the same findings', async () => {
    const plain = await decodeUserData(b64(script));
    expect(plain).toMatchObject({ encoding: ['text'], truncated: false, bytes: Buffer.byteLength(script) });
    expect(userDataSecrets(plain)).toEqual(expected);
    const gz = await decodeUserData(b64(gzipSync(script)));
    expect(gz).toMatchObject({ encoding: ['gzip', 'text'], truncated: false, bytes: Buffer.byteLength(script) });
    expect(userDataSecrets(gz)).toEqual(expected);
  });

  it('stops at the size cap: a gzip bomb is cut, and says so', async () => {
    const bomb = gzipSync(Buffer.alloc(USER_DATA_MAX_BYTES * 2, 'a'));
    expect(bomb.length).toBeLessThan(16 * 1024);
    const decoded = await decodeUserData(b64(bomb));
    expect(decoded).toMatchObject({ bytes: USER_DATA_MAX_BYTES, truncated: true });
    const small = await decodeUserData(b64(gzipSync('x'.repeat(100))), 64);
    expect(small).toMatchObject({ bytes: 64, truncated: true });
    expect(await decodeUserData(b64(gzipSync('x'.repeat(64))), 64)).toMatchObject({ bytes: 64, truncated: false });
  });

  it('a corrupt gzip stream is an error (the collector turns it into a gap), not empty user data', async () => {
    const corrupt = Buffer.concat([gzipSync(script).subarray(0, 12), Buffer.from('not deflate data at all')]);
    await expect(decodeUserData(b64(corrupt))).rejects.toThrow();
  });

  it('MIME multipart (cloud-init): base64 and gzip parts are decoded, findings name their part', async () => {
    const mime = [
      'Content-Type: multipart/mixed; boundary="==BOUNDARY=="',
      'MIME-Version: 1.0',
      '',
      '--==BOUNDARY==',
      'Content-Type: text/cloud-config; charset="us-ascii"',
      'Content-Disposition: attachment; filename="cloud-config.txt"',
      '',
      'packages: [nginx]',
      '--==BOUNDARY==',
      'Content-Type: text/x-shellscript; charset="us-ascii"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="app.sh"',
      '',
      b64(gzipSync(script)).replace(/(.{76})/g, '$1\n'),
      '--==BOUNDARY==--',
      '',
    ].join('\n');
    const decoded = await decodeUserData(b64(mime));
    expect(decoded.encoding).toEqual(['mime', 'gzip']);
    expect(decoded.parts.map((p) => p.name)).toEqual(['cloud-config.txt', 'app.sh']);
    expect(userDataSecrets(decoded)).toEqual(expected.map((e) => ({ ...e, part: 'app.sh' })));
  });
});
