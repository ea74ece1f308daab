import { REPORT_FORMAT, REPORT_VERSION } from '../findings/report-format.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { stableStringify } from '../util/json.js';
import { accountSummaries } from './accounts.js';
import { summarize } from './summary.js';
import type { Formatter } from './types.js';

/**
 * The findings model, for scripts and for --baseline. Keys are sorted so equal input gives
 * equal bytes. Suppressed findings stay in `findings` with their `suppression`; with a
 * baseline each finding has `baselineState` and `baseline` lists what is gone.
 */
export const formatJson: Formatter = ({ evaluation, rules, compliance, snapshot, merge, accountCompliance }) => {
  const titles = new Map(rules.map((r) => [r.id, r.definition.title]));
  const { meta } = evaluation;
  // A multi-account run (docs/organizations.md): the organisation under `scan`, one summary per
  // account in `accounts`, and each gap names its account. A single-account report has neither.
  const org = evaluation.organization;
  const { accounts: _accounts, ...organization } = org ?? { accounts: [] };
  return (
    stableStringify({
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      tool: { name: TOOL_NAME, version: toolVersion() },
      scan: {
        accounts: meta.accounts,
        regions: meta.regions,
        source: meta.source,
        collectedAt: meta.collectedAt,
        evaluatedAt: evaluation.evaluatedAt,
        resourceCount: evaluation.resourceCount,
        notes: meta.notes ?? [],
        ...(evaluation.cloudtrail ? { cloudtrail: evaluation.cloudtrail } : {}),
        // Collection time per unit: `--shard` with `--baseline` balances the next run's shards by it.
        ...(meta.units ? { units: meta.units } : {}),
        ...(org ? { organization } : {}),
      },
      ...(meta.shard ? { shard: meta.shard } : {}),
      ...(merge ? { merge } : {}),
      summary: summarize(evaluation),
      ...(org ? { accounts: accountSummaries(evaluation, accountCompliance) } : {}),
      rules: evaluation.rules.map((r) => ({ ...r, title: titles.get(r.ruleId) ?? r.ruleId })),
      findings: evaluation.findings,
      gaps: evaluation.gaps,
      expiredSuppressions: evaluation.expiredSuppressions ?? [],
      ...(evaluation.baseline ? { baseline: evaluation.baseline } : {}),
      ...(compliance ? { compliance } : {}),
      ...(snapshot ? { snapshot } : {}),
    }) + '\n'
  );
};
