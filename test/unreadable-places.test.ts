// Places that cannot be read are coverage gaps, not crashes (an unreadable folder, a FIFO or a
// device given as the path, names that are not valid UTF-8), for --cloudtrail and --files alike;
// a source that could read nothing at all says so with exit code 2; a scan that skipped
// everything never reports its rules as passed; a folder named on the command line is scanned
// even inside a folder its repository ignores.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCloudTrailRule } from '../src/cloudtrail/pipeline.js';
import { evaluateEventsOutcome as evaluateEvents, stratusFiles } from './support/cloudtrail.js';
import { fileSource } from '../src/cloudtrail/sources/files.js';
import { scanFiles } from '../src/files/scan-files.js';
import { compileRule } from '../src/ruleset/load.js';
import { loadAllRules } from '../src/ruleset/select.js';
import { CLI, runCliInProcess as runCli } from './support/cli.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-places-');
const rules = (await loadAllRules([])).map((f) => compileRule(f, undefined, 'test').rule!).filter(isCloudTrailRule);
const stop = stratusFiles().find((f) => f.name === 'aws.defense-evasion.cloudtrail-stop.json')!;
const events = () => JSON.stringify({ Records: stop.records });
const pair = () => `AWS_ACCESS_KEY_ID=${keyIdFor(randomAccount())}\nAWS_SECRET_ACCESS_KEY=${randomSecret()}\n`;
const key = () => `AWS_ACCESS_KEY_ID=${keyIdFor(randomAccount())}\n`;

interface Report {
  findings: Array<{ ruleId: string; location?: { path: string } }>;
  rules: Array<{ ruleId: string; status: string; complete: boolean }>;
  gaps: Array<{ operation: string; errorCode: string; message: string }>;
}

// Root reads everything: permission tests run the CLI as an unprivileged user (as files-walk.test.ts does).
const asRoot = process.getuid?.() === 0;
const unprivilegedCanRunCli =
  process.platform !== 'win32' &&
  (!asRoot ||
    spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(CLI)}, require('node:fs').constants.R_OK)`], {
      uid: 65534,
      gid: 65534,
    }).status === 0);

function runUnprivileged(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder the unprivileged user can write its report into. */
function openDir(): string {
  const dir = tmp();
  chmodSync(dir, 0o777);
  return dir;
}

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);
/** A name that is not valid UTF-8 (latin1 "é" is the byte 0xE9 alone). */
const latin1 = (dir: string, name: string) => Buffer.concat([Buffer.from(dir + path.sep), Buffer.from(name, 'latin1')]);

describe('--cloudtrail: unreadable places are gaps', () => {
  it.skipIf(!unprivilegedCanRunCli)('an unreadable subfolder is a gap; the readable files are evaluated', () => {
    const dir = openDir();
    writeFileSync(path.join(dir, 'good.json'), events(), { mode: 0o644 });
    mkdirSync(path.join(dir, 'closed'));
    writeFileSync(path.join(dir, 'closed', 'hidden.json'), events());
    chmodSync(path.join(dir, 'closed'), 0o000);
    const r = runUnprivileged(['scan', '--cloudtrail', dir, '--format', 'json', '--output', 'json=-', '--fail-on', 'none'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => f.ruleId)).toEqual(['cloudtrail-logging-tampered']);
    expect(report.gaps.map((g) => `${path.basename(g.operation)} ${g.errorCode}`)).toEqual(['closed EACCES']);
    expect(report.rules.every((rule) => !rule.complete)).toBe(true);
  });

  it('a FIFO or a device given as the path is a gap (never opened: reading a FIFO would block)', async () => {
    const dir = tmp();
    const fifo = path.join(dir, 'events.json');
    mkfifo(fifo);
    writeFileSync(path.join(dir, 'good.json'), events());
    const result = await evaluateEvents([fileSource([fifo, '/dev/null', path.join(dir, 'good.json')])], rules, {
      now: new Date(),
      window: {},
      workers: 0,
    });
    expect(result.gaps.map((g) => `${g.operation} ${g.errorCode}`).sort()).toEqual(['/dev/null NotAFile', `${fifo} NotAFile`].sort());
    expect(result.stats.records).toBe(stop.records.length);
  });

  it('a FIFO inside a folder is a gap too, and is never opened', async () => {
    const dir = tmp();
    mkfifo(path.join(dir, 'stuck.json'));
    writeFileSync(path.join(dir, 'good.json'), events());
    const result = await evaluateEvents([fileSource([dir])], rules, { now: new Date(), window: {}, workers: 0 });
    expect(result.gaps.map((g) => `${path.basename(g.operation)} ${g.errorCode}`)).toEqual(['stuck.json NotAFile']);
    expect(result.stats.records).toBe(stop.records.length);
  });

  it('files and folders whose names are not valid UTF-8 are read', async () => {
    const dir = tmp();
    mkdirSync(latin1(dir, 'caf\u00e9'));
    writeFileSync(Buffer.concat([latin1(dir, 'caf\u00e9'), Buffer.from('/a.json')]), events());
    writeFileSync(latin1(dir, 'r\u00e9sum\u00e9.json'), events());
    const result = await evaluateEvents([fileSource([dir])], rules, { now: new Date(), window: {}, workers: 0 });
    expect(result.gaps).toEqual([]);
    expect(result.stats).toMatchObject({ chunks: 2, records: 2 * stop.records.length });
    expect(result.findings.filter((f) => f.ruleId === 'cloudtrail-logging-tampered')).toHaveLength(1);
  });
});

describe('--files: unreadable places are gaps', () => {
  it('a FIFO or a device named on the command line is a gap; the other paths are scanned', async () => {
    const dir = tmp();
    mkfifo(path.join(dir, 'pipe'));
    writeFileSync(path.join(dir, 'k.env'), key());
    const scan = await scanFiles([path.join(dir, 'pipe'), '/dev/null', path.join(dir, 'k.env')], { cwd: dir, workers: 0 });
    expect(scan.gaps.map((g) => `${g.operation} ${g.errorCode}`).sort()).toEqual(['read /dev/null NotAFile', 'read pipe NotAFile']);
    expect(scan.resources.map((r) => r.data.path)).toEqual(['k.env']);
  });

  it('files and folders whose names are not valid UTF-8 are read: their keys are found', async () => {
    const dir = tmp();
    mkdirSync(latin1(dir, 'caf\u00e9'));
    writeFileSync(Buffer.concat([latin1(dir, 'caf\u00e9'), Buffer.from('/creds.env')]), pair());
    writeFileSync(latin1(dir, 'cl\u00e9s.env'), pair() + pair());
    const scan = await scanFiles([dir], { cwd: dir, workers: 0 });
    expect(scan.gaps).toEqual([]);
    expect(scan.resources.filter((r) => r.type === 'file.access-key').map((r) => [r.data.path, r.data.hasSecret])).toEqual([
      ['caf\\xE9/creds.env', true],
      ['cl\\xE9s.env', true],
      ['cl\\xE9s.env', true],
    ]);
  });

  it('a valid name holding U+FFFD is read as itself, beside names that are and are not valid UTF-8', async () => {
    // The walk lists folders as text and again as bytes when a name reads with U+FFFD (see walk.ts).
    const dir = tmp();
    writeFileSync(path.join(dir, 'odd\uFFFD.env'), pair());
    writeFileSync(latin1(dir, 'caf\u00e9.env'), pair());
    mkdirSync(path.join(dir, 'plain'));
    writeFileSync(path.join(dir, 'plain', '\uFFFD.env'), pair());
    writeFileSync(path.join(dir, 'plain', 'k.env'), pair());
    const scan = await scanFiles([dir], { cwd: dir, workers: 0 });
    expect(scan.gaps).toEqual([]);
    expect(scan.resources.filter((r) => r.type === 'file.access-key').map((r) => r.data.path)).toEqual([
      'caf\\xE9.env',
      'odd\uFFFD.env',
      'plain/k.env',
      'plain/\uFFFD.env',
    ]);
  });
});

describe('a source that read nothing says so', () => {
  it.skipIf(!unprivilegedCanRunCli)('scan --files of an unreadable folder: exit 2, naming it', () => {
    const dir = openDir();
    const closed = path.join(dir, 'closed');
    mkdirSync(closed);
    writeFileSync(path.join(closed, 'k.env'), key());
    chmodSync(closed, 0o000);
    const r = runUnprivileged(['scan', '--files', closed, '--format', 'json', '--output', `json=${path.join(dir, 'r.json')}`], dir);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/nothing could be read/);
    expect(r.stderr).toMatch(/closed/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it.skipIf(!unprivilegedCanRunCli)('scan --cloudtrail of an unreadable folder: exit 2', () => {
    const dir = openDir();
    const closed = path.join(dir, 'closed');
    mkdirSync(closed);
    writeFileSync(path.join(closed, 'a.json'), events());
    chmodSync(closed, 0o000);
    const r = runUnprivileged(['scan', '--cloudtrail', closed, '--format', 'json', '--output', `json=${path.join(dir, 'r.json')}`], dir);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/nothing could be read/);
  });

  it('scan --cloudtrail where every file is corrupt: exit 2, naming one', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.json'), 'not json');
    writeFileSync(path.join(dir, 'b.json.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]));
    const r = await runCli(['scan', '--cloudtrail', dir, '--format', 'json', '--output', `json=${path.join(dir, 'r.json')}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /nothing could be read from --cloudtrail: 2 file\(s\)\/object\(s\) could not be read, e\.g\. .*a\.json: InvalidFile/,
    );
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('a folder with no log file at all is not an error (nothing to read is not a failure to read)', async () => {
    const dir = tmp();
    const r = await runCli(['scan', '--cloudtrail', dir, '--format', 'json', '--output', 'json=-', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('a scan that skipped its content never reports its rules as passed', () => {
  it('a UTF-32 text file (not decoded) is a gap, the key rules are incomplete; UTF-16 files are decoded and scanned', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'creds.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pair(), 'utf16le')]));
    writeFileSync(path.join(dir, 'no-bom.txt'), Buffer.from(`notes\n${pair()}`, 'utf16le'));
    const utf32 = Buffer.alloc(4 * (pair().length + 1));
    utf32.writeUInt32LE(0xfeff, 0);
    writeFileSync(path.join(dir, 'wide32.txt'), utf32);
    writeFileSync(path.join(dir, 'readme.md'), 'nothing secret here\n');
    const r = await runCli(['scan', '--files', dir, '--format', 'json', '--output', 'json=-', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.gaps.map((g) => `${g.operation} ${g.errorCode}`)).toEqual(['read wide32.txt NotUtf8Text']);
    expect(report.gaps[0]!.message).toMatch(/^looks like UTF-32LE text: not scanned/);
    expect(report.rules.find((x) => x.ruleId === 'files-aws-access-key-pair')).toMatchObject({
      status: 'fail',
      complete: false,
      failed: 2,
    });
  });

  it('every file skipped (binary, ignored by .gitignore): a gap, never "passed"', async () => {
    const dir = tmp();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(path.join(dir, '.gitignore'), '*.env\n.gitignore\n');
    writeFileSync(path.join(dir, 'creds.env'), pair());
    writeFileSync(path.join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2]));
    const r = await runCli(['scan', '--files', dir, '--format', 'json', '--output', 'json=-', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.gaps.map((g) => g.errorCode)).toEqual(['NothingScanned']);
    expect(report.gaps[0]!.message).toMatch(
      /no text file was scanned: 2 ignored by \.gitignore \(scan them with --include-ignored\); 1 binary/,
    );
    expect(report.rules.filter((x) => x.status === 'pass').every((x) => !x.complete)).toBe(true);
  });
});

describe('a path named on the command line is scanned even when its repository ignores it', () => {
  it('scan --files notes/ inside an ignored folder reads its files', async () => {
    const dir = tmp();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(path.join(dir, '.gitignore'), 'private/\n*.log\n');
    mkdirSync(path.join(dir, 'private', 'notes', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'private', 'notes', 'aws.txt'), key());
    writeFileSync(path.join(dir, 'private', 'notes', 'sub', 'more.txt'), key());
    writeFileSync(path.join(dir, 'private', 'notes', 'debug.log'), key());
    const r = await runCli(['scan', '--files', 'private/notes', '--format', 'json', '--output', 'json=-', '--fail-on', 'none'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    // The folder itself was asked for; a pattern that ignores files inside it (*.log) still applies.
    expect(
      report.findings
        .filter((f) => f.ruleId === 'files-aws-access-key-id')
        .map((f) => f.location!.path)
        .sort(),
    ).toEqual(['private/notes/aws.txt', 'private/notes/sub/more.txt']);
  });
});
