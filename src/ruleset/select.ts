import type { Config } from '../config/config.js';
import { UserError } from '../util/errors.js';
import { BUILTIN_RULES_DIR, compileRule, loadRuleFiles, type RuleFile } from './load.js';
import type { CompiledRule } from './types.js';

export interface Selection {
  /** Extra rule directories from --rules. */
  ruleDirs?: string[];
  only?: string[];
  skip?: string[];
}

/** Load the built-in rules plus extra directories; any problem in any file stops the run (exit 2). */
export async function loadAllRules(extraDirs: string[]): Promise<RuleFile[]> {
  const { rules, problems } = await loadRuleFiles([BUILTIN_RULES_DIR, ...extraDirs]);
  if (problems.length) {
    throw new UserError(
      `${problems.length} problem(s) in rule files:\n${problems.join('\n')}`,
      'fix the rule files above, or check one folder with `awsaudit rules validate DIR`',
    );
  }
  return rules;
}

/** The rules this run evaluates: loaded, filtered by --only/--skip and config, compiled with config settings. */
export async function selectRules(selection: Selection, config: Config): Promise<CompiledRule[]> {
  const files = await loadAllRules([...config.ruleDirs, ...(selection.ruleDirs ?? [])]);
  const known = new Set(files.map((f) => f.definition.id));
  const unknown = [...(selection.only ?? []), ...(selection.skip ?? []), ...Object.keys(config.rules)].filter((id) => !known.has(id));
  if (unknown.length) {
    throw new UserError(`unknown rule id(s): ${[...new Set(unknown)].join(', ')}`, 'list the rules with `awsaudit rules list`');
  }
  const only = selection.only?.length ? new Set(selection.only) : undefined;
  const skip = new Set(selection.skip ?? []);
  const compiled: CompiledRule[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const id = file.definition.id;
    const settings = config.rules[id];
    // --only names rules outright; otherwise the config decides, then the rule's own default (opt-in rules are off).
    if (only ? !only.has(id) : !(settings?.enabled ?? file.definition.enabled ?? true)) continue;
    if (skip.has(id)) continue;
    const result = compileRule(file, settings, config.file || 'config');
    if (result.rule) compiled.push(result.rule);
    problems.push(...result.problems);
  }
  if (problems.length) throw new UserError(`invalid rule settings:\n${problems.join('\n')}`);
  return compiled;
}
