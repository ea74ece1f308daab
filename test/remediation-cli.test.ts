// Every fix command a report prints runs as printed: split as a POSIX shell splits it, each
// command starts with `aws <service> <command>` (file rules: the one local command they
// name), and no value turned into a command substitution. Checked on every rule's own
// failing cases and on the findings of the demo scan and the CloudTrail fixtures.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/engine/evaluate.js';
import { compileShellTemplate } from '../src/engine/template.js';
import { resourceTypeInfo } from '../src/resources/types.js';
import { BUILTIN_RULES_DIR, compileRule, loadRuleFiles } from '../src/ruleset/load.js';
import { CASE_DEFAULT_NOW, caseFacts, runCase } from '../src/ruleset/tester.js';
import type { Resource, Snapshot } from '../src/snapshot/types.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { ShellSyntaxError, shellWords, simpleCommands } from './support/shell-words.js';

/** Local commands that file rules print (they fix a file, not an account). */
const LOCAL_COMMANDS = new Set(['chmod']);
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** What is wrong with a printed command, or undefined when it runs as printed. */
function problemWith(cli: string, resourceType: string): string | undefined {
  let parse;
  try {
    parse = shellWords(cli);
  } catch (error) {
    if (error instanceof ShellSyntaxError) return `does not parse: ${error.message}`;
    throw error;
  }
  if (parse.substitutions.length) return `command substitution: ${parse.substitutions.join(', ')}`;
  const commands = simpleCommands(parse);
  if (commands.length === 0) return 'no command';
  for (const words of commands) {
    if (resourceType.startsWith('file.') && LOCAL_COMMANDS.has(words[0]!)) continue;
    const [aws, service, command] = words;
    if (aws !== 'aws' || !service || !command || !NAME.test(service) || !NAME.test(command)) {
      return `a command does not start with aws <service> <command>: ${JSON.stringify(words.slice(0, 3))}`;
    }
  }
  return undefined;
}

describe('the shell-words splitter (test support) splits as the shell does', () => {
  it.each([
    [
      `aws s3api put-bucket-encryption --bucket b --cfg '{"a":"b c"}'`,
      ['aws', 's3api', 'put-bucket-encryption', '--bucket', 'b', '--cfg', '{"a":"b c"}'],
    ],
    [`a "b \\"c\\" \\$d" 'e'\\''f' g\\ h ''`, ['a', 'b "c" $d', "e'f", 'g h', '']],
    ['aws ec2 x  # then: aws ec2 y', ['aws', 'ec2', 'x']],
    ['a#b c', ['a#b', 'c']],
  ])('%s', (line, words) => {
    expect(shellWords(line).tokens).toEqual(words.map((word) => ({ word })));
  });

  it('operators and redirections separate commands', () => {
    expect(simpleCommands(shellWords('aws iam get-x > x.json && aws iam delete-x --n "a b"'))).toEqual([
      ['aws', 'iam', 'get-x'],
      ['aws', 'iam', 'delete-x', '--n', 'a b'],
    ]);
  });

  it('finds substitutions outside single quotes only, and refuses unterminated quotes', () => {
    expect(shellWords(`a '$(x)' "$(y)" \`z\``).substitutions).toHaveLength(2);
    expect(() => shellWords(`a 'b`)).toThrow(ShellSyntaxError);
  });

  it('the checker rejects the two forms that did not run as printed', () => {
    expect(problemWith(`'aws cloudtrail get-trail-status --region us-east-1 --name X'`, 'aws.cloudtrail.event')).toMatch(/does not start/);
    expect(
      problemWith(
        `aws iam 'detach-user-policy --user-name' u '--policy-arn arn:aws:iam::aws:policy/AdministratorAccess'`,
        'aws.cloudtrail.event',
      ),
    ).toMatch(/does not start/);
  });
});

describe('command templates: a list value is one word per item', () => {
  it('quotes each item on its own, places nothing for an empty list, and refuses a list inside quotes', () => {
    const t = compileShellTemplate("aws iam {{ ok && ['detach-user-policy', '--user-name'] || `[]` }} {{ name }}{{ extra }}");
    expect(t({ ok: true, name: "bob's", extra: [] })).toBe("aws iam detach-user-policy --user-name 'bob'\\''s'");
    expect(t({ ok: false, name: 'u', extra: [' --x', '$(id)'] })).toBe("aws iam  u' --x' '$(id)'");
    expect(compileShellTemplate("aws x '{{ list }}'")({ list: ['a', 'b'] })).toBeUndefined();
    expect(compileShellTemplate('aws x {{ list }}')({ list: ['a\nb'] })).toBeUndefined();
  });
});

describe('every rule’s failing cases print commands that run as printed', async () => {
  const { rules, problems } = await loadRuleFiles([BUILTIN_RULES_DIR]);
  expect(problems).toEqual([]);
  const withCli = rules.filter((r) => r.definition.remediation.cli);

  it('there are rules with commands to check', () => {
    expect(withCli.length).toBeGreaterThan(30);
  });

  for (const rule of withCli) {
    const { definition } = rule;
    it(definition.id, () => {
      const compiled = compileRule(rule, undefined, definition.id).rule!;
      const rendered: string[] = [];
      definition.tests.fail.forEach((c, i) => {
        // A correlation rule's case is a run of records: its finding comes from the rule tester's run.
        if (c.records) {
          const outcome = runCase(rule, c, i);
          if ('findings' in outcome) for (const f of outcome.findings) if (f.remediation.cli) rendered.push(f.remediation.cli);
          return;
        }
        const scope = resourceTypeInfo(definition.resource)?.scope;
        const account = c.account ?? '123456789012';
        const resource: Resource = {
          type: definition.resource,
          id: c.id ?? `case-${i + 1}`,
          account,
          region: c.region ?? (scope === 'global' ? 'global' : scope === 'local' ? 'local' : 'us-east-1'),
          data: c.data!,
        };
        const facts = caseFacts(definition.resource, c);
        if (facts) resource.facts = facts;
        const context: Resource[] = (c.context ?? []).map((r) => ({
          type: r.type,
          id: r.id,
          account,
          region: r.region ?? (resourceTypeInfo(r.type)?.scope === 'global' ? 'global' : 'us-east-1'),
          data: r.data,
        }));
        const snapshot: Snapshot = {
          format: 'awsaudit-snapshot',
          version: 1,
          meta: {
            accounts: [account],
            regions: ['us-east-1'],
            collectedAt: CASE_DEFAULT_NOW,
            tool: { name: 'awsaudit', version: 'test' },
            source: 'rule-case',
            resourceTypes: [...new Set([definition.resource, ...(definition.requires ?? []), ...context.map((r) => r.type)])],
          },
          resources: [resource, ...context],
          gaps: [],
        };
        const evaluation = evaluate(snapshot, [c.options ? compileRule(rule, { options: c.options }, definition.id).rule! : compiled], {
          now: new Date(c.now ?? CASE_DEFAULT_NOW),
        });
        for (const f of evaluation.findings) if (f.remediation.cli) rendered.push(f.remediation.cli);
      });
      expect(rendered.length, 'no failing case rendered its command').toBeGreaterThan(0);
      for (const cli of rendered) expect(problemWith(cli, definition.resource), cli).toBeUndefined();
    });
  }
});

describe('the commands in scan reports run as printed', () => {
  for (const [name, args] of [
    ['the demo account', ['--demo']],
    ['the CloudTrail fixtures', ['--cloudtrail', 'test/fixtures/cloudtrail']],
  ] as const) {
    it(name, async () => {
      const r = await runCli(['scan', ...args, '--fail-on', 'none', '--quiet', '--format', 'json', '--output', 'json=-']);
      expect(r.code, r.stderr).toBe(0);
      const findings = (
        JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; resource: { type: string }; remediation: { cli?: string } }> }
      ).findings;
      const withCli = findings.filter((f) => f.remediation.cli);
      expect(withCli.length).toBeGreaterThan(3);
      const wrong = withCli
        .map((f) => [f.ruleId, f.remediation.cli, problemWith(f.remediation.cli!, f.resource.type)])
        .filter(([, , problem]) => problem);
      expect(wrong).toEqual([]);
    });
  }
});
