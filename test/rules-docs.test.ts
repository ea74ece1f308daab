// docs/rules.md is generated from the rule files; it must match them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRulesMarkdown } from '../src/ruleset/docs.js';
import { BUILTIN_RULES_DIR, loadRuleFiles } from '../src/ruleset/load.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';

const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const committed = readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8');

describe('docs/rules.md', () => {
  it('is up to date with the rule files (regenerate: awsaudit rules docs > docs/rules.md)', () => {
    expect(renderRulesMarkdown(rules)).toBe(committed);
  });
  it('documents every rule with its severity, remediation and options', () => {
    for (const { definition: d } of rules) {
      expect(committed).toContain(`### ${d.id}\n`);
      expect(committed).toContain(d.remediation.text);
      for (const name of Object.keys(d.options ?? {})) expect(committed).toContain(`| \`${name}\` |`);
    }
  });
  it('`awsaudit rules docs` prints the same Markdown', async () => {
    const r = await runCli(['rules', 'docs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(committed);
  });
  it('`awsaudit rules list` marks opt-in rules', async () => {
    const r = await runCli(['rules', 'list']);
    const line = r.stdout.split('\n').find((l) => l.startsWith('lambda-function-tracing-disabled '));
    expect(line).toMatch(/\(opt-in\)$/);
    expect(r.stdout).toMatch(/\d+ rule\(s\), \d+ opt-in/);
  });
});
