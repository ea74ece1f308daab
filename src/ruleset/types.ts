import type { Kind, Severity } from '../model/severity.js';
import type { CompiledCondition } from '../engine/condition.js';
import type { CompiledCorrelation, CorrelateDefinition } from './correlate.js';
import type { ShellTemplate, Template } from '../engine/template.js';
import type { JsonObject } from '../util/json.js';

export interface OptionDefinition {
  type: 'number' | 'integer' | 'string' | 'boolean' | 'array';
  default: unknown;
  description: string;
}

export interface RuleCase {
  name: string;
  /** Correlation rules: the CloudTrail records of the case, evaluated together (`data` is then unused). */
  records?: JsonObject[];
  id?: string;
  region?: string;
  account?: string;
  data?: JsonObject;
  facts?: JsonObject;
  context?: Array<{ type: string; id: string; region?: string; data: JsonObject }>;
  now?: string;
  options?: Record<string, unknown>;
  severity?: Severity;
}

/** A must-fail case may pin what the finding says. */
export interface FailCase extends RuleCase {
  /** The finding's message: the exact text, or `/regex/`. */
  message?: string;
  /** The rendered fix command: the exact text, `/regex/`, or null for "no command" (a value that cannot be quoted safely). */
  cli?: string | null;
}

/** A rule file as written (after schema validation). */
export interface RuleDefinition {
  id: string;
  title: string;
  description: string;
  resource: string;
  requires?: string[];
  /** Rules whose finding on the same resource is this rule's cause seen more narrowly: folded into this rule's finding (src/engine/fold.ts). */
  subsumes?: string[];
  /** false: opt-in rule. */
  enabled?: boolean;
  kind: Kind;
  severity: Severity;
  /** Where the rule comes from: free text for a user's rules; the built-in rules name warnings of docs/WARNINGS.md. */
  source?: string[];
  options?: Record<string, OptionDefinition>;
  condition: unknown;
  /** Resources the rule cannot decide (checked when `condition` does not match): undecided, never passed. */
  unknownWhen?: unknown;
  severityOverrides?: Array<{ when: unknown; severity: Severity; reason: string }>;
  /** A different fix where the rule's would break the resource's evident purpose (first match wins; no `cli`: no command). */
  remediationOverrides?: Array<{ when: unknown; reason: string; text: string; cli?: string }>;
  /** Event rules: judge matching events together over time (src/cloudtrail/correlation/). */
  correlate?: CorrelateDefinition;
  message: string;
  remediation: { text: string; cli?: string; console?: string };
  references?: string[];
  /** Control ids by framework: `cis` and `fsbp` for the built-in rules, any other name for a user's own. */
  compliance?: { 'cis-aws-6.0'?: string[]; fsbp?: string[]; [framework: string]: string[] | undefined };
  cost?: { monthlyUsd: number | { $option: string } | { path: string }; basis: string };
  tags?: string[];
  tests: { fail: FailCase[]; pass: RuleCase[]; unknown?: RuleCase[] };
}

/** One allow-list entry (config file): every field given must match; an event matching any entry is allowed. */
export interface AllowEntry {
  principalArns?: string[];
  userNames?: string[];
  roleNames?: string[];
  sourceIps?: string[];
  userAgents?: string[];
  reason?: string;
}

/** Per-rule settings from the config file. */
export interface RuleSettings {
  enabled?: boolean;
  severity?: Severity;
  options?: Record<string, unknown>;
  /** Event rules: events to leave out before they are judged (src/cloudtrail/allow-list.ts). */
  allow?: AllowEntry[];
}

/** A rule ready to evaluate: validated, with its options resolved and everything compiled. */
export interface CompiledRule {
  id: string;
  file: string;
  definition: RuleDefinition;
  /** Effective severity (config may change it). */
  severity: Severity;
  options: Record<string, unknown>;
  condition: CompiledCondition;
  /** From `unknownWhen`: a resource that does not fail and matches this is undecided. */
  unknown?: CompiledCondition;
  overrides: Array<{ when: CompiledCondition; severity: Severity; reason: string }>;
  /** From `remediationOverrides`, in order. */
  remediationOverrides?: Array<{ when: CompiledCondition; reason: string; text: string; cli?: ShellTemplate }>;
  message: Template;
  /** The fix as a command; undefined for a resource whose values cannot be quoted safely. */
  remediationCli?: ShellTemplate;
  /** Monthly cost estimate for a failing resource, if the rule has one. */
  cost?: (templateContext: unknown) => number | undefined;
  /** From `correlate` (event rules): how matching events are judged together. */
  correlation?: CompiledCorrelation;
}
