/**
 * A compliance framework as data: its recommendations (CIS) or controls (Security Hub), each
 * with what a reviewer needs to know when awsaudit cannot decide it by an API call. Which
 * awsaudit rules answer a recommendation is not written here: each rule names the ids it
 * covers in its own `compliance` (metadata is written once), and ./status.ts joins the two.
 */

/** The framework keys of a rule's `compliance` that have a catalogue. */
export const FRAMEWORK_IDS = ['cis-aws-6.0', 'fsbp'] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

export function isFrameworkId(value: string): value is FrameworkId {
  return (FRAMEWORK_IDS as readonly string[]).includes(value);
}

/** Security Hub's control severities. */
export type ControlSeverity = 'critical' | 'high' | 'medium' | 'low';

export interface Recommendation {
  /** The framework's own id: "2.7", "3.1.4", "IAM.7". */
  id: string;
  title: string;
  /** The id of its section in the framework's `sections`. */
  section: string;
  /** CIS profile level (1 or 2). */
  level?: 1 | 2;
  /** How CIS itself assesses it ("Automated" or "Manual" in the benchmark). Not the same as whether awsaudit can decide it. */
  assessment?: 'automated' | 'manual';
  /** Security Hub's severity of the control. */
  severity?: ControlSeverity;
  /**
   * Set when no API call awsaudit makes can decide the recommendation (wholly, or the part its
   * rules do not cover): how a reviewer checks it by hand. Such a recommendation is never
   * reported as passed; it is "manual" unless one of its rules fails.
   */
  manual?: string;
  /** Security Hub controls outside the Foundational Security Best Practices standard itself (CIS- or NIST-only controls) that the rules cite. */
  outsideStandard?: boolean;
}

export interface Section {
  id: string;
  title: string;
}

export interface Framework {
  id: FrameworkId;
  /** "CIS Amazon Web Services Foundations Benchmark". */
  name: string;
  version: string;
  /** Where the framework is published. */
  url: string;
  /** Short label for tags and tables: "CIS AWS 6.0", "FSBP". */
  short: string;
  /** The word for one item: "recommendation" (CIS) or "control" (Security Hub). */
  item: string;
  sections: readonly Section[];
  recommendations: readonly Recommendation[];
}
