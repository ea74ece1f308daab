import type { ClientPool } from '../aws/pool.js';
import { isCloudTrailRule } from '../cloudtrail/pipeline.js';
import { evaluationWithEvents, findingResourceKeys } from '../cloudtrail/merge.js';
import { loadConfig, type Config } from '../config/config.js';
import { evaluate, evaluateResources } from '../engine/evaluate.js';
import { readBaseline } from '../findings/baseline.js';
import { exitCodeFor, reviewFindings } from '../findings/review.js';
import { loadIgnoreFile } from '../findings/suppressions.js';
import type { Evaluation } from '../engine/findings.js';
import { selectRules } from '../ruleset/select.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { UserError } from '../util/errors.js';
import { prepareCloudTrail, runCloudTrail, type CloudTrailArgs, type CloudTrailRun } from './cloudtrail.js';
import { loadAwsIpRanges } from '../cloudtrail/aws-ip-ranges.js';
import { accountComplianceView, complianceView } from './compliance.js';
import { parseFrameworks } from '../compliance/index.js';
import { checkOutputPlaces, parseFailOn, parseFormats, parseOutputs, useColor, writeReports } from './output.js';
import { splitList } from './options.js';
import { collectorScopeOf } from '../collect/plan.js';
import { withOtherShardGaps, type MergeSummary } from '../org/merge.js';

export interface EvaluationArgs extends CloudTrailArgs {
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
  /** --compliance: frameworks for the compliance view (scan and evaluate default to none). */
  compliance?: string[] | undefined;
  now?: string | undefined;
  color?: boolean | undefined;
  /** `--bucket-owner`: the account that must own the bucket of `--output-dir s3://…`. */
  bucketOwner?: string | undefined;
  /** How to reach AWS for an s3:// --output-dir (scan and merge have these flags; evaluate uses the SDK's defaults). */
  profile?: string | undefined;
  region?: string | undefined;
  endpointUrl?: string | undefined;
}

export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UserError(`--now ${value}: not a date (use ISO 8601, e.g. 2026-01-31T00:00:00Z)`);
  return date;
}

/** A snapshot older than this, judged by the current time, gets a note naming the clock. */
const STALE_DAYS = 7;

/**
 * Rules judge ages ("key older than 90 days", "not used for 45 days") against the evaluation
 * clock, which is the current time unless --now is given: a snapshot read weeks later is judged
 * as of today, not as of its collection. Say so on stderr, with the flag that changes it.
 */
function noteClock(snapshot: Snapshot, now: Date, args: EvaluationArgs): void {
  if (args.now !== undefined || args.quiet) return;
  const collected = Date.parse(snapshot.meta.collectedAt);
  const days = Math.floor((now.getTime() - collected) / 86_400_000);
  if (!(days > STALE_DAYS)) return;
  const at = new Date(collected).toISOString();
  process.stderr.write(
    `awsaudit: note: the snapshot was collected ${at}, ${days} days before the clock this evaluation uses (the current time, ${now.toISOString()}); ages and "days since" are counted to that clock.\n` +
      `  to judge the snapshot as of its collection, add --now ${at}\n`,
  );
}

/** The config's allow-lists and AWS's address ranges, for the CloudTrail run; an allow-list on a resource rule is a mistake. */
async function prepareEventRuleSettings(cloudtrail: CloudTrailRun, config: Config, rules: readonly CompiledRule[]): Promise<void> {
  const allow = config.allow ?? {};
  for (const id of Object.keys(allow)) {
    const rule = rules.find((r) => r.id === id);
    if (rule && rule.definition.resource !== 'aws.cloudtrail.event')
      throw new UserError(
        `${config.file}: rules.${id}.allow: allow-lists apply to CloudTrail event rules; ${id} is a rule on ${rule.definition.resource}`,
        'to silence findings on resources, use "suppressions"',
      );
  }
  cloudtrail.allow = allow;
  const file = cloudtrail.awsIpRangesFile ?? config.awsIpRanges;
  if (file !== undefined) cloudtrail.awsIpRanges = await loadAwsIpRanges(file);
}

export interface EvaluationChoices {
  /** Keep only some of the selected rules (e.g. file rules for a scan of files alone). */
  ruleFilter?: (rule: CompiledRule) => boolean;
  /** --cloudtrail api may call LookupEvents (a live scan); otherwise only files and S3 archives. */
  allowApi?: boolean;
  /** The run's AWS clients, shared by collection and the CloudTrail sources (scan). */
  aws?: ClientPool;
  /** `awsaudit merge`: what it did with the shards, for the JSON report. */
  merge?: MergeSummary;
  /**
   * Evaluates the selected rules itself instead of one snapshot: a scan of many accounts (`--org`,
   * src/org/scan.ts) or a merge of their shards. `snapshot`: a shard's snapshot, kept whole in its
   * JSON report for `awsaudit merge`.
   */
  evaluator?: (rules: readonly CompiledRule[], now: Date) => Promise<{ evaluation: Evaluation; snapshot?: Snapshot }>;
}

/**
 * A shard's snapshot is evaluated with the units of the other shards as coverage gaps (its own
 * report must not call a rule clean for what another job read), and is kept whole in its JSON
 * report for `awsaudit merge`.
 */
function shardView(snap: Snapshot): { evaluated: Snapshot; shard?: Snapshot } {
  return snap.meta.shard ? { evaluated: withOtherShardGaps(snap, collectorScopeOf), shard: snap } : { evaluated: snap };
}

/**
 * Select rules, get the snapshot (given, or read or collected for the selected rules),
 * evaluate, read CloudTrail events when --cloudtrail is given, apply suppressions and
 * baseline, write reports, decide the exit code. `snapshot` undefined means an events-only
 * run (--cloudtrail and no account): only the CloudTrail rules are evaluated.
 */
export async function evaluateAndReport(
  args: EvaluationArgs,
  snapshot: Snapshot | ((rules: readonly CompiledRule[]) => Promise<Snapshot>) | undefined,
  choices: EvaluationChoices = {},
): Promise<number> {
  // Parse every flag before any work, so a typo fails fast with exit 2.
  const formats = parseFormats(args.format);
  const outputs = parseOutputs(args.output);
  checkOutputPlaces(args.outputDir, outputs);
  if (args.bucketOwner !== undefined && !/^\d{12}$/.test(args.bucketOwner))
    throw new UserError(`--bucket-owner ${args.bucketOwner}: expected a 12-digit AWS account id`);
  const now = parseNow(args.now);
  const cloudtrail = prepareCloudTrail(args, now, { allowApi: choices.allowApi ?? false, aws: choices.aws });
  if (!snapshot && !cloudtrail && !choices.evaluator) throw new UserError('nothing to evaluate: give a snapshot or --cloudtrail SOURCE');
  const config = await loadConfig(args.config);
  const failOn = parseFailOn(args.failOn ?? config.failOn ?? 'low');
  const suppressions = [...config.suppressions, ...(await loadIgnoreFile(args.ignoreFile))];
  const baseline = args.baseline === undefined ? undefined : await readBaseline(args.baseline);
  const frameworks = args.compliance?.length
    ? parseFrameworks(args.compliance)
    : config.compliance
      ? parseFrameworks(config.compliance, `${config.file}: compliance`)
      : [];
  const selected = await selectRules({ ruleDirs: args.rules, only: splitList(args.only), skip: splitList(args.skip) }, config);
  const rules = choices.ruleFilter ? selected.filter(choices.ruleFilter) : selected;
  if (cloudtrail) await prepareEventRuleSettings(cloudtrail, config, rules);
  let evaluation: Evaluation;
  let reported: readonly CompiledRule[] = rules;
  let shardSnapshot: Snapshot | undefined;
  if (choices.evaluator) {
    // Many accounts: the evaluator evaluates each account; a shard of them gives back its snapshot for the JSON report.
    const result = await choices.evaluator(rules, now);
    evaluation = result.evaluation;
    shardSnapshot = result.snapshot;
  } else if (!cloudtrail) {
    const view = shardView(typeof snapshot === 'function' ? await snapshot(rules) : snapshot!);
    const snap = view.evaluated;
    shardSnapshot = view.shard;
    noteClock(snap, now, args);
    evaluation = evaluate(snap, rules, { now });
  } else if (snapshot) {
    const resourceRules = rules.filter((r) => !isCloudTrailRule(r));
    const view = shardView(typeof snapshot === 'function' ? await snapshot(resourceRules) : snapshot);
    const snap = view.evaluated;
    shardSnapshot = view.shard;
    noteClock(snap, now, args);
    // Resources first: their findings say which resources need the name of their last change.
    const results = evaluateResources(snap, resourceRules, { now });
    const events = await runCloudTrail(
      cloudtrail,
      rules.filter(isCloudTrailRule),
      now,
      { mode: 'targets', keys: findingResourceKeys(results.findings) },
      false,
    );
    evaluation = evaluationWithEvents(events, cloudtrail.window, now, { snapshot: snap, results });
  } else {
    reported = rules.filter(isCloudTrailRule);
    const events = await runCloudTrail(cloudtrail, reported, now, { mode: 'off' }, true);
    evaluation = evaluationWithEvents(events, cloudtrail.window, now);
  }
  // Suppressions and the baseline are applied after the (pure) engine, with the same clock.
  const review = reviewFindings(evaluation, { suppressions, ...(baseline ? { baseline } : {}), now });
  for (const x of review.expiredSuppressions ?? []) {
    process.stderr.write(
      `awsaudit: suppression ${x.source} expired ${x.expires} and no longer applies (${x.matched} finding(s) reported again): ${x.reason}\n`,
    );
  }
  const complianceDirs = [...config.ruleDirs, ...args.rules];
  const compliance = frameworks.length ? await complianceView(frameworks, review.rules, complianceDirs, config) : undefined;
  // Many accounts: each account's own counts per framework too (docs/organizations.md).
  const accountCompliance =
    frameworks.length && review.organization
      ? await accountComplianceView(frameworks, review.organization.accounts, complianceDirs, config)
      : undefined;
  await writeReports(review, reported, {
    formats,
    outputDir: args.outputDir,
    outputs,
    color: useColor(args.color),
    ...(compliance ? { compliance } : {}),
    ...(shardSnapshot ? { snapshot: shardSnapshot } : {}),
    ...(choices.merge ? { merge: choices.merge } : {}),
    upload: {
      profile: args.profile,
      region: args.region,
      endpoint: args.endpointUrl ?? (process.env.AWS_ENDPOINT_URL || undefined),
      bucketOwner: args.bucketOwner,
    },
    ...(accountCompliance ? { accountCompliance } : {}),
  });
  return exitCodeFor(review, failOn);
}
