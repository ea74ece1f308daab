// Credential forms beyond a key id with its secret next to it: a secret access key alone under
// the name that says what it is, `A3T` key ids, and (below) other AWS credentials. Every
// key-shaped string is assembled at run time.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFiles, type FileScan } from '../src/files/scan-files.js';
import { scanText } from '../src/secrets/scan-content.js';
import { accountFromKeyId, keyKindOf, keyPrefixOf } from '../src/secrets/access-key-id.js';
import { tempDirs } from './support/temp.js';
import { join, keyIdFor, randomAccount, randomSecret } from './support/keys.js';

const tmp = tempDirs('awsaudit-forms-');

async function scanOne(name: string, body: string): Promise<FileScan> {
  const dir = tmp();
  writeFileSync(path.join(dir, name), body);
  return scanFiles([dir], { cwd: dir, workers: 0 });
}
const lone = (scan: FileScan) => scan.resources.filter((r) => r.type === 'file.secret-key').map((r) => r.data);

describe('a secret access key alone, under a name that says what it is', () => {
  const secret = randomSecret();
  const cases: Array<[string, string, string, number, string]> = [
    ['credentials', `[prod]\nregion = eu-west-1\naws_secret_access_key = ${secret}\n`, 'aws_secret_access_key', 3, 'credentials file'],
    ['.env', `DEBUG=0\nAWS_SECRET_ACCESS_KEY="${secret}"\n`, 'AWS_SECRET_ACCESS_KEY', 2, 'env'],
    ['deploy.yml', `aws:\n  region: eu-west-1\n  secret_access_key: ${secret}\n`, 'secret_access_key', 3, 'yaml'],
    ['sts.json', `{\n  "Credentials": {\n    "SecretAccessKey": "${secret}"\n  }\n}\n`, 'SecretAccessKey', 3, 'json'],
    ['config.toml', `[aws]\nsecret_access_key = "${secret}"\n`, 'secret_access_key', 2, 'code'],
    ['app.js', `const s3 = new S3({ secretAccessKey: '${secret}' });\n`, 'secretAccessKey', 1, 'code'],
    ['settings.py', `import os\nos.environ["AWS_SECRET_ACCESS_KEY"] = "${secret}"\n`, 'AWS_SECRET_ACCESS_KEY', 2, 'code'],
    ['session.txt', `$ aws configure\nAWS Secret Access Key [None]: ${secret}\n`, 'AWS Secret Access Key', 2, 'aws configure transcript'],
    ['sts.xml', `<Credentials>\n  <SecretAccessKey>${secret}</SecretAccessKey>\n</Credentials>\n`, 'SecretAccessKey', 2, 'text'],
  ];
  for (const [file, body, name, line, context] of cases) {
    it(`${file}: reported under ${name}, line ${line}`, async () => {
      const found = lone(await scanOne(file, body));
      expect(found).toMatchObject([{ path: file, name, line, context }]);
      expect(JSON.stringify(found)).not.toContain(secret);
    });
  }

  it('the rule reports it (medium), and nothing of the secret is in the report', async () => {
    const scan = await scanOne('.env', `AWS_SECRET_ACCESS_KEY=${secret}\n`);
    expect(scan.resources.map((r) => r.id)).toEqual(['.env#secret-access-key']);
  });

  it('a key id within 3 lines makes it a pair instead (one finding, on the key)', async () => {
    const id = keyIdFor(randomAccount());
    const scan = await scanOne('credentials', `[a]\naws_access_key_id = ${id}\n\n\naws_secret_access_key = ${secret}\n`);
    expect(lone(scan)).toEqual([]);
    expect(scan.resources.filter((r) => r.type === 'file.access-key').map((r) => r.data.hasSecret)).toEqual([true]);
  });

  it('a key id 4 lines away leaves it alone', async () => {
    const id = keyIdFor(randomAccount());
    const scan = await scanOne('notes.txt', `key id: ${id}\n1\n2\n3\naws_secret_access_key = ${secret}\n`);
    expect(lone(scan)).toMatchObject([{ line: 5 }]);
  });

  it("AWS's documented example secret, placeholders, digests and other names stay silent", async () => {
    for (const body of [
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
      'AWS_SECRET_ACCESS_KEY=YourSecretAccessKeyGoesHere/PleaseFillIn\n',
      `AWS_SECRET_ACCESS_KEY=${'x'.repeat(40)}\n`,
      'aws_secret_access_key = da39a3ee5e6b4b0d3255bfef95601890afd80709\n',
      'AWS_SECRET_ACCESS_KEY=${{ secrets.AWS_SECRET_ACCESS_KEY }}\n',
      `AWS_SECRET_ACCESS_KEY=${secret}x\n`, // 41 characters
      `aws_secret_access_key = ${secret.slice(1)}\n`, // 39 characters
      `DB_PASSWORD=${secret}\n`, // a secret, but not named as an AWS secret key (secret-named variables are another matter)
      'The secret access key is shown once, when the key is created.\n',
    ]) {
      expect(lone(await scanOne('.env', body)), body).toEqual([]);
    }
  });

  it('scanText finds it too (for Lambda variables and user data), far into a file', () => {
    const text = `${'# line\n'.repeat(5000)}AWS_SECRET_ACCESS_KEY=${secret}\n`;
    expect(scanText(text).secretKeys).toMatchObject([{ line: 5001, column: 1, name: 'AWS_SECRET_ACCESS_KEY' }]);
  });
});

describe('A3T key ids (the oldest long-term keys)', () => {
  it('are key ids of kind access-key, prefix A3T, with no account decoded', async () => {
    const id = join('A3TX', keyIdFor(randomAccount()).slice(4));
    expect(keyPrefixOf(id)).toBe('A3T');
    expect(keyKindOf(id)).toBe('access-key');
    expect(accountFromKeyId(id)).toBeNull();
    const scan = await scanOne('credentials', `aws_access_key_id = ${id}\naws_secret_access_key = ${randomSecret()}\n`);
    expect(scan.resources.map((r) => [r.type, r.data.keyPrefix, r.data.keyKind, r.data.hasSecret, r.data.keyIdMasked])).toEqual([
      ['file.access-key', 'A3T', 'access-key', true, `A3TX…${id.slice(-4)}`],
    ]);
  });

  it('A3T followed by a lower-case letter or too few characters is not a key id', async () => {
    const id = join('A3T', 'x', keyIdFor(randomAccount()).slice(4));
    expect((await scanOne('a.txt', `${id}\n${id.slice(0, 19)}\n`)).resources).toEqual([]);
  });
});

describe('Amazon Bedrock API keys', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  // As AWS makes them: the secret part is 60 base64 characters (44 random bytes).
  const longTerm = (account: string, id = 'x7q2') =>
    `ABSK${b64(`BedrockAPIKey-${id}-at-${account}:${randomBytes(44).toString('base64')}`)}`;
  const shortTerm = (keyId: string) =>
    `bedrock-api-key-${b64(
      `bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${keyId}%2F20260302%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20260302T091500Z&X-Amz-Expires=43200&X-Amz-Security-Token=${b64(randomSecret().repeat(8))}&X-Amz-Signature=${'ab12'.repeat(16)}&Version=1`,
    )}`;
  const bedrock = (scan: FileScan) => scan.resources.filter((r) => r.type === 'file.bedrock-api-key').map((r) => r.data);

  it('a long-term key (ABSK…): its account and credential name read from it, never the key', async () => {
    const account = randomAccount();
    const key = longTerm(account);
    const scan = await scanOne('.env', `DEBUG=0\nAWS_BEARER_TOKEN_BEDROCK=${key}\n`);
    expect(bedrock(scan)).toMatchObject([
      { keyKind: 'long-term', ownerAccount: account, serviceUserName: 'BedrockAPIKey-x7q2', line: 2, column: 26, context: 'env' },
    ]);
    expect(JSON.stringify(scan.resources)).not.toContain(key.slice(4, 40));
  });

  it('in quotes, in JSON and code, and several in one file', async () => {
    const [a, b] = [randomAccount(), randomAccount()];
    const scan = await scanOne('config.json', `{\n  "bedrock": "${longTerm(a)}",\n  "other": '${longTerm(b, 'k9zz')}'\n}\n`);
    expect(bedrock(scan).map((d) => [d.line, d.ownerAccount])).toEqual([
      [2, a],
      [3, b],
    ]);
    expect(scan.resources.map((r) => r.id)).toEqual(['config.json#bedrock-api-key', 'config.json#bedrock-api-key#2']);
  });

  it('a short-term key (bedrock-api-key-…): the temporary key that signed it, masked, and when it expires', async () => {
    const account = randomAccount();
    const keyId = keyIdFor(account, 'ASIA');
    const scan = await scanOne('app.py', `import os\nos.environ["AWS_BEARER_TOKEN_BEDROCK"] = "${shortTerm(keyId)}"\n`);
    expect(bedrock(scan)).toMatchObject([
      {
        keyKind: 'short-term',
        ownerAccount: account,
        keyIdMasked: `ASIA…${keyId.slice(-4)}`,
        expiresAt: '2026-03-02T21:15:00.000Z',
        line: 2,
        column: 'os.environ["AWS_BEARER_TOKEN_BEDROCK"] = "'.length + 1,
      },
    ]);
    expect(JSON.stringify(scan.resources)).not.toContain(keyId);
  });

  it('look-alikes stay silent: placeholders, truncated or made-up keys, other base64', async () => {
    for (const body of [
      `AWS_BEARER_TOKEN_BEDROCK=ABSK${'A'.repeat(120)}\n`,
      'AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlZXhhbXBsZQ==\n',
      `AWS_BEARER_TOKEN_BEDROCK=ABSK${b64('BedrockAPIKey-abcd-at-123456789012:EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE')}\n`,
      `AWS_BEARER_TOKEN_BEDROCK=${longTerm(randomAccount()).slice(0, 60)}\n`,
      `token=${b64('x'.repeat(300))}\n`,
      `AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-${b64('bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Credential=...')}\n`,
    ]) {
      expect(bedrock(await scanOne('.env', body)), body.slice(0, 60)).toEqual([]);
    }
  });
});
