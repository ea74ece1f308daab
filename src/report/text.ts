import type { ComplianceResult } from '../compliance/status.js';
import type { Attribution } from '../engine/findings.js';
import type { Review, ReviewedFinding } from '../findings/review.js';
import { foldedByFingerprint } from '../engine/fold.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { allowedRules, describeRuleCounts, incompleteRules, notCheckedRules, summarize, undecidedNote } from './summary.js';
import { accountCounts, accountSummaries, type AccountSummary } from './accounts.js';
import type { Formatter } from './types.js';

const COLORS: Record<Severity | 'dim' | 'bold' | 'ok' | 'warn', string> = {
  critical: '\x1b[1;97;41m',
  high: '\x1b[1;31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  ok: '\x1b[32m',
  warn: '\x1b[1;33m',
};
const RESET = '\x1b[0m';

export function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

function formatEvidenceValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Values from AWS or from files may hold terminal escape sequences (a tag value is any
 * string): show control characters as \uXXXX so they cannot move the cursor or recolour
 * the terminal. The same for the characters that change how text is shown without being
 * seen (Trojan Source, CVE-2021-42574): bidi embeddings, overrides, isolates and marks
 * (U+202A–202E, U+2066–2069, U+200E/200F, U+061C), the zero-width space, word joiners, the
 * byte-order mark and interlinear annotations; a name could otherwise read as something it is
 * not. The zero-width (non-)joiners stay: scripts and emoji need them, and they move nothing.
 */
// eslint-disable-next-line no-control-regex -- these are the characters to escape
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every string of a value through `printable` (object keys too), so no field of the report can be printed raw. */
function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => printableDeep(item)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(out, printable(key), { value: printableDeep(item), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}

/** "PutBucketAcl at 2023-07-10T12:00:00Z by arn:… from 198.51.100.7 (aws-cli/2.15…)": who changed the resource last. */
export function describeAttribution(a: Attribution): string {
  const agent = a.userAgent ? ` (${a.userAgent.length > 60 ? `${a.userAgent.slice(0, 57)}...` : a.userAgent})` : '';
  return printable(
    `${a.eventName} at ${a.eventTime} by ${a.principalArn ?? 'an unknown principal'}${a.sourceIPAddress ? ` from ${a.sourceIPAddress}` : ''}${agent} [event ${a.eventID}]`,
  );
}

/** A readable terminal summary. Colour only when asked (TTY and no NO_COLOR). */
export const formatText: Formatter = ({ evaluation: raw, color, written, compliance, accountCompliance }) => {
  // Every value is escaped once here (the header's accounts and sources, the baseline's file, a
  // severity reason...); printable() below is then a no-op, kept where a value is printed.
  const evaluation = printableDeep(raw);
  const paint = (style: keyof typeof COLORS, text: string) => (color ? `${COLORS[style]}${text}${RESET}` : text);
  const lines: string[] = [];
  const { meta } = evaluation;
  const summary = summarize(evaluation);
  lines.push(
    paint('bold', `awsaudit — ${scope(evaluation)}`) +
      printable(
        ` · ${meta.source} · ${meta.regions.length} region(s) · ${evaluation.resourceCount} resource(s) · collected ${meta.collectedAt} → evaluated ${evaluation.evaluatedAt}`,
      ),
  );
  lines.push('');
  // A finding folded into a broader one (the same cause) is shown inside it, not on its own.
  const folded = foldedByFingerprint(evaluation.findings);
  for (const f of evaluation.findings) {
    if (f.foldedInto !== undefined) continue;
    const where = `${f.resource.type} ${f.resource.id}${f.resource.region ? ` (${f.resource.account}/${f.resource.region})` : ''}`;
    const loc = f.location
      ? ` ${f.location.path}${f.location.line ? `:${f.location.line}` : ''}${f.location.column ? `:${f.location.column}` : ''}`
      : '';
    lines.push(
      `${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${paint('bold', f.ruleId)}  ${paint('dim', printable(where + loc))}${stateLabel(f, paint)}`,
    );
    lines.push(
      `         ${printable(f.message)}${f.costMonthlyUsd !== undefined ? paint('warn', `  (~${usd(f.costMonthlyUsd)}/month)`) : ''}`,
    );
    if (f.suppression)
      lines.push(
        `         ${paint('dim', `suppressed: ${printable(f.suppression.reason)} (${printable(f.suppression.source)}${f.suppression.expires ? `, until ${f.suppression.expires}` : ''})`)}`,
      );
    if (f.severityReason) lines.push(`         ${paint('dim', `severity: ${f.severityReason}`)}`);
    for (const e of f.evidence.slice(0, 4)) {
      lines.push(
        `         ${paint('dim', printable(`evidence: ${e.negated ? 'not ' : ''}${e.path} ${e.op}${e.expected !== undefined ? ` ${formatEvidenceValue(e.expected)}` : ''} (actual ${formatEvidenceValue(e.actual)})`))}`,
      );
    }
    if (f.gaps?.length) lines.push(`         ${paint('dim', `decided despite: ${describeGaps(f.gaps)}`)}`);
    for (const n of folded.get(f.fingerprint) ?? [])
      lines.push(
        `         ${paint('dim', 'also:')} ${paint(n.severity, n.severity)} ${paint('bold', n.ruleId)}  ${printable(n.message)}${stateLabel(n, paint)}`,
      );
    if (f.attribution) lines.push(`         ${paint('dim', 'last change:')} ${describeAttribution(f.attribution)}`);
    if (f.remediation.cli) lines.push(`         ${paint('dim', 'fix:')} ${printable(f.remediation.cli)}`);
  }
  if (evaluation.findings.length) lines.push('');

  if (evaluation.cloudtrail) {
    const ct = evaluation.cloudtrail;
    lines.push(
      `CloudTrail: ${ct.events} event(s) ${ct.since || ct.until ? `from ${ct.since ?? 'any time'} to ${ct.until ?? 'now'}` : 'at any time'} (${ct.records} record(s) read in ${ct.chunks} file(s)/object(s)/page(s) from ${ct.sources.join('; ')})`,
    );
    if (ct.distinctEvents !== undefined)
      lines.push(
        `CloudTrail counting: each event once (same eventID, account and region = one event): ${ct.distinctEvents} distinct event(s); rule results count these, and a rule's failed count is its number of findings.`,
      );
    lines.push('');
  }
  const notChecked = notCheckedRules(evaluation.rules);
  const incomplete = incompleteRules(evaluation.rules);
  const baseline = evaluation.baseline;
  if (baseline && (baseline.fixed.length || baseline.notRechecked.length)) {
    if (baseline.fixed.length) {
      lines.push(paint('ok', `Fixed since the baseline ${baseline.file} (${baseline.fixed.length}):`));
      for (const f of baseline.fixed)
        lines.push(`  ${f.severity.padEnd(8)} ${f.ruleId}  ${printable(`${f.resource.type} ${f.resource.id}`)}`);
    }
    if (baseline.notRechecked.length) {
      lines.push(paint('warn', `In the baseline but not re-checked in this scan (not a fix) (${baseline.notRechecked.length}):`));
      for (const f of baseline.notRechecked)
        lines.push(`  ${f.severity.padEnd(8)} ${f.ruleId}  ${printable(`${f.resource.type} ${f.resource.id}`)}: ${f.reason ?? ''}`);
    }
    lines.push('');
  }
  const expired = evaluation.expiredSuppressions ?? [];
  if (expired.length) {
    lines.push(paint('warn', `Expired suppressions (${expired.length}): no longer applied; their findings are reported again:`));
    for (const x of expired)
      lines.push(`  ${printable(x.source)} expired ${x.expires}: ${printable(x.reason)} (${x.matched} finding(s) in this scan)`);
    lines.push('');
  }
  if (evaluation.gaps.length) {
    lines.push(paint('warn', `Coverage gaps (${evaluation.gaps.length}): these could not be read, so results for them are incomplete:`));
    for (const g of evaluation.gaps)
      lines.push(printable(`  ${g.account ? `${g.account} ` : ''}${g.service} ${g.region} ${g.operation}: ${g.errorCode} — ${g.message}`));
    lines.push('');
  }
  // What the scan left out on purpose (ignored or binary files, a cut time window): part of "what was not seen".
  for (const note of meta.notes ?? []) lines.push(paint('dim', printable(`note: ${note}`)));
  if (incomplete.length) {
    lines.push(
      paint('warn', printable(`Incomplete (not a clean result): ${incomplete.map((r) => r.ruleId + undecidedNote(r)).join(', ')}`)),
    );
  }
  const allowed = allowedRules(evaluation.rules);
  if (allowed.length) {
    const some = allowed.filter((r) => r.allowed > 0);
    lines.push(
      paint(
        'dim',
        printable(
          some.length
            ? `Allow-listed events left out (config allow; not findings, not counted by correlations; each event once): ${some.map((r) => `${r.ruleId} (${r.allowed})`).join(', ')}`
            : 'Allow-lists (config allow) left out no event',
        ),
      ),
    );
  }
  if (notChecked.length) {
    lines.push(
      paint(
        'warn',
        `Not checked (a resource type it reads was not collected): ${notChecked.map((r) => `${r.ruleId} [${r.missing}]`).join(', ')}`,
      ),
    );
  }
  for (const c of compliance ?? []) lines.push(...complianceLines(c, paint));
  if (evaluation.organization) lines.push(...accountLines(accountSummaries(evaluation, accountCompliance), paint));
  const sev = SEVERITIES.filter((s) => summary.bySeverity[s] > 0).map((s) => paint(s, `${summary.bySeverity[s]} ${s}`));
  lines.push(
    `${paint('bold', `${summary.findings} finding(s)`)}${sev.length ? ` (${sev.join(', ')})` : ''} · ${describeRuleCounts(summary.rules)}` +
      (summary.costMonthlyUsd > 0 ? ` · estimated waste ${paint('warn', `${usd(summary.costMonthlyUsd)}/month`)}` : '') +
      (summary.suppressed ? ` · ${summary.suppressed} suppressed` : '') +
      (summary.folded ? ` · ${summary.folded} folded into a broader finding` : '') +
      (summary.baseline
        ? ` · baseline: ${summary.baseline.new} new, ${summary.baseline.unchanged} unchanged, ${summary.baseline.fixed} fixed`
        : ''),
  );
  for (const file of written ?? []) lines.push(`report: ${file}`);
  return lines.join('\n') + '\n';
};

/** Coverage gaps a finding was decided despite: "GetTrailStatus (AccessDenied, us-east-1); …". */
export function describeGaps(gaps: ReadonlyArray<{ operation: string; errorCode: string; region: string }>): string {
  return (
    gaps.map((g) => printable(`${g.operation} (${g.errorCode}, ${g.region})`)).join('; ') +
    ' failed, and the verdict holds whatever it would have returned'
  );
}

/** Up to this many failing ids are named in the text summary; the JSON and HTML reports have them all. */
const FAILING_IDS_SHOWN = 25;

/** Two lines per framework: the counts, and which recommendations failed. */
function complianceLines(c: ComplianceResult, paint: (style: keyof typeof COLORS, text: string) => string): string[] {
  const s = c.summary;
  const parts = [`${s.pass} passed`, `${s.fail} failed`];
  if (s.incomplete) parts.push(`${s.incomplete} incomplete`);
  if (s.notChecked) parts.push(`${s.notChecked} not checked`);
  if (s.manual) parts.push(`${s.manual} manual`);
  const percent = s.percentPassing === null ? '' : ` — ${s.percentPassing}% of the ${s.total - s.manual} an API call decides passed`;
  const lines = [
    `${paint('bold', `${c.name} ${c.version}`)}: ${s.total} ${c.framework === 'fsbp' ? 'controls' : 'recommendations'}, ${parts.join(', ')}${percent}`,
  ];
  const failing = c.recommendations.filter((r) => r.status === 'fail').map((r) => r.id);
  if (failing.length) {
    const shown = failing.slice(0, FAILING_IDS_SHOWN).join(', ');
    lines.push(
      `  ${paint('high', 'failing:')} ${shown}${failing.length > FAILING_IDS_SHOWN ? `, … (${failing.length - FAILING_IDS_SHOWN} more)` : ''}`,
    );
  }
  return lines;
}

function stateLabel(f: ReviewedFinding, paint: (style: keyof typeof COLORS, text: string) => string): string {
  const labels: string[] = [];
  if (f.baselineState === 'new') labels.push(paint('warn', '[new]'));
  if (f.suppression) labels.push(paint('dim', '[suppressed]'));
  return labels.length ? `  ${labels.join(' ')}` : '';
}

/** Up to this many accounts are listed one per line; past it, the failed and partial ones and those with the most findings (JSON and HTML have all). */
const ACCOUNTS_SHOWN = 50;

/** A scan of many accounts: one line per account, then how many were scanned, partial, failed. */
function accountLines(accounts: readonly AccountSummary[], paint: (style: keyof typeof COLORS, text: string) => string): string[] {
  const counts = accountCounts(accounts);
  let shown = [...accounts];
  if (shown.length > ACCOUNTS_SHOWN) {
    const troubled = shown.filter((a) => a.status !== 'scanned');
    const busiest = shown
      .filter((a) => a.status === 'scanned')
      .sort((a, b) => b.summary.findings - a.summary.findings)
      .slice(0, Math.max(0, ACCOUNTS_SHOWN - troubled.length));
    const keep = new Set([...troubled, ...busiest]);
    shown = shown.filter((a) => keep.has(a));
  }
  const width = Math.min(24, Math.max(4, ...shown.map((a) => (a.name ?? '').length)));
  const lines = [
    paint(
      'bold',
      `Accounts (${accounts.length}: ${counts.scanned} scanned, ${counts.partial} with coverage gaps, ${counts.failed} not scanned)${shown.length < accounts.length ? `, ${shown.length} shown: those not fully scanned and those with the most findings` : ''}:`,
    ),
  ];
  for (const a of shown) {
    const name = (a.name ?? '').length > width ? `${(a.name ?? '').slice(0, width - 1)}…` : (a.name ?? '').padEnd(width);
    const head = `  ${a.account} ${name} `;
    if (a.status === 'failed') {
      lines.push(head + paint('high', `NOT SCANNED ${a.error?.code ?? ''}: ${a.error?.message ?? ''}`));
      continue;
    }
    const s = a.summary;
    const sev = SEVERITIES.filter((x) => s.bySeverity[x] > 0).map((x) => paint(x, `${s.bySeverity[x]} ${x}`));
    const compliance = (a.compliance ?? []).map((c) => `${c.framework} ${c.percentPassing === null ? '—' : `${c.percentPassing}%`}`);
    lines.push(
      head +
        `${s.findings} finding(s)${sev.length ? ` (${sev.join(', ')})` : ''}` +
        (s.costMonthlyUsd > 0 ? ` · waste ${usd(s.costMonthlyUsd)}/month` : '') +
        ` · ${s.rules.failed} rule(s) failed` +
        (compliance.length ? ` · ${compliance.join(', ')} passing` : '') +
        (a.gaps ? paint('warn', ` · ${a.gaps} coverage gap(s)`) : '') +
        ` · ${(a.timing.durationMs / 1000).toFixed(1)}s`,
    );
  }
  lines.push('');
  return lines;
}

/** What a report is about: "account 123456789012", or for many accounts "organisation o-… (50 accounts)". */
export function scope(review: Pick<Review, 'meta' | 'organization'>): string {
  const org = review.organization;
  if (org)
    return `${org.id ? `organisation ${org.id}` : 'accounts'} (${org.accounts.length} account${org.accounts.length === 1 ? '' : 's'})`;
  return `account ${review.meta.accounts.join(', ') || '(none)'}`;
}
