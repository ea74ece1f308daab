// Keys in git history (`scan --files REPO --history`): every blob of every ref read once, each
// finding named by the commit that first added it. Repositories are made at test time.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFiles, type FileScan } from '../src/files/scan-files.js';
import { maskKeyId } from '../src/secrets/access-key-id.js';
import { makeRepo, type TestRepo } from './support/git.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-history-');
const credentials = (id: string, secret: string) => `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;
const history = (scan: FileScan) => scan.resources.filter((r) => r.type === 'file.history-access-key');
const scan = (repo: TestRepo, h: { allObjects?: boolean; sinceCommit?: string } | undefined = {}) =>
  scanFiles([repo.dir], { cwd: repo.dir, workers: 0, history: h });

function repoWithDeletedKey() {
  const repo = makeRepo(tmp());
  const id = keyIdFor(randomAccount());
  repo.write('README.md', '# app\n');
  repo.commit('init');
  repo.write('deploy/creds.txt', `# ops\n${credentials(id, randomSecret())}`);
  const added = repo.commit('add deploy credentials', '2026-03-02T09:15:00Z');
  repo.remove('deploy/creds.txt');
  const removed = repo.commit('oops, remove credentials');
  return { repo, id, added, removed };
}

describe('a key committed and deleted in the next commit', () => {
  it('is found, named by the commit that added it, its date, path and line, and not in HEAD', async () => {
    const { repo, id, added } = repoWithDeletedKey();
    const result = await scan(repo);
    expect(history(result)).toHaveLength(1);
    const [key] = history(result);
    expect(key!.data).toMatchObject({
      repository: '.',
      path: 'deploy/creds.txt',
      line: 3,
      column: 21,
      keyIdMasked: maskKeyId(id),
      hasSecret: true,
      secretLine: 4,
      commit: added,
      commitShort: added.slice(0, 12),
      authorDate: '2026-03-02T09:15:00.000Z',
      commitCount: 1,
      otherCommits: [],
      reachable: true,
      inHead: false,
    });
    expect(key!.location).toEqual({ path: 'deploy/creds.txt', line: 3, column: 21 });
    expect(result.keyIdOf(key!)).toBe(id);
    expect(result.resourceTypes).toContain('file.history-access-key');
  });

  it('without --history it is not found, and the note says how to find it', async () => {
    const { repo } = repoWithDeletedKey();
    const result = await scanFiles([repo.dir], { cwd: repo.dir, workers: 0 });
    expect(result.resources).toEqual([]);
    expect(result.resourceTypes).not.toContain('file.history-access-key');
    expect(result.notes.join('\n')).toMatch(/git history of 1 repository\(ies\) was not scanned.*add --history/);
  });

  it('the CLI reports it with its commit, exits 1, and never prints the key or its secret', async () => {
    const { repo, id, added } = repoWithDeletedKey();
    const r = await runCli(['scan', '--files', '.', '--history', '--format', 'text', '--output-dir', tmp()], { cwd: repo.dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('files-git-history-access-key');
    expect(r.stdout).toContain(`first committed in ${added.slice(0, 12)} (2026-03-02) at deploy/creds.txt line 3`);
    expect(r.stdout).toContain('no longer in HEAD');
    expect(r.stdout).not.toContain(id);
  });
});

describe('what history holds, each blob once', () => {
  it('a key still in HEAD: inHead, the commits that added it again, and the working-tree finding unchanged', async () => {
    const repo = makeRepo(tmp());
    const id = keyIdFor(randomAccount());
    repo.write('app/config.py', `KEY = '${id}'\n`);
    const first = repo.commit('config');
    repo.write('app/config.py', `# settings\nKEY = '${id}'\n`);
    const second = repo.commit('comment');
    repo.write('copy/config.py', `KEY = '${id}'\n`); // the same blob as the first: read once, added by this commit too
    const third = repo.commit('copy');
    const withHistory = await scan(repo);
    const [key] = history(withHistory);
    expect(key!.data).toMatchObject({ path: 'app/config.py', line: 1, commit: first, commitCount: 3, inHead: true, hasSecret: false });
    expect(key!.data.otherCommits).toEqual(expect.arrayContaining([second.slice(0, 12), third.slice(0, 12)]));
    expect(withHistory.stats.history![0]!.blobs).toBe(2);
    // The working tree's own findings are the same resources, with the same ids, with or without --history.
    const plain = await scanFiles([repo.dir], { cwd: repo.dir, workers: 0 });
    const tree = (s: FileScan) => s.resources.filter((r) => r.type === 'file.access-key').map((r) => [r.id, r.data]);
    expect(tree(withHistory)).toEqual(tree(plain));
    expect(tree(plain).length).toBe(2);
    expect(history(withHistory).map((r) => r.id)).toEqual([`.@history#${maskKeyId(id)}`]);
  });

  it('every ref: a tag, another branch and the stash', async () => {
    const repo = makeRepo(tmp());
    repo.write('a.txt', 'a\n');
    repo.commit('init');
    const [onTag, onBranch, inStash] = [keyIdFor(randomAccount()), keyIdFor(randomAccount()), keyIdFor(randomAccount())];
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('feature.env', `AWS_ACCESS_KEY_ID=${onBranch}\n`);
    repo.commit('feature');
    repo.git('checkout', '-q', 'main');
    repo.git('checkout', '-q', '--detach');
    repo.write('release.env', `AWS_ACCESS_KEY_ID=${onTag}\n`);
    repo.commit('release');
    repo.git('tag', 'v1');
    repo.git('checkout', '-q', 'main');
    repo.write('a.txt', `a\nAWS_ACCESS_KEY_ID=${inStash}\n`);
    repo.git('stash', '-q');
    const result = await scan(repo);
    expect(
      history(result)
        .map((r) => r.data.keyIdMasked)
        .sort(),
    ).toEqual([onTag, onBranch, inStash].map(maskKeyId).sort());
    expect(history(result).every((r) => r.data.reachable === true && r.data.inHead === false)).toBe(true);
  });

  it('a private key committed and removed', async () => {
    const repo = makeRepo(tmp());
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    repo.write('keys/deploy.pem', pem);
    const added = repo.commit('key');
    repo.remove('keys/deploy.pem');
    repo.commit('remove key');
    const result = await scan(repo);
    const keys = result.resources.filter((r) => r.type === 'file.history-private-key');
    expect(keys.map((r) => [r.id, r.data.path, r.data.keyType, r.data.commit, r.data.inHead])).toEqual([
      ['.@history:keys/deploy.pem', 'keys/deploy.pem', 'EC', added, false],
    ]);
  });

  it('documented example keys in history stay silent', async () => {
    const repo = makeRepo(tmp());
    repo.write(
      'docs/setup.md',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
    );
    repo.commit('docs');
    const result = await scan(repo);
    expect(history(result)).toEqual([]);
    expect(result.notes.join('\n')).toMatch(/1 documented example key id\(s\) or placeholder\(s\) not reported/);
  });
});

describe('a key only in a squashed-away branch', () => {
  function squashed() {
    const repo = makeRepo(tmp());
    const id = keyIdFor(randomAccount());
    repo.write('app.py', 'print(1)\n');
    repo.commit('init');
    repo.git('checkout', '-q', '-b', 'wip');
    repo.write('app.py', `print(1)\nKEY = "${id}"\nSECRET = "${randomSecret()}"\n`);
    const leaked = repo.commit('wip with key');
    repo.write('app.py', 'import os\nprint(1)\n');
    repo.commit('read key from env');
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--squash', 'wip');
    repo.commit('feature (squashed)');
    repo.git('branch', '-q', '-D', 'wip');
    return { repo, id, leaked };
  }

  it('is not found from the refs, since none reaches it', async () => {
    const { repo } = squashed();
    expect(history(await scan(repo))).toEqual([]);
  });

  it('is found with --all-objects, with the dangling commit that added it', async () => {
    const { repo, id, leaked } = squashed();
    const result = await scan(repo, { allObjects: true });
    expect(history(result).map((r) => r.data)).toMatchObject([
      { keyIdMasked: maskKeyId(id), path: 'app.py', line: 2, commit: leaked, reachable: false, inHead: false, hasSecret: true },
    ]);
    expect(result.notes.join('\n')).toMatch(/blob\(s\) no ref reaches/);
  });

  it('an unreachable blob with no commit at all is found too, without a commit', async () => {
    const repo = makeRepo(tmp());
    repo.write('a.txt', 'a\n');
    repo.commit('init');
    const id = keyIdFor(randomAccount());
    repo.write('staged.txt', `key ${id}\n`);
    repo.git('add', 'staged.txt'); // a blob in the object store, then unstaged: no commit has it
    repo.git('rm', '-q', '--cached', 'staged.txt');
    repo.remove('staged.txt');
    expect(history(await scan(repo))).toEqual([]);
    const found = history(await scan(repo, { allObjects: true }));
    expect(found.map((r) => [r.data.commit, r.data.reachable, (r.data.path as string).startsWith('(unreachable blob ')])).toEqual([
      [null, false, true],
    ]);
  });
});

describe('--since-commit: only what newer commits added (pull requests)', () => {
  it('a key added before the base is left out; one added after is found', async () => {
    const repo = makeRepo(tmp());
    const [old, fresh] = [keyIdFor(randomAccount()), keyIdFor(randomAccount())];
    repo.write('old.env', `AWS_ACCESS_KEY_ID=${old}\n`);
    repo.commit('old key');
    const base = repo.commit('base');
    repo.write('new.env', `AWS_ACCESS_KEY_ID=${fresh}\n`);
    repo.commit('pr');
    const result = await scan(repo, { sinceCommit: base });
    expect(history(result).map((r) => r.data.keyIdMasked)).toEqual([maskKeyId(fresh)]);
    expect(result.notes.join('\n')).toContain(`1 commit(s) after ${base}`);
  });

  it('an unknown base is a clear error', async () => {
    const { repo } = repoWithDeletedKey();
    await expect(scan(repo, { sinceCommit: 'no-such-branch' })).rejects.toThrow(/--since-commit: no-such-branch is not a commit/);
    const r = await runCli(['scan', '--files', '.', '--since-commit', 'main'], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since-commit applies to --history/);
  });
});

describe('a shallow clone', () => {
  it('says where its history starts', async () => {
    const { repo } = repoWithDeletedKey();
    const clone = path.join(tmp(), 'clone');
    repo.git('clone', '-q', '--depth', '1', `file://${repo.dir}`, clone);
    const head = repo.git('rev-parse', 'HEAD');
    const result = await scanFiles([clone], { cwd: clone, workers: 0, history: {} });
    expect(result.notes.join('\n')).toMatch(new RegExp(`a shallow clone; history starts at ${head.slice(0, 12)} \\(20`));
    // The key was added before the clone's first commit: not there to find.
    expect(history(result)).toEqual([]);
  });
});

describe('every secret form, not only key ids and private keys', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const longTerm = (account: string, id: string) => `ABSK${b64(`BedrockAPIKey-${id}-at-${account}:${randomBytes(44).toString('base64')}`)}`;

  it('a lone secret access key committed and removed: named by the commit that added it, at its path and line', async () => {
    const repo = makeRepo(tmp());
    repo.write('README.md', '# app\n');
    repo.commit('init');
    repo.write('deploy/.env', `# deploy\nREGION=us-east-1\n\nAWS_SECRET_ACCESS_KEY=${randomSecret()}\n`);
    const added = repo.commit('deploy settings', '2026-03-02T09:15:00Z');
    repo.write('deploy/.env', `# deploy\nREGION=us-east-1\n\nAWS_SECRET_ACCESS_KEY=${randomSecret()}\n`);
    const again = repo.commit('rotate', '2026-03-03T09:15:00Z');
    repo.remove('deploy/.env');
    repo.commit('remove');
    const result = await scan(repo);
    const lone = result.resources.filter((r) => r.type === 'file.history-secret-key');
    expect(lone.map((r) => r.id)).toEqual(['.@history:deploy/.env#secret-access-key']);
    expect(lone[0]!.data).toMatchObject({
      repository: '.',
      path: 'deploy/.env',
      line: 4,
      column: 1,
      name: 'AWS_SECRET_ACCESS_KEY',
      context: 'env',
      commit: added,
      authorDate: '2026-03-02T09:15:00.000Z',
      commitCount: 2,
      otherCommits: [again.slice(0, 12)],
      inHead: false,
    });
    expect(result.resourceTypes).toContain('file.history-secret-key');
    // A secret with its key id next to it is that key's pair, reported once, on the key id.
    expect(history(result)).toEqual([]);
  });

  it('a secret next to its key id in history is the pair, not a lone secret', async () => {
    const { repo } = repoWithDeletedKey();
    const result = await scan(repo);
    expect(result.resources.filter((r) => r.type === 'file.history-secret-key')).toEqual([]);
    expect(history(result)).toHaveLength(1);
  });

  it('Bedrock API keys: one finding per key (committed at two paths), with the first commit; never the key', async () => {
    const repo = makeRepo(tmp());
    const account = randomAccount();
    const key = longTerm(account, 'x7q2');
    const other = longTerm(randomAccount(), 'k9zz');
    repo.write('.env', `# app\nAWS_BEARER_TOKEN_BEDROCK=${key}\n`);
    const added = repo.commit('bedrock', '2026-03-02T09:15:00Z');
    repo.write('config/app.json', `{\n  "bedrock": "${key}",\n  "second": "${other}"\n}\n`);
    const copied = repo.commit('copy', '2026-03-03T09:15:00Z');
    repo.remove('.env');
    repo.commit('remove .env');
    const result = await scan(repo);
    const found = result.resources.filter((r) => r.type === 'file.history-bedrock-api-key');
    expect(found.map((r) => r.id).sort()).toEqual([
      '.@history#bedrock-api-key:BedrockAPIKey-k9zz',
      '.@history#bedrock-api-key:BedrockAPIKey-x7q2',
    ]);
    const first = found.find((r) => r.data.serviceUserName === 'BedrockAPIKey-x7q2')!;
    expect(first.data).toMatchObject({
      path: '.env',
      line: 2,
      column: 26,
      keyKind: 'long-term',
      ownerAccount: account,
      context: 'env',
      commit: added,
      commitCount: 2,
      otherCommits: [copied.slice(0, 12)],
      inHead: true,
    });
    expect(first.account).toBe(account);
    expect(first.location).toEqual({ path: '.env', line: 2, column: 26 });
    expect(JSON.stringify(result.resources)).not.toContain(key.slice(4, 60));
  });

  it('the CLI reports both with their rules and first commit', async () => {
    const repo = makeRepo(tmp());
    repo.write('ops/aws.env', `AWS_SECRET_ACCESS_KEY=${randomSecret()}\nAWS_BEARER_TOKEN_BEDROCK=${longTerm(randomAccount(), 'ab12')}\n`);
    const added = repo.commit('ops', '2026-03-02T09:15:00Z');
    repo.remove('ops/aws.env');
    repo.commit('remove');
    const r = await runCli(['scan', '--files', '.', '--history', '--format', 'text', '--output-dir', tmp()], { cwd: repo.dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('files-git-history-secret-key');
    expect(r.stdout).toContain('files-git-history-bedrock-api-key');
    expect(r.stdout).toContain(`first committed in ${added.slice(0, 12)} (2026-03-02) at ops/aws.env line 1`);
    expect(r.stdout).toContain(`first committed in ${added.slice(0, 12)} (2026-03-02) at ops/aws.env line 2`);
  });
});
