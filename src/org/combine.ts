import type { Evaluation, RuleGap, RuleResult } from '../engine/findings.js';
import { compareFindings } from '../engine/results.js';
import type { CoverageGap } from '../snapshot/types.js';
import type { AccountScan, OrganizationScan } from './types.js';

/** Undecided resource ids a combined rule result keeps as examples (as many as one account's). */
const UNDECIDED_EXAMPLES = 10;

/**
 * One rule result per rule from the results of several parts of a run (accounts, or the shards
 * of an organisation): counts add up, the rule fails when it failed anywhere, is complete only
 * when complete everywhere, and is not checked when a type it reads was not collected. The
 * status is decided as for one account (src/engine/results.ts), so the result of a rule does
 * not depend on how the run was split.
 */
export function combineRuleResults(parts: ReadonlyArray<{ account?: string; rules: readonly RuleResult[] }>): RuleResult[] {
  const byId = new Map<string, RuleResult>();
  for (const part of parts) {
    for (const r of part.rules) {
      const gaps: RuleGap[] = r.gaps.map((g) =>
        part.account !== undefined && g.account === undefined ? { account: part.account, ...g } : g,
      );
      const seen = byId.get(r.ruleId);
      if (!seen) {
        byId.set(r.ruleId, { ...r, undecidedResources: [...r.undecidedResources], missingTypes: [...r.missingTypes], gaps });
        continue;
      }
      seen.evaluated += r.evaluated;
      seen.failed += r.failed;
      seen.passed += r.passed;
      seen.undecided += r.undecided;
      for (const id of r.undecidedResources) if (seen.undecidedResources.length < UNDECIDED_EXAMPLES) seen.undecidedResources.push(id);
      for (const t of r.missingTypes) if (!seen.missingTypes.includes(t)) seen.missingTypes.push(t);
      seen.gaps.push(...gaps);
      seen.complete &&= r.complete;
    }
  }
  const out = [...byId.values()];
  for (const r of out) {
    r.missingTypes.sort();
    const checked = r.missingTypes.length === 0;
    r.complete &&= checked;
    r.status = r.failed > 0 ? 'fail' : !checked ? 'not-checked' : r.complete ? 'pass' : 'incomplete';
  }
  return out.sort((a, b) => a.ruleId.localeCompare(b.ruleId));
}

/** One account's part of a multi-account run: what the run recorded about it, and its evaluation. */
export interface AccountPart {
  scan: Omit<AccountScan, 'rules' | 'gapCount' | 'resourceCount' | 'status'> & { status?: AccountScan['status'] };
  evaluation: Evaluation;
}

/**
 * The evaluation of a multi-account run from each account's own evaluation: findings of every
 * account in the order a single evaluation sorts them (severity, rule, account, region, type,
 * id), every gap marked with its account, rule results combined, and `organization` saying
 * how each account fared. `now` is the run's evaluation clock.
 */
export function combineEvaluations(parts: readonly AccountPart[], organization: Omit<OrganizationScan, 'accounts'>, now: Date): Evaluation {
  const ordered = [...parts].sort((a, b) => cmp(a.scan.account, b.scan.account));
  const findings = ordered.flatMap((p) => p.evaluation.findings).sort(compareFindings);
  const gaps: CoverageGap[] = ordered.flatMap((p) => p.evaluation.gaps.map((g) => ({ ...g, account: g.account ?? p.scan.account })));
  const accounts: AccountScan[] = ordered.map((p) => {
    const { evaluation: e } = p;
    const status = p.scan.status ?? (e.gaps.length ? 'partial' : 'scanned');
    return { ...p.scan, status, resourceCount: e.resourceCount, gapCount: e.gaps.length, rules: e.rules };
  });
  const union = (lists: ReadonlyArray<readonly string[]>) => [...new Set(lists.flat())];
  const metas = ordered.map((p) => p.evaluation.meta);
  const collectedAt = metas.map((m) => m.collectedAt).sort();
  const partition = metas.find((m) => m.partition)?.partition;
  const notes = union(metas.map((m) => m.notes ?? []));
  // Each account's collection time per unit: the next run's shards are balanced by it (docs/shards.md).
  const units = metas.flatMap((m) => m.units ?? []);
  return {
    meta: {
      accounts: accounts.map((a) => a.account),
      regions: union(metas.map((m) => m.regions)).sort(),
      // The newest data of the run: ages are judged as of when the last account was read.
      collectedAt: collectedAt.at(-1) ?? now.toISOString(),
      tool: metas[0]?.tool ?? { name: 'awsaudit', version: '' },
      source: metas[0]?.source ?? 'aws',
      resourceTypes: union(metas.map((m) => m.resourceTypes)).sort(),
      ...(partition ? { partition } : {}),
      ...(notes.length ? { notes } : {}),
      ...(units.length ? { units } : {}),
    },
    evaluatedAt: now.toISOString(),
    findings,
    rules: combineRuleResults(ordered.map((p) => ({ account: p.scan.account, rules: p.evaluation.rules }))),
    gaps,
    resourceCount: accounts.reduce((n, a) => n + a.resourceCount, 0),
    organization: { ...organization, accounts },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
