import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { compileCondition, conditionDepthProblem } from '../engine/condition.js';
import { decisionDataFields } from '../engine/data-paths.js';
import { compilePath } from '../engine/path.js';
import { compileCorrelation } from './correlate.js';
import { regexProblem } from '../engine/regex-safety.js';
import { compileShellTemplate, compileTemplate } from '../engine/template.js';
import { isResourceType } from '../resources/types.js';
import { UserError, errorMessage } from '../util/errors.js';
import { isPlainObject, pointerToken } from '../util/json.js';
import { displayPath, fromRoot } from '../util/paths.js';
import { describeAjvErrors, formatProblems, packagedValidator, parseJson, type Problem } from '../util/schema.js';
import type { CompiledRule, FailCase, OptionDefinition, RuleDefinition, RuleSettings } from './types.js';

export const BUILTIN_RULES_DIR = fromRoot('rules');
export const RULE_SCHEMA = 'rules.schema.json';

export interface RuleFile {
  file: string;
  definition: RuleDefinition;
}

export interface LoadResult {
  rules: RuleFile[];
  /** Every problem found, as `file: /pointer: message` lines. */
  problems: string[];
}

/** List rule files (*.json) under a directory, recursively, in a stable order. */
export async function listRuleFiles(dir: string): Promise<string[]> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    throw new UserError(`cannot read rules directory ${displayPath(dir)}: ${errorMessage(error)}`);
  }
  if (info.isFile()) return [dir];
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listRuleFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(full);
  }
  return out;
}

/**
 * The ids of the built-in rules, by file (a built-in rule's id is its file name, which the
 * loader checks): what a user's rule may not be called.
 */
export async function builtinRuleIds(): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const file of await listRuleFiles(BUILTIN_RULES_DIR)) ids.set(path.basename(file, '.json'), file);
  return ids;
}

export interface LoadOptions {
  /**
   * Ids taken by rules that are not being loaded (the built-in ones, when a user's folder is
   * checked on its own): a rule file with one of them is a duplicate, unless it is that file.
   */
  reservedIds?: ReadonlyMap<string, string>;
}

/**
 * Read, schema-check and semantically check every rule file in the given directories.
 * Problems are collected, never thrown, so a user sees all of them at once.
 */
export async function loadRuleFiles(dirs: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const rules: RuleFile[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const builtin = (file: string) => path.resolve(file).startsWith(path.resolve(BUILTIN_RULES_DIR) + path.sep);
  for (const dir of dirs) {
    for (const file of await listRuleFiles(dir)) {
      const label = displayPath(file);
      const fileProblems: Problem[] = [];
      const definition = await readRuleFile(file, fileProblems);
      if (definition) {
        const reserved = options.reservedIds?.get(definition.id);
        const previous =
          seen.get(definition.id) ?? (reserved !== undefined && path.resolve(reserved) !== path.resolve(file) ? reserved : undefined);
        if (previous !== undefined) {
          fileProblems.push({
            pointer: '/id',
            message: builtin(previous)
              ? `rule id "${definition.id}" is taken by the built-in rule ${displayPath(previous)}: give this rule an id of its own (to change the built-in rule, set its options or severity in the config file, or turn it off there)`
              : `duplicate rule id "${definition.id}" (also in ${displayPath(previous)})`,
          });
        } else seen.set(definition.id, file);
        if (fileProblems.length === 0) rules.push({ file, definition });
      }
      problems.push(...formatProblems(label, fileProblems));
    }
  }
  return { rules, problems };
}

async function readRuleFile(file: string, problems: Problem[]): Promise<RuleDefinition | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    problems.push({ pointer: '', message: `cannot read: ${errorMessage(error)}` });
    return undefined;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    problems.push(parsed.problem);
    return undefined;
  }
  // Before the schema check, which would overflow the stack on a rule nested thousands deep.
  const tooDeep = conditionDepthProblem(parsed.value);
  if (tooDeep) {
    problems.push(tooDeep);
    return undefined;
  }
  const validate = packagedValidator(RULE_SCHEMA);
  const schemaProblems = validate(parsed.value) ? [] : describeAjvErrors(validate.errors);
  problems.push(...schemaProblems);
  if (!isPlainObject(parsed.value)) return undefined;
  const definition = parsed.value as unknown as RuleDefinition;
  // Semantic checks still run on what is there, so every mistake is listed at once;
  // a place the schema already faulted is not reported twice.
  const faulted = new Set(schemaProblems.map((p) => p.pointer));
  problems.push(...checkSemantics(definition, file).filter((p) => !faulted.has(p.pointer)));
  return definition;
}

/** Checks that JSON Schema cannot express. Tolerates a definition that failed the schema. */
export function checkSemantics(definition: RuleDefinition, file: string): Problem[] {
  const problems: Problem[] = [];
  const expectedId = path.basename(file, '.json');
  if (typeof definition.id === 'string' && definition.id !== expectedId) {
    problems.push({ pointer: '/id', message: `id "${definition.id}" differs from the file name "${expectedId}"` });
  }
  if (typeof definition.resource === 'string' && !isResourceType(definition.resource)) {
    problems.push({ pointer: '/resource', message: `unknown resource type "${definition.resource}" (see \`awsaudit rules types\`)` });
  }
  if (definition.subsumes?.includes(definition.id)) {
    problems.push({ pointer: `/subsumes/${definition.subsumes.indexOf(definition.id)}`, message: 'a rule cannot subsume itself' });
  }
  if (Array.isArray(definition.requires)) {
    definition.requires.forEach((type, i) => {
      if (typeof type === 'string' && !isResourceType(type))
        problems.push({ pointer: `/requires/${i}`, message: `unknown resource type "${type}"` });
    });
  }
  checkPinnedPatterns(definition, problems);
  const options = optionDefaults(definition, problems);
  compileParts(definition, options, problems);
  if (definition.cost && definition.kind !== 'cost') {
    problems.push({ pointer: '/cost', message: 'only rules of kind "cost" carry a cost estimate' });
  }
  // A rule that can leave resources undecided proves it with cases, and only such a rule has them.
  const unknownCases = isPlainObject(definition.tests) && definition.tests.unknown !== undefined;
  if (definition.unknownWhen !== undefined && !unknownCases)
    problems.push({ pointer: '/tests', message: 'a rule with "unknownWhen" needs "unknown" cases' });
  if (definition.correlate !== undefined && definition.resource !== 'aws.cloudtrail.event')
    problems.push({ pointer: '/correlate', message: '"correlate" is for event rules (resource aws.cloudtrail.event)' });
  if (definition.correlate !== undefined && definition.unknownWhen !== undefined)
    problems.push({ pointer: '/unknownWhen', message: 'a correlation rule cannot have "unknownWhen"' });
  checkCaseRecords(definition, problems);
  // A rule that decides on data alone leaves undecided a resource with none of those fields (src/engine/evaluate.ts).
  if (definition.unknownWhen === undefined && unknownCases && !decisionDataFields(definition)?.length) {
    problems.push({
      pointer: '/tests/unknown',
      message:
        '"unknown" cases need "unknownWhen" (or a condition over data fields alone, which leaves a resource with none of them undecided)',
    });
  }
  return problems;
}

/** A correlation rule's cases are runs of records; every other rule's cases are one resource each. */
function checkCaseRecords(definition: RuleDefinition, problems: Problem[]): void {
  if (!isPlainObject(definition.tests)) return;
  const correlated = definition.correlate !== undefined;
  for (const expect of ['fail', 'pass', 'unknown'] as const) {
    const cases: unknown = definition.tests[expect];
    if (!Array.isArray(cases)) continue;
    (cases as unknown[]).forEach((c, i) => {
      if (!isPlainObject(c)) return;
      if (correlated && c.records === undefined)
        problems.push({ pointer: `/tests/${expect}/${i}`, message: 'a correlation rule\'s case gives "records" (the events of the run)' });
      if (!correlated && c.data === undefined)
        problems.push({ pointer: `/tests/${expect}/${i}`, message: '"records" is for correlation rules; give "data"' });
    });
  }
}

/** A fail case's `message` or `cli` written as /regex/ must compile and be safe to run, like a rule's own. */
function checkPinnedPatterns(definition: RuleDefinition, problems: Problem[]): void {
  const fail: unknown = isPlainObject(definition.tests) ? definition.tests.fail : undefined;
  if (!Array.isArray(fail)) return;
  (fail as unknown[]).forEach((c, i) => {
    if (!isPlainObject(c)) return;
    for (const key of ['message', 'cli'] as const) {
      const pin = (c as Partial<FailCase>)[key];
      if (typeof pin !== 'string') continue;
      const body = /^\/(.*)\/$/s.exec(pin)?.[1];
      const problem = body === undefined ? undefined : regexProblem(body);
      if (problem) problems.push({ pointer: `/tests/fail/${i}/${key}`, message: problem });
    }
  });
}

function optionDefaults(definition: RuleDefinition, problems: Problem[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (!isPlainObject(definition.options)) return values;
  for (const [name, option] of Object.entries(definition.options)) {
    if (!isPlainObject(option)) continue;
    const problem = checkOptionValue(option, option.default);
    if (problem) problems.push({ pointer: `/options/${pointerToken(name)}/default`, message: problem });
    values[name] = option.default;
  }
  return values;
}

export function checkOptionValue(option: OptionDefinition, value: unknown): string | undefined {
  const ok =
    option.type === 'array' ? Array.isArray(value) : option.type === 'integer' ? Number.isInteger(value) : typeof value === option.type;
  return ok ? undefined : `must be of type ${option.type}, got ${JSON.stringify(value)}`;
}

type Compiled = Omit<CompiledRule, 'id' | 'file' | 'definition' | 'severity' | 'options'>;

function compileParts(definition: RuleDefinition, options: Record<string, unknown>, problems: Problem[]): Compiled {
  const condition = compileCondition(definition.condition, '/condition', options, problems);
  const unknown =
    definition.unknownWhen === undefined ? undefined : compileCondition(definition.unknownWhen, '/unknownWhen', options, problems);
  const overrides = (Array.isArray(definition.severityOverrides) ? definition.severityOverrides : []).map((o, i) => ({
    when: compileCondition(o.when, `/severityOverrides/${i}/when`, options, problems),
    severity: o.severity,
    reason: o.reason,
  }));
  const template = <T>(text: unknown, pointer: string, compile: (t: string) => T): T | undefined => {
    if (typeof text !== 'string') return undefined;
    try {
      return compile(text);
    } catch (error) {
      problems.push({ pointer, message: errorMessage(error) });
      return undefined;
    }
  };
  const message = template(definition.message, '/message', compileTemplate) ?? (() => '');
  const remediationCli = template(definition.remediation?.cli, '/remediation/cli', compileShellTemplate);
  let cost: Compiled['cost'];
  const monthly: unknown = definition.cost?.monthlyUsd;
  if (typeof monthly === 'number') cost = () => monthly;
  else if (isPlainObject(monthly) && typeof monthly.$option === 'string') {
    const name = monthly.$option;
    if (!Object.hasOwn(options, name))
      problems.push({ pointer: '/cost/monthlyUsd/$option', message: `option "${name}" is not declared in "options"` });
    else if (typeof options[name] !== 'number')
      problems.push({ pointer: '/cost/monthlyUsd/$option', message: `option "${name}" must be a number` });
    const value = options[name] as number;
    cost = () => value;
  } else if (isPlainObject(monthly) && typeof monthly.path === 'string') {
    try {
      const get = compilePath(monthly.path);
      cost = (ctx) => {
        const v = get(ctx);
        return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
      };
    } catch (error) {
      problems.push({ pointer: '/cost/monthlyUsd/path', message: `invalid JMESPath expression: ${errorMessage(error)}` });
    }
  }
  const remediationOverrides = (Array.isArray(definition.remediationOverrides) ? definition.remediationOverrides : []).map((o, i) => {
    const out: NonNullable<Compiled['remediationOverrides']>[number] = {
      when: compileCondition(o.when, `/remediationOverrides/${i}/when`, options, problems),
      reason: o.reason,
      text: o.text,
    };
    const cli = template(o.cli, `/remediationOverrides/${i}/cli`, compileShellTemplate);
    if (cli) out.cli = cli;
    return out;
  });
  const compiled: Compiled = { condition, overrides, message };
  if (remediationOverrides.length) compiled.remediationOverrides = remediationOverrides;
  if (definition.correlate !== undefined) {
    const correlation = compileCorrelation(definition.correlate, options, problems);
    if (correlation) compiled.correlation = correlation;
  }
  if (unknown) compiled.unknown = unknown;
  if (remediationCli) compiled.remediationCli = remediationCli;
  if (cost) compiled.cost = cost;
  return compiled;
}

/**
 * Compile a loaded rule with config settings applied (options merged over defaults).
 * Problems in the settings are reported against `settingsLabel`.
 */
export function compileRule(
  rule: RuleFile,
  settings: RuleSettings | undefined,
  settingsLabel: string,
): { rule?: CompiledRule; problems: string[] } {
  const { definition, file } = rule;
  const problems: Problem[] = [];
  const options = optionDefaults(definition, []);
  for (const [name, value] of Object.entries(settings?.options ?? {})) {
    const declared = definition.options?.[name];
    const pointer = `/rules/${pointerToken(definition.id)}/options/${pointerToken(name)}`;
    if (!declared) {
      problems.push({
        pointer,
        message: `rule "${definition.id}" has no option "${name}" (it has: ${Object.keys(definition.options ?? {}).join(', ') || 'none'})`,
      });
      continue;
    }
    const problem = checkOptionValue(declared, value);
    if (problem) problems.push({ pointer, message: problem });
    options[name] = value;
  }
  if (problems.length) return { problems: formatProblems(settingsLabel, problems) };
  const ruleProblems: Problem[] = [];
  const parts = compileParts(definition, options, ruleProblems);
  if (ruleProblems.length) return { problems: formatProblems(displayPath(file), ruleProblems) };
  return {
    rule: { id: definition.id, file, definition, severity: settings?.severity ?? definition.severity, options, ...parts },
    problems: [],
  };
}
