// What the file scanner finds in text, and what it must leave alone.
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountFromKeyId, isPlaceholderKeyId, maskKeyId, NON_CREDENTIAL_ID_PREFIXES } from '../src/secrets/access-key-id.js';
import { CHUNK_BYTES, CONTEXT_BYTES, scanText } from '../src/secrets/scan-content.js';
import { scanFiles, type FileScan } from '../src/files/scan-files.js';
import { BUILD_FILE_KINDS, buildFileKind, type BuildFileKind } from '../src/files/build-files.js';
import { entropy, isPlausibleSecretKey } from '../src/secrets/secret-key.js';
import { tempDirs } from './support/temp.js';
import { ROOT } from './support/cli.js';
import { join, keyIdFor, randomAccount, randomSecret } from './support/keys.js';

const tmp = tempDirs('awsaudit-files-');

/** Write files into a fresh folder and scan it. */
async function scanTexts(
  files: Record<string, string | Buffer>,
  options: { includeIgnored?: boolean } = {},
): Promise<FileScan & { dir: string }> {
  const dir = tmp();
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  return { ...(await scanFiles([dir], { cwd: dir, ...options })), dir };
}

const keys = (scan: FileScan) => scan.resources.filter((r) => r.type === 'file.access-key');

describe('the account inside a key id', () => {
  it("decodes the published example (Aidan Steele, Tal Be'ery): ASIAY34F… → 609629065308", () => {
    expect(accountFromKeyId(join('ASIA', 'Y34FZKBOKMUTVV7A'))).toBe('609629065308');
  });

  it('decodes the user id the notes printed next to its account (000, `aws sts get-caller-identity`)', () => {
    const notes = readFileSync(path.join(ROOT, 'test', 'fixtures', 'seeds', '000_b1bff45fbc33d765.txt'), 'utf8');
    const userId = /"UserId": "(AIDA[A-Z0-9]+)"/.exec(notes)![1]!;
    const account = /"Account": "(\d{12})"/.exec(notes)![1]!;
    expect(accountFromKeyId(userId)).toBe(account);
  });

  it('round-trips accounts encoded the way AWS (and moto) lay them out, odd and even', () => {
    for (const account of ['123456789012', '000000000001', '999999999999', randomAccount(), randomAccount()]) {
      expect(accountFromKeyId(keyIdFor(account))).toBe(account);
      expect(accountFromKeyId(keyIdFor(account, 'ASIA'))).toBe(account);
    }
  });

  it('says nothing for old-format ids (fifth character A-P), rather than a wrong number', () => {
    expect(accountFromKeyId('AKIAIOSFODNN7EXAMPLE')).toBeNull();
    expect(accountFromKeyId(join('AKIAJ', 'Q4ZVXT3MN2WB7PC'))).toBeNull();
  });

  it('masks to the first 4 and last 4 characters', () => {
    expect(maskKeyId(join('AKIA', 'Q6RZ2B3N4M5K7XYZ'))).toBe('AKIA…7XYZ');
  });

  it('treats documented examples and obvious placeholders as placeholders, random ids not', () => {
    for (const id of [
      'AKIAIOSFODNN7EXAMPLE',
      'AKIAI44QH8DHBEXAMPLE',
      'AKIAXXXXXXXXXXXXXXXX',
      'AKIA0000000000000000',
      'AKIAYOURACCESSKEYID0',
      'AKIAABCDEFGHIJKLMNOP',
    ]) {
      expect(isPlaceholderKeyId(id), id).toBe(true);
    }
    for (let i = 0; i < 50; i++) expect(isPlaceholderKeyId(keyIdFor(randomAccount()))).toBe(false);
  });
});

describe('secret keys', () => {
  it("random 40-character secrets are plausible; hex digests, placeholders and AWS's example are not", () => {
    for (let i = 0; i < 200; i++) expect(isPlausibleSecretKey(randomSecret())).toBe(true);
    expect(isPlausibleSecretKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(false);
    expect(isPlausibleSecretKey('da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(false); // sha1 of ""
    expect(isPlausibleSecretKey('x'.repeat(40))).toBe(false);
    expect(isPlausibleSecretKey('YourSecretAccessKeyGoesHere/PleaseFillIn')).toBe(false);
    expect(entropy('aaaa')).toBe(0);
  });
});

describe('key pairs in the usual places (assembled at run time)', () => {
  const account = randomAccount();
  const id = keyIdFor(account);
  const secret = randomSecret();
  const cases: Array<[string, string, string, string]> = [
    [
      'transcript.txt',
      `root@master:~# aws configure\nAWS Access Key ID [None]: ${id}\nAWS Secret Access Key [None]: ${secret}\nDefault region name [None]: ap-northeast-2\n`,
      'aws configure transcript',
      'aws configure transcript',
    ],
    [
      'credentials',
      `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = ap-northeast-2\n`,
      'credentials file',
      'credentials file',
    ],
    [
      'create-access-key.json',
      `{\n    "AccessKey": {\n        "UserName": "ci",\n        "AccessKeyId": "${id}",\n        "Status": "Active",\n        "SecretAccessKey": "${secret}",\n        "CreateDate": "2026-01-01T00:00:00Z"\n    }\n}\n`,
      'json',
      'json',
    ],
    ['deploy.yml', `deploy:\n  aws:\n    access_key_id: ${id}\n    secret_access_key: "${secret}"\n`, 'yaml', 'yaml'],
    ['.env', `DEBUG=1\nAWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`, 'env', 'env'],
    ['settings.py', `AWS = dict(key='${id}', secret='${secret}')\n`, 'code', 'code'],
  ];
  for (const [name, body, context, secretContext] of cases) {
    it(`${name}: one key, with its secret, in context "${context}"`, async () => {
      const scan = await scanTexts({ [name]: body });
      expect(keys(scan)).toHaveLength(1);
      const [key] = keys(scan);
      const line = body.split('\n').findIndex((l) => l.includes(id)) + 1;
      const column = body.split('\n')[line - 1]!.indexOf(id) + 1;
      expect(key!.data).toMatchObject({
        path: name,
        line,
        column,
        keyIdMasked: maskKeyId(id),
        keyPrefix: 'AKIA',
        keyKind: 'access-key',
        ownerAccount: account,
        hasSecret: true,
        context,
        secretContext,
      });
      expect(key!.location).toEqual({ path: name, line, column });
      expect(key!.account).toBe(account);
      expect(scan.keyIdOf(key!)).toBe(id);
    });
  }

  it('the secret may come before the key id (a credentials file with the lines swapped)', async () => {
    const scan = await scanTexts({ credentials: `[default]\naws_secret_access_key = ${secret}\naws_access_key_id = ${id}\n` });
    expect(keys(scan)[0]!.data).toMatchObject({ hasSecret: true, line: 3, secretLine: 2 });
  });

  it('two profiles: two keys, each a pair', async () => {
    const other = keyIdFor(account);
    const scan = await scanTexts({
      credentials: `[a]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n\n[b]\naws_access_key_id = ${other}\naws_secret_access_key = ${randomSecret()}\n`,
    });
    expect(keys(scan).map((k) => [k.data.line, k.data.hasSecret])).toEqual([
      [2, true],
      [6, true],
    ]);
  });

  it('a key id alone is a key without a secret', async () => {
    const scan = await scanTexts({ 'notes.md': `# my key\n\n${id}\n\nremember to rotate it\n` });
    expect(keys(scan)).toHaveLength(1);
    expect(keys(scan)[0]!.data).toMatchObject({ line: 3, column: 1, hasSecret: false, secretContext: null, context: 'text' });
  });

  it('temporary (ASIA) keys are keys too, of kind "temporary"', async () => {
    const scan = await scanTexts({ '.env': `AWS_ACCESS_KEY_ID=${keyIdFor(account, 'ASIA')}\n` });
    expect(keys(scan)[0]!.data).toMatchObject({ keyPrefix: 'ASIA', keyKind: 'temporary', ownerAccount: account });
  });

  it('columns count characters, not bytes, after non-ASCII text on the same line', async () => {
    const scan = await scanTexts({ 'ko.txt': `액세스 키 ID: ${id}\n` });
    expect(keys(scan)[0]!.data.column).toBe('액세스 키 ID: '.length + 1);
  });
});

describe('what is not a finding', () => {
  const id = keyIdFor(randomAccount());
  const secret = randomSecret();

  it("AWS's documented example keys (ending in EXAMPLE) are ignored, and counted as such", async () => {
    const scan = await scanTexts({
      'README.md':
        '```\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n```\nAKIAI44QH8DHBEXAMPLE\n',
    });
    expect(scan.resources).toEqual([]);
    expect(scan.stats.placeholders).toBe(2);
  });

  it('obvious placeholders are ignored', async () => {
    const scan = await scanTexts({
      '.env.example':
        'AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\nAWS_ACCESS_KEY_ID=AKIA0000000000000000\nAWS_ACCESS_KEY_ID=AKIAYOURACCESSKEYID0\n',
    });
    expect(scan.resources).toEqual([]);
  });

  it('a real key id next to the documented example secret is a key id alone', async () => {
    const scan = await scanTexts({
      credentials: `aws_access_key_id = ${id}\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`,
    });
    expect(keys(scan)[0]!.data.hasSecret).toBe(false);
  });

  it('39- and 41-character near-miss secrets do not make a pair', async () => {
    const scan = await scanTexts({
      'a.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret.slice(0, 39)}\n`,
      'b.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}Q\n`,
      'c.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`,
    });
    expect(keys(scan).map((k) => [k.data.path, k.data.hasSecret])).toEqual([
      ['a.env', false],
      ['b.env', false],
      ['c.env', true],
    ]);
  });

  it('19- and 21-character near-miss key ids are not key ids', async () => {
    const scan = await scanTexts({ 'x.txt': `${id.slice(0, 19)}\n${id}Q\nx${id}\n` });
    expect(scan.resources).toEqual([]);
  });

  it('lower-case and mixed-case look-alikes are not key ids', async () => {
    const scan = await scanTexts({
      'x.txt': `${id.toLowerCase()}\nakia${id.slice(4)}\nAkia${id.slice(4)}\n${id.slice(0, 10)}${id.slice(10).toLowerCase()}\n`,
    });
    expect(scan.resources).toEqual([]);
  });

  it('IAM unique ids (AIDA user, AROA role, AIPA, ANPA, ANVA, ASCA, AGPA, APKA) are not access keys', async () => {
    const body = NON_CREDENTIAL_ID_PREFIXES.flatMap((p) => [keyIdFor(randomAccount(), p), keyIdFor(randomAccount(), p) + 'Q']).join('\n');
    const scan = await scanTexts({ 'ids.json': body });
    expect(scan.resources).toEqual([]);
  });

  it('a git commit id (40 hex characters) next to a key id is not its secret', async () => {
    const scan = await scanTexts({ 'log.txt': `key ${id}\ncommit da39a3ee5e6b4b0d3255bfef95601890afd80709\n` });
    expect(keys(scan)[0]!.data.hasSecret).toBe(false);
  });

  it('binary files are skipped, even with a key inside', async () => {
    const scan = await scanTexts({ 'blob.bin': Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`${id}\n${secret}\n`)]) });
    expect(scan.resources).toEqual([]);
    expect(scan.stats.binary).toBe(1);
  });
});

describe('large files are streamed in chunks', () => {
  it('finds keys across every kind of window boundary, with the right line and column, and pairs across them', async () => {
    // Window k starts at k*CHUNK; candidates are handled up to (k+1)*CHUNK + CONTEXT; the read ends at (k+1)*CHUNK + 2*CONTEXT.
    const C = CONTEXT_BYTES;
    const targets = [1, 2, 3].flatMap((k) => [k * CHUNK_BYTES, k * CHUNK_BYTES + C, k * CHUNK_BYTES + 2 * C]);
    let body = '';
    const padTo = (offset: number) => {
      while (body.length + 100 < offset) body += 'x'.repeat(99) + '\n';
      const need = offset - body.length;
      if (need > 0) body += 'z'.repeat(need - 1) + ' ';
    };
    const expected: Array<{ line: number; column: number; keyIdMasked: string; hasSecret: boolean }> = [];
    const lineOf = (offset: number) => body.slice(0, offset).split('\n').length;
    targets.forEach((target, i) => {
      const id = keyIdFor(randomAccount());
      // Alternate: secret two lines after, secret on the line before, no secret.
      const before = i % 3 === 1 ? `secret ${randomSecret()}\n` : '';
      padTo(target - 10 - before.length);
      body += before; // the key id straddles the boundary
      const start = body.length;
      body += id + '\n';
      if (i % 3 === 0) body += `\nsecret ${randomSecret()}\n`;
      expected.push({
        line: lineOf(start),
        column: start - body.lastIndexOf('\n', start - 1),
        keyIdMasked: maskKeyId(id),
        hasSecret: i % 3 !== 2,
      });
    });
    body += 'x'.repeat(99) + '\n';
    const scan = await scanTexts({ 'big.log': body });
    expect(
      keys(scan).map((k) => ({ line: k.data.line, column: k.data.column, keyIdMasked: k.data.keyIdMasked, hasSecret: k.data.hasSecret })),
    ).toEqual(expected);
    expect(scan.stats.bytes).toBe(body.length);
  });
});

describe('private keys', () => {
  const pems = () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return {
      'rsa.pem': rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      'ec.key': ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
      'pkcs8.pem': ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      'locked.pem': rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }).toString(),
      'locked-rsa.pem': rsa.privateKey
        .export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' })
        .toString(),
      'public.pem': rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  };

  it('finds PEM private keys by content, with type and encryption, and not public keys', async () => {
    const scan = await scanTexts(pems());
    const found = Object.fromEntries(scan.resources.map((r) => [r.data.path, [r.data.keyType, r.data.encrypted]]));
    expect(found).toEqual({
      'rsa.pem': ['RSA', false],
      'ec.key': ['EC', false],
      'pkcs8.pem': ['PKCS8', false],
      'locked.pem': ['PKCS8', true],
      'locked-rsa.pem': ['RSA', true],
    });
    for (const r of scan.resources)
      expect(r).toMatchObject({ type: 'file.private-key', id: r.data.path, location: { path: r.data.path, line: 1, column: 1 } });
  });

  it.skipIf(!hasSshKeygen())('reads the cipher of OpenSSH keys (ssh-keygen): none vs a passphrase', async () => {
    const dir = tmp();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', path.join(dir, 'id_locked')]);
    const scan = await scanFiles([dir], { cwd: dir });
    const found = Object.fromEntries(scan.resources.map((r) => [r.data.path, [r.data.keyType, r.data.encrypted, r.data.nameLooksLikeKey]]));
    expect(found).toEqual({ id_ed25519: ['OpenSSH', false, true], id_locked: ['OpenSSH', true, false] });
  });

  it('a key pasted into notes is found at its line; a mere mention of the header is not a key', async () => {
    const key = pems()['rsa.pem'];
    const scan = await scanTexts({
      'notes.md': `# server\n\nthe key:\n\n${key}\n`,
      'howto.md':
        'A PEM file starts with `-----BEGIN RSA PRIVATE KEY-----` and ends with the END line.\n-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n',
    });
    expect(scan.resources.map((r) => [r.data.path, r.data.line, r.data.nameLooksLikeKey])).toEqual([['notes.md', 5, false]]);
  });

  it('PuTTY keys: encryption read from the file', async () => {
    const scan = await scanTexts({
      'a.ppk': 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\n',
      'b.ppk': 'PuTTY-User-Key-File-2: ssh-rsa\nEncryption: aes256-cbc\nComment: me\n',
    });
    expect(scan.resources.map((r) => [r.data.path, r.data.keyType, r.data.encrypted])).toEqual([
      ['a.ppk', 'PuTTY', false],
      ['b.ppk', 'PuTTY', true],
    ]);
  });
});

function hasSshKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== 'ENOENT';
  }
}

describe('scanText: the same detection over text in memory (for Lambda variables, EC2 user data)', () => {
  it('finds a pair in user data and a key id alone in a variable value, and nothing in an example', () => {
    const id = keyIdFor(randomAccount());
    const userData = scanText(
      `#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY=${randomSecret()}\naws s3 sync s3://b /srv\n`,
      'user-data',
    );
    expect(userData.keyIds.map((k) => [k.keyId, k.line, k.column, k.context, k.secret?.line])).toEqual([
      [id, 2, 'export AWS_ACCESS_KEY_ID='.length + 1, 'env', 3],
    ]);
    expect(scanText(id).keyIds.map((k) => [k.line, k.secret])).toEqual([[1, null]]);
    expect(scanText('AKIAIOSFODNN7EXAMPLE').keyIds).toEqual([]);
  });
});

describe('build and deploy files (file.text)', () => {
  it('are told by name, every kind (a quick test on the name turns the other files away first)', () => {
    const names: Record<string, BuildFileKind> = {
      '/r/Dockerfile': 'dockerfile',
      '/r/Dockerfile-dev': 'dockerfile',
      '/r/app.dockerfile': 'dockerfile',
      '/r/Containerfile': 'dockerfile',
      '/r/Containerfile.arm64': 'dockerfile',
      '/r/docker-compose.yml': 'compose',
      '/r/compose.prod.yaml': 'compose',
      '/r/buildspec.yml': 'buildspec',
      '/r/appspec.yaml': 'appspec',
      '/r/Procfile': 'procfile',
      '/r/.github/workflows/ci.yml': 'ci',
      '/r/.gitlab-ci.yml': 'ci',
      '/r/Jenkinsfile': 'ci',
      '/r/.circleci/config.yml': 'ci',
      '/r/deploy-prod.sh': 'deploy-script',
      Dockerfile: 'dockerfile',
    };
    expect(new Set(Object.values(names))).toEqual(new Set(BUILD_FILE_KINDS));
    for (const [name, kind] of Object.entries(names)) expect([name, buildFileKind(name)]).toEqual([name, kind]);
    for (const name of ['/r/notes.md', '/r/file.txt', '/r/profile', '/r/config.json', '/r/dockerfile/x.txt'])
      expect([name, buildFileKind(name)]).toEqual([name, undefined]);
  });

  const texts = (scan: FileScan) =>
    Object.fromEntries(scan.resources.filter((r) => r.type === 'file.text').map((r) => [r.data.path, r.data]));

  it('a development server started on all interfaces from a container or process command', async () => {
    const scan = await scanTexts({
      Dockerfile: 'FROM python:3.12\nRUN python manage.py runserver --help\nCMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n',
      'docker-compose.yml':
        'services:\n  web:\n    command: python manage.py runserver 0:8000\n  api:\n    command: flask run --host=0.0.0.0\n',
      Procfile: 'web: gunicorn app.wsgi --bind 0.0.0.0:$PORT\n',
      'Dockerfile.dev': 'CMD python manage.py runserver 127.0.0.1:8000\n',
      'notes.txt': 'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n',
    });
    const found = texts(scan);
    expect(Object.keys(found).sort()).toEqual(['Dockerfile', 'Dockerfile.dev', 'Procfile', 'docker-compose.yml']);
    const cmd = 'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]';
    expect(found.Dockerfile!.devServers).toEqual([
      {
        line: 3,
        column: cmd.indexOf('runserver') + 1,
        framework: 'Django runserver',
        bindsAllInterfaces: true,
        command: 'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]',
      },
    ]);
    expect(
      (found['docker-compose.yml']!.devServers as Array<{ framework: string; bindsAllInterfaces: boolean; line: number }>).map((d) => [
        d.line,
        d.framework,
        d.bindsAllInterfaces,
      ]),
    ).toEqual([
      [3, 'Django runserver', true],
      [5, 'Flask development server', true],
    ]);
    expect(found.Procfile!.devServers).toEqual([]);
    expect((found['Dockerfile.dev']!.devServers as Array<{ bindsAllInterfaces: boolean }>)[0]!.bindsAllInterfaces).toBe(false);
    expect(scan.resources.find((r) => r.id === 'Dockerfile')!.location).toEqual({
      path: 'Dockerfile',
      line: 3,
      column: cmd.indexOf('runserver') + 1,
    });
  });

  it('account ids in ECR hosts, ARNs and ACCOUNT_ID settings; documentation examples left out', async () => {
    const account = randomAccount();
    const push = `      - docker push ${account}.dkr.ecr.ap-northeast-2.amazonaws.com/app:latest`;
    const update = `      - aws ecs update-service --cluster arn:aws:ecs:ap-northeast-2:${account}:cluster/main`;
    const scan = await scanTexts({
      'buildspec.yml': `phases:\n  build:\n    commands:\n${push}\n${update}\n      - echo 123456789012.dkr.ecr.us-east-1.amazonaws.com\n`,
      'deploy.sh': `AWS_ACCOUNT_ID=${account}\n`,
    });
    const found = texts(scan);
    expect(found['buildspec.yml']!.accountIds).toEqual([
      { line: 4, column: push.indexOf(account) + 1, accountId: account, context: 'ecr-registry' },
      { line: 5, column: update.indexOf(account) + 1, accountId: account, context: 'arn' },
    ]);
    expect(found['buildspec.yml']!.distinctAccountIds).toEqual([account]);
    expect(found['deploy.sh']!.accountIds).toEqual([{ line: 1, column: 16, accountId: account, context: 'assignment' }]);
  });
});
