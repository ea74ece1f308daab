// Enrichers behind the cloud rules: IAM policy statements, credentials, EBS cost, EIP and
// NAT gateway relations, account-wide trail/recorder facts, bucket trail/TLS facts; and the
// engine's refusal to evaluate a rule whose required types were not collected.
import { describe, expect, it } from 'vitest';
import { accountEnricher, recordsAllManagementEvents } from '../src/services/account/enrich.js';
import { elasticIpEnricher } from '../src/services/ec2/enrich-elastic-ip.js';
import { natGatewayEnricher } from '../src/services/ec2/enrich-nat-gateway.js';
import { ebsMonthlyCostUsd } from '../src/services/ec2/enrich-volume.js';
import { iamRootUserEnricher, iamUserCredentialsEnricher, rootLastUsed } from '../src/services/iam/enrich-credentials.js';
import {
  iamPolicyDocumentEnrichers,
  isAdminStatement,
  normaliseStatements,
  serviceWildcards,
} from '../src/services/iam/enrich-policy-documents.js';
import { enrichResource } from '../src/enrich/index.js';
import { deniesInsecureTransport, s3BucketEnricher } from '../src/services/s3/enrich-bucket.js';
import type { Enricher } from '../src/enrich/types.js';
import { evaluate } from '../src/engine/evaluate.js';
import { compileRule } from '../src/ruleset/load.js';
import type { RuleDefinition } from '../src/ruleset/types.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import type { CoverageGap, Resource, Snapshot } from '../src/snapshot/types.js';
import type { JsonObject } from '../src/util/json.js';

const ACCOUNT = '123456789012';

function res(type: string, id: string, data: Resource['data'], extra: Partial<Resource> = {}): Resource {
  return { type, id, account: ACCOUNT, region: extra.region ?? 'us-east-1', data, ...extra };
}

function snapshot(resources: Resource[], resourceTypes: string[], gaps: CoverageGap[] = []): Snapshot {
  return {
    format: 'awsaudit-snapshot',
    version: 1,
    meta: {
      accounts: [ACCOUNT],
      regions: ['us-east-1'],
      collectedAt: '2026-06-01T00:00:00Z',
      tool: { name: 'awsaudit', version: 'test' },
      source: 'test',
      resourceTypes,
    },
    resources,
    gaps,
  };
}

/** Facts of the first resource, with the given resources and collected types around it. */
function factsOf(enricher: Enricher, resources: Resource[], collected: string[], gaps: CoverageGap[] = []) {
  const snap = snapshot(resources, collected, gaps);
  return enricher.enrich(resources[0]!, { now: Date.parse('2026-06-01T00:00:00Z'), index: new SnapshotIndex(snap) });
}

const gap = (type: string, region: string): CoverageGap => ({
  service: 'x',
  region,
  operation: 'Op',
  resourceTypes: [type],
  errorCode: 'AccessDenied',
  message: 'denied',
});

describe('IAM policy statements', () => {
  it('settles Statement object/list and Action/Resource string/list', () => {
    const one = normaliseStatements({ Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } });
    expect(one).toMatchObject([
      { index: 0, effect: 'Allow', actions: ['s3:*'], resources: ['*'], notActions: null, notResources: null, hasCondition: false },
    ]);
    const many = normaliseStatements({
      Statement: [
        { Sid: 'A', Effect: 'Deny', NotAction: 'iam:*', Resource: ['arn:x'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    });
    expect(many[0]).toMatchObject({ sid: 'A', actions: [], notActions: ['iam:*'], resources: ['arn:x'], hasCondition: true });
  });
  it('reads documents left as JSON or URL-encoded JSON text, and tolerates garbage', () => {
    const doc = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    expect(normaliseStatements(JSON.stringify(doc))).toHaveLength(1);
    expect(normaliseStatements(encodeURIComponent(JSON.stringify(doc)))).toHaveLength(1);
    expect(normaliseStatements('%%not json')).toEqual([]);
    expect(normaliseStatements(null)).toEqual([]);
    expect(normaliseStatements({ Statement: [42, null] })).toEqual([]);
  });
  it('admin: Allow, "*" or "*:*" (alone or in a list), on "*" or NotResource; never Deny or a narrow resource', () => {
    const st = (s: object) => normaliseStatements({ Statement: s })[0]!;
    expect(isAdminStatement(st({ Effect: 'Allow', Action: '*', Resource: '*' }))).toBe(true);
    expect(isAdminStatement(st({ Effect: 'Allow', Action: ['s3:GetObject', '*:*'], Resource: ['arn:a', '*'] }))).toBe(true);
    expect(isAdminStatement(st({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::logs/*' }))).toBe(true);
    expect(isAdminStatement(st({ Effect: 'Deny', Action: '*', Resource: '*' }))).toBe(false);
    expect(isAdminStatement(st({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/*' }))).toBe(false);
    expect(isAdminStatement(st({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }))).toBe(false);
  });
  it('service wildcards: service:* on "*", case-insensitive; not prefixes, not already-admin statements', () => {
    const st = (s: object) => normaliseStatements({ Statement: s })[0]!;
    expect(serviceWildcards(st({ Effect: 'Allow', Action: ['S3:*', 'ec2:Describe*', 'dynamodb:*'], Resource: '*' }))).toEqual([
      'S3:*',
      'dynamodb:*',
    ]);
    expect(serviceWildcards(st({ Effect: 'Allow', Action: ['*', 's3:*'], Resource: '*' }))).toEqual([]);
    expect(serviceWildcards(st({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' }))).toEqual([]);
  });
  it('facts for users, roles and groups come from their inline policies; for a managed policy from its document', () => {
    const inline: JsonObject[] = [
      {
        PolicyName: 'p',
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Sid: 'S', Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
          ],
        },
      },
    ];
    const byType = Object.fromEntries(iamPolicyDocumentEnrichers.map((e) => [e.type, e]));
    for (const [type, field] of [
      ['aws.iam.user', 'UserPolicyList'],
      ['aws.iam.role', 'RolePolicyList'],
      ['aws.iam.group', 'GroupPolicyList'],
    ] as const) {
      const facts = factsOf(
        byType[type]!,
        [
          res(type, 'x', {
            [field]: inline,
            AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
          }),
        ],
        [type],
      );
      expect(facts.adminStatements).toMatchObject([{ policy: 'p', statement: 0, sid: null }]);
      expect(facts.serviceWildcardStatements).toMatchObject([
        { policy: 'p', statement: 1, sid: 'S', actions: ['sqs:*'], summary: 'policy p statement "S" allows sqs:* on every resource' },
      ]);
    }
    const policy = factsOf(
      byType['aws.iam.policy']!,
      [res('aws.iam.policy', 'arn', { PolicyName: 'mp', Document: { Statement: { Effect: 'Allow', Action: 'iam:*', Resource: '*' } } })],
      ['aws.iam.policy'],
    );
    expect(policy).toMatchObject({ adminStatements: [], serviceWildcardStatements: [{ policy: 'mp', actions: ['iam:*'] }] });
  });
});

describe('IAM credentials', () => {
  it('root: the most recent of console and key use; active key count from the report; null without a report', () => {
    expect(
      rootLastUsed({
        password_last_used: '2026-01-01T00:00:00Z',
        access_key_1_last_used_date: '2026-03-01T00:00:00Z',
        access_key_2_last_used_date: null,
      }),
    ).toEqual({ at: '2026-03-01T00:00:00Z', via: 'access key 1' });
    expect(rootLastUsed({ password_last_used: null })).toBeNull();
    expect(rootLastUsed(undefined)).toBeNull();
    expect(
      factsOf(
        iamRootUserEnricher,
        [res('aws.iam.root-user', ACCOUNT, { CredentialReport: { access_key_1_active: true, access_key_2_active: false } })],
        [],
      ),
    ).toMatchObject({ activeAccessKeyCount: 1 });
    expect(factsOf(iamRootUserEnricher, [res('aws.iam.root-user', ACCOUNT, { CredentialReport: null })], [])).toMatchObject({
      activeAccessKeyCount: null,
      lastUsed: null,
    });
  });
  it('user: the live key list when collected (per account), else the credential report, else unknown', () => {
    const user = res(
      'aws.iam.user',
      'alice',
      { UserName: 'alice', CredentialReport: { access_key_1_active: true, access_key_2_active: true } },
      { region: 'global' },
    );
    const key = (id: string, status: string, account = ACCOUNT) =>
      res('aws.iam.access-key', id, { UserName: 'alice', AccessKeyId: id, Status: status }, { region: 'global', account });
    const live = factsOf(
      iamUserCredentialsEnricher,
      [user, key('AKIA1', 'Active'), key('AKIA2', 'Inactive'), key('AKIA3', 'Active', '999999999999')],
      ['aws.iam.user', 'aws.iam.access-key'],
    );
    expect(live).toEqual({ activeAccessKeyIds: ['AKIA1'], activeAccessKeyCount: 1, activeAccessKeySource: 'access key list' });
    expect(factsOf(iamUserCredentialsEnricher, [user], ['aws.iam.user'])).toMatchObject({
      activeAccessKeyCount: 2,
      activeAccessKeySource: 'credential report',
    });
    const bare = res('aws.iam.user', 'bob', { UserName: 'bob' }, { region: 'global' });
    expect(factsOf(iamUserCredentialsEnricher, [bare], ['aws.iam.user'])).toMatchObject({ activeAccessKeyCount: null });
  });
});

describe('EBS volume cost (us-east-1 list prices)', () => {
  it('storage by type, gp3 extras above the free baseline, io1 and tiered io2 IOPS', () => {
    expect(ebsMonthlyCostUsd('gp3', 100, 3000, 125)).toBe(8);
    expect(ebsMonthlyCostUsd('gp3', 100, 6000, 250)).toBe(8 + 3000 * 0.005 + 125 * 0.04);
    expect(ebsMonthlyCostUsd('gp2', 50)).toBe(5);
    expect(ebsMonthlyCostUsd('io1', 100, 1000)).toBe(12.5 + 65);
    expect(ebsMonthlyCostUsd('io2', 100, 40000)).toBe(12.5 + 32000 * 0.065 + 8000 * 0.0455);
    expect(ebsMonthlyCostUsd('io2', 10, 70000)).toBe(Math.round((1.25 + 32000 * 0.065 + 32000 * 0.0455 + 6000 * 0.0319) * 100) / 100);
    expect(ebsMonthlyCostUsd('st1', 1000)).toBe(45);
    expect(ebsMonthlyCostUsd('sc1', 1000)).toBe(15);
    expect(ebsMonthlyCostUsd('standard', 10)).toBe(0.5);
    expect(ebsMonthlyCostUsd('gp9', 10)).toBeNull();
    expect(ebsMonthlyCostUsd(undefined, 10)).toBeNull();
  });
});

describe('Elastic IP instance state', () => {
  const eip = res('aws.ec2.elastic-ip', 'eipalloc-1', { InstanceId: 'i-1' }, { region: 'ap-northeast-2' });
  it('reads the instance in the same account and region', () => {
    const inst = (region: string, state: string) =>
      res('aws.ec2.instance', 'i-1', { InstanceId: 'i-1', State: { Name: state } }, { region });
    expect(
      factsOf(elasticIpEnricher, [eip, inst('us-east-1', 'stopped'), inst('ap-northeast-2', 'running')], ['aws.ec2.instance']),
    ).toEqual({ instanceState: 'running' });
  });
  it('null when instances were not collected or the address has no instance', () => {
    expect(factsOf(elasticIpEnricher, [eip], [])).toEqual({ instanceState: null });
    expect(factsOf(elasticIpEnricher, [res('aws.ec2.elastic-ip', 'e2', { InstanceId: '' })], ['aws.ec2.instance'])).toEqual({
      instanceState: null,
    });
  });
});

describe('NAT gateway AZs', () => {
  const subnet = (id: string, vpc: string, az: string) => res('aws.ec2.subnet', id, { SubnetId: id, VpcId: vpc, AvailabilityZone: az });
  const nat = (id: string, subnetId: string, vpc = 'vpc-1', extra = {}) =>
    res('aws.ec2.nat-gateway', id, { NatGatewayId: id, SubnetId: subnetId, VpcId: vpc, State: 'available', ...extra });
  const collected = ['aws.ec2.nat-gateway', 'aws.ec2.subnet'];
  it('single AZ when every public NAT gateway of the VPC is in one AZ and the VPC spans more', () => {
    expect(
      factsOf(
        natGatewayEnricher,
        [nat('n1', 's-a'), subnet('s-a', 'vpc-1', 'az-a'), subnet('s-b', 'vpc-1', 'az-b'), subnet('s-c', 'vpc-2', 'az-c')],
        collected,
      ),
    ).toEqual({
      natSingleAz: true,
      vpcNatGatewayAzs: ['az-a'],
      vpcSubnetAzs: ['az-a', 'az-b'],
    });
  });
  it('not single AZ with a NAT gateway per AZ; private and deleted NAT gateways do not count', () => {
    const resources = [nat('n1', 's-a'), nat('n2', 's-b'), subnet('s-a', 'vpc-1', 'az-a'), subnet('s-b', 'vpc-1', 'az-b')];
    expect(factsOf(natGatewayEnricher, resources, collected).natSingleAz).toBe(false);
    const others = [
      nat('n1', 's-a'),
      nat('n2', 's-b', 'vpc-1', { ConnectivityType: 'private' }),
      nat('n3', 's-b', 'vpc-1', { State: 'deleted' }),
      subnet('s-a', 'vpc-1', 'az-a'),
      subnet('s-b', 'vpc-1', 'az-b'),
    ];
    expect(factsOf(natGatewayEnricher, others, collected).natSingleAz).toBe(true);
  });
  it('unknown (null) when subnets were not collected or a NAT gateway subnet is missing', () => {
    expect(factsOf(natGatewayEnricher, [nat('n1', 's-a'), subnet('s-a', 'vpc-1', 'az-a')], ['aws.ec2.nat-gateway']).natSingleAz).toBeNull();
    expect(
      factsOf(
        natGatewayEnricher,
        [nat('n1', 's-a'), nat('n2', 's-missing'), subnet('s-a', 'vpc-1', 'az-a'), subnet('s-b', 'vpc-1', 'az-b')],
        collected,
      ).natSingleAz,
    ).toBeNull();
  });
});

describe('account-wide facts', () => {
  const account = res('aws.account', ACCOUNT, { AccountId: ACCOUNT, Regions: ['us-east-1', 'eu-west-1'] }, { region: 'global' });
  const goodTrail = (extra: Partial<Resource> = {}) =>
    res(
      'aws.cloudtrail.trail',
      'main',
      {
        Name: 'main',
        IsMultiRegionTrail: true,
        Status: { IsLogging: true },
        EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
      },
      extra,
    );
  const TRAIL = 'aws.cloudtrail.trail';
  const RECORDER = 'aws.config.recorder';

  it('management events: basic and advanced selectors, defaults, and unread selectors', () => {
    expect(recordsAllManagementEvents({ EventSelectors: [{ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'All' }] })).toBe(true);
    expect(recordsAllManagementEvents({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] })).toBe(false);
    expect(recordsAllManagementEvents({ EventSelectors: null, AdvancedEventSelectors: null })).toBe(true);
    expect(
      recordsAllManagementEvents({
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Management'] },
              { Field: 'readOnly', Equals: ['false'] },
            ],
          },
        ],
      }),
    ).toBe(false);
    expect(recordsAllManagementEvents({})).toBeNull();
  });
  it('trails not collected: unknown; collected: true only for a logging multi-region trail of this account', () => {
    expect(factsOf(accountEnricher, [account, goodTrail()], [])).toMatchObject({ multiRegionTrailLogging: null });
    expect(factsOf(accountEnricher, [account, goodTrail()], [TRAIL])).toMatchObject({
      multiRegionTrailLogging: true,
      multiRegionTrails: ['main'],
    });
    expect(factsOf(accountEnricher, [account, goodTrail({ account: '999999999999' })], [TRAIL])).toMatchObject({
      multiRegionTrailLogging: false,
      trailNames: [],
    });
    expect(factsOf(accountEnricher, [account], [TRAIL])).toMatchObject({ multiRegionTrailLogging: false });
  });
  it('no qualifying trail but a gap or an unreadable status: unknown, never "no trail"', () => {
    expect(factsOf(accountEnricher, [account], [TRAIL], [gap(TRAIL, 'eu-west-1')]).multiRegionTrailLogging).toBeNull();
    const noStatus = res(TRAIL, 't', { Name: 't', IsMultiRegionTrail: true, EventSelectors: [] });
    expect(factsOf(accountEnricher, [account, noStatus], [TRAIL]).multiRegionTrailLogging).toBeNull();
    expect(factsOf(accountEnricher, [account, goodTrail()], [TRAIL], [gap(TRAIL, 'eu-west-1')]).multiRegionTrailLogging).toBe(true);
  });
  it('regions without a recorder: scanned regions minus recorders of this account, regions with gaps left out', () => {
    const recorder = (region: string, account = ACCOUNT) => res(RECORDER, 'default', { name: 'default' }, { region, account });
    expect(factsOf(accountEnricher, [account, recorder('us-east-1')], []).regionsWithoutConfigRecorder).toBeNull();
    expect(
      factsOf(accountEnricher, [account, recorder('us-east-1'), recorder('eu-west-1', '999999999999')], [RECORDER])
        .regionsWithoutConfigRecorder,
    ).toEqual(['eu-west-1']);
    expect(factsOf(accountEnricher, [account, recorder('us-east-1')], [RECORDER], [gap(RECORDER, 'eu-west-1')])).toMatchObject({
      regionsWithoutConfigRecorder: [],
      configRecorderRegionsUnknown: ['eu-west-1'],
    });
    expect(factsOf(accountEnricher, [account], [RECORDER], [gap(RECORDER, 'global')]).regionsWithoutConfigRecorder).toBeNull();
  });
});

describe('S3 bucket: trail bucket and TLS-only policy', () => {
  const deny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
  it('a Deny for everyone on s3:* or * with SecureTransport false (string, boolean or list)', () => {
    expect(deniesInsecureTransport([deny])).toBe(true);
    expect(deniesInsecureTransport(deny)).toBe(true);
    expect(deniesInsecureTransport([{ ...deny, Action: ['*'], Condition: { BoolIfExists: { 'AWS:SecureTransport': [false] } } }])).toBe(
      true,
    );
    expect(deniesInsecureTransport([{ ...deny, Effect: 'Allow' }])).toBe(false);
    expect(deniesInsecureTransport([{ ...deny, Action: 's3:PutObject' }])).toBe(false);
    expect(deniesInsecureTransport([{ ...deny, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }])).toBe(false);
    expect(deniesInsecureTransport([{ ...deny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }])).toBe(false);
    expect(deniesInsecureTransport(undefined)).toBe(false);
  });
  it('TLS-only fact: null when the policy was not read (absent), false when there is none (null)', () => {
    expect(factsOf(s3BucketEnricher, [res('aws.s3.bucket', 'b', { Name: 'b' })], ['aws.s3.bucket']).secureTransportEnforced).toBeNull();
    expect(
      factsOf(s3BucketEnricher, [res('aws.s3.bucket', 'b', { Name: 'b', Policy: null })], ['aws.s3.bucket']).secureTransportEnforced,
    ).toBe(false);
    expect(
      factsOf(
        s3BucketEnricher,
        [res('aws.s3.bucket', 'b', { Name: 'b', Policy: JSON.stringify({ Statement: [deny] }) })],
        ['aws.s3.bucket'],
      ).secureTransportEnforced,
    ).toBe(true);
  });
  it('trail bucket: null when trails were not collected, else whether a trail (of any account) delivers to it', () => {
    const bucket = res('aws.s3.bucket', 'logs', { Name: 'logs' });
    const trail = res('aws.cloudtrail.trail', 'org', { Name: 'org', S3BucketName: 'logs' }, { account: '999999999999' });
    expect(factsOf(s3BucketEnricher, [bucket, trail], ['aws.s3.bucket'])).toMatchObject({
      cloudTrailLogBucket: null,
      cloudTrailTrails: [],
    });
    expect(factsOf(s3BucketEnricher, [bucket, trail], ['aws.s3.bucket', 'aws.cloudtrail.trail'])).toMatchObject({
      cloudTrailLogBucket: true,
      cloudTrailTrails: ['org'],
    });
    expect(
      factsOf(s3BucketEnricher, [res('aws.s3.bucket', 'other', { Name: 'other' }), trail], ['aws.s3.bucket', 'aws.cloudtrail.trail'])
        .cloudTrailLogBucket,
    ).toBe(false);
  });
});

describe('a rule whose required types were not collected', () => {
  const definition = {
    id: 'test-requires',
    title: 'test rule requiring trails',
    description: 'a rule over the account that needs trails',
    resource: 'aws.account',
    requires: ['aws.cloudtrail.trail'],
    kind: 'security',
    severity: 'high',
    source: ['F1'],
    condition: { path: 'facts.multiRegionTrailLogging', op: 'ne', value: true },
    message: 'no trail',
    remediation: { text: 'create one' },
    tests: { fail: [], pass: [] },
  } as unknown as RuleDefinition;
  const rule = compileRule({ file: 'test-requires.json', definition }, undefined, 'test').rule!;
  const account = res('aws.account', ACCOUNT, { AccountId: ACCOUNT, Regions: ['us-east-1'] }, { region: 'global' });

  it('is not evaluated at all (no guessed finding) and reads as not checked', () => {
    const result = evaluate(snapshot([account], ['aws.account']), [rule], { now: new Date('2026-06-01T00:00:00Z') });
    expect(result.findings).toEqual([]);
    expect(result.rules[0]).toMatchObject({ status: 'not-checked', evaluated: 0, complete: false });
  });
  it('is evaluated once the required type was collected, even with no resources of it', () => {
    const result = evaluate(snapshot([account], ['aws.account', 'aws.cloudtrail.trail']), [rule], {
      now: new Date('2026-06-01T00:00:00Z'),
    });
    expect(result.findings).toHaveLength(1);
    expect(result.rules[0]).toMatchObject({ status: 'fail', evaluated: 1, complete: true });
  });
  it('enrichment merges the facts of several enrichers for one type', () => {
    const snap = snapshot([res('aws.iam.user', 'u', { UserName: 'u', UserPolicyList: [] }, { region: 'global' })], ['aws.iam.user']);
    const view = enrichResource(snap.resources[0]!, { now: 0, index: new SnapshotIndex(snap) });
    expect(view.facts).toMatchObject({ adminStatements: [], serviceWildcardStatements: [], activeAccessKeyCount: null });
  });
});

describe('finding order', () => {
  it('is compareFindings order (severity, rule, account, region, type, id), overrides included', async () => {
    const { compareFindings } = await import('../src/engine/results.js');
    const { loadRuleFiles, BUILTIN_RULES_DIR } = await import('../src/ruleset/load.js');
    const { rules: files } = await loadRuleFiles([BUILTIN_RULES_DIR]);
    const rules = files
      .filter((f) =>
        ['ec2-security-group-admin-ports-open', 'ec2-security-group-all-traffic-open', 'iam-policy-grants-full-admin'].includes(
          f.definition.id,
        ),
      )
      .map((f) => compileRule(f, undefined, 'test').rule!);
    const resources: Resource[] = [];
    for (let i = 0; i < 60; i++) {
      const region = ['us-east-1', 'eu-west-1', 'ap-northeast-2'][i % 3]!;
      resources.push(
        res(
          'aws.ec2.security-group',
          `sg-${(i * 7919) % 97}`,
          {
            GroupId: `sg-${i}`,
            GroupName: `g${i}`,
            IpPermissions: [{ IpProtocol: i % 2 ? '-1' : 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
          },
          { region, account: i % 4 ? ACCOUNT : '999999999999' },
        ),
      );
      resources.push(
        res(
          'aws.iam.policy',
          `arn:p${(i * 31) % 53}`,
          {
            Arn: `arn:p${i}`,
            PolicyName: `p${i}`,
            AttachmentCount: i % 3,
            Document: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } },
          },
          { region: 'global' },
        ),
      );
    }
    const result = evaluate(snapshot(resources, ['aws.ec2.security-group', 'aws.iam.policy']), rules, {
      now: new Date('2026-06-01T00:00:00Z'),
    });
    expect(result.findings.length).toBeGreaterThan(100);
    expect(new Set(result.findings.map((f) => f.severity)).size).toBeGreaterThan(1);
    expect(result.findings).toEqual([...result.findings].sort(compareFindings));
  });
});
