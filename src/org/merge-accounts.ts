// `awsaudit merge` of `scan --org --shard` reports: the merged snapshot split back into each
// account's own, each evaluated as a scan of that account alone, and combined as `scan --org`
// combines them, so the merged reports have the `accounts[]` shape of an unsharded run.
import { evaluate } from '../engine/evaluate.js';
import type { AccountAccess, AccountScan, Evaluation, OrganizationScan } from '../engine/findings.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { combineEvaluations, type AccountPart } from './combine.js';

/** What a shard's JSON report says about one account it entered (`accounts[]`, without its summary). */
export type AccountRecord = Pick<AccountScan, 'account' | 'name' | 'status' | 'access' | 'regions' | 'timing'> &
  Partial<Pick<AccountScan, 'roleArn' | 'error'>>;

/** The organisation part of a shard's report (`scan.organization`), and its accounts. */
export interface OrgRecord {
  organization: Omit<OrganizationScan, 'accounts'>;
  accounts: AccountRecord[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One account's part of a merged snapshot: its resources, gaps and unit times (a gap naming no account is every account's). */
export function accountSnapshot(snapshot: Snapshot, account: string, regions: readonly string[]): Snapshot {
  const { shard: _shard, ...meta } = snapshot.meta;
  return {
    ...snapshot,
    meta: {
      ...meta,
      accounts: [account],
      regions: [...regions],
      units: (meta.units ?? []).filter((u) => u.account === account),
    },
    resources: snapshot.resources.filter((r) => r.account === account),
    // Every shard that entered an account whose role cannot be assumed recorded the same gap: keep one.
    gaps: [
      ...new Map(
        snapshot.gaps
          .filter((g) => g.account === undefined || g.account === account)
          .map((g) => [JSON.stringify([g.service, g.region, g.operation, g.errorCode, g.message, g.resourceTypes]), g]),
      ).values(),
    ],
  };
}

/**
 * Evaluate a merged snapshot of many accounts account by account and combine the results.
 * `orgs`: what each shard report recorded (the organisation, and each account it entered: a
 * failed account, whose role could not be assumed, stays failed, with its gap).
 */
export function evaluateMergedAccounts(
  snapshot: Snapshot,
  orgs: readonly OrgRecord[],
  rules: readonly CompiledRule[],
  now: Date,
): Evaluation {
  const records = new Map<string, AccountRecord[]>();
  for (const o of orgs) for (const a of o.accounts) records.set(a.account, [...(records.get(a.account) ?? []), a]);
  const accounts = [
    ...new Set([
      ...snapshot.meta.accounts,
      ...records.keys(),
      ...snapshot.gaps.flatMap((g) => (g.account ? [g.account] : [])),
      ...(snapshot.meta.units ?? []).map((u) => u.account),
    ]),
  ].sort(cmp);
  const parts: AccountPart[] = accounts.map((account) => {
    const mine = records.get(account) ?? [];
    const failed = mine.length > 0 && mine.every((r) => r.status === 'failed');
    const read = mine.filter((r) => r.status !== 'failed');
    // An account read by some shard has the run's regions (every job scans the same); a failed one none.
    const regions = failed ? [] : read.length ? [...new Set(read.flatMap((r) => r.regions))] : snapshot.meta.regions;
    const first = mine[0];
    const startedAt = mine.map((r) => r.timing.startedAt).sort()[0] ?? snapshot.meta.collectedAt;
    const unitMs = (snapshot.meta.units ?? []).filter((u) => u.account === account).reduce((n, u) => n + u.ms, 0);
    const scan: AccountPart['scan'] = {
      account,
      name: mine.find((r) => r.name !== null)?.name ?? null,
      access: first?.access ?? ('role' satisfies AccountAccess),
      ...(mine.find((r) => r.roleArn)?.roleArn ? { roleArn: mine.find((r) => r.roleArn)!.roleArn! } : {}),
      regions,
      // The account's time over every shard that entered it: the next run balances its shards by it.
      timing: {
        startedAt,
        durationMs: mine.length ? mine.reduce((n, r) => n + r.timing.durationMs, 0) : unitMs,
        requests: mine.reduce((n, r) => n + r.timing.requests, 0),
      },
      ...(failed ? { status: 'failed' as const, ...(first?.error ? { error: first.error } : {}) } : {}),
    };
    return { scan, evaluation: evaluate(accountSnapshot(snapshot, account, regions), rules, { now }) };
  });
  const org = orgs[0]?.organization ?? {
    id: null,
    managementAccount: null,
    callerAccount: null,
    roleArnTemplate: '',
    externalId: false,
    selection: { accounts: [], excludeAccounts: [] },
    accountsListed: accounts.length,
    maxAccountsInFlight: 1,
  };
  return combineEvaluations(parts, org, now);
}
