import type { RuleResult } from '../engine/findings.js';
import type { ReviewedFinding } from '../findings/review.js';
import type { Kind, Severity } from '../model/severity.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { JsonObject } from '../util/json.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { controlNames, isEventFinding, ruleTable, unansweredId, unansweredReason, unansweredRules } from './exchange.js';
import type { Formatter } from './types.js';

/**
 * `--format asff`: AWS Security Finding Format, the JSON array that
 * `aws securityhub batch-import-findings --findings file://…` takes (docs/reports.md). Security
 * Hub takes at most 100 findings per call: the report holds them all, and the docs show how to
 * send them in batches (a notice says so when there are more than 100).
 */
export const ASFF_BATCH = 100;

const LABEL: Record<Severity, string> = { info: 'INFORMATIONAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

/** Finding types of the ASFF taxonomy (namespace/category/classifier). */
const TYPE_BEST_PRACTICES = 'Software and Configuration Checks/AWS Security Best Practices';
const TYPE_CIS = 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';
const TYPE_CHECKS = 'Software and Configuration Checks';
const TYPE_EVENT = 'Unusual Behaviors/User';

/** Resource types of ASFF (the names of the Security Hub `ResourceDetails` members) for awsaudit's types; the rest are `Other`. */
const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'aws.account': 'AwsAccount',
  'aws.cloudtrail.trail': 'AwsCloudTrailTrail',
  'aws.cloudwatch.alarm': 'AwsCloudWatchAlarm',
  'aws.ec2.elastic-ip': 'AwsEc2Eip',
  'aws.ec2.instance': 'AwsEc2Instance',
  'aws.ec2.instance-user-data': 'AwsEc2Instance',
  'aws.ec2.launch-template': 'AwsEc2LaunchTemplate',
  'aws.ec2.network-acl': 'AwsEc2NetworkAcl',
  'aws.ec2.network-interface': 'AwsEc2NetworkInterface',
  'aws.ec2.route-table': 'AwsEc2RouteTable',
  'aws.ec2.security-group': 'AwsEc2SecurityGroup',
  'aws.ec2.subnet': 'AwsEc2Subnet',
  'aws.ec2.transit-gateway': 'AwsEc2TransitGateway',
  'aws.ec2.volume': 'AwsEc2Volume',
  'aws.ec2.vpc': 'AwsEc2Vpc',
  'aws.ec2.vpc-peering-connection': 'AwsEc2VpcPeeringConnection',
  'aws.efs.access-point': 'AwsEfsAccessPoint',
  'aws.elb.load-balancer': 'AwsElbLoadBalancer',
  'aws.elb.load-balancer-attributes': 'AwsElbLoadBalancer',
  'aws.elbv2.load-balancer': 'AwsElbv2LoadBalancer',
  'aws.elbv2.load-balancer-attributes': 'AwsElbv2LoadBalancer',
  'aws.guardduty.detector': 'AwsGuardDutyDetector',
  'aws.iam.access-key': 'AwsIamAccessKey',
  'aws.iam.group': 'AwsIamGroup',
  'aws.iam.policy': 'AwsIamPolicy',
  'aws.iam.role': 'AwsIamRole',
  'aws.iam.user': 'AwsIamUser',
  'aws.kms.key': 'AwsKmsKey',
  'aws.kms.key-policy': 'AwsKmsKey',
  'aws.kms.key-rotation': 'AwsKmsKey',
  'aws.lambda.function': 'AwsLambdaFunction',
  'aws.lambda.function-policy': 'AwsLambdaFunction',
  'aws.rds.db-cluster': 'AwsRdsDbCluster',
  'aws.rds.db-instance': 'AwsRdsDbInstance',
  'aws.rds.db-snapshot': 'AwsRdsDbSnapshot',
  'aws.rds.db-snapshot-attributes': 'AwsRdsDbSnapshot',
  'aws.rds.event-subscriptions': 'AwsRdsEventSubscription',
  'aws.s3.account-public-access-block': 'AwsS3AccountPublicAccessBlock',
  'aws.s3.bucket': 'AwsS3Bucket',
  'aws.s3.bucket-lifecycle': 'AwsS3Bucket',
  'aws.s3.bucket-notifications': 'AwsS3Bucket',
  'aws.s3.bucket-object-lock': 'AwsS3Bucket',
  'aws.sns.topic': 'AwsSnsTopic',
};

/** Security Hub's length limits (BatchImportFindings rejects longer values). */
const LIMITS = { Title: 256, Description: 1024, RecommendationText: 512, ProductFieldValue: 2048, Id: 512 } as const;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function types(kind: Kind, rule: CompiledRule | undefined, event: boolean): string[] {
  if (event) return [TYPE_EVENT];
  const out = [kind === 'security' ? TYPE_BEST_PRACTICES : TYPE_CHECKS];
  if (rule?.definition.compliance?.['cis-aws-6.0']?.length) out.push(TYPE_CIS);
  return out;
}

interface Context {
  partition: string;
  /** Where the findings are imported: Security Hub is regional, and the ProductArn names the region of the call. */
  region: string;
  time: string;
}

function common(account: string, ctx: Context, ruleId: string, severity: Severity, title: string, description: string): JsonObject {
  return {
    SchemaVersion: '2018-10-08',
    ProductArn: `arn:${ctx.partition}:securityhub:${ctx.region}:${account}:product/${account}/default`,
    ProductName: TOOL_NAME,
    CompanyName: TOOL_NAME,
    GeneratorId: `${TOOL_NAME}/${ruleId}`,
    AwsAccountId: account,
    CreatedAt: ctx.time,
    UpdatedAt: ctx.time,
    // Label only: Normalized is deprecated, and Security Hub derives it from the label.
    Severity: { Label: LABEL[severity], Original: severity },
    Title: cut(title, LIMITS.Title),
    Description: cut(description, LIMITS.Description),
    RecordState: 'ACTIVE',
  };
}

function productFields(fields: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = { [`${TOOL_NAME}/Version`]: toolVersion() };
  for (const [key, value] of Object.entries(fields)) if (value) out[`${TOOL_NAME}/${key}`] = cut(value, LIMITS.ProductFieldValue);
  return out;
}

function findingOf(f: ReviewedFinding, rule: CompiledRule | undefined, ctx: Context): JsonObject {
  const r = f.resource;
  const event = isEventFinding(f);
  const resource: JsonObject = {
    Type: RESOURCE_TYPES[r.type] ?? 'Other',
    Id: cut(r.arn ?? r.id, LIMITS.Id),
    Partition: ctx.partition,
    Region: r.region === 'global' ? ctx.region : r.region,
  };
  const recommendation: JsonObject = {
    Text: cut(f.remediation.cli ? `${f.remediation.text} ${f.remediation.cli}` : f.remediation.text, LIMITS.RecommendationText),
  };
  const url = rule?.definition.references?.find((u) => /^https:\/\//.test(u));
  if (url) recommendation.Url = url;
  const out: JsonObject = {
    ...common(r.account, ctx, f.ruleId, f.severity, f.title, f.message),
    Id: f.fingerprint,
    Types: types(f.kind, rule, event),
    Resources: [resource],
    Remediation: { Recommendation: recommendation },
    Workflow: { Status: f.suppression ? 'SUPPRESSED' : 'NEW' },
    ProductFields: productFields({
      RuleId: f.ruleId,
      Kind: f.kind,
      ResourceType: r.type,
      ResourceId: r.id,
      ResourceName: r.name,
      CostMonthlyUsd: f.costMonthlyUsd?.toFixed(2),
      BaselineState: f.baselineState,
      SuppressionReason: f.suppression?.reason,
    }),
  };
  if (!event) {
    const { controls } = controlNames(rule);
    out.Compliance = { Status: 'FAILED', ...(controls.length ? { RelatedRequirements: controls.slice(0, 32) } : {}) };
  }
  return out;
}

/**
 * A rule that could not be answered in an account: Compliance.Status NOT_AVAILABLE on the
 * account, never a silent pass; the Description says why (`StatusReasons` codes are AWS
 * Config's own and would misname the cause).
 */
function unansweredOf(r: RuleResult, rule: CompiledRule | undefined, account: string, ctx: Context): JsonObject {
  const { controls } = controlNames(rule);
  const reason = unansweredReason(r);
  return {
    ...common(account, ctx, r.ruleId, r.severity, rule?.definition.title ?? r.ruleId, reason),
    Id: unansweredId(r.ruleId, account),
    Types: types(r.kind, rule, false),
    Resources: [{ Type: 'AwsAccount', Id: `AWS::::Account:${account}`, Partition: ctx.partition, Region: ctx.region }],
    Compliance: {
      Status: 'NOT_AVAILABLE',
      ...(controls.length ? { RelatedRequirements: controls.slice(0, 32) } : {}),
    },
    Workflow: { Status: 'NEW' },
    ProductFields: productFields({ RuleId: r.ruleId, Kind: r.kind, RuleStatus: r.status }),
  };
}

export const formatAsff: Formatter = ({ evaluation, rules, notice }) => {
  const table = ruleTable(rules);
  const { meta } = evaluation;
  const ctx: Context = {
    partition: meta.partition ?? 'aws',
    region: meta.regions.find((r) => r !== 'global') ?? 'us-east-1',
    time: evaluation.evaluatedAt,
  };
  const findings = evaluation.findings.map((f) => findingOf(f, table.get(f.ruleId), ctx));
  for (const r of unansweredRules(evaluation))
    for (const account of meta.accounts) findings.push(unansweredOf(r, table.get(r.ruleId), account, ctx));
  if (findings.length > ASFF_BATCH && notice)
    notice(
      `the ASFF report holds ${findings.length} findings; Security Hub takes at most ${ASFF_BATCH} per batch-import-findings call: send it in batches (docs/reports.md#asff)`,
    );
  return JSON.stringify(findings, null, 2) + '\n';
};
