import type { ComplianceResult } from '../compliance/status.js';
import type { Review } from '../findings/review.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { MergeSummary } from '../org/merge.js';
import type { Snapshot } from '../snapshot/types.js';
import type { AccountComplianceTable } from './accounts.js';

export interface ReportContext {
  /** The evaluation with suppressions and baseline applied (a plain Evaluation is a Review without them). */
  evaluation: Review;
  /** The rules that ran (for descriptors, help and remediation). */
  rules: readonly CompiledRule[];
  /** Colour escapes allowed (text only). */
  color: boolean;
  /** Where the other reports of this run were written, for the text summary to point at. */
  written?: string[];
  /** Paths of file findings are made relative to this folder (the working directory). */
  baseDir?: string;
  /** Something the user should know about this report (e.g. results left out to fit a limit): goes to stderr. */
  notice?: (message: string) => void;
  /** With --compliance (or the config file's `compliance`): each framework's recommendations and their status. */
  compliance?: readonly ComplianceResult[];
  /**
   * A shard's snapshot (`--shard`): the JSON report carries it whole for `awsaudit merge`, which
   * evaluates the shards together. It is not passed through the secret sanitiser, like a snapshot
   * that `collect` writes: masking would change resource ids and so the merged fingerprints, and
   * collection already keeps secrets out of snapshots (user data, files: masked when read).
   */
  snapshot?: Snapshot;
  /** What `awsaudit merge` did with the shards given to it. */
  merge?: MergeSummary;
  /** A multi-account run with --compliance: each account's framework counts (docs/organizations.md). */
  accountCompliance?: AccountComplianceTable;
}

/** A formatter turns one evaluation into the bytes of one report. */
export type Formatter = (ctx: ReportContext) => string;
