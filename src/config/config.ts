import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileSuppressions, suppressionProblems, type Suppression, type SuppressionEntry } from '../findings/suppressions.js';
import type { Severity } from '../model/severity.js';
import type { AllowEntry, RuleSettings } from '../ruleset/types.js';
import { allowEntryProblem } from '../cloudtrail/allow-list.js';
import { UserError, errorMessage } from '../util/errors.js';
import { displayPath } from '../util/paths.js';
import { describeAjvErrors, packagedValidator, parseJson } from '../util/schema.js';

export const DEFAULT_CONFIG_FILE = '.awsaudit.json';

export interface Config {
  /** Where the config came from ("" when none). */
  file: string;
  ruleDirs: string[];
  failOn?: Severity | 'none';
  rules: Record<string, RuleSettings>;
  /** The config file's `suppressions`, compiled (same entries as .awsaudit-ignore.json). */
  suppressions: Suppression[];
  /** The compliance frameworks to report on (as for --compliance: cis-aws-6.0, fsbp, all). */
  compliance?: string[];
  /** CloudTrail event rules: allow-list entries by rule id, `*` for every event rule (config `allow` and each rule's `allow`). */
  allow?: Record<string, AllowEntry[]>;
  /** AWS's ip-ranges.json, resolved against the config file's folder. */
  awsIpRanges?: string;
}

/** The allow-list entries by rule id (`*`: every event rule), each checked (a CIDR that does not parse, an entry with no criteria). */
function allowLists(global: AllowEntry[] | undefined, rules: Record<string, RuleSettings>, label: string): Record<string, AllowEntry[]> {
  const out: Record<string, AllowEntry[]> = {};
  const problems: string[] = [];
  const check = (entries: AllowEntry[], pointer: string) =>
    entries.forEach((entry, i) => {
      const problem = allowEntryProblem(entry);
      if (problem) problems.push(`${label}: ${pointer}/${i}: ${problem}`);
    });
  if (global?.length) {
    check(global, '/allow');
    out['*'] = global;
  }
  for (const [id, settings] of Object.entries(rules)) {
    if (!settings.allow?.length) continue;
    check(settings.allow, `/rules/${id}/allow`);
    out[id] = settings.allow;
  }
  if (problems.length) throw new UserError(`invalid config file:\n${problems.join('\n')}`);
  return out;
}

/** Load the config file named by --config, or .awsaudit.json in the working directory if present. */
export async function loadConfig(explicit: string | undefined): Promise<Config> {
  const file = explicit ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (!file) return { file: '', ruleDirs: [], rules: {}, suppressions: [], allow: {} };
  const label = displayPath(path.resolve(file));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read config file ${label}: ${errorMessage(error)}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${label}: ${parsed.problem.message}`);
  const validate = packagedValidator('schemas/config.schema.json');
  if (!validate(parsed.value)) {
    throw new UserError(`invalid config file:\n${suppressionProblems(label, describeAjvErrors(validate.errors)).join('\n')}`);
  }
  const value = parsed.value as {
    ruleDirs?: string[];
    failOn?: Severity | 'none';
    rules?: Record<string, RuleSettings>;
    suppressions?: SuppressionEntry[];
    compliance?: string | string[];
    allow?: AllowEntry[];
    awsIpRanges?: string;
  };
  const base = path.dirname(path.resolve(file));
  const config: Config = {
    file: label,
    ruleDirs: (value.ruleDirs ?? []).map((d) => path.resolve(base, d)),
    rules: value.rules ?? {},
    suppressions: compileSuppressions(value.suppressions ?? [], label),
    allow: allowLists(value.allow, value.rules ?? {}, label),
  };
  if (value.awsIpRanges !== undefined) config.awsIpRanges = path.resolve(base, value.awsIpRanges);
  if (value.failOn) config.failOn = value.failOn;
  if (value.compliance !== undefined) config.compliance = typeof value.compliance === 'string' ? [value.compliance] : value.compliance;
  return config;
}
