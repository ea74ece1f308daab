import type { RuleResult } from '../engine/findings.js';
import type { ReviewedFinding } from '../findings/review.js';
import type { Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { JsonObject, JsonValue } from '../util/json.js';
import { TOOL_NAME, TOOL_URI, toolVersion } from '../util/version.js';
import { controlNames, isEventFinding, ruleTable, unansweredId, unansweredReason, unansweredRules } from './exchange.js';
import type { Formatter } from './types.js';

/**
 * `--format ocsf`: Open Cybersecurity Schema Framework findings, one JSON array of events
 * (docs/reports.md). Findings on resources are Compliance Findings (class 2003): the state of a
 * resource checked against a rule, with `compliance.status` Fail. Findings on CloudTrail events
 * are Detection Findings (class 2004): something that happened. A rule that could not be
 * answered is a Compliance Finding with status Unknown for the account, so a consumer never
 * reads its silence as a pass. The fields follow OCSF 1.5.0, the version Prowler's OCSF models
 * (py-ocsf-models) implement; the tests validate every event against JSON Schemas generated
 * from those models.
 */
export const OCSF_VERSION = '1.5.0';

const SEVERITY_ID: Record<Severity, [number, string]> = {
  info: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

const COMPLIANCE = { uid: 2003, name: 'Compliance Finding' } as const;
const DETECTION = { uid: 2004, name: 'Detection Finding' } as const;
/** activity_id 1: Create (a finding this run reports). */
const CREATE = 1;

function metadata(event: string): JsonObject {
  return {
    version: OCSF_VERSION,
    product: { name: TOOL_NAME, vendor_name: TOOL_NAME, version: toolVersion(), url_string: TOOL_URI },
    event_code: event,
    profiles: ['cloud'],
  };
}

function cloud(account: string, region: string): JsonObject {
  // account.type_id 10: AWS Account.
  return { provider: 'AWS', region, account: { uid: account, name: account, type_id: 10, type: 'AWS Account' } };
}

function base(cls: { uid: number; name: string }, severity: Severity, time: number): JsonObject {
  const [id, name] = SEVERITY_ID[severity];
  return {
    activity_id: CREATE,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: cls.uid,
    class_name: cls.name,
    type_uid: cls.uid * 100 + CREATE,
    type_name: `${cls.name}: Create`,
    severity_id: id,
    severity: name,
    time,
    time_dt: new Date(time).toISOString(),
  };
}

function remediation(f: ReviewedFinding, rule: CompiledRule | undefined): JsonObject {
  const out: JsonObject = { desc: f.remediation.cli ? `${f.remediation.text}\n${f.remediation.cli}` : f.remediation.text };
  const refs = rule?.definition.references;
  if (refs?.length) out.references = [...refs];
  return out;
}

function findingEvent(f: ReviewedFinding, rule: CompiledRule | undefined, time: number): JsonObject {
  const detection = isEventFinding(f);
  const r = f.resource;
  const event = base(detection ? DETECTION : COMPLIANCE, f.severity, time);
  // status_id: 1 New, 3 Suppressed (matched by the ignore file; reported, not counted).
  const status: [number, string] = f.suppression ? [3, 'Suppressed'] : [1, 'New'];
  const resource: JsonObject = {
    uid: r.arn ?? r.id,
    name: r.name ?? r.id,
    type: r.type,
    region: r.region,
    cloud_partition: partitionOf(r.arn),
  };
  const unmapped: JsonObject = { resource_id: r.id, kind: f.kind, evidence: f.evidence as unknown as JsonValue };
  if (f.costMonthlyUsd !== undefined) unmapped.cost_monthly_usd = f.costMonthlyUsd;
  if (f.baselineState) unmapped.baseline_state = f.baselineState;
  if (f.suppression) unmapped.suppression = { ...f.suppression };
  if (f.location) unmapped.location = { ...f.location };
  if (f.attribution) unmapped.attribution = { ...f.attribution };
  const out: JsonObject = {
    ...event,
    status_id: status[0],
    status: status[1],
    message: f.message,
    metadata: { ...metadata(f.ruleId), uid: f.fingerprint },
    finding_info: {
      uid: f.fingerprint,
      title: f.title,
      desc: rule?.definition.description ?? f.title,
      types: [f.kind],
      analytic: { uid: f.ruleId, name: f.title, type_id: 1, type: 'Rule' },
    },
    cloud: cloud(r.account, r.region),
    resources: [resource],
    remediation: remediation(f, rule),
    unmapped,
  };
  if (!detection) {
    const { standards, controls } = controlNames(rule);
    // compliance.status_id 3: Fail.
    out.compliance = {
      status_id: 3,
      status: 'Fail',
      standards: standards.length ? standards : [TOOL_NAME],
      requirements: controls.length ? controls : [f.ruleId],
      control: f.ruleId,
    };
  }
  return out;
}

/** A rule that could not be answered in an account: compliance status Unknown (0), never a silent pass. */
function unansweredEvent(r: RuleResult, rule: CompiledRule | undefined, account: string, time: number): JsonObject {
  const { standards, controls } = controlNames(rule);
  const title = rule?.definition.title ?? r.ruleId;
  const uid = unansweredId(r.ruleId, account);
  return {
    ...base(COMPLIANCE, r.severity, time),
    status_id: 1,
    status: 'New',
    message: unansweredReason(r),
    metadata: { ...metadata(r.ruleId), uid },
    finding_info: {
      uid,
      title,
      desc: rule?.definition.description ?? title,
      types: [r.kind],
      analytic: { uid: r.ruleId, name: title, type_id: 1, type: 'Rule' },
    },
    cloud: cloud(account, 'global'),
    resources: [{ uid: account, name: account, type: 'aws.account' }],
    compliance: {
      status_id: 0,
      status: 'Unknown',
      status_detail: unansweredReason(r),
      standards: standards.length ? standards : [TOOL_NAME],
      requirements: controls.length ? controls : [r.ruleId],
      control: r.ruleId,
    },
    unmapped: { rule_status: r.status, missing_types: [...r.missingTypes], gaps: r.gaps.map((g) => ({ ...g })) },
  };
}

function partitionOf(arn: string | undefined): string {
  return arn?.split(':')[1] || 'aws';
}

export const formatOcsf: Formatter = ({ evaluation, rules }) => {
  const table = ruleTable(rules);
  const time = Date.parse(evaluation.evaluatedAt);
  const events: JsonObject[] = evaluation.findings.map((f) => findingEvent(f, table.get(f.ruleId), time));
  for (const r of unansweredRules(evaluation))
    for (const account of evaluation.meta.accounts) events.push(unansweredEvent(r, table.get(r.ruleId), account, time));
  return JSON.stringify(events, null, 2) + '\n';
};
