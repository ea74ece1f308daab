// Deep or odd input is a located error (or just works), never a stack overflow: a rule nested
// 1,500 levels deep, a rule with 100,000 alternatives, a value nested 5,000 deep that a rule
// reads, a snapshot too large to read in one piece.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../src/snapshot/read.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { DEMO, DEMO_NOW, demoVariant } from './support/snapshots.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-deep-');

/** A rule file over S3 buckets with this condition; its test cases are left to the caller. */
function ruleFile(
  dir: string,
  id: string,
  condition: unknown,
  tests: unknown = {
    fail: [{ name: 'has it', id: 'b', data: { Name: 'b', Deep: 1 } }],
    pass: [{ name: 'has not', id: 'c', data: { Name: 'c' } }],
  },
): string {
  const rules = path.join(dir, 'rules');
  mkdirSync(rules, { recursive: true });
  const definition = {
    $schema: '../../rules.schema.json',
    id,
    title: 'A custom rule',
    description: 'A custom rule for the test.',
    resource: 'aws.s3.bucket',
    kind: 'hygiene',
    severity: 'low',
    source: ['I7'],
    condition,
    message: 'Bucket {{id}}: {{data.Deep}}.',
    remediation: { text: 'Nothing to do.' },
    tests,
  };
  // Written by hand around a marker: JSON.stringify itself overflows on a condition this deep.
  const marker = '"__condition__"';
  const text = JSON.stringify({ ...definition, condition: '__condition__' }, null, 2).replace(
    marker,
    typeof condition === 'string' ? condition : JSON.stringify(condition),
  );
  writeFileSync(path.join(rules, `${id}.json`), text);
  return rules;
}

describe('rules nested or wide beyond reason', () => {
  it('1,500 nested `not`: a located error naming the file and the place, exit 2, no stack trace', async () => {
    const dir = tmp();
    const depth = 1500;
    const condition = '{"not":'.repeat(depth) + '{"path":"data.Deep","op":"exists"}' + '}'.repeat(depth);
    const rules = ruleFile(dir, 'deep-not', condition);
    const r = await runCli(['rules', 'validate', rules]);
    expect(r.stderr).not.toMatch(/Maximum call stack|internal error/);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/deep-not\.json: \/condition(\/not){64}: conditions nest more than 64 levels deep here/);
  });

  it('100,000 `any` children: the rule loads and decides', async () => {
    const dir = tmp();
    const children = Array.from({ length: 100_000 }, (_, i) => `{"path":"data.Deep","op":"eq","value":${i}}`).join(',');
    const rules = ruleFile(dir, 'wide-any', `{"any":[${children}]}`, {
      fail: [{ name: 'the last alternative', id: 'b', data: { Name: 'b', Deep: 99_999 } }],
      pass: [{ name: 'none of them', id: 'c', data: { Name: 'c', Deep: -1 } }],
    });
    const r = await runCli(['rules', 'test', '--rules', rules], { timeoutMs: 240_000 });
    expect(r.stderr).not.toMatch(/Maximum call stack|internal error/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 240_000);
});

describe('a value nested 5,000 deep that a rule reads', () => {
  it('is evaluated and reported in every format; the evidence is cut where it nests too deep', async () => {
    const dir = tmp();
    const rules = ruleFile(dir, 'deep-value', { path: 'data.Deep', op: 'notEmpty' });
    const snapshotFile = demoVariant((snapshot) => {
      snapshot.resources.find((x) => x.type === 'aws.s3.bucket')!.data.Deep = '__deep_value__';
    }, dir);
    // The deep value is written by hand (JSON.stringify overflows on it).
    writeFileSync(
      snapshotFile,
      readFileSync(snapshotFile, 'utf8').replace('"__deep_value__"', '['.repeat(5000) + '"x"' + ']'.repeat(5000)),
    );
    const out = path.join(dir, 'out');
    const r = await runCli([
      'evaluate',
      '--snapshot',
      snapshotFile,
      '--rules',
      rules,
      '--only',
      'deep-value',
      '--now',
      DEMO_NOW,
      '--format',
      'json,sarif,html,text',
      '--output-dir',
      out,
      '--fail-on',
      'none',
    ]);
    expect(r.stderr).not.toMatch(/Maximum call stack|internal error/);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'awsaudit.json'), 'utf8')) as {
      findings: Array<{ message: string; resource: { id: string }; evidence: Array<{ actual: unknown }> }>;
    };
    expect(report.findings).toHaveLength(1);
    const finding = report.findings[0]!;
    expect(finding.message).toBe(`Bucket ${finding.resource.id}: (value of an unexpected type).`);
    expect(JSON.stringify(finding.evidence)).toContain('nested more than 32 levels deep: not shown');
  });
});

describe('a snapshot too large to read in one piece', () => {
  it('says the file is too large and what to do (a 1 GB file that takes no disk space)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'huge.snapshot.json');
    writeFileSync(file, '');
    execFileSync('truncate', ['-s', '1G', file]);
    const r = await runCli(['evaluate', '--snapshot', file, '--format', 'json', '--output-dir', dir]);
    expect(r.stderr).not.toMatch(/Invalid string length|internal error/);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/huge\.snapshot\.json is 1\.07 GB: larger than awsaudit can read in one piece \(\d+ MB\)/);
    expect(r.stderr).toMatch(/--regions|--only/);
  });

  it("the limit is the reader's, and a test can set it", async () => {
    await expect(readSnapshot(DEMO, { maxBytes: 1000 })).rejects.toThrow(
      /is 0\.\d\d MB: larger than awsaudit can read in one piece \(0 MB\)$/,
    );
    await expect(readSnapshot(DEMO)).resolves.toMatchObject({ format: 'awsaudit-snapshot' });
  });
});
