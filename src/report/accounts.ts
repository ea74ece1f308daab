import type { StatusCounts } from '../compliance/status.js';
import type { Review } from '../findings/review.js';
import type { AccountScan } from '../engine/findings.js';
import { summarize, type Summary } from './summary.js';

/** One framework's counts for one account (with --compliance). */
export interface AccountCompliance extends StatusCounts {
  framework: string;
  name: string;
  version: string;
}

/**
 * One account of a multi-account report (the JSON report's `accounts[]`, the text summary's
 * table, the HTML accounts view, one SARIF run). docs/organizations.md documents the shape.
 */
export interface AccountSummary {
  account: string;
  name: string | null;
  status: AccountScan['status'];
  access: AccountScan['access'];
  roleArn?: string;
  error?: { code: string; message: string };
  regions: string[];
  resourceCount: number;
  /** Coverage gaps in this account (each is in the report's `gaps` with this `account`). */
  gaps: number;
  timing: AccountScan['timing'];
  /** The account's findings counted as the report's `summary` counts the run's; `rules` counts this account's rule results. */
  summary: Summary;
  /** With --compliance: each framework's counts for this account alone. */
  compliance?: AccountCompliance[];
}

/** Per-account compliance counts, by account id (computed where the compliance view is, from each account's rule results). */
export type AccountComplianceTable = ReadonlyMap<string, readonly AccountCompliance[]>;

/** The accounts of a multi-account review, each summarised; empty for a single-account one. */
export function accountSummaries(review: Review, compliance?: AccountComplianceTable): AccountSummary[] {
  const org = review.organization;
  if (!org) return [];
  const findingsOf = new Map<string, Review['findings']>(org.accounts.map((a) => [a.account, []]));
  for (const f of review.findings) findingsOf.get(f.resource.account)?.push(f);
  return org.accounts.map((a) => {
    const mine = (f: { resource: { account: string } }) => f.resource.account === a.account;
    const baseline = review.baseline
      ? { ...review.baseline, fixed: review.baseline.fixed.filter(mine), notRechecked: review.baseline.notRechecked.filter(mine) }
      : undefined;
    const findings = findingsOf.get(a.account) ?? [];
    if (baseline) {
      baseline.new = findings.filter((f) => f.baselineState === 'new').length;
      baseline.unchanged = findings.filter((f) => f.baselineState === 'unchanged').length;
    }
    const summary = summarize({ ...review, findings, rules: a.rules, ...(baseline ? { baseline } : {}) });
    const out: AccountSummary = {
      account: a.account,
      name: a.name,
      status: a.status,
      access: a.access,
      regions: a.regions,
      resourceCount: a.resourceCount,
      gaps: a.gapCount,
      timing: a.timing,
      summary,
    };
    if (a.roleArn !== undefined) out.roleArn = a.roleArn;
    if (a.error) out.error = a.error;
    const c = compliance?.get(a.account);
    if (c) out.compliance = [...c];
    return out;
  });
}

/** The accounts by status, for the one-line overall summary: "50 accounts: 48 scanned, 1 partial, 1 failed". */
export function accountCounts(accounts: readonly { status: AccountScan['status'] }[]): Record<AccountScan['status'], number> {
  const counts = { scanned: 0, partial: 0, failed: 0 };
  for (const a of accounts) counts[a.status]++;
  return counts;
}

/**
 * The review of one account of a multi-account review: its findings, gaps, rule results and
 * baseline comparison, as a scan of that account alone reports them. The accounts that could
 * not be read stay in `organization` (every report of the run says which were not scanned).
 */
export function reviewOfAccount(review: Review, account: string): Review {
  const org = review.organization;
  const own = org?.accounts.find((a) => a.account === account);
  if (!org || !own) throw new Error(`reviewOfAccount: ${account} is not an account of this review`);
  const mine = (f: { resource: { account: string } }) => f.resource.account === account;
  const findings = review.findings.filter(mine);
  const out: Review = {
    ...review,
    meta: { ...review.meta, accounts: [account], regions: own.regions },
    findings,
    gaps: review.gaps.filter((g) => g.account === account),
    rules: own.rules,
    resourceCount: own.resourceCount,
    organization: { ...org, accounts: org.accounts.filter((a) => a.account === account || a.status === 'failed') },
  };
  if (review.baseline) {
    out.baseline = {
      ...review.baseline,
      new: findings.filter((f) => f.baselineState === 'new').length,
      unchanged: findings.filter((f) => f.baselineState === 'unchanged').length,
      fixed: review.baseline.fixed.filter(mine),
      notRechecked: review.baseline.notRechecked.filter(mine),
    };
  }
  return out;
}
