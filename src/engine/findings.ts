import type { Kind, Severity } from '../model/severity.js';
import type { CoverageGap, SnapshotMeta } from '../snapshot/types.js';
import type { Evidence } from './condition.js';

export interface FindingResource {
  type: string;
  id: string;
  arn?: string;
  account: string;
  region: string;
  name?: string;
}

/**
 * The most recent successful CloudTrail event that changed a finding's resource: who did it,
 * when, from where. Filled after evaluation when events were read (src/cloudtrail/attribution.ts).
 */
export interface Attribution {
  eventName: string;
  eventTime: string;
  eventID: string;
  eventSource: string;
  /** `userIdentity.arn`; for AWS services acting on their own, `userIdentity.invokedBy`. */
  principalArn?: string;
  sourceIPAddress?: string;
  userAgent?: string;
}

export interface Finding {
  /** Stable across runs for the same rule and resource: sha256 of rule, account, region, type, id. */
  fingerprint: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** Why the severity differs from the rule's (a matched severity override). */
  severityReason?: string;
  kind: Kind;
  resource: FindingResource;
  message: string;
  evidence: Evidence[];
  remediation: { text: string; cli?: string };
  /** Why the fix differs from the rule's usual one (a matched remediation override: what the resource is evidently for). */
  remediationReason?: string;
  costMonthlyUsd?: number;
  location?: { path: string; line?: number; column?: number };
  /** The last event that changed the resource, when CloudTrail events were read. */
  attribution?: Attribution;
  /**
   * Coverage gaps that left part of what the rule reads unknown: the finding stands whatever the
   * missing data is (three-valued evaluation, src/engine/condition.ts), and says what was not seen.
   */
  gaps?: RuleGap[];
  /**
   * The fingerprint of the broader finding this one is folded into: the same cause on the same
   * resource, reported by a rule that subsumes this one (src/engine/fold.ts). Still listed, with
   * its own fingerprint; counted and shown once, inside the broader finding.
   */
  foldedInto?: string;
}

/**
 * fail: at least one finding. pass: none, and the rule saw everything it reads (a clean bill).
 * incomplete: none, but a coverage gap touches what the rule reads or some resources could not
 * be decided — not a pass. not-checked: a type the rule reads was not collected at all.
 */
export type RuleStatus = 'fail' | 'pass' | 'incomplete' | 'not-checked';

/** A coverage gap as a rule result names it. */
export interface RuleGap {
  /** In scans of many accounts: the account the gap is in. */
  account?: string;
  region: string;
  operation: string;
  errorCode: string;
}

export interface RuleResult {
  ruleId: string;
  resource: string;
  severity: Severity;
  kind: Kind;
  /** Resources of the rule's type that were evaluated. */
  evaluated: number;
  failed: number;
  /** Evaluated, no finding, and not undecided. */
  passed: number;
  /** Resources the rule could not decide (its `unknownWhen` matched): neither failed nor passed. */
  undecided: number;
  /** The first few undecided resource ids. */
  undecidedResources: string[];
  status: RuleStatus;
  /** False when a coverage gap touches what the rule reads, a resource was undecided, or a type was not collected: a failing rule can be incomplete too. */
  complete: boolean;
  /** The resource types the rule reads that were not collected (the rule's own type, or one it requires); empty unless the rule is not checked. */
  missingTypes: string[];
  /** Regions/operations that could not be read for what this rule reads. */
  gaps: RuleGap[];
  /** Event rules with an allow-list (config `allow`): matching events it left out, never findings and never counted as passes' evidence of safety. */
  allowed?: number;
}

/** What was read from CloudTrail in this run (absent when no --cloudtrail source was given). */
export interface CloudTrailSummary {
  /** The sources, as given: files, s3://…, LookupEvents (regions). */
  sources: string[];
  /** The window read (ISO 8601); an end is absent when open. */
  since?: string;
  until?: string;
  /** Files, objects and API pages read. */
  chunks: number;
  /** Valid records read, and those inside the window (each evaluated by every event rule). */
  records: number;
  events: number;
  /**
   * Distinct events among them (same eventID, account and region: one event, however often it
   * was read). Rule results and findings count these.
   */
  distinctEvents?: number;
  firstEventTime?: string;
  lastEventTime?: string;
}

export interface Evaluation {
  meta: SnapshotMeta;
  evaluatedAt: string;
  findings: Finding[];
  rules: RuleResult[];
  gaps: CoverageGap[];
  resourceCount: number;
  cloudtrail?: CloudTrailSummary;
  /** A scan of many accounts (`--org`): the organisation and each account's own results (src/org/types.ts). */
  organization?: OrganizationScan;
}

// The multi-account model (docs/organizations.md): a scan of many accounts (`scan --org`, shards
// merged by `awsaudit merge`) keeps, beside the combined results, how each account fared and
// its own rule results (src/org/ builds it; src/org/types.ts re-exports it).

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
