import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';

const dir = path.join('test', 'fixtures', 'broken-rules');
const at = (file: string) => `${path.join(dir, file)}: `;

describe('awsaudit rules validate on broken rules', async () => {
  const result = await runCli(['rules', 'validate', dir]);
  const lines = result.stderr.trim().split('\n');

  it('exits 2 without a stack trace', () => {
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  const expected: Array<[string, string, RegExp]> = [
    ['wrong-type.json', '/title', /must be string, got 42/],
    ['unknown-operator.json', '/condition/op', /"equals" is not one of: .*"eq"/],
    ['bad-jmespath.json', '/condition/path', /invalid JMESPath expression "data\.\.GroupName"/],
    ['bad-regex.json', '/condition/value', /Invalid regular expression/],
    ['unknown-resource-type.json', '/resource', /unknown resource type "aws\.ec2\.spaceship"/],
    ['missing-field.json', '/', /missing required property "remediation"/],
    ['extra-field.json', '/colour', /unknown property "colour"/],
    ['undeclared-option.json', '/condition/value/$option', /option "maxPort" is not declared/],
    ['nested-wrong-value.json', '/condition/all/1/any/0/value', /operator "in" needs a list value/],
    ['empty-source.json', '/source/1', /must NOT have fewer than 1 characters/],
    ['slow-regex.json', '/condition/value', /"\^\(\\\\w\+\\\\s\?\)\*\$" can take exponential time/],
    ['bad-pin.json', '/tests/fail/0/message', /Invalid regular expression: \/\(unclosed\/u/],
    [
      'ec2-volume-unattached.json',
      '/id',
      /rule id "ec2-volume-unattached" is taken by the built-in rule rules\/ec2\/ec2-volume-unattached\.json/,
    ],
    ['id-mismatch.json', '/id', /differs from the file name "id-mismatch"/],
    ['invalid-json.json', '/', /not valid JSON \(line 4, column 3\)/],
  ];
  for (const [file, pointer, message] of expected) {
    it(`names ${file} at ${pointer}`, () => {
      const line = lines.find((l) => l.startsWith(`${at(file)}${pointer}: `));
      expect(line, `no line for ${file} ${pointer} in:\n${result.stderr}`).toBeDefined();
      expect(line).toMatch(message);
    });
  }

  it('lists every problem, one per line, and counts them', () => {
    const problemLines = lines.filter((l) => l.startsWith(dir));
    expect(problemLines.length).toBe(expected.length);
    expect(result.stderr).toContain(`${expected.length} problem(s)`);
  });

  it('lists several problems of one file at once', async () => {
    const multi = await runCli(['rules', 'validate', path.join('test', 'fixtures', 'multi-problem-rules')]);
    expect(multi.code).toBe(2);
    const found = multi.stderr.split('\n').filter((l) => l.includes('several-mistakes.json: '));
    expect(found.length).toBe(3);
  });

  it('accepts the shipped rules (exit 0)', async () => {
    const ok = await runCli(['rules', 'validate']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^\d+ rule file\(s\) valid/);
  });

  it('stops a scan that is given a broken rule folder, with exit 2', async () => {
    const scan = await runCli(['scan', '--demo', '--rules', dir, '--output-dir', path.join(ROOT, 'reports', 'test-broken')]);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain('problem(s) in rule files');
    expect(scan.stdout).toBe('');
  });
});
