/**
 * The JSON report's identity: `src/report/json.ts` writes it and `./baseline.ts` reads earlier
 * reports back, so the reader does not import the writer (reports depend on findings, not the
 * other way round).
 */
export const REPORT_FORMAT = 'awsaudit-report';

/**
 * 2: `rules[].status` is "incomplete" (not "pass") for a rule with no finding that is not a clean
 * bill, `rules[].missingTypes` names what a not-checked rule lacked, and `summary.rules` counts
 * each rule once by status (`failed`, `passed`, `incomplete`, `notChecked` add up to `total`;
 * `failedIncomplete` is part of `failed`). Findings are the same as in version 1.
 */
export const REPORT_VERSION = 2;

/** Report versions `--baseline` reads: it reads only findings, whose shape has not changed since version 1. */
export const BASELINE_REPORT_VERSIONS: readonly number[] = [1, 2];
