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
  costMonthlyUsd?: number;
  location?: { path: string; line?: number; column?: number };
  /** The last event that changed the resource, when CloudTrail events were read. */
  attribution?: Attribution;
}

/**
 * fail: at least one finding. pass: none, and the rule saw everything it reads (a clean bill).
 * incomplete: none, but a coverage gap touches what the rule reads or some resources could not
 * be decided — not a pass. not-checked: a type the rule reads was not collected at all.
 */
export type RuleStatus = 'fail' | 'pass' | 'incomplete' | 'not-checked';

/** A coverage gap as a rule result names it. */
export interface RuleGap {
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
}
