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

export type RuleStatus = 'fail' | 'pass' | 'not-checked';

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
  /** fail: at least one finding; pass: none, and the type was collected; not-checked: the type was not collected at all. */
  status: RuleStatus;
  /** False when a coverage gap touches the rule's resource type, or a resource was undecided: a pass is then not a clean bill. */
  complete: boolean;
  /** Regions/operations that could not be read for this rule's type. */
  gaps: Array<{ region: string; operation: string; errorCode: string }>;
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
