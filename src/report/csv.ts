import type { ReviewedFinding } from '../findings/review.js';
import type { Formatter } from './types.js';

/**
 * The columns of `--format csv`, in order (docs/reports.md lists them; new columns are only
 * ever added at the end, so scripts that read columns by position keep working).
 */
export const CSV_COLUMNS: ReadonlyArray<readonly [string, (f: ReviewedFinding) => string]> = [
  ['fingerprint', (f) => f.fingerprint],
  ['severity', (f) => f.severity],
  ['rule_id', (f) => f.ruleId],
  ['title', (f) => f.title],
  ['kind', (f) => f.kind],
  ['account', (f) => f.resource.account],
  ['region', (f) => f.resource.region],
  ['resource_type', (f) => f.resource.type],
  ['resource_id', (f) => f.resource.id],
  ['resource_name', (f) => f.resource.name ?? ''],
  ['resource_arn', (f) => f.resource.arn ?? ''],
  ['message', (f) => f.message],
  ['remediation', (f) => f.remediation.text],
  ['remediation_cli', (f) => f.remediation.cli ?? ''],
  ['cost_monthly_usd', (f) => (f.costMonthlyUsd === undefined ? '' : f.costMonthlyUsd.toFixed(2))],
  ['location', (f) => (f.location ? `${f.location.path}${f.location.line ? `:${f.location.line}` : ''}` : '')],
  ['baseline_state', (f) => f.baselineState ?? ''],
  ['suppressed', (f) => (f.suppression ? 'true' : 'false')],
  ['suppression_reason', (f) => f.suppression?.reason ?? ''],
  ['evidence', (f) => JSON.stringify(f.evidence)],
];

/**
 * A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some also
 * after a tab or carriage return): such a cell gets a leading `'`, which spreadsheets show as
 * text (OWASP, "CSV Injection"). Values from AWS (names, tags) can start with anything.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  // RFC 4180: every field quoted, quotes doubled; line breaks stay inside the quotes.
  return `"${safe.replace(/"/g, '""')}"`;
}

/** `--format csv`: RFC 4180 (CRLF line ends, a header row), one row per finding, suppressed ones included and marked. */
export const formatCsv: Formatter = ({ evaluation, notice }) => {
  const rows = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const f of evaluation.findings) rows.push(CSV_COLUMNS.map(([, get]) => csvCell(get(f))).join(','));
  // A table of findings cannot say what was not checked: say it where the user reads notices.
  const gaps = evaluation.gaps.length;
  const notChecked = evaluation.rules.filter((r) => r.status === 'not-checked' || !r.complete).length;
  if ((gaps || notChecked) && notice)
    notice(
      `the CSV report lists findings only: ${notChecked} rule(s) not checked or incomplete and ${gaps} coverage gap(s) are in the text, JSON and HTML reports`,
    );
  return rows.join('\r\n') + '\r\n';
};
