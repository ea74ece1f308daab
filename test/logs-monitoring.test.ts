// The monitoring facts of an account (CIS section 5): a complete chain is monitored, a missing link
// is named, and a link that could not be read leaves the answer unknown, never "not monitored".
import { describe, expect, it } from 'vitest';
import { isLoggingMultiRegionTrail } from '../src/services/account/enrich.js';
import { monitoringFacts } from '../src/services/logs/monitoring.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from '../src/snapshot/types.js';
import type { CoverageGap, Resource } from '../src/snapshot/types.js';

const A = '123456789012';
const R = 'us-east-1';
const TOPIC = `arn:aws:sns:${R}:${A}:security-alerts`;
const res = (type: string, id: string, data: Resource['data'], region = R): Resource => ({ type, id, account: A, region, data });
const account = res('aws.account', A, { AccountId: A, Regions: [R] }, 'global');
const trail = res('aws.cloudtrail.trail', 'security', {
  Name: 'security',
  TrailARN: `arn:aws:cloudtrail:${R}:${A}:trail/security`,
  IsMultiRegionTrail: true,
  CloudWatchLogsLogGroupArn: `arn:aws:logs:${R}:${A}:log-group:trail-logs:*`,
  Status: { IsLogging: true },
  EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
});
const filter = res('aws.logs.metric-filter', 'trail-logs:root', {
  filterName: 'root',
  logGroupName: 'trail-logs',
  filterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  metricTransformations: [{ metricName: 'RootUse', metricNamespace: 'CIS', metricValue: '1' }],
});
const alarm = res('aws.cloudwatch.alarm', 'root-use', {
  AlarmName: 'root-use',
  ActionsEnabled: true,
  AlarmActions: [TOPIC],
  MetricName: 'RootUse',
  Namespace: 'CIS',
  Dimensions: [],
});
const confirmed = res('aws.sns.subscription', `${TOPIC}:1`, { SubscriptionArn: `${TOPIC}:1`, TopicArn: TOPIC });
const pending = res('aws.sns.subscription', `${TOPIC}:PendingConfirmation:1`, { SubscriptionArn: 'PendingConfirmation', TopicArn: TOPIC });

function facts(resources: Resource[], gaps: CoverageGap[] = [], types?: string[]) {
  const index = new SnapshotIndex({
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    meta: {
      accounts: [A],
      regions: [R],
      collectedAt: '2026-11-21T09:00:00Z',
      tool: { name: 'awsaudit', version: 'test' },
      source: 'test',
      resourceTypes: types ?? [
        'aws.account',
        'aws.cloudtrail.trail',
        'aws.logs.metric-filter',
        'aws.cloudwatch.alarm',
        'aws.sns.subscription',
      ],
    },
    resources: [account, ...resources],
    gaps,
  });
  const out = monitoringFacts(account, { now: Date.parse('2026-11-21T09:00:00Z'), index }, isLoggingMultiRegionTrail);
  return out.monitoring as Record<'rootUsage' | 'vpcChanges', { monitored: boolean | null; problem: string | null; via: unknown }> | null;
}

const gap = (type: string, operation: string): CoverageGap => ({
  service: 'x',
  region: R,
  operation,
  resourceTypes: [type],
  errorCode: 'AccessDenied',
  message: 'denied',
});

describe('monitoring facts', () => {
  it('a whole chain is monitored, and names its links', () => {
    const m = facts([trail, filter, alarm, pending, confirmed])!;
    expect(m.rootUsage).toEqual({
      monitored: true,
      problem: null,
      via: { trail: 'security', logGroup: 'trail-logs', metricFilter: 'root', alarm: 'root-use', topic: TOPIC },
    });
    expect(m.vpcChanges).toMatchObject({
      monitored: false,
      problem: 'no metric filter on log group trail-logs (trail security) catches VPC changes',
    });
  });

  it('a pending subscriber is not a subscriber', () => {
    expect(facts([trail, filter, alarm, pending])!.rootUsage).toMatchObject({
      monitored: false,
      problem: 'topic security-alerts of alarm root-use has no confirmed subscriber (1 pending confirmation)',
    });
  });

  it('a link that could not be read leaves it unknown, never "not monitored"', () => {
    expect(facts([trail, filter, alarm], [gap('aws.sns.subscription', 'ListSubscriptions')])!.rootUsage.monitored).toBeNull();
    expect(facts([trail, filter], [gap('aws.cloudwatch.alarm', 'DescribeAlarms')])!.rootUsage.monitored).toBeNull();
    expect(facts([trail], [gap('aws.logs.metric-filter', 'DescribeMetricFilters')])!.rootUsage.monitored).toBeNull();
    expect(facts([], [gap('aws.cloudtrail.trail', 'DescribeTrails')])!.rootUsage.monitored).toBeNull();
    // A trail whose status was not read is not a trail that is off.
    const { Status: _status, ...noStatus } = trail.data;
    expect(facts([{ ...trail, data: noStatus }])!.rootUsage.monitored).toBeNull();
  });

  it('but a complete chain is monitored even with a gap elsewhere', () => {
    const elsewhere = { ...gap('aws.sns.subscription', 'ListSubscriptions'), region: 'eu-west-1' };
    expect(facts([trail, filter, alarm, confirmed], [elsewhere])!.rootUsage.monitored).toBe(true);
  });

  it('nothing is decided when a type it needs was not collected', () => {
    expect(facts([trail, filter, alarm, confirmed], [], ['aws.account', 'aws.cloudtrail.trail', 'aws.logs.metric-filter'])).toBeNull();
  });

  it('an alarm on the metric with other dimensions watches another metric', () => {
    const withDims = { ...alarm, data: { ...alarm.data, Dimensions: [{ Name: 'UserName', Value: 'x' }] } };
    expect(facts([trail, filter, withDims, confirmed])!.rootUsage).toMatchObject({
      monitored: false,
      problem: 'metric filter root has no alarm on its metric CIS/RootUse',
    });
  });
});
