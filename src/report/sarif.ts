import { foldedByFingerprint } from '../engine/fold.js';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type * as Sarif from 'sarif';
import type { AbsentFinding, ReviewedFinding, Review } from '../findings/review.js';
import { SEVERITY_RANK, type Severity } from '../model/severity.js';
import { ATTACK_TAG } from '../model/attack-techniques.js';
import { resourceTypeInfo } from '../resources/types.js';
import type { CompiledRule } from '../ruleset/types.js';
import { TOOL_NAME, TOOL_URI, toolVersion } from '../util/version.js';
import { describeAttribution } from './text.js';
import type { Formatter, ReportContext } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * GitHub code scanning's hard limits on an upload
 * (docs.github.com: "SARIF results exceed one or more limits", "SARIF file is too large").
 * Past them the whole upload is rejected, so the formatter stays inside them.
 */
export const GITHUB_LIMITS = {
  resultsPerRun: 25_000,
  runsPerFile: 20,
  /** The upload is gzipped; GitHub rejects more than 10 MB compressed. */
  gzipBytes: 10 * 1024 * 1024,
  /** GitHub accepts 20 tags per rule and displays 10. */
  tagsPerRule: 10,
};
export type SarifLimits = typeof GITHUB_LIMITS;

/**
 * `security-severity` is a CVSS-like score; GitHub shows > 9.0 as critical, 7.0–8.9 high,
 * 4.0–6.9 medium, 0.1–3.9 low. Each of our severities maps to a score inside its band
 * (info has no band of its own and shows as low).
 */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** CodeQL's property for non-security alerts: error, warning or recommendation. */
const PROBLEM_SEVERITY: Record<Severity, string> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'recommendation',
  info: 'recommendation',
};

/** Files outside the working directory are expressed relative to the file system root through this base id. */
const ROOT_BASE_ID = 'ROOT';

/** SARIF 2.1.0 that GitHub code scanning accepts: one run per account and one for local files (see runGroups), every rule that ran, a location on every result. */
export const formatSarif: Formatter = (ctx) => JSON.stringify(buildSarif(ctx), null, 2) + '\n';

export function buildSarif(ctx: ReportContext, limits: SarifLimits = GITHUB_LIMITS): Sarif.Log {
  const review = ctx.evaluation;
  const rules = [...ctx.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const driver: Sarif.ToolComponent = {
    name: TOOL_NAME,
    version: toolVersion(),
    semanticVersion: toolVersion(),
    informationUri: TOOL_URI,
    rules: rules.map((r) => ruleDescriptor(r, limits)),
  };
  const baseDir = ctx.baseDir ?? process.cwd();
  // One alert per cause: a finding folded into a broader one is not a result of its own; the
  // broader result names it (rule id and fingerprint) in `properties.folded`. Its fingerprint stays
  // in the JSON report, which is what --baseline reads. docs/reports.md says what this means for alerts.
  const folded = foldedByFingerprint(review.findings);

  const drafts = runGroups(review, limits).map((group) => {
    const findings = review.findings.filter((f) => f.foldedInto === undefined && group.holds(f.resource));
    // Most severe first, open before suppressed: what survives a cut is what matters most.
    const ordered = findings
      .map((finding, order) => ({ finding, order }))
      .sort((a, b) => priority(b.finding) - priority(a.finding) || a.order - b.order)
      .map((x) => x.finding);
    return { group, findings: ordered };
  });

  const build = (keep: (category: string) => number): Sarif.Log => ({
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: drafts.map((d) => buildRun(review, driver, ruleIndex, d.group, d.findings, keep(d.group.category), baseDir, folded)),
  });

  // 1. Results per run.
  const perRun = new Map(drafts.map((d) => [d.group.category, Math.min(d.findings.length, limits.resultsPerRun)]));
  let log = build((c) => perRun.get(c)!);
  // 2. The compressed size of the whole file: drop the least severe results across runs until it fits.
  if (gzipSize(log) > limits.gzipBytes) {
    const pool = drafts
      .flatMap((d) =>
        d.findings.slice(0, perRun.get(d.group.category)).map((finding, i) => ({ category: d.group.category, i, rank: priority(finding) })),
      )
      .sort((a, b) => b.rank - a.rank || a.i - b.i);
    const keepTop = (k: number) => {
      const counts = new Map(drafts.map((d) => [d.group.category, 0]));
      for (const x of pool.slice(0, k)) counts.set(x.category, counts.get(x.category)! + 1);
      return build((c) => counts.get(c)!);
    };
    let lo = 0;
    let hi = pool.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (gzipSize(keepTop(mid)) <= limits.gzipBytes) lo = mid;
      else hi = mid - 1;
    }
    log = keepTop(lo);
    if (gzipSize(log) > limits.gzipBytes) {
      ctx.notice?.(
        `SARIF: even without results the file is larger than ${limits.gzipBytes / 1024 / 1024} MB gzipped; GitHub will reject it.`,
      );
    }
  }

  for (const run of log.runs) {
    const omitted: unknown = run.properties?.resultsOmitted;
    if (typeof omitted === 'number' && omitted > 0) {
      ctx.notice?.(
        `SARIF: ${omitted} result(s) of ${describeRun(run)} left out to stay inside GitHub's limits ` +
          `(${limits.resultsPerRun.toLocaleString('en-US')} results per run, ${limits.gzipBytes / 1024 / 1024} MB gzipped); the most severe were kept. ` +
          'The JSON and HTML reports have every finding.',
      );
    }
  }
  const shared = drafts.find((d) => d.group.category === OTHER_ACCOUNTS_CATEGORY);
  if (shared) {
    const accounts = shared.group.accounts.length + drafts.filter((d) => d.group.kind === 'account').length;
    const message =
      `SARIF: ${accounts} accounts, but GitHub code scanning accepts at most ${limits.runsPerFile} runs (categories) per upload: ` +
      `${shared.group.accounts.length} of them share the last run, ${OTHER_ACCOUNTS_CATEGORY}, and their findings carry their account as a property. ` +
      `For one category per account, scan and upload at most ${limits.runsPerFile - 1} accounts at a time (e.g. --shard).`;
    ctx.notice?.(message);
    log.properties = { warnings: [message] };
  }
  return log;
}

function priority(f: ReviewedFinding): number {
  return SEVERITY_RANK[f.severity] * 2 + (f.suppression ? 0 : 1);
}

function gzipSize(log: Sarif.Log): number {
  return gzipSync(JSON.stringify(log, null, 2) + '\n').length;
}

const LOCAL_CATEGORY = `${TOOL_NAME}/local/`;
const OTHER_ACCOUNTS_CATEGORY = `${TOOL_NAME}/other-accounts/`;
const ORGANIZATION_CATEGORY = `${TOOL_NAME}/organization/`;

/** The accounts of a multi-account review that could not be read at all. */
function notScanned(review: Review): Array<{ account: string; name: string | null; error?: { code: string; message: string } }> {
  return (review.organization?.accounts ?? []).filter((a) => a.status === 'failed');
}

/** The findings one SARIF run holds, under one category (automationDetails.id). */
interface RunGroup {
  category: string;
  kind: 'account' | 'local' | 'other-accounts' | 'organization';
  /** The run's `account` property: the account, "local", or "other-accounts". */
  label: string;
  /** The accounts of a shared run (other-accounts). */
  accounts: string[];
  holds(resource: { account: string; region: string }): boolean;
}

/** Local files (keys, private keys, build files) are not in any AWS region, whichever account owns a key found in them. */
function isLocalResource(resource: { region: string }): boolean {
  return resource.region === 'local';
}

/**
 * The runs of the log, within GitHub's limit on runs per upload:
 * - one per account: the scanned accounts first (even with no findings: an empty run closes
 *   fixed alerts), then any other account a cloud finding names (an organization trail's
 *   events);
 * - one for local files, `awsaudit/local/`, whatever accounts own the keys found in them (the
 *   owner is a property of each result): a scan of notes holding 30 keys is one run, not 30;
 * - when there are more accounts than runs allowed, the last run, `awsaudit/other-accounts/`,
 *   holds the accounts that do not fit (their results say their account).
 */
function runGroups(review: Review, limits: SarifLimits): RunGroup[] {
  // Many accounts (--org): an account that could not be read gets no run. An empty run in its
  // category would close its open alerts as if fixed; its gap is a notification of every run.
  const failed = new Set(notScanned(review).map((a) => a.account));
  const accounts = review.meta.accounts.filter((a) => !failed.has(a));
  let local = review.meta.resourceTypes.some((t) => t.startsWith('file.'));
  for (const f of review.findings) {
    if (isLocalResource(f.resource)) local = true;
    else if (!accounts.includes(f.resource.account)) accounts.push(f.resource.account);
  }
  if (accounts.length === 0 && review.organization && !local) {
    // No account of the organisation could be read: one run, in a category no account uses, says so.
    return [{ category: ORGANIZATION_CATEGORY, kind: 'organization', label: 'organization', accounts: [], holds: () => false }];
  }
  if (accounts.length === 0) local = true;
  const room = limits.runsPerFile - (local ? 1 : 0);
  const own = accounts.length > room ? accounts.slice(0, room - 1) : accounts;
  const rest = accounts.slice(own.length);
  const groups: RunGroup[] = own.map((account) => ({
    category: `${TOOL_NAME}/${categorySafe(account)}/`,
    kind: 'account',
    label: account,
    accounts: [],
    holds: (r) => !isLocalResource(r) && r.account === account,
  }));
  if (rest.length) {
    const shared = new Set(rest);
    groups.push({
      category: OTHER_ACCOUNTS_CATEGORY,
      kind: 'other-accounts',
      label: 'other-accounts',
      accounts: rest,
      holds: (r) => !isLocalResource(r) && shared.has(r.account),
    });
  }
  if (local) groups.push({ category: LOCAL_CATEGORY, kind: 'local', label: 'local', accounts: [], holds: isLocalResource });
  return groups;
}

function describeRun(run: Sarif.Run): string {
  const account = String(run.properties?.account);
  return account === 'local'
    ? 'local files'
    : account === 'other-accounts'
      ? 'the other accounts'
      : account === 'organization'
        ? 'the organisation'
        : `account ${account}`;
}

function buildRun(
  review: Review,
  driver: Sarif.ToolComponent,
  ruleIndex: Map<string, number>,
  group: RunGroup,
  findings: ReviewedFinding[],
  keep: number,
  baseDir: string,
  folded: ReadonlyMap<string, readonly ReviewedFinding[]>,
): Sarif.Run {
  // In a run of one account of many, its own gaps and rule results; otherwise the whole review's.
  const own = group.kind === 'account' ? review.organization?.accounts.find((a) => a.account === group.label) : undefined;
  const scope = own
    ? { rules: own.rules, gaps: review.gaps.filter((g) => g.account === own.account) }
    : { rules: review.rules, gaps: review.gaps };
  const failedAccounts = notScanned(review);
  const kept = findings.slice(0, keep);
  const results = kept.map((f) => result(f, ruleIndex, baseDir, driver, folded.get(f.fingerprint)));
  const usesRoot = results.some((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uriBaseId === ROOT_BASE_ID);
  const omitted = findings.length - kept.length;
  const properties: Sarif.PropertyBag = {
    account: group.label,
    ...(group.accounts.length ? { accounts: group.accounts } : {}),
    scan: {
      accounts: review.meta.accounts,
      regions: review.meta.regions,
      source: review.meta.source,
      collectedAt: review.meta.collectedAt,
      evaluatedAt: review.evaluatedAt,
      resourceCount: review.resourceCount,
    },
    notCheckedRules: scope.rules.filter((r) => r.status === 'not-checked').map((r) => r.ruleId),
    incompleteRules: scope.rules.filter((r) => r.status !== 'not-checked' && !r.complete).map((r) => r.ruleId),
    suppressed: findings.filter((f) => f.suppression).length,
  };
  if (own?.name) properties.accountName = own.name;
  if (failedAccounts.length) properties.accountsNotScanned = failedAccounts.map((a) => a.account);
  if (omitted > 0) {
    const bySeverity: Partial<Record<Severity, number>> = {};
    for (const f of findings.slice(keep)) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    Object.assign(properties, {
      truncated: true,
      resultsOmitted: omitted,
      resultsOmittedBySeverity: bySeverity,
      truncationReason: 'GitHub code scanning limits (results per run, gzipped file size); the most severe results were kept',
    });
  }
  if (review.baseline) {
    const mine = (f: AbsentFinding) => group.holds(f.resource);
    properties.baseline = {
      file: review.baseline.file,
      // Fixed findings are not emitted as results with baselineState "absent": code scanning would
      // store them as alerts. A result that is no longer reported is how GitHub closes an alert.
      fixed: review.baseline.fixed.filter(mine).map(absentSummary),
      notRechecked: review.baseline.notRechecked.filter(mine).map((f) => ({ ...absentSummary(f), reason: f.reason })),
    };
  }
  if (review.expiredSuppressions?.length) properties.expiredSuppressions = review.expiredSuppressions;

  const run: Sarif.Run = {
    tool: { driver },
    automationDetails: { id: group.category },
    columnKind: 'utf16CodeUnits',
    invocations: [invocation(review.evaluatedAt, scope, ruleIndex, failedAccounts)],
    results,
    properties,
  };
  if (usesRoot) run.originalUriBaseIds = { [ROOT_BASE_ID]: { uri: 'file:///' } };
  return run;
}

function absentSummary(f: AbsentFinding) {
  return {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    severity: f.severity,
    resourceType: f.resource.type,
    resourceId: f.resource.id,
    region: f.resource.region,
  };
}

function invocation(
  evaluatedAt: string,
  review: Pick<Review, 'gaps' | 'rules'>,
  ruleIndex: Map<string, number>,
  failedAccounts: ReturnType<typeof notScanned>,
): Sarif.Invocation {
  const inv: Sarif.Invocation = { executionSuccessful: true, endTimeUtc: evaluatedAt };
  const notifications: Sarif.Notification[] = failedAccounts.map((a) => ({
    level: 'error',
    message: {
      text: `Account ${a.account}${a.name ? ` (${a.name})` : ''} could not be scanned (${a.error?.code ?? 'Error'}: ${a.error?.message ?? ''}). It has no run in this log, so its existing alerts stay as they were; none of its resources were checked.`,
    },
  }));
  for (const g of review.gaps) {
    notifications.push({
      level: 'warning',
      message: {
        text: `Could not read ${g.service} ${g.operation} in ${g.region} (${g.errorCode}: ${g.message}). Results for ${g.resourceTypes.join(', ') || 'this source'} are incomplete.`,
      },
    });
  }
  if (notifications.length) inv.toolExecutionNotifications = notifications;
  const notChecked = review.rules.filter((r) => r.status === 'not-checked' || !r.complete);
  if (notChecked.length) {
    inv.toolConfigurationNotifications = notChecked.map((r) => {
      const notification: Sarif.Notification = {
        level: 'warning',
        message: {
          text:
            r.status === 'not-checked'
              ? `Rule ${r.ruleId} was not checked: resource type ${r.missingTypes.join(', ')} was not collected. This is not a pass.`
              : r.gaps.length
                ? `Rule ${r.ruleId} is incomplete: a coverage gap touches resource type ${r.resource}. This is not a clean pass.`
                : `Rule ${r.ruleId} is incomplete: ${r.undecided} resource(s) could not be decided (${r.undecidedResources.join(', ')}), a fact it needs is unknown. This is not a clean pass.`,
        },
      };
      const index = ruleIndex.get(r.ruleId);
      if (index !== undefined) notification.associatedRule = { id: r.ruleId, index };
      return notification;
    });
  }
  return inv;
}

function result(
  f: ReviewedFinding,
  ruleIndex: Map<string, number>,
  baseDir: string,
  driver: Sarif.ToolComponent,
  folded?: readonly ReviewedFinding[],
): Sarif.Result {
  const location: Sarif.Location = f.location ? fileLocation(f.location, baseDir) : cloudLocation(f);
  const properties: Sarif.PropertyBag = {
    severity: f.severity,
    kind: f.kind,
    resourceType: f.resource.type,
    resourceId: f.resource.id,
    account: f.resource.account,
    region: f.resource.region,
    evidence: f.evidence,
  };
  if (f.resource.arn) properties.arn = f.resource.arn;
  if (f.resource.name) properties.resourceName = f.resource.name;
  if (f.severityReason) properties.severityReason = f.severityReason;
  if (f.remediation.cli) properties.remediationCli = f.remediation.cli;
  if (f.remediationReason) properties.remediationReason = f.remediationReason;
  if (f.costMonthlyUsd !== undefined) properties.costMonthlyUsd = f.costMonthlyUsd;
  if (f.attribution) properties.attribution = { ...f.attribution };
  if (f.gaps?.length) properties.decidedDespiteGaps = f.gaps;
  if (folded?.length) {
    properties.foldedRules = [...new Set(folded.map((n) => n.ruleId))];
    properties.folded = folded.map((n) => ({ ruleId: n.ruleId, fingerprint: n.fingerprint, severity: n.severity, message: n.message }));
  }
  const text = [
    f.message,
    ...(folded?.length ? [`Same cause, also reported by: ${[...new Set(folded.map((n) => n.ruleId))].join(', ')}`] : []),
    ...(f.attribution ? [`Last change: ${describeAttribution(f.attribution)}`] : []),
    ...(f.remediation.cli ? [`Fix: ${f.remediation.cli}`] : []),
  ].join('\n');
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    level: LEVEL[f.severity],
    kind: 'fail',
    message: { text },
    locations: [location],
    // The engine's fingerprint hashes rule, account, region, type and id (never a line or a
    // value that changes), so an alert keeps its identity across scans. GitHub reads
    // primaryLocationLineHash; supplying it stops upload-sarif from hashing a file that,
    // for cloud resources, does not exist.
    partialFingerprints: { primaryLocationLineHash: f.fingerprint, 'awsaudit/v1': f.fingerprint },
    properties,
  };
  const index = ruleIndex.get(f.ruleId);
  if (index !== undefined) out.ruleIndex = index;
  // A result carries its rule's ATT&CK techniques too: tools that read results alone filter by them.
  const ruleTags: unknown = index !== undefined ? driver.rules?.[index]?.properties?.tags : undefined;
  const attack = Array.isArray(ruleTags) ? ruleTags.filter((t): t is string => typeof t === 'string' && ATTACK_TAG.test(t)) : [];
  if (attack.length) properties.tags = attack;
  if (f.baselineState) out.baselineState = f.baselineState;
  if (f.suppression) {
    out.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: f.suppression.reason,
        properties: { source: f.suppression.source, ...(f.suppression.expires ? { expires: f.suppression.expires } : {}) },
      },
    ];
  }
  return out;
}

/** A percent-encoded path segment that keeps ids readable (`:` and `@` are legal in a segment) and never forms `.` or `..`. */
function segment(value: string, keepColon: boolean): string {
  let enc = encodeURIComponent(value);
  if (keepColon) enc = enc.replace(/%3A/gi, ':').replace(/%40/g, '@');
  if (enc === '') return '-';
  if (enc === '.') return '%2E';
  if (enc === '..') return '%2E%2E';
  return enc;
}

/** `aws/<account>/<region>/<service>/<resource-id>`: stable, readable, a valid relative URI. */
export function cloudUri(resource: { type: string; account: string; region: string; id: string }): string {
  const service = resourceTypeInfo(resource.type)?.service ?? resource.type.split('.')[1] ?? 'unknown';
  const provider = resource.type.split('.')[0] || 'aws';
  return [provider, resource.account, resource.region, service, resource.id].map((s, i) => segment(s, i > 0)).join('/');
}

function cloudLocation(f: ReviewedFinding): Sarif.Location {
  return {
    physicalLocation: { artifactLocation: { uri: cloudUri(f.resource) }, region: { startLine: 1 } },
    logicalLocations: [
      {
        name: f.resource.id,
        fullyQualifiedName: f.resource.arn ?? `${f.resource.type}/${f.resource.account}/${f.resource.region}/${f.resource.id}`,
        kind: 'resource',
      },
    ],
  };
}

/** File findings point at the file and line; the path is relative to the working directory (what GitHub expects: repository-relative). */
function fileLocation(location: NonNullable<ReviewedFinding['location']>, baseDir: string): Sarif.Location {
  const absolute = path.resolve(baseDir, location.path);
  const relative = path.relative(baseDir, absolute);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  const parts = (inside ? relative : absolute.replace(/^\/+/, '')).split(path.sep).filter(Boolean);
  const artifactLocation: Sarif.ArtifactLocation = { uri: parts.map((p) => segment(p, false)).join('/') };
  if (!inside) artifactLocation.uriBaseId = ROOT_BASE_ID;
  const region: Sarif.Region = { startLine: location.line ?? 1 };
  if (location.column !== undefined) region.startColumn = location.column;
  return { physicalLocation: { artifactLocation, region } };
}

function categorySafe(account: string): string {
  return account.replace(/[^A-Za-z0-9._-]/g, '_') || 'unknown';
}

/** `s3-bucket-public-acl` → `S3BucketPublicAcl` (SARIF's friendly name must differ from the id). */
function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** Templates in rule-level help show their placeholders as <expression>. */
function templateText(template: string): string {
  return template.replace(/\{\{\s*(.+?)\s*\}\}/g, '<$1>');
}

/** cis-aws-6.0, then fsbp, then a user's own frameworks by name. */
function complianceFrameworks(d: CompiledRule['definition']): string[] {
  const rank = (f: string) => (f === 'cis-aws-6.0' ? 0 : f === 'fsbp' ? 1 : 2);
  return Object.keys(d.compliance ?? {}).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function ruleDescriptor(rule: CompiledRule, limits: SarifLimits): Sarif.ReportingDescriptor {
  const d = rule.definition;
  const service = resourceTypeInfo(d.resource)?.service ?? d.resource.split('.')[1] ?? 'unknown';
  // Compliance ids as tags ("cis-aws-6.0/2.7", "fsbp/IAM.7") so code scanning can filter alerts by
  // recommendation; before the rule's own tags, as GitHub keeps only the first ones.
  const complianceTags = complianceFrameworks(d).flatMap((f) => (d.compliance?.[f] ?? []).map((id) => `${f}/${id}`));
  // MITRE ATT&CK techniques (`attack.t1078.004`) next, for the same reason.
  const attack = (d.tags ?? []).filter((t) => ATTACK_TAG.test(t));
  const tags = [...new Set([d.kind, service, d.resource.split('.')[0] ?? 'aws', ...complianceTags, ...attack, ...(d.tags ?? [])])].slice(
    0,
    limits.tagsPerRule,
  );
  const references = (d.references ?? []).filter((r) => /^https?:\/\//.test(r));
  const compliance = [
    ...(d.compliance?.['cis-aws-6.0'] ?? []).map((c) => `CIS AWS Foundations v6.0.0 ${c}`),
    ...(d.compliance?.fsbp ?? []).map((c) => `AWS FSBP ${c}`),
  ];
  const cli = d.remediation.cli ? templateText(d.remediation.cli) : undefined;

  const text = [
    d.description,
    '',
    `How to fix: ${d.remediation.text}`,
    ...(cli ? [`CLI: ${cli}`] : []),
    ...(d.remediation.console ? [`Console: ${d.remediation.console}`] : []),
    ...(d.cost ? [`Cost estimate: ${d.cost.basis}`] : []),
    ...(compliance.length ? [`Compliance: ${compliance.join('; ')}`] : []),
    ...(references.length ? ['References:', ...references.map((r) => `- ${r}`)] : []),
  ].join('\n');
  const markdown = [
    `**${d.title}** (${rule.severity}, ${d.kind}; resource \`${d.resource}\`)`,
    '',
    d.description,
    '',
    '## How to fix',
    '',
    d.remediation.text,
    ...(cli ? ['', '```sh', cli, '```'] : []),
    ...(d.remediation.console ? ['', `Console: ${d.remediation.console}`] : []),
    ...(d.cost ? ['', `**Cost estimate:** ${d.cost.basis}`] : []),
    ...(compliance.length ? ['', `**Compliance:** ${compliance.join('; ')}`] : []),
    ...(references.length ? ['', '## References', '', ...references.map((r) => `- <${r}>`)] : []),
  ].join('\n');

  const descriptor: Sarif.ReportingDescriptor = {
    id: rule.id,
    name: pascal(rule.id),
    shortDescription: { text: d.title },
    fullDescription: { text: d.description },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    help: { text, markdown },
    properties: {
      tags,
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
      'problem.severity': PROBLEM_SEVERITY[rule.severity],
      severity: rule.severity,
      kind: d.kind,
      resourceType: d.resource,
      source: d.source,
      ...(d.compliance ? { compliance: d.compliance } : {}),
    },
  };
  if (references[0]) descriptor.helpUri = references[0];
  return descriptor;
}
