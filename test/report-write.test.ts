// Reports and snapshots survive what a scheduled run meets: a signal in the middle of a write,
// a full disk, a reader that closes stdout early. The previous file is never left truncated.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, runCliInProcess as runCli } from './support/cli.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-write-');
const DEMO = path.join(ROOT, 'demo', 'demo-account.snapshot.json');
const STACK_LINE = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

/** The demo account with notes enough to make its JSON report about 50 MB: its write takes a while. */
function bigSnapshot(dir: string): string {
  const snapshot = JSON.parse(readFileSync(DEMO, 'utf8')) as { meta: { notes?: string[] } };
  const line = 'This note pads the report so that writing it takes a while. '.repeat(8);
  snapshot.meta.notes = Array.from({ length: 100_000 }, (_, i) => `${i} ${line}`);
  const file = path.join(dir, 'big.snapshot.json');
  writeFileSync(file, JSON.stringify(snapshot));
  return file;
}

/** A small, valid earlier report to stand for last night's run. */
async function previousReport(dir: string): Promise<Buffer> {
  const r = await runCli([
    'evaluate',
    '--snapshot',
    DEMO,
    '--only',
    's3-bucket-public-acl',
    '--format',
    'json',
    '--output-dir',
    dir,
    '--fail-on',
    'none',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(path.join(dir, 'awsaudit.json'));
}

/**
 * Run the CLI writing its report into `outDir`; as soon as anything changes in that folder
 * (the write has begun), freeze the process, look at the folder, send `signal`, and let it go on.
 */
function interruptMidWrite(
  args: string[],
  outDir: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; seenAtStop: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let seenAtStop: string[] = [];
    let sent = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const watcher = watch(outDir, () => {
      if (sent) return;
      sent = true;
      child.kill('SIGSTOP');
      seenAtStop = readdirSync(outDir).sort();
      child.kill(signal);
      child.kill('SIGCONT');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      watcher.close();
      resolve({ code, signal: sig, stderr, seenAtStop });
    });
  });
}

describe('a signal during a report write', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} mid-write leaves the previous report whole and no other file, exits ${code}`, async () => {
      const work = tmp();
      const out = path.join(work, 'reports');
      mkdirSync(out);
      const before = await previousReport(out);
      const snapshot = bigSnapshot(work);
      const r = await interruptMidWrite(
        ['evaluate', '--snapshot', snapshot, '--format', 'json', '--output-dir', out, '--fail-on', 'none'],
        out,
        signal,
      );
      // The write had begun when the signal came (the folder changed), and the process was still there to handle it.
      expect(r.seenAtStop.length).toBeGreaterThan(0);
      expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
      expect(r.stderr).toContain(`interrupted (${signal})`);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(readdirSync(out)).toEqual(['awsaudit.json']);
      expect(readFileSync(path.join(out, 'awsaudit.json')).equals(before)).toBe(true);
    });
  }

  it('SIGTERM during `collect --out` leaves the previous snapshot whole, exits 143', async () => {
    const work = tmp();
    const out = path.join(work, 'snap');
    mkdirSync(out);
    const target = path.join(out, 'snap.json');
    writeFileSync(target, '{"previous": true}\n');
    // Build files that name an account on every line: the snapshot of their scan is about 70 MB.
    const files = path.join(work, 'files');
    mkdirSync(files);
    const lines = '# arn:aws:iam::210987654329:role/x\n'.repeat(25_000);
    for (let i = 0; i < 20; i++) writeFileSync(path.join(files, `Dockerfile.n${i}`), `FROM python\n${lines}`);
    const r = await interruptMidWrite(['collect', '--files', files, '--out', target, '--quiet'], out, 'SIGTERM');
    expect(r.seenAtStop.length).toBeGreaterThan(0);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 143, signal: null });
    expect(readdirSync(out)).toEqual(['snap.json']);
    expect(readFileSync(target, 'utf8')).toBe('{"previous": true}\n');
  });
});

/** Whether this machine lets us mount a small tmpfs in a mount namespace of our own (root on Linux). */
function canMountTmpfs(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d"'], { encoding: 'utf8' });
  return probe.status === 0;
}

describe('a full disk', () => {
  // A real full file system: a 96 KiB tmpfs, mounted in a mount namespace of the test's own so
  // nothing outside sees it. The earlier report (3 KB) fits; the new one (55 KB) fits only
  // once, not beside a copy. Machines that cannot mount are covered by the /dev/full tests below.
  it.skipIf(!canMountTmpfs())('keeps the previous report when the new one does not fit (real tmpfs), exit 2 naming the file', async () => {
    const work = tmp();
    const seed = path.join(work, 'seed');
    mkdirSync(seed);
    const before = await previousReport(seed);
    const filler = 40 * 1024; // leaves about 50 KB free: less than the new report
    const script = [
      'set -e',
      'mnt=$(mktemp -d)',
      'mount -t tmpfs -o size=96k tmpfs "$mnt"',
      'mkdir "$mnt/reports"',
      `cp "${seed}/awsaudit.json" "$mnt/reports/awsaudit.json"`,
      `head -c ${filler} /dev/zero > "$mnt/filler"`,
      'set +e',
      `(cd "$mnt" && "${process.execPath}" "${CLI}" evaluate --snapshot "${DEMO}" --format json,sarif --output-dir reports --fail-on none)`,
      'echo "exit=$?"',
      'ls -a "$mnt/reports" | sed "s/^/entry=/"',
      `cp "$mnt/reports/awsaudit.json" "${work}/after.json"`,
    ].join('\n');
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toContain('exit=2');
    expect(r.stderr).toMatch(/awsaudit: cannot write reports\/awsaudit\.(json|sarif): no space left on device/);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(STACK_LINE);
    const entries = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('entry='))
      .map((l) => l.slice(6))
      .filter((e) => e !== '.' && e !== '..');
    expect(entries).toEqual(['awsaudit.json']);
    expect(readFileSync(path.join(work, 'after.json')).equals(before)).toBe(true);
  });

  it.skipIf(!canMountTmpfs())('keeps the previous snapshot when `collect --out` does not fit (real tmpfs)', () => {
    const work = tmp();
    // A build file naming an account on each of its lines: a snapshot of about 80 KB, on a 32 KiB file system.
    const files = path.join(work, 'files');
    mkdirSync(files);
    writeFileSync(path.join(files, 'Dockerfile'), `FROM python\n${'# arn:aws:iam::210987654329:role/x\n'.repeat(600)}`);
    const script = [
      'set -e',
      'mnt=$(mktemp -d)',
      'mount -t tmpfs -o size=32k tmpfs "$mnt"',
      `printf '{"previous": true}\\n' > "$mnt/snap.json"`,
      'set +e',
      `"${process.execPath}" "${CLI}" collect --files "${files}" --out "$mnt/snap.json" --quiet`,
      'echo "exit=$?"',
      'ls -a "$mnt" | sed "s/^/entry=/"',
      `cp "$mnt/snap.json" "${work}/after.json"`,
    ].join('\n');
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toContain('exit=2');
    expect(r.stderr).toMatch(/awsaudit: cannot write \S*snap\.json: no space left on device/);
    expect(r.stderr).not.toContain('internal error');
    const entries = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('entry='))
      .map((l) => l.slice(6))
      .filter((e) => e !== '.' && e !== '..');
    expect(entries).toEqual(['snap.json']);
    expect(readFileSync(path.join(work, 'after.json'), 'utf8')).toBe('{"previous": true}\n');
  });

  it('a report sent to /dev/full (writes fail with ENOSPC) is a user error naming it, exit 2', async () => {
    const r = await runCli(['evaluate', '--snapshot', DEMO, '--format', 'json', '--output', 'json=/dev/full', '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('awsaudit: cannot write /dev/full: no space left on device');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('`collect --out /dev/full` is a user error naming it, exit 2', async () => {
    const r = await runCli(['collect', '--files', path.join(ROOT, 'test', 'fixtures', 'seeds'), '--out', '/dev/full', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('awsaudit: cannot write /dev/full: no space left on device');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe('replacing a report', () => {
  it('keeps the mode of the file it replaces (a report made private stays private)', async () => {
    const out = tmp();
    await previousReport(out);
    const file = path.join(out, 'awsaudit.json');
    chmodSync(file, 0o600);
    const r = await runCli(['evaluate', '--snapshot', DEMO, '--format', 'json', '--output-dir', out, '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).findings.length).toBeGreaterThan(1);
  });

  it('writes through a symbolic link to the file it names, leaving the link in place', async () => {
    const out = tmp();
    const real = path.join(out, 'real.json');
    writeFileSync(real, '{}');
    const link = path.join(out, 'link.json');
    spawnSync('ln', ['-s', 'real.json', link]);
    const r = await runCli(['evaluate', '--snapshot', DEMO, '--format', 'json', '--output', `json=${link}`, '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['link.json', 'real.json']);
    expect(JSON.parse(readFileSync(real, 'utf8')).findings.length).toBeGreaterThan(1);
    expect(existsSync(link)).toBe(true);
  });
});

describe('a closed stdout', () => {
  it('a reader that stops early (`| head`, `| true`) is not an error: no EPIPE trace, the exit code of the scan', async () => {
    const child = spawn(process.execPath, [CLI, 'scan', '--demo', '--format', 'text,sarif', '--output', 'sarif=-', '--fail-on', 'none'], {
      cwd: tmp(),
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Close the reading end before anything is written.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toMatch(STACK_LINE);
    expect(code).toBe(0);
  });

  it('the same through a shell pipe into `head -1`', () => {
    const dir = tmp();
    copyFileSync(DEMO, path.join(dir, 'demo.json'));
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI}" evaluate --snapshot demo.json --now 2026-11-21T09:00:00Z --format sarif --output sarif=- --fail-on none | head -1; echo "exit=\${PIPESTATUS[0]}"`,
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(r.stdout).toBe('{\nexit=0\n');
    expect(r.stderr).toBe('');
  });
});
