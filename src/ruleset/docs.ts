import { resourceTypeInfo } from '../resources/types.js';
import path from 'node:path';
import { BUILTIN_RULES_DIR, type RuleFile } from './load.js';
import type { RuleDefinition } from './types.js';

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function describeCondition(node: unknown): string {
  return JSON.stringify(node, null, 2);
}

function severityLine(d: RuleDefinition): string {
  const overrides = (d.severityOverrides ?? []).map((o) => `${o.severity} when ${o.reason}`);
  return overrides.length ? `${d.severity} (${overrides.join('; ')})` : d.severity;
}

/** How the two frameworks of the built-in rules are named; any other framework goes by its own key. */
const FRAMEWORK_NAMES: Record<string, string> = { 'cis-aws-6.0': 'CIS AWS Foundations v6.0.0', fsbp: 'Security Hub' };

function complianceLine(d: RuleDefinition): string | undefined {
  const frameworks = Object.keys(d.compliance ?? {}).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const parts = frameworks.flatMap((name) => (d.compliance?.[name] ?? []).map((id) => `${FRAMEWORK_NAMES[name] ?? name} ${id}`));
  return parts.length ? parts.join(' · ') : undefined;
}

/** cis-aws-6.0, then fsbp, then the others by name. */
function rank(framework: string): number {
  return framework === 'cis-aws-6.0' ? 0 : framework === 'fsbp' ? 1 : 2;
}

function isBuiltin(file: string): boolean {
  return path.resolve(file).startsWith(path.resolve(BUILTIN_RULES_DIR) + path.sep);
}

/** A built-in rule's source names warnings of WARNINGS.md (linked); a user's rule, ids of their own. */
function sourceLine(d: RuleDefinition, builtin: boolean): string | undefined {
  if (!d.source?.length) return undefined;
  return builtin ? `- Warnings: ${d.source.map((id) => `[${id}](WARNINGS.md)`).join(', ')}` : `- Source: ${d.source.map(cell).join(', ')}`;
}

function ruleSection(d: RuleDefinition, builtin: boolean): string[] {
  const out: string[] = [`### ${d.id}`, '', `**${d.title}**`, ''];
  const facts: string[] = [
    `- Severity: ${severityLine(d)}`,
    `- Kind: ${d.kind}`,
    `- Resource: ${code(d.resource)}${resourceTypeInfo(d.resource) ? ` (${resourceTypeInfo(d.resource)!.title})` : ''}`,
  ];
  if (d.requires?.length)
    facts.push(`- Requires: ${d.requires.map(code).join(', ')} collected in the same snapshot (otherwise the rule is not checked)`);
  if (d.enabled === false) facts.push('- Opt-in: off unless the config file enables it or `--only` names it');
  const source = sourceLine(d, builtin);
  if (source) facts.push(source);
  const compliance = complianceLine(d);
  if (compliance) facts.push(`- Compliance: ${compliance}`);
  if (d.cost) {
    const amount =
      typeof d.cost.monthlyUsd === 'number'
        ? `$${d.cost.monthlyUsd}`
        : '$option' in d.cost.monthlyUsd
          ? `option ${code(d.cost.monthlyUsd.$option)}`
          : `computed (${code(d.cost.monthlyUsd.path)})`;
    facts.push(`- Estimated monthly cost per finding: ${amount}; ${d.cost.basis}`);
  }
  out.push(...facts, '', d.description, '');
  out.push(`**Remediation.** ${d.remediation.text}`, '');
  if (d.remediation.cli) out.push('```sh', d.remediation.cli, '```', '');
  if (d.remediation.console) out.push(`Console: ${d.remediation.console}`, '');
  for (const o of d.remediationOverrides ?? []) {
    out.push(`**Remediation when ${o.reason}.** ${o.text}`, '');
    if (o.cli) out.push('```sh', o.cli, '```', '');
  }
  const options = Object.entries(d.options ?? {});
  if (options.length) {
    out.push('| option | type | default | meaning |', '|---|---|---|---|');
    for (const [name, o] of options)
      out.push(`| ${code(name)} | ${o.type} | ${code(JSON.stringify(o.default))} | ${cell(o.description)} |`);
    out.push('');
  }
  out.push('<details><summary>Condition</summary>', '', '```json', describeCondition(d.condition), '```', '', '</details>', '');
  if (d.unknownWhen !== undefined) {
    out.push(
      '<details><summary>Undecided when (neither a finding nor a pass; the rule is then incomplete)</summary>',
      '',
      '```json',
      describeCondition(d.unknownWhen),
      '```',
      '',
      '</details>',
      '',
    );
  }
  if (d.references?.length) {
    out.push('References:', '');
    for (const ref of d.references) out.push(`- <${ref}>`);
    out.push('');
  }
  return out;
}

/**
 * The rule reference (docs/rules.md) as Markdown, generated from the rule files so it never
 * drifts from them: `awsaudit rules docs > docs/rules.md`.
 */
export function renderRulesMarkdown(rules: readonly RuleFile[]): string {
  const sorted = [...rules].sort((a, b) => (a.definition.id < b.definition.id ? -1 : a.definition.id > b.definition.id ? 1 : 0));
  const defs = sorted.map((r) => r.definition);
  const out: string[] = [
    '# Rule reference',
    '',
    '<!-- Generated by `awsaudit rules docs > docs/rules.md` from the files in rules/. Do not edit by hand: a test compares this file with the rules. -->',
    '',
    `${defs.length} rules. Each lives in \`rules/<service>/<id>.json\` (format: [writing-rules.md](writing-rules.md)). ` +
      "Severity is the default; a config file can change it, and a rule's severity overrides raise or lower it for exposure. " +
      'The source of a built-in rule names the warnings of [WARNINGS.md](WARNINGS.md) it comes from; [WARNINGS-coverage.md](WARNINGS-coverage.md) maps every warning to its rules. ' +
      "Compliance ids: CIS AWS Foundations Benchmark v3.0.0 items, and AWS Security Hub control ids (the numbering of the Foundational Security Best Practices standard, shared by Security Hub's other standards).",
    '',
    '| rule | severity | kind | resource | source | title |',
    '|---|---|---|---|---|---|',
  ];
  for (const d of defs) {
    out.push(
      `| [${d.id}](#${d.id})${d.enabled === false ? ' (opt-in)' : ''} | ${d.severity} | ${d.kind} | ${code(d.resource)} | ${cell((d.source ?? []).join(', '))} | ${cell(d.title)} |`,
    );
  }
  out.push('', '## Rules', '');
  for (const r of sorted) out.push(...ruleSection(r.definition, isBuiltin(r.file)));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
