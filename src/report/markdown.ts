import path from 'node:path';
import type { ReviewedFinding } from '../findings/review.js';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { CoverageGap } from '../snapshot/types.js';
import { fromRoot } from '../util/paths.js';
import { TOOL_URI } from '../util/version.js';
import { describeRuleCounts, incompleteRules, notCheckedRules, summarize, undecidedNote } from './summary.js';
import { usd } from './text.js';
import type { Formatter, ReportContext } from './types.js';

/**
 * GitHub's limits: a pull-request or issue comment holds at most 65,536 characters, and a job's
 * `$GITHUB_STEP_SUMMARY` at most 1 MiB. The summary is cut to the smaller one, with room left
 * for a line the workflow may add around it.
 */
export const MARKDOWN_BUDGET = 60_000;

/** Where the rule reference of the built-in rules is published (docs/rules.md has one `### <id>` heading per rule). */
const RULE_DOCS = `${TOOL_URI}/blob/main/docs/rules.md`;

/**
 * Text from AWS (names, tags, messages that quote them) in Markdown: every ASCII punctuation
 * character is backslash-escaped (CommonMark allows that for all of them), so no value can
 * open a link, an image, emphasis, a code span, raw HTML (`<`), an entity (`&`), a GFM
 * autolink or a table cell (`|`). Line breaks and control characters become spaces: one value
 * stays on its table row. GitHub (like the GFM parsers) finds `www.`, `http://` and e-mail
 * autolinks, and `@name` mentions, in the text after escapes are undone, so those get a
 * zero-width space that breaks them: a bucket named `@org/team` notifies no one.
 */
export function mdText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what is replaced
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/@/g, '@\u200b')
      .replace(/(www)\./gi, '$1\u200b.')
      .replace(/:\/\//g, ':\u200b//')
      .replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`)
  );
}

/** A rule id as a link to its documentation: the built-in rules' reference, else the rule's first reference, else plain text. */
function ruleLink(id: string, rule: CompiledRule | undefined): string {
  const builtIn = rule && !path.relative(fromRoot('rules'), rule.file).startsWith('..');
  if (builtIn && /^[a-z0-9-]+$/.test(id)) return `[${id}](${RULE_DOCS}#${id})`;
  const ref = rule?.definition.references?.[0];
  if (ref && /^https:\/\/[^\s()<>]+$/.test(ref)) return `[${mdText(id)}](${ref})`;
  return mdText(id);
}

function bySeverity(a: ReviewedFinding, b: ReviewedFinding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

const FINDING_HEADER = '| Severity | Rule | Resource | Account | Region | What is wrong |\n|---|---|---|---|---|---|\n';

function findingRow(f: ReviewedFinding, rules: ReadonlyMap<string, CompiledRule>): string {
  const r = f.resource;
  const name = r.name && r.name !== r.id ? ` (${mdText(r.name)})` : '';
  const cost = f.costMonthlyUsd ? ` — ${usd(f.costMonthlyUsd)}/month` : '';
  const cells = [
    f.severity,
    ruleLink(f.ruleId, rules.get(f.ruleId)),
    mdText(r.id) + name,
    mdText(r.account),
    mdText(r.region),
    mdText(f.message) + cost,
  ];
  return `| ${cells.join(' | ')} |\n`;
}

/**
 * Lines are added while they fit in the budget; what does not fit is counted, never dropped in
 * silence: each table ends with "… and N more" when it was cut.
 */
class Budget {
  constructor(private left: number) {}
  take(text: string): boolean {
    if (text.length > this.left) return false;
    this.left -= text.length;
    return true;
  }
  /** Room kept back for what must be said at the end (the "… and N more" lines, the gaps' headline). */
  reserve(n: number): void {
    this.left -= n;
  }
  release(n: number): void {
    this.left += n;
  }
}

function table(title: string, findings: readonly ReviewedFinding[], rules: ReadonlyMap<string, CompiledRule>, budget: Budget): string {
  if (findings.length === 0) return '';
  let out = `\n### ${title} (${findings.length})\n\n`;
  if (!budget.take(out + FINDING_HEADER))
    return `\n_${title}: ${findings.length}, not listed (size limit of this summary); see the full report._\n`;
  out += FINDING_HEADER;
  let shown = 0;
  for (const f of findings) {
    if (!budget.take(findingRow(f, rules))) break;
    out += findingRow(f, rules);
    shown++;
  }
  if (shown < findings.length)
    out += `\n_… and ${findings.length - shown} more not shown here (size limit of this summary); every finding is in the full report._\n`;
  return out;
}

function accountLines(ctx: ReportContext, open: readonly ReviewedFinding[], budget: Budget): string {
  const { meta, gaps } = ctx.evaluation;
  if (meta.accounts.length < 2) return '';
  const rows = new Map(
    meta.accounts.map((a) => [a, { counts: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>, gaps: 0 }]),
  );
  for (const f of open) {
    const row = rows.get(f.resource.account);
    if (row) row.counts[f.severity]++;
  }
  // Gaps name their account in scans of many accounts (docs/organizations.md); others belong to no one account.
  for (const g of gaps as ReadonlyArray<CoverageGap & { account?: string }>)
    if (g.account) {
      const row = rows.get(g.account);
      if (row) row.gaps++;
    }
  let out = `\n### Accounts (${meta.accounts.length})\n\n| Account | ${SEVERITIES.join(' | ')} | Coverage gaps |\n|---|${SEVERITIES.map(() => '---:|').join('')}---:|\n`;
  budget.take(out);
  let shown = 0;
  for (const [account, row] of rows) {
    const line = `| ${mdText(account)} | ${SEVERITIES.map((s) => row.counts[s]).join(' | ')} | ${row.gaps} |\n`;
    if (!budget.take(line)) break;
    out += line;
    shown++;
  }
  if (shown < rows.size)
    out += `\n_… and ${rows.size - shown} more accounts not shown here (size limit of this summary); see the full report._\n`;
  return out;
}

/** What could not be checked: never left out, whatever the budget (only the list of gaps is cut, with its count). */
function coverage(ctx: ReportContext, budget: Budget): string {
  const { evaluation } = ctx;
  const notChecked = notCheckedRules(evaluation.rules);
  const incomplete = incompleteRules(evaluation.rules);
  const gaps = evaluation.gaps;
  if (!notChecked.length && !incomplete.length && !gaps.length)
    return '\n### Coverage\n\nEverything the rules read was read: no coverage gap.\n';
  let out = '\n### Coverage gaps\n\n';
  out += `${notChecked.length} rule(s) not checked (a resource type they read was not collected), ${incomplete.length} incomplete (a gap or undecided resources: they are not passes), ${gaps.length} call(s) that failed.\n\n`;
  const lines = [
    ...notChecked.map((r) => `- not checked: ${mdText(r.ruleId)} (${mdText(r.missing)})\n`),
    ...incomplete.map((r) => `- incomplete: ${mdText(r.ruleId)}${mdText(undecidedNote(r))}\n`),
    ...gaps.map((g) => `- ${mdText(`${g.service} ${g.operation} in ${g.region}: ${g.errorCode} — ${g.message}`)}\n`),
  ];
  let shown = 0;
  for (const line of lines) {
    if (!budget.take(line)) break;
    out += line;
    shown++;
  }
  if (shown < lines.length) out += `- … and ${lines.length - shown} more (size limit of this summary); see the full report\n`;
  return out;
}

/** `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` and pull-request comments (docs/reports.md). */
export function markdownFormatter(limit = MARKDOWN_BUDGET): Formatter {
  return (ctx) => {
    const { evaluation } = ctx;
    const summary = summarize(evaluation);
    const rules = new Map(ctx.rules.map((r) => [r.id, r]));
    const open = evaluation.findings.filter((f) => !f.suppression).sort(bySeverity);
    const { meta } = evaluation;
    const accounts = meta.accounts.length === 1 ? `account ${mdText(meta.accounts[0]!)}` : `${meta.accounts.length} accounts`;
    let head = `## awsaudit: ${summary.findings} open finding${summary.findings === 1 ? '' : 's'} in ${accounts}\n\n`;
    head += `${mdText(meta.regions.join(', '))} · evaluated ${mdText(evaluation.evaluatedAt)}\n\n`;
    const baseline = summary.baseline;
    head += `| Severity | Open |${baseline ? ' New |' : ''}\n|---|---:|${baseline ? '---:|' : ''}\n`;
    for (const s of SEVERITIES) {
      const fresh = baseline ? ` ${open.filter((f) => f.severity === s && f.baselineState === 'new').length} |` : '';
      head += `| ${s} | ${summary.bySeverity[s]} |${fresh}\n`;
    }
    head += `\n**Rules:** ${mdText(describeRuleCounts(summary.rules))}.`;
    if (summary.costMonthlyUsd) head += ` **Waste:** ${mdText(usd(summary.costMonthlyUsd))}/month.`;
    if (summary.suppressed) head += ` **Suppressed:** ${summary.suppressed}.`;
    if (baseline)
      head += `\n\n**Against the baseline:** ${baseline.new} new, ${baseline.unchanged} unchanged, ${baseline.fixed} fixed, ${baseline.notRechecked} not checked again.`;
    head += '\n';

    const budget = new Budget(limit - head.length);
    // The coverage headline is written whatever the findings take: keep its room first. The
    // account lines may take a quarter of the summary at most.
    budget.reserve(2_000);
    const accountBudget = new Budget(Math.floor(limit / 4));
    const accountPart = accountLines(ctx, open, accountBudget);
    budget.reserve(accountPart.length);
    const fresh = baseline ? open.filter((f) => f.baselineState === 'new') : [];
    const rest = baseline ? open.filter((f) => f.baselineState !== 'new') : open;
    let body = baseline ? table('New findings', fresh, rules, budget) : '';
    body += table(baseline ? 'Other open findings' : 'Open findings', rest, rules, budget);
    budget.release(2_000);
    const gaps = coverage(ctx, budget);
    return `${head}${accountPart}${body}${gaps}`;
  };
}

export const formatMarkdown: Formatter = markdownFormatter();
