// How the file scanner walks folders: .gitignore, tracked files, nested repositories,
// symbolic links, overlapping roots and files it cannot read.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFiles } from '../src/files/scan-files.js';
import { CLI } from './support/cli.js';
import { tempDirs } from './support/temp.js';
import { keyIdFor, randomAccount } from './support/keys.js';

const tmp = tempDirs('awsaudit-walk-');

/** Write files (paths with `/` make folders) under `dir`. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), body);
  }
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    stdio: 'ignore',
  });
}

const key = () => `AWS_ACCESS_KEY_ID=${keyIdFor(randomAccount())}\n`;
const pathsOf = (scan: Awaited<ReturnType<typeof scanFiles>>) => scan.resources.map((r) => r.data.path as string).sort();

describe('.gitignore inside a git work tree', () => {
  const repo = () => {
    const dir = tmp();
    git(dir, 'init', '-q');
    writeTree(dir, {
      '.gitignore': 'secrets/\n*.log\n',
      'app.env': key(),
      'secrets/prod.env': key(),
      'debug.log': key(),
      'sub/.gitignore': '!keep.log\n',
      'sub/keep.log': key(),
      '.git/config-copy': key(), // inside .git: never walked
    });
    return dir;
  };

  it('skips what git ignores (deepest .gitignore wins, `!` re-includes), never walks .git, and counts what it skipped', async () => {
    const dir = repo();
    const scan = await scanFiles([dir], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['app.env', 'sub/keep.log']);
    expect(scan.stats.ignored).toBe(2); // the secrets/ folder and debug.log
    expect(scan.notes.join('\n')).toContain('2 ignored by .gitignore (scan them with --include-ignored)');
    for (const r of scan.resources) expect(r.data).toMatchObject({ inRepository: true, gitIgnored: false, gitTracked: false });
  });

  it('--include-ignored scans them too and marks them ignored', async () => {
    const dir = repo();
    const scan = await scanFiles([dir], { cwd: dir, includeIgnored: true });
    expect(pathsOf(scan)).toEqual(['app.env', 'debug.log', 'secrets/prod.env', 'sub/keep.log']);
    expect(Object.fromEntries(scan.resources.map((r) => [r.data.path, r.data.gitIgnored]))).toEqual({
      'app.env': false,
      'debug.log': true,
      'secrets/prod.env': true,
      'sub/keep.log': false,
    });
  });

  it('files git tracks are scanned even inside an ignored folder (git add -f), and are marked tracked', async () => {
    const dir = repo();
    git(dir, 'add', '-f', 'secrets/prod.env');
    git(dir, 'commit', '-q', '-m', 'oops');
    const scan = await scanFiles([dir], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['app.env', 'secrets/prod.env', 'sub/keep.log']);
    expect(scan.resources.find((r) => r.data.path === 'secrets/prod.env')!.data).toMatchObject({ gitTracked: true, gitIgnored: false });
  });

  it('a folder inside the work tree given as the root still obeys the .gitignore files above it', async () => {
    const dir = tmp();
    git(dir, 'init', '-q');
    writeTree(dir, { '.gitignore': '*.env\n', 'sub/a.env': key(), 'sub/b.txt': key() });
    const scan = await scanFiles([path.join(dir, 'sub')], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['sub/b.txt']);
  });

  it("a nested repository follows its own ignore files, not its parent's", async () => {
    const dir = tmp();
    git(dir, 'init', '-q');
    mkdirSync(path.join(dir, 'inner'));
    git(path.join(dir, 'inner'), 'init', '-q');
    writeTree(dir, { '.gitignore': '*.txt\n', 'a.txt': key(), 'inner/b.txt': key(), 'inner/.gitignore': '*.env\n', 'inner/c.env': key() });
    const scan = await scanFiles([dir], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['inner/b.txt']);
  });

  it('outside a git work tree a .gitignore file means nothing', async () => {
    const dir = tmp();
    writeTree(dir, { '.gitignore': '*\n', 'a.env': key() });
    const scan = await scanFiles([dir], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['a.env']);
    expect(scan.resources[0]!.data).toMatchObject({ inRepository: false, gitTracked: null });
  });

  it('a file named on the command line is scanned even when ignored (and marked ignored)', async () => {
    const dir = repo();
    const scan = await scanFiles([path.join(dir, 'debug.log')], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['debug.log']);
    expect(scan.resources[0]!.data.gitIgnored).toBe(true);
  });
});

describe('links and roots', () => {
  it('a symbolic link loop ends: links are not followed, each file is scanned once', async () => {
    const dir = tmp();
    writeTree(dir, { 'a/k.env': key() });
    symlinkSync('..', path.join(dir, 'a', 'up'));
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'a', 'self'));
    const scan = await scanFiles([dir], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['a/k.env']);
    expect(scan.stats.symlinks).toBe(2);
  });

  it('stays within the roots: a link to a folder or file outside is not followed', async () => {
    const outside = tmp();
    writeTree(outside, { 'k.env': key() });
    const dir = tmp();
    writeTree(dir, { 'README.md': 'nothing here\n' });
    symlinkSync(outside, path.join(dir, 'elsewhere'));
    symlinkSync(path.join(outside, 'k.env'), path.join(dir, 'k.env'));
    const scan = await scanFiles([dir], { cwd: dir });
    expect(scan.resources).toEqual([]);
    expect(scan.notes.join('\n')).toContain('2 symbolic link(s) not followed');
  });

  it('a root given through a symbolic link is scanned (the link named on the command line is followed)', async () => {
    const dir = tmp();
    writeTree(dir, { 'real/k.env': key() });
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    const scan = await scanFiles([path.join(dir, 'link')], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['real/k.env']);
  });

  it('overlapping roots scan each file once', async () => {
    const dir = tmp();
    writeTree(dir, { 'sub/k.env': key(), 'top.env': key() });
    const scan = await scanFiles([dir, path.join(dir, 'sub'), path.join(dir, 'sub', 'k.env'), dir], { cwd: dir });
    expect(pathsOf(scan)).toEqual(['sub/k.env', 'top.env']);
  });

  it('paths are relative to the working folder when inside it, absolute otherwise', async () => {
    const dir = tmp();
    writeTree(dir, { 'sub/k.env': key() });
    expect(pathsOf(await scanFiles([path.join(dir, 'sub')], { cwd: dir }))).toEqual(['sub/k.env']);
    expect(pathsOf(await scanFiles([path.join(dir, 'sub')], { cwd: tmp() }))).toEqual([path.join(dir, 'sub', 'k.env')]);
  });

  it('a root that does not exist is a usage error', async () => {
    await expect(scanFiles(['/nonexistent/awsaudit-test'])).rejects.toThrow(/--files: .*no such file/i);
  });
});

describe('files that cannot be read are coverage gaps, never a clean result', () => {
  // Root reads everything, so the scan runs as an unprivileged user when the tests run as root.
  const asRoot = process.getuid?.() === 0;
  // That user must be able to reach the built CLI: not so in a clone inside a private folder
  // (`mktemp -d` makes it 0700). The test is then skipped, and says so in the summary.
  const unprivilegedCanRunCli =
    !asRoot ||
    spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(CLI)}, require('node:fs').constants.R_OK)`], {
      uid: 65534,
      gid: 65534,
    }).status === 0;

  it.skipIf(process.platform === 'win32' || !unprivilegedCanRunCli)(
    'an unreadable file and an unreadable folder become gaps; the file rules are "incomplete"',
    () => {
      const dir = tmp();
      chmodSync(dir, 0o777); // the unprivileged scan writes its report here
      writeTree(dir, { 'ok.env': key(), 'locked.env': key(), 'closed/inner.env': key() });
      chmodSync(path.join(dir, 'ok.env'), 0o644);
      chmodSync(path.join(dir, 'locked.env'), 0o000);
      chmodSync(path.join(dir, 'closed'), 0o000);
      const out = path.join(dir, 'report.json');
      const result = spawnSync(
        process.execPath,
        [CLI, 'scan', '--files', dir, '--format', 'json', '--output', `json=${out}`, '--fail-on', 'none'],
        {
          cwd: dir,
          env: { ...process.env, NO_COLOR: '1' },
          ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
          encoding: 'utf8',
        },
      );
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.findings.map((f: { location: { path: string } }) => f.location.path)).toEqual(['ok.env']);
      expect(report.gaps.map((g: { operation: string; errorCode: string }) => `${g.operation} ${g.errorCode}`).sort()).toEqual([
        'list closed EACCES',
        'read locked.env EACCES',
      ]);
      const keyRule = report.rules.find((r: { ruleId: string }) => r.ruleId === 'files-aws-access-key-id');
      expect(keyRule).toMatchObject({ status: 'fail', complete: false });
      const pemRule = report.rules.find((r: { ruleId: string }) => r.ruleId === 'files-private-key-open-permissions');
      expect(pemRule).toMatchObject({ status: 'incomplete', complete: false });
    },
  );
});
