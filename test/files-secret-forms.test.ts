// Credential forms beyond a key id with its secret next to it: a secret access key alone under
// the name that says what it is, `A3T` key ids, and (below) other AWS credentials. Every
// key-shaped string is assembled at run time.
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
