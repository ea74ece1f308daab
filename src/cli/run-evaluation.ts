import { loadConfig } from '../config/config.js';
import { evaluate } from '../engine/evaluate.js';
import { readBaseline } from '../findings/baseline.js';
import { exitCodeFor, reviewFindings } from '../findings/review.js';
import { loadIgnoreFile } from '../findings/suppressions.js';
import { selectRules } from '../ruleset/select.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { UserError } from '../util/errors.js';
import { parseFailOn, parseFormats, parseOutputs, useColor, writeReports } from './output.js';
import { splitList } from './options.js';

export interface EvaluationArgs {
  rules: string[];
  only: string[];
  skip: string[];
  config?: string | undefined;
  ignoreFile?: string | undefined;
  baseline?: string | undefined;
  format: string[];
  outputDir: string;
  output: string[];
  failOn?: string | undefined;
  now?: string | undefined;
  color?: boolean | undefined;
}

export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UserError(`--now ${value}: not a date (use ISO 8601, e.g. 2026-01-31T00:00:00Z)`);
  return date;
}

export interface EvaluationChoices {
  /** Keep only some of the selected rules (e.g. file rules for a scan of files alone). */
  ruleFilter?: (rule: CompiledRule) => boolean;
}

/**
 * Select rules, get the snapshot (given, or read or collected for the selected rules),
 * evaluate, apply suppressions and baseline, write reports, decide the exit code.
 */
export async function evaluateAndReport(
  args: EvaluationArgs,
  snapshot: Snapshot | ((rules: readonly CompiledRule[]) => Promise<Snapshot>),
  choices: EvaluationChoices = {},
): Promise<number> {
  // Parse every flag before any work, so a typo fails fast with exit 2.
  const formats = parseFormats(args.format);
  const outputs = parseOutputs(args.output);
  const now = parseNow(args.now);
  const config = await loadConfig(args.config);
  const failOn = parseFailOn(args.failOn ?? config.failOn ?? 'low');
  const suppressions = [...config.suppressions, ...(await loadIgnoreFile(args.ignoreFile))];
  const baseline = args.baseline === undefined ? undefined : await readBaseline(args.baseline);
  const selected = await selectRules({ ruleDirs: args.rules, only: splitList(args.only), skip: splitList(args.skip) }, config);
  const rules = choices.ruleFilter ? selected.filter(choices.ruleFilter) : selected;
  const snap = typeof snapshot === 'function' ? await snapshot(rules) : snapshot;
  const evaluation = evaluate(snap, rules, { now });
  // Suppressions and the baseline are applied after the (pure) engine, with the same clock.
  const review = reviewFindings(evaluation, { suppressions, ...(baseline ? { baseline } : {}), now });
  for (const x of review.expiredSuppressions ?? []) {
    process.stderr.write(`awsaudit: suppression ${x.source} expired ${x.expires} and no longer applies (${x.matched} finding(s) reported again): ${x.reason}\n`);
  }
  await writeReports(review, rules, { formats, outputDir: args.outputDir, outputs, color: useColor(args.color) });
  return exitCodeFor(review, failOn);
}
