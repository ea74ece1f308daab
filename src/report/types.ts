import type { Evaluation } from '../engine/findings.js';
import type { CompiledRule } from '../ruleset/types.js';

export interface ReportContext {
  evaluation: Evaluation;
  /** The rules that ran (for descriptors, help and remediation). */
  rules: readonly CompiledRule[];
  /** Colour escapes allowed (text only). */
  color: boolean;
  /** Where the other reports of this run were written, for the text summary to point at. */
  written?: string[];
}

/** A formatter turns one evaluation into the bytes of one report. */
export type Formatter = (ctx: ReportContext) => string;
