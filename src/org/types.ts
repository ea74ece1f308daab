import type { RuleResult } from '../engine/findings.js';

/**
 * The multi-account model: one scan of many accounts (`scan --org`, or shards merged by
 * `awsaudit merge`). Each account is collected and evaluated on its own, exactly as a scan of
 * that account alone would be (same findings, same fingerprints); the run's evaluation is the
 * union of theirs plus what is written here about each account. A single-account scan has no
 * `organization`, and its reports are byte-for-byte what they were before.
 */

/** How an account was read. */
export type AccountAccess =
  /** With the credentials awsaudit was started with: the account they belong to. */
  | 'caller'
  /** Through `sts:AssumeRole` into the account's role (`--role-name`, `--role-arn-template`). */
  | 'role';

/**
 * scanned: collected with no coverage gap. partial: collected, with coverage gaps (its rules may
 * be incomplete). failed: nothing could be read (the role could not be assumed, the account
 * could not be identified...): the whole account is a coverage gap, never clean.
 */
export type AccountStatus = 'scanned' | 'partial' | 'failed';

export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['scanned', 'partial', 'failed'];

/** One account of a multi-account scan, as the run recorded it. */
export interface AccountScan {
  /** 12-digit account id. */
  account: string;
  /** The account's name in the organisation (untrusted text: escaped like any value from AWS); null when not known. */
  name: string | null;
  status: AccountStatus;
  access: AccountAccess;
  /** The role assumed (access "role"). */
  roleArn?: string;
  /** Why nothing could be read (status "failed"): the error code and AWS's message. */
  error?: { code: string; message: string };
  /** Regions scanned in this account (empty when it failed before they were settled). */
  regions: string[];
  resourceCount: number;
  /** Coverage gaps of this account (the run's `gaps` with this `account`). */
  gapCount: number;
  /** When its scan started (ISO 8601), how long it took and how many HTTP requests it made: what a shard planner balances on. */
  timing: { startedAt: string; durationMs: number; requests: number };
  /** This account's rule results, as a scan of the account alone gives them (summaries and per-account runs read them; not written as such). */
  rules: RuleResult[];
}

/** The organisation a multi-account scan read, and how it chose and entered the accounts. */
export interface OrganizationScan {
  /** `o-…`, or null when the accounts were not listed from AWS Organizations. */
  id: string | null;
  /** The management account's id (null when not known). */
  managementAccount: string | null;
  /** The account the caller's credentials belong to (scanned with them, not through the role). */
  callerAccount: string | null;
  /** `arn:aws:iam::{accountId}:role/…` as given (or built from --role-name). */
  roleArnTemplate: string;
  /** Whether an external id was sent with AssumeRole (its value is never written). */
  externalId: boolean;
  /** --accounts / --exclude-accounts as given: account ids, OU ids (ou-…) or root ids (r-…). */
  selection: { accounts: string[]; excludeAccounts: string[] };
  /** ACTIVE accounts the organisation listed (before --accounts / --exclude-accounts). */
  accountsListed: number;
  /** --max-accounts-in-flight of the run. */
  maxAccountsInFlight: number;
  /** Every selected account, in scan order (sorted by id), scanned or not. */
  accounts: AccountScan[];
}
