import { CLOUDTRAIL_TYPES } from '../cloudtrail/pipeline.js';
import { FRAMEWORKS, evaluateCompliance, type ComplianceResult, type ComplianceRule, type FrameworkId } from '../compliance/index.js';
import type { Config } from '../config/config.js';
import type { RuleResult } from '../engine/findings.js';
import { loadAllRules } from '../ruleset/select.js';
import type { RuleFile } from '../ruleset/load.js';
import type { AccountCompliance } from '../report/accounts.js';

/** What the compliance view needs of each rule file; `config` turns opt-in rules on or rules off as the run did. */
export function complianceRules(files: readonly RuleFile[], config?: Pick<Config, 'rules'>): ComplianceRule[] {
  return files.map(({ definition: d }) => {
    const enabled = config?.rules[d.id]?.enabled ?? d.enabled;
    return {
      id: d.id,
      title: d.title,
      ...(d.compliance ? { compliance: d.compliance } : {}),
      ...(enabled === undefined ? {} : { enabled }),
      events: (CLOUDTRAIL_TYPES as readonly string[]).includes(d.resource),
    };
  });
}

/**
 * The compliance view of a run: every rule that exists (built-in and --rules folders), not only
 * those that ran, so a recommendation whose rules were skipped says so instead of passing.
 */
export async function complianceView(
  frameworks: readonly FrameworkId[],
  results: readonly RuleResult[],
  ruleDirs: string[],
  config: Pick<Config, 'rules'>,
): Promise<ComplianceResult[]> {
  const rules = complianceRules(await loadAllRules(ruleDirs), config);
  return frameworks.map((id) => evaluateCompliance(FRAMEWORKS[id], rules, results));
}

/** With --compliance in a scan of many accounts: each account's counts per framework, from its own rule results. */
export async function accountComplianceView(
  frameworks: readonly FrameworkId[],
  accounts: ReadonlyArray<{ account: string; rules: readonly RuleResult[] }>,
  ruleDirs: string[],
  config: Pick<Config, 'rules'>,
): Promise<Map<string, AccountCompliance[]>> {
  const rules = complianceRules(await loadAllRules(ruleDirs), config);
  return new Map(
    accounts.map((a) => [
      a.account,
      frameworks.map((id) => {
        const { framework, name, version, summary } = evaluateCompliance(FRAMEWORKS[id], rules, a.rules);
        return { framework, name, version, ...summary };
      }),
    ]),
  );
}
