// `scan --org`: list the organisation, enter each selected account (the caller's own with its
// credentials, the others through their role), collect and evaluate each account on its own,
// a bounded number at a time, and combine them into one evaluation. Imported only with --org.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import pLimit from 'p-limit';
import { ClientPool, clientConfig } from '../aws/pool.js';
import { collectSnapshot, scanRegions, startRegion, whoAmI, type CollectOptions } from '../collect/collect.js';
import { errorCode, shortMessage } from '../collect/errors.js';
import { collectorScopeOf, planCollection } from '../collect/plan.js';
import { globalRegionOf } from '../collect/regions.js';
import { evaluate } from '../engine/evaluate.js';
import type { Evaluation } from '../engine/findings.js';
import { printable } from '../report/text.js';
import type { CompiledRule } from '../ruleset/types.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from '../snapshot/types.js';
import { UserError } from '../util/errors.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { combineEvaluations, type AccountPart } from './combine.js';
import { refreshingCredentials, type SessionCredentials } from './credentials.js';
import { listOrganization, organizationsClient, selectAccounts, type OrgAccount } from './discover.js';
import { guardCommands } from './guard.js';
import { joinShardSnapshots, withOtherShardGaps } from './merge.js';
import { shardOfAccounts, type ShardSpec } from './shards.js';

/** What --org and its flags ask for (checked by src/cli/org-options.ts). */
export interface OrgOptions {
  /** `arn:{partition}:iam::{accountId}:role/NAME`, or the --role-arn-template given. */
  roleArnTemplate: string;
  externalId?: string | undefined;
  accounts: string[];
  excludeAccounts: string[];
  maxAccountsInFlight: number;
  /** Role session length; the credentials are renewed before it ends. */
  sessionSeconds: number;
  /** One line per account on stderr. */
  progress: boolean;
}

/** Where the role of an account is: the template with its account id (and partition) filled in. */
export function roleArnFor(template: string, account: string, partition: string): string {
  return template.replaceAll('{accountId}', account).replaceAll('{partition}', partition);
}

const SESSION_NAME = 'awsaudit';

export interface OrgScanInput {
  org: OrgOptions;
  /** The AWS flags of the run (everything but the types). */
  collect: Omit<CollectOptions, 'types' | 'pool'>;
  /** The resource types the rules need. */
  types: ReadonlySet<string>;
  rules: readonly CompiledRule[];
  now: Date;
  /** Sees each account's snapshot before it is let go (bench/org.mjs computes the fewest calls from it). */
  onSnapshot?: (snapshot: Snapshot) => void;
  /**
   * `--shard i/n` (docs/shards.md): enter only the accounts with a unit in this shard and read
   * only those units; `times` (ms by unit key, from a --baseline report) balance the split.
   */
  shard?: { spec: ShardSpec; times?: ReadonlyMap<string, number> | undefined } | undefined;
}

/** The evaluation of the run, and with --shard the shard's snapshot (its JSON report keeps it for `awsaudit merge`). */
export interface OrgScanResult {
  evaluation: Evaluation;
  snapshot?: Snapshot;
}

/**
 * Scan the organisation's selected accounts and evaluate each, as a scan of that account alone
 * would; the combined evaluation has every account's findings and `organization`. An account
 * that cannot be entered or read is a failed account with a gap; only a failure to list the
 * organisation (or to identify the caller) stops the run.
 */
export async function scanOrganization(input: OrgScanInput): Promise<OrgScanResult> {
  const { org, types, rules, now } = input;
  let { collect } = input;
  const caller = new ClientPool({
    profile: collect.profile,
    endpoint: collect.endpoint,
    maxAttempts: collect.maxAttempts,
    retryMode: collect.retryMode,
    maxConcurrency: collect.maxConcurrency,
    callTimeoutMs: collect.callTimeoutMs,
    credentials: (await import('../aws/pool.js')).defaultCredentials(collect.profile),
  });
  let orgRequests = 0;
  try {
    const start = await startRegion({ ...collect, types: [] }, caller);
    const me = await whoAmI(caller, start, collect.endpoint, collect.profile, { send: {}, expired: () => undefined });
    const orgs = organizationsClient(clientConfig('sts', globalRegionOf(me.partition), caller.settings), () => orgRequests++);
    let listed;
    let chosen: OrgAccount[];
    try {
      listed = await listOrganization(orgs, me.account);
      chosen = await selectAccounts(orgs, listed, org.accounts, org.excludeAccounts);
    } finally {
      orgs.destroy();
    }
    const say = (line: string) => {
      if (org.progress) process.stderr.write(`awsaudit: ${printable(line)}\n`);
    };
    // Sharded: every job must see the same units, so every account is scanned in the same
    // regions: --regions, or with --all-regions those enabled in the caller's account.
    let split: ReturnType<typeof shardOfAccounts> | undefined;
    if (input.shard) {
      const regions = await scanRegions({ ...collect, types: [] }, caller, start, me.partition, { send: {}, expired: () => undefined });
      collect = { ...collect, regions, allRegions: false };
      split = shardOfAccounts(
        chosen.map((a) => ({ account: a.id, regions })),
        input.shard.spec,
        input.shard.times,
      );
      const mine = new Set(split.accounts);
      chosen = chosen.filter((a) => mine.has(a.id));
    }
    say(
      `--org: organisation ${listed.id ?? '(unknown)'} (management account ${listed.managementAccount ?? 'unknown'}): ${listed.accounts.length} ACTIVE account(s), scanning ${chosen.length}${split ? ` (shard ${split.record.index}/${split.record.count}: ${split.record.units.length} of ${split.record.universe.length} unit(s))` : ''}, ${Math.min(org.maxAccountsInFlight, chosen.length)} at a time`,
    );
    // AssumeRole goes through its own client, which can send nothing else (see guard.ts).
    const sts = new STSClient(clientConfig('sts', start, caller.settings));
    const assumeRequests = new Map<string, number>();
    let current = '';
    guardCommands(sts, new Set(['AssumeRoleCommand']), () => assumeRequests.set(current, (assumeRequests.get(current) ?? 0) + 1));
    const plan = planCollection(types);
    // With --shard, what each account read, for the shard's snapshot.
    const snapshots: Snapshot[] = [];
    const limit = pLimit(org.maxAccountsInFlight);
    let done = 0;
    try {
      const parts = await Promise.all(
        chosen.map((account) =>
          limit(async () => {
            const part = await scanAccount(account);
            done++;
            say(`[${done}/${chosen.length}] ${progressLine(part)}`);
            return part;
          }),
        ),
      );
      const evaluation = combineEvaluations(
        parts,
        {
          id: listed.id,
          managementAccount: listed.managementAccount,
          callerAccount: me.account,
          roleArnTemplate: org.roleArnTemplate,
          externalId: org.externalId !== undefined,
          selection: { accounts: org.accounts, excludeAccounts: org.excludeAccounts },
          accountsListed: listed.accounts.length,
          maxAccountsInFlight: org.maxAccountsInFlight,
        },
        now,
      );
      if (!split) return { evaluation };
      // The shard's snapshot: every account's snapshot (a failed account's holds its gap), under the shard's record.
      return {
        evaluation: { ...evaluation, meta: { ...evaluation.meta, shard: split.record } },
        snapshot: joinShardSnapshots(snapshots, split.record),
      };
    } finally {
      sts.destroy();
    }

    async function scanAccount(account: OrgAccount): Promise<AccountPart> {
      const started = Date.now();
      const startedAt = new Date(started).toISOString();
      const byRole = account.id !== me.account;
      const roleArn = byRole ? roleArnFor(org.roleArnTemplate, account.id, me.partition) : undefined;
      const base = { account: account.id, name: account.name, access: byRole ? ('role' as const) : ('caller' as const) };
      const scan = roleArn ? { ...base, roleArn } : base;
      let credentials = caller.settings.credentials;
      const assumed = () => assumeRequests.get(account.id) ?? 0;
      if (roleArn) {
        const assume = async (): Promise<SessionCredentials> => {
          current = account.id;
          const out = await sts.send(
            new AssumeRoleCommand({
              RoleArn: roleArn,
              RoleSessionName: SESSION_NAME,
              DurationSeconds: org.sessionSeconds,
              ...(org.externalId !== undefined ? { ExternalId: org.externalId } : {}),
            }),
          );
          const c = out.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
            throw Object.assign(new Error('AssumeRole returned no credentials'), { name: 'InvalidResponse' });
          return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
        };
        const provider = refreshingCredentials(assume);
        try {
          // Entered before anything else: a role that cannot be assumed is one gap, not one per call.
          await provider();
        } catch (error) {
          const code = errorCode(error);
          const message = `cannot assume ${roleArn}: ${shortMessage(error)}`;
          return failedAccount(scan, startedAt, started, assumed(), { code, message }, { service: 'sts', operation: 'AssumeRole' });
        }
        credentials = provider;
      }
      const pool = new ClientPool({ ...caller.settings, credentials });
      try {
        const units = split?.unitsOf(account.id);
        const { snapshot: collected } = await collectSnapshot({ ...collect, types, pool, progress: false, ...(units ? { units } : {}) });
        // Each gap names its account, so a merge of the shards can give every account its own.
        const snapshot: Snapshot = split ? { ...collected, gaps: collected.gaps.map((g) => ({ ...g, account: account.id })) } : collected;
        if (snapshot.meta.accounts[0] !== account.id) {
          // The role led somewhere else (a template pointing at the wrong account): its resources are not this account's.
          const message = `the credentials for ${account.id}${roleArn ? ` (${roleArn})` : ''} belong to account ${snapshot.meta.accounts[0] ?? 'unknown'}`;
          return failedAccount(
            scan,
            startedAt,
            started,
            pool.stats.requests + assumed(),
            { code: 'WrongAccount', message },
            { service: 'sts', operation: 'GetCallerIdentity' },
          );
        }
        input.onSnapshot?.(snapshot);
        if (split) snapshots.push(snapshot);
        // A shard's account: the units another shard reads are gaps, never a clean bill.
        const evaluation = evaluate(split ? withOtherShardGaps(snapshot, collectorScopeOf) : snapshot, rules, { now });
        return {
          scan: {
            ...scan,
            regions: snapshot.meta.regions,
            timing: { startedAt, durationMs: Date.now() - started, requests: pool.stats.requests + assumed() },
          },
          evaluation,
        };
      } catch (error) {
        // A bug (an undeclared or non-read command) stops the run; anything else is this account's gap.
        if (!(error instanceof UserError)) throw error;
        return failedAccount(
          scan,
          startedAt,
          started,
          pool.stats.requests + assumed(),
          { code: 'ScanFailed', message: error.message },
          { service: 'account', operation: '(scan of the account)' },
        );
      } finally {
        pool.destroy();
      }
    }

    /** An account nothing could be read from: every type the run collects is a gap of it, so its rules are incomplete, never passed. */
    function failedAccount(
      scan: Omit<AccountPart['scan'], 'regions' | 'timing'>,
      startedAt: string,
      started: number,
      requests: number,
      error: { code: string; message: string },
      where: { service: string; operation: string },
    ): AccountPart {
      const snapshot: Snapshot = {
        format: SNAPSHOT_FORMAT,
        version: SNAPSHOT_VERSION,
        meta: {
          accounts: [scan.account],
          regions: [],
          collectedAt: new Date().toISOString(),
          tool: { name: TOOL_NAME, version: toolVersion() },
          source: 'aws',
          resourceTypes: plan.types,
          partition: me.partition,
        },
        resources: [],
        gaps: [
          {
            service: where.service,
            region: 'global',
            operation: where.operation,
            resourceTypes: [...plan.types],
            errorCode: error.code,
            message: error.message,
            account: scan.account,
          },
        ],
      };
      // Sharded: its units count as read by this shard, and this gap goes to merge with them.
      if (split) snapshots.push(snapshot);
      return {
        scan: { ...scan, status: 'failed', error, regions: [], timing: { startedAt, durationMs: Date.now() - started, requests } },
        evaluation: evaluate(snapshot, rules, { now }),
      };
    }
  } finally {
    caller.destroy();
  }
}

function progressLine(part: AccountPart): string {
  const { scan, evaluation } = part;
  const who = `${scan.account}${scan.name ? ` (${scan.name})` : ''}`;
  const seconds = `${(scan.timing.durationMs / 1000).toFixed(1)}s`;
  if (scan.status === 'failed') return `${who}: not scanned, ${scan.error?.code ?? 'Error'}: ${scan.error?.message ?? ''} (${seconds})`;
  const gaps = evaluation.gaps.length;
  return `${who}: ${evaluation.resourceCount} resource(s), ${evaluation.findings.length} finding(s)${gaps ? `, ${gaps} coverage gap(s)` : ''} in ${seconds}`;
}
