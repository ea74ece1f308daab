// `awsaudit scan --files` end to end, as a user runs it: the notes, key files, repositories,
// and proof that no output holds a secret.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addFileScan, filesSnapshot } from '../src/files/file-snapshot.js';
import { scanFiles } from '../src/files/scan-files.js';
import { FORMATS } from '../src/report/index.js';
import { readSnapshot } from '../src/snapshot/read.js';
import { tempDirs } from './support/temp.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';

const tmp = tempDirs('awsaudit-files-cli-');
const SEEDS = 'test/fixtures/seeds';
const NOTES_001 = `${SEEDS}/001_6f5d27e9f513bd9b.txt`;

interface ReportFinding {
  ruleId: string;
  severity: string;
  message: string;
  severityReason?: string;
  resource: { type: string; id: string; account: string };
  location?: { path: string; line?: number; column?: number };
  remediation: { text: string; cli?: string };
}

async function scanJson(
  args: string[],
  cwd = ROOT,
): Promise<{
  code: number;
  stdout: string;
  stderr: string;
  report: { findings: ReportFinding[]; rules: Array<{ ruleId: string; status: string }>; scan: { source: string; notes: string[] } };
}> {
  const out = tmp();
  const result = await runCli(['scan', ...args, '--format', 'text,json', '--output-dir', out], { cwd });
  const report = JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8'));
  return { ...result, report };
}

describe('the origin notes (acceptance 1)', async () => {
  const { code, stdout, stderr, report } = await scanJson(['--files', SEEDS]);
  const keyIdInNotes = /^(AKIA[A-Z0-9]{16})$/m.exec(readFileSync(path.join(ROOT, NOTES_001), 'utf8'))![1]!;

  it('reports the key id in 001 at both places it appears, and nothing else', () => {
    expect(report.findings.map((f) => [f.ruleId, f.location?.path, f.location?.line, f.location?.column])).toEqual([
      ['files-aws-access-key-id', NOTES_001, 7, 1],
      ['files-aws-access-key-id', NOTES_001, 18, 43],
    ]);
    expect(code).toBe(1);
  });

  it('does not report the IAM user id (AIDA…) printed in 000', () => {
    expect(stdout).not.toMatch(/AIDA/);
    expect(JSON.stringify(report)).not.toMatch(/AIDA/);
  });

  it('shows the key masked, with the account decoded from it, and never the whole key id', () => {
    const masked = `${keyIdInNotes.slice(0, 4)}…${keyIdInNotes.slice(-4)}`;
    expect(report.findings[1]!.message).toContain(
      `Access key id ${masked} is in ${NOTES_001} (line 18, aws configure transcript; no secret key next to it)`,
    );
    expect(report.findings[1]!.message).toMatch(/belongs to account \d{12}; not checked against an account \(no account was scanned\)/);
    expect(stdout + stderr + JSON.stringify(report)).not.toContain(keyIdInNotes);
  });

  it('runs only the file rules, with no AWS call and no fallback to the demo', () => {
    expect(report.scan.source).toBe('files');
    expect(report.rules.every((r) => r.ruleId.startsWith('files-'))).toBe(true);
    expect(stderr).not.toMatch(/demo/);
  });
});

describe('files together with an account (the demo account)', () => {
  it('adds the file findings to the account findings, and checks the keys against the account', async () => {
    const { report } = await scanJson(['--demo', '--files', SEEDS, '--fail-on', 'none']);
    const files = report.findings.filter((f) => f.ruleId.startsWith('files-'));
    expect(files).toHaveLength(2);
    expect(report.findings.length).toBeGreaterThan(5);
    // The notes' key encodes another account than the demo's: it cannot be one of its keys.
    for (const f of files) expect(f.message).toMatch(/belongs to account \d{12}, not to the scanned account 123456789012/);
  });
});

function rsaPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

describe('private key files (acceptance 3)', () => {
  it('mode 0664 gives one finding with the exact chmod; after running that chmod (0600) there is none', async () => {
    const dir = tmp();
    const file = path.join(dir, 'django-board.pem');
    writeFileSync(file, rsaPem());
    chmodSync(file, 0o664);
    const open = await scanJson(['--files', dir]);
    expect(open.report.findings.map((f) => [f.ruleId, f.severity])).toEqual([['files-private-key-open-permissions', 'high']]);
    const finding = open.report.findings[0]!;
    expect(finding.message).toContain('has mode 0664');
    expect(finding.location).toEqual({ path: file, line: 1, column: 1 });
    expect(finding.remediation.cli).toBe(`chmod 600 -- ${file}`);

    execFileSync('sh', ['-c', finding.remediation.cli!]);
    expect((await scanJson(['--files', dir])).report.findings).toEqual([]);
    chmodSync(file, 0o600);
    const closed = await scanJson(['--files', dir]);
    expect(closed.report.findings).toEqual([]);
    expect(closed.code).toBe(0);
  });

  it('the chmod fix quotes a path with spaces and quotes', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, "bob's keys"));
    const file = path.join(dir, "bob's keys", 'id rsa.pem');
    writeFileSync(file, rsaPem());
    chmodSync(file, 0o644);
    const { report } = await scanJson(['--files', dir]);
    const cli = report.findings[0]!.remediation.cli!;
    execFileSync('sh', ['-c', cli]);
    expect((await scanJson(['--files', dir])).report.findings).toEqual([]);
  });

  it('a repository holding a private key gets a finding (medium; high once git tracks it)', async () => {
    const dir = tmp();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    mkdirSync(path.join(dir, 'deploy'));
    writeFileSync(path.join(dir, 'deploy', 'server.pem'), rsaPem());
    chmodSync(path.join(dir, 'deploy', 'server.pem'), 0o600);
    const untracked = await scanJson(['--files', '.'], dir);
    expect(untracked.report.findings.map((f) => [f.ruleId, f.severity, f.location?.path])).toEqual([
      ['files-private-key-in-repository', 'medium', 'deploy/server.pem'],
    ]);
    git('add', '.');
    git('commit', '-q', '-m', 'add key');
    const tracked = await scanJson(['--files', '.'], dir);
    expect(tracked.report.findings.map((f) => [f.ruleId, f.severity, f.severityReason])).toEqual([
      ['files-private-key-in-repository', 'high', 'git tracks the file: the key is in the history and in every clone'],
    ]);
  });

  it('an ignored key in a repository is left out by default and judged only for its mode with --include-ignored', async () => {
    const dir = tmp();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(path.join(dir, '.gitignore'), '*.pem\n');
    writeFileSync(path.join(dir, 'dev.pem'), rsaPem());
    chmodSync(path.join(dir, 'dev.pem'), 0o644);
    const plain = await scanJson(['--files', '.'], dir);
    expect(plain.report.findings).toEqual([]);
    expect(plain.report.scan.notes.join('\n')).toContain('1 ignored by .gitignore');
    const all = await scanJson(['--files', '.', '--include-ignored'], dir);
    expect(all.report.findings.map((f) => f.ruleId)).toEqual(['files-private-key-open-permissions']);
  });
});

describe('no output holds a secret (acceptance 5)', () => {
  it('every report format, stdout, stderr and the snapshot: no secret (not even 8 characters of one), no full key id, no key material', async () => {
    const dir = tmp();
    const account = randomAccount();
    const ids = Array.from({ length: 6 }, () => keyIdFor(account));
    const secrets = Array.from({ length: 5 }, () => randomSecret());
    const pem = rsaPem();
    writeFileSync(
      path.join(dir, 'transcript.txt'),
      `$ aws configure\nAWS Access Key ID [None]: ${ids[0]}\nAWS Secret Access Key [None]: ${secrets[0]}\n`,
    );
    writeFileSync(path.join(dir, 'credentials'), `[default]\naws_access_key_id = ${ids[1]}\naws_secret_access_key = ${secrets[1]}\n`);
    writeFileSync(path.join(dir, 'key.json'), JSON.stringify({ AccessKey: { AccessKeyId: ids[2], SecretAccessKey: secrets[2] } }, null, 2));
    writeFileSync(path.join(dir, 'ci.yml'), `env:\n  key: ${ids[3]}\n  secret: ${secrets[3]}\n`);
    writeFileSync(path.join(dir, '.env'), `AWS_ACCESS_KEY_ID=${ids[4]}\nAWS_SECRET_ACCESS_KEY=${secrets[4]}\n`);
    // A build file's command is quoted in its finding: with the key id masked.
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      `FROM python:3.12\nCMD AWS_ACCESS_KEY_ID=${ids[5]} python manage.py runserver 0.0.0.0:8000\n`,
    );
    writeFileSync(path.join(dir, 'server.pem'), pem);
    chmodSync(path.join(dir, 'server.pem'), 0o644);

    const out = tmp();
    const formats = Object.keys(FORMATS);
    const outputs: string[] = [];
    for (const extra of [[], ['--demo']]) {
      const result = await runCli(
        ['scan', ...extra, '--files', dir, '--format', formats.join(','), '--output-dir', out, '--fail-on', 'none'],
        { cwd: dir },
      );
      expect(result.code, result.stderr).toBe(0);
      outputs.push(result.stdout, result.stderr);
      const written = readdirSync(out).filter((name) => name !== 'snap');
      expect(written.length).toBe(formats.filter((f) => f !== 'text').length);
      for (const name of written) outputs.push(readFileSync(path.join(out, name), 'utf8'));
    }
    // The snapshot `collect --files` writes, and the ones a scan makes in memory, alone and merged into an account's.
    const snap = path.join(out, 'snap', 'files.snapshot.json');
    const collected = await runCli(['collect', '--files', dir, '--out', snap], { cwd: dir });
    expect(collected.code, collected.stderr).toBe(0);
    outputs.push(readFileSync(snap, 'utf8'), collected.stdout, collected.stderr);
    const scan = await scanFiles([dir], { cwd: dir });
    outputs.push(JSON.stringify(filesSnapshot(scan, new Date())));
    outputs.push(JSON.stringify(addFileScan(await readSnapshot(path.join(ROOT, 'demo', 'demo-account.snapshot.json')), scan)));

    const all = outputs.join('\n');
    // The scan did find them all (so the check below is not vacuous).
    expect(all).toContain('files-aws-access-key-pair');
    expect(all).toContain('files-dev-server-in-container-command');
    expect(scan.resources.filter((r) => r.data.hasSecret === true)).toHaveLength(5);
    expect(scan.resources.filter((r) => r.type === 'file.private-key')).toHaveLength(1);
    for (const id of ids) {
      // No 8 characters in a row that include any of the 12 the mask hides.
      for (let i = 0; i + 8 <= 20; i++) expect(all.includes(id.slice(i, i + 8)), `part of a key id: ${i}`).toBe(false);
      expect(all).toContain(`${id.slice(0, 4)}…${id.slice(-4)}`);
    }
    for (const secret of secrets) {
      for (let i = 0; i + 8 <= secret.length; i++) expect(all.includes(secret.slice(i, i + 8)), `part of a secret: ${i}`).toBe(false);
    }
    for (const line of pem.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l))) expect(all).not.toContain(line);
  });
});

describe('collect --files, then evaluate', () => {
  it('writes a snapshot of the files (no AWS call) that evaluate turns into the same findings as scan', async () => {
    const out = tmp();
    const snap = path.join(out, 'notes.snapshot.json');
    const collected = await runCli(['collect', '--files', SEEDS, '--out', snap]);
    expect(collected.code, collected.stderr).toBe(0);
    const snapshot = JSON.parse(readFileSync(snap, 'utf8'));
    expect(snapshot.meta.source).toBe('files');
    expect(snapshot.resources.map((r: { type: string; location: { line: number } }) => [r.type, r.location.line])).toEqual([
      ['file.access-key', 7],
      ['file.access-key', 18],
    ]);
    const evaluated = await runCli([
      'evaluate',
      '--snapshot',
      snap,
      '--only',
      'files-aws-access-key-id,files-aws-access-key-pair',
      '--format',
      'json',
      '--output',
      'json=-',
    ]);
    const report = JSON.parse(evaluated.stdout);
    expect(report.findings.map((f: ReportFinding) => [f.ruleId, f.location?.line])).toEqual([
      ['files-aws-access-key-id', 7],
      ['files-aws-access-key-id', 18],
    ]);
  });
});

describe('usage errors', () => {
  it('a root that does not exist: exit 2, one line, no stack', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), 'scan', '--files', '/nonexistent/awsaudit'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^awsaudit: --files: .*no such file/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--files with no path: exit 2 (not a silent fallback to the demo)', async () => {
    const result = await runCli(['scan', '--files']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^awsaudit: --files needs at least one file or folder/);
  });
});
