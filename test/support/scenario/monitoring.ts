// Monitoring twins: the CIS section 5 chain (multi-region trail → CloudWatch Logs group → metric
// filters → alarms → SNS topic with a confirmed subscriber), the alarm, log group and topic
// controls of Security Hub, and idle NAT gateways.
//
// The CIS monitoring rules are decided per account: the main account's only multi-region trail
// sends nothing to CloudWatch Logs, so all fifteen fail there; the compliant account has the whole
// chain for every one of them. The other broken links (a filter that misses events, an alarm
// without an action, a topic without a confirmed subscriber) are in the rules' own cases and the
// demo: moto confirms every subscription as it is made (ListSubscriptions never says
// PendingConfirmation), and the main account keeps the notes' single trail.
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutMetricFilterCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { MotoClientConfig } from '../moto.js';
import { COMPLIANT_ACCOUNT, type BreadthSeeder, type Twin } from './index.js';

const MAIN_ACCOUNT = '123456789012';

/** The CIS 5.x rules, with a filter pattern that covers each (as the benchmark writes it, or reordered). */
const CIS_FILTERS: ReadonlyArray<{ rule: string; pattern: string }> = [
  {
    rule: 'cloudwatch-no-alarm-unauthorized-api-calls',
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
  {
    rule: 'cloudwatch-no-alarm-console-sign-in-without-mfa',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
  },
  {
    rule: 'cloudwatch-no-alarm-root-usage',
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    rule: 'cloudwatch-no-alarm-iam-policy-changes',
    pattern:
      '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
  },
  {
    rule: 'cloudwatch-no-alarm-cloudtrail-changes',
    pattern:
      '{ ($.eventName = StopLogging) || ($.eventName = StartLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) }',
  },
  {
    rule: 'cloudwatch-no-alarm-console-auth-failures',
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  },
  {
    rule: 'cloudwatch-no-alarm-cmk-disable-or-deletion',
    pattern: '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
  },
  {
    rule: 'cloudwatch-no-alarm-s3-bucket-policy-changes',
    pattern:
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
  },
  {
    rule: 'cloudwatch-no-alarm-config-changes',
    pattern:
      '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }',
  },
  {
    rule: 'cloudwatch-no-alarm-security-group-changes',
    pattern:
      '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
  },
  {
    rule: 'cloudwatch-no-alarm-nacl-changes',
    pattern:
      '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
  },
  {
    rule: 'cloudwatch-no-alarm-network-gateway-changes',
    pattern:
      '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
  },
  {
    rule: 'cloudwatch-no-alarm-route-table-changes',
    pattern:
      '{($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }',
  },
  {
    rule: 'cloudwatch-no-alarm-vpc-changes',
    pattern:
      '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) }',
  },
  {
    rule: 'cloudwatch-no-alarm-organizations-changes',
    pattern:
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
  },
];

function patternOf(rule: string): string {
  const found = CIS_FILTERS.find((f) => f.rule === rule);
  if (!found) throw new Error(`no pattern for ${rule}`);
  return found.pattern;
}

/** A multi-region trail that is logging into a new CloudWatch Logs group. */
async function trailWithLogGroup(
  cfg: MotoClientConfig,
  account: string,
  name: string,
  bucket: string,
  retentionDays: number,
): Promise<string> {
  const logs = new CloudWatchLogsClient(cfg);
  await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: retentionDays }));
  logs.destroy();
  const cloudtrail = new CloudTrailClient(cfg);
  await cloudtrail.send(
    new CreateTrailCommand({
      Name: name,
      S3BucketName: bucket,
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:${cfg.region}:${account}:log-group:${name}:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${account}:role/CloudTrailToCloudWatchLogs`,
    }),
  );
  await cloudtrail.send(new StartLoggingCommand({ Name: name }));
  cloudtrail.destroy();
  return name;
}

async function filterAndAlarm(
  cfg: MotoClientConfig,
  logGroup: string,
  name: string,
  pattern: string,
  alarm: { topic?: string; enabled?: boolean } | null,
): Promise<void> {
  const logs = new CloudWatchLogsClient(cfg);
  await logs.send(
    new PutMetricFilterCommand({
      logGroupName: logGroup,
      filterName: name,
      filterPattern: pattern,
      metricTransformations: [{ metricName: name, metricNamespace: 'CISBenchmark', metricValue: '1' }],
    }),
  );
  logs.destroy();
  if (!alarm) return;
  const cw = new CloudWatchClient(cfg);
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: `cis-${name}`,
      MetricName: name,
      Namespace: 'CISBenchmark',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      ActionsEnabled: alarm.enabled ?? true,
      ...(alarm.topic ? { AlarmActions: [alarm.topic] } : {}),
    }),
  );
  cw.destroy();
}

/** A NAT gateway in the default VPC's first subnet with 14 days of daily traffic. */
async function natWithTraffic(cfg: MotoClientConfig, bytesPerDay: number): Promise<string> {
  const ec2 = new EC2Client(cfg);
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }))).Subnets!;
  const subnet = [...subnets].sort((a, b) => a.SubnetId!.localeCompare(b.SubnetId!))[0]!.SubnetId!;
  const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip }))).NatGateway!.NatGatewayId!;
  ec2.destroy();
  // One datapoint at noon of each of the last 14 whole UTC days (the window awsaudit reads).
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const cw = new CloudWatchClient(cfg);
  await cw.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/NATGateway',
      MetricData: ['BytesOutToDestination', 'BytesOutToSource'].flatMap((MetricName) =>
        Array.from({ length: 14 }, (_, i) => ({
          MetricName,
          Dimensions: [{ Name: 'NatGatewayId', Value: nat }],
          Timestamp: new Date(today - (14 - i) * 86_400_000 + 43_200_000),
          Value: bytesPerDay,
          Unit: 'Bytes' as const,
        })),
      ),
    }),
  );
  cw.destroy();
  return nat;
}

export const seedMonitoring: BreadthSeeder = async (ctx) => {
  const region = ctx.regions[0]!;
  const main = ctx.main(region);
  const compliant = ctx.compliant(region);

  // Main account: its only multi-region trail (the notes' own) sends nothing to CloudWatch Logs,
  // so every CIS monitoring rule fails there. Beside it, an application log group kept only a
  // week, with filters whose alarms break one link each, and two topics.
  const mainGroup = `app-logs-${ctx.suffix}`;
  const logs = new CloudWatchLogsClient(main);
  await logs.send(new CreateLogGroupCommand({ logGroupName: mainGroup }));
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: mainGroup, retentionInDays: 7 }));
  logs.destroy();

  const sns = new SNSClient(main);
  const silent = (await sns.send(new CreateTopicCommand({ Name: `alarms-nobody-reads-${ctx.suffix}` }))).TopicArn!;
  const open = (await sns.send(new CreateTopicCommand({ Name: `webhook-events-${ctx.suffix}` }))).TopicArn!;
  await sns.send(
    new SetTopicAttributesCommand({
      TopicArn: open,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'AnyonePublish', Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: open }],
      }),
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn: open, Protocol: 'email', Endpoint: 'webhooks@example.com' }));
  sns.destroy();
  // An alarm that notifies nobody, one whose actions are disabled, and one that notifies a topic.
  await filterAndAlarm(main, mainGroup, 'RootAccountUsage', patternOf('cloudwatch-no-alarm-root-usage'), {});
  await filterAndAlarm(main, mainGroup, 'IAMPolicyChanges', patternOf('cloudwatch-no-alarm-iam-policy-changes'), {
    topic: silent,
    enabled: false,
  });
  await filterAndAlarm(main, mainGroup, 'CloudTrailChanges', patternOf('cloudwatch-no-alarm-cloudtrail-changes'), { topic: silent });

  // Compliant account: the whole chain for every change, one topic with a (confirmed) subscriber.
  const s3 = new S3Client(compliant);
  const trailBucket = `monitoring-trail-${ctx.suffix}`;
  await s3.send(new CreateBucketCommand({ Bucket: trailBucket }));
  s3.destroy();
  const goodGroup = await trailWithLogGroup(compliant, COMPLIANT_ACCOUNT, `security-monitoring-${ctx.suffix}`, trailBucket, 365);
  const goodSns = new SNSClient(compliant);
  const alerts = (
    await goodSns.send(new CreateTopicCommand({ Name: `security-alerts-${ctx.suffix}`, Attributes: { KmsMasterKeyId: 'alias/aws/sns' } }))
  ).TopicArn!;
  await goodSns.send(new SubscribeCommand({ TopicArn: alerts, Protocol: 'email', Endpoint: 'security-team@example.com' }));
  goodSns.destroy();
  for (const [i, f] of CIS_FILTERS.entries()) await filterAndAlarm(compliant, goodGroup, `cis-5-${i + 1}`, f.pattern, { topic: alerts });

  // NAT gateways (in the compliant account: the main account's single NAT gateway is the notes'
  // own): one idle for 14 days, one that sent traffic every day.
  const idleNat = await natWithTraffic(compliant, 0);
  const busyNat = await natWithTraffic(compliant, 52_428_800);

  const inCompliant = (id: string, r = region) => ({ id, region: r, account: 'compliant' as const });
  const twins: Twin[] = CIS_FILTERS.map((f) => ({
    rule: f.rule,
    fail: { id: MAIN_ACCOUNT, region: 'global' },
    pass: inCompliant(COMPLIANT_ACCOUNT, 'global'),
  }));
  const topicName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
  twins.push(
    { rule: 'sns-topic-not-encrypted', fail: { id: topicName(silent) }, pass: inCompliant(topicName(alerts)) },
    { rule: 'sns-topic-public-policy', fail: { id: topicName(open) }, pass: { id: topicName(silent) } },
    { rule: 'cloudwatch-alarm-without-actions', fail: { id: 'cis-RootAccountUsage' }, pass: { id: 'cis-CloudTrailChanges' } },
    { rule: 'cloudwatch-alarm-actions-disabled', fail: { id: 'cis-IAMPolicyChanges' }, pass: { id: 'cis-CloudTrailChanges' } },
    { rule: 'logs-log-group-retention-short', fail: { id: mainGroup }, pass: inCompliant(goodGroup) },
    { rule: 'cloudwatch-nat-gateway-idle', fail: inCompliant(idleNat), pass: inCompliant(busyNat) },
  );
  return twins;
};
