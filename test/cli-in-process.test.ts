// Most CLI tests run the built app in the test process (runCliInProcess) instead of starting the
// binary for every call. These tests hold the two to the same result, and check that a run in
// the test process leaves the process as it found it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess, spawnCli } from './support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-in-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEMO = path.join(ROOT, 'demo', 'demo-account.snapshot.json');
const NOW = '2026-11-21T09:00:00Z';

describe('a run in the test process gives what the binary gives', () => {
  const cases: Array<{ args: string[]; cwd?: string; env?: Record<string, string | undefined> }> = [
    { args: ['--version'] },
    // yargs prints help with console.log, and wraps it to the terminal's width (none: a pipe).
    { args: ['scan', '--help'] },
    // Findings (exit 1), the text report on stdout, colour forced on.
    {
      args: ['evaluate', '--snapshot', DEMO, '--now', NOW, '--format', 'text', '--color', '--only', 's3-bucket-public-acl'],
      env: { NO_COLOR: undefined },
    },
    // A usage error: exit 2, one line on stderr.
    { args: ['scan', '--no-such-flag'] },
    // A relative path resolved against the working directory given; a notice on stderr (no --now).
    {
      args: [
        'evaluate',
        '--snapshot',
        'demo-account.snapshot.json',
        '--format',
        'json',
        '--output',
        'json=-',
        '--only',
        'rds-instance-not-multi-az',
      ],
      cwd: path.join(ROOT, 'demo'),
    },
    // File scan (worker threads) and CloudTrail (worker threads), from the working directory.
    {
      args: [
        'scan',
        '--files',
        'test/fixtures/seeds',
        '--only',
        'files-aws-access-key-pair',
        '--format',
        'sarif',
        '--output',
        'sarif=-',
        '--fail-on',
        'none',
      ],
    },
    { args: ['scan', '--cloudtrail', 'test/fixtures/cloudtrail', '--now', NOW, '--format', 'text', '--fail-on', 'none'] },
  ];
  for (const { args, cwd, env } of cases) {
    it(`awsaudit ${args.map((a) => (a.startsWith(ROOT) ? path.relative(ROOT, a) : a)).join(' ')}`, async () => {
      const options = { ...(cwd ? { cwd } : {}), ...(env ? { env } : {}) };
      const [inProcess, spawned] = await Promise.all([runCliInProcess(args, options), spawnCli(args, options)]);
      // The "generated at" time of a report differs between two runs; everything else is the same.
      const stable = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME');
      expect({ ...inProcess, stdout: stable(inProcess.stdout), stderr: stable(inProcess.stderr) }).toEqual({
        ...spawned,
        stdout: stable(spawned.stdout),
        stderr: stable(spawned.stderr),
      });
      expect(inProcess.stdout.length + inProcess.stderr.length).toBeGreaterThan(0);
    });
  }
});

describe('a run in the test process leaves the process as it found it', () => {
  it('environment, working directory, exit code, standard streams and console', async () => {
    const before = {
      env: { ...process.env },
      cwd: process.cwd(),
      exitCode: process.exitCode,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared: the run must put back the very same function
      write: process.stdout.write,
      log: console.log,
    };
    const r = await runCliInProcess(
      ['evaluate', '--snapshot', 'demo-account.snapshot.json', '--format', 'json', '--output-dir', dir, '--fail-on', 'none'],
      {
        cwd: path.join(ROOT, 'demo'),
        env: { AWSAUDIT_TEST_ONLY: 'set', HOME: undefined },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8')).findings.length).toBeGreaterThan(0);
    expect({
      env: { ...process.env },
      cwd: process.cwd(),
      exitCode: process.exitCode,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared: the run must put back the very same function
      write: process.stdout.write,
      log: console.log,
    }).toEqual(before);
  });

  it('runs started together take turns, each with its own environment', async () => {
    const args = ['evaluate', '--snapshot', DEMO, '--now', NOW, '--format', 'text', '--color', '--only', 's3-bucket-public-acl'];
    const [colour, plain, colour2] = await Promise.all([
      runCliInProcess(args, { env: { NO_COLOR: undefined } }),
      // NO_COLOR=1 (the runner's default) wins over --color.
      runCliInProcess(args),
      runCliInProcess(args, { env: { NO_COLOR: undefined } }),
    ]);
    // eslint-disable-next-line no-control-regex -- looks for the ESC of a colour sequence
    expect(colour.stdout).toMatch(/\x1b\[/);
    // eslint-disable-next-line no-control-regex -- looks for the ESC of a colour sequence
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    expect(colour2.stdout).toBe(colour.stdout);
    // eslint-disable-next-line no-control-regex -- strips colour sequences, which start with ESC
    expect(plain.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toBe(colour.stdout.replace(/\x1b\[[0-9;]*m/g, ''));
  });
});
