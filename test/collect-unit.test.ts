import { CLOUDTRAIL_TYPES } from '../src/cloudtrail/pipeline.js';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ClientPool, ReadOnlyViolation } from '../src/aws/pool.js';
import { errorCode, isAccessDenied, shortMessage } from '../src/collect/errors.js';
import { GapRecorder } from '../src/collect/gaps.js';
import { lastUseFromReport, parseCredentialReport } from '../src/services/iam/credential-report.js';
import { collectableTypes, commandsOf, permissionsPolicy, planCollection, typesNeeded } from '../src/collect/plan.js';
import { createProgress } from '../src/collect/progress.js';
import { enabledRegions, partitionOfArn, partitionOfRegion } from '../src/collect/regions.js';
import { COLLECTORS } from '../src/collect/registry.js';
import { toJson } from '../src/collect/sdk-json.js';
import { RESOURCE_TYPES } from '../src/resources/types.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

describe('credential report', () => {
  const csv = [
    HEADER,
    '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-05-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    'django-board,arn:aws:iam::123456789012:user/django-board,2024-03-10T05:12:44+00:00,false,N/A,N/A,N/A,false,true,2024-03-10T05:20:01+00:00,2026-05-30T10:00:00+00:00,ap-northeast-2,ec2,true,2025-01-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A',
    'ops,team,arn:aws:iam::123456789012:user/ops,team,2024-01-01T00:00:00+00:00,true,no_information,N/A,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  ].join('\n');
  const rows = parseCredentialReport(csv);

  it('keys rows by user, with booleans and null for N/A, not_supported, no_information', () => {
    expect(rows.get('<root_account>')).toMatchObject({
      mfa_active: true,
      password_enabled: null,
      access_key_1_active: false,
      access_key_1_last_rotated: null,
    });
    expect(rows.get('django-board')).toMatchObject({
      access_key_1_last_used_service: 'ec2',
      access_key_2_last_used_date: null,
      password_last_used: null,
    });
  });

  it('repairs an unquoted comma in a user name (it appears in both user and arn)', () => {
    expect(rows.get('ops,team')).toMatchObject({
      arn: 'arn:aws:iam::123456789012:user/ops,team',
      password_enabled: true,
      password_last_used: null,
    });
  });

  it('places a key on the report slot whose last_rotated is its creation time', () => {
    const row = rows.get('django-board');
    expect(lastUseFromReport(row, '2024-03-10T05:20:01.456Z', ['2024-03-10T05:20:01.456Z', '2025-01-02T00:00:00Z'])).toEqual({
      LastUsedDate: '2026-05-30T10:00:00.000Z',
      LastUsedServiceName: 'ec2',
      LastUsedRegion: 'ap-northeast-2',
    });
    expect(lastUseFromReport(row, '2025-01-02T00:00:00Z', ['2024-03-10T05:20:01Z', '2025-01-02T00:00:00Z'])).toEqual({});
    // No slot matches, or two keys created in the same second: ask GetAccessKeyLastUsed instead.
    expect(lastUseFromReport(row, '2023-01-01T00:00:00Z', ['2023-01-01T00:00:00Z'])).toBeUndefined();
    expect(lastUseFromReport(row, '2025-01-02T00:00:00Z', ['2025-01-02T00:00:00.100Z', '2025-01-02T00:00:00.900Z'])).toBeUndefined();
  });
});

describe('planning: only what the rules need', () => {
  it('follows what enrichers read: security-group facts need instances and route tables; bucket facts need account Block Public Access', () => {
    expect([...typesNeeded([{ resource: 'aws.ec2.security-group' }])].sort()).toEqual([
      'aws.ec2.instance',
      'aws.ec2.route-table',
      'aws.ec2.security-group',
    ]);
    expect([...typesNeeded([{ resource: 'aws.s3.bucket' }])].sort()).toEqual(['aws.s3.account-public-access-block', 'aws.s3.bucket']);
    expect([...typesNeeded([{ resource: 'aws.account', requires: ['aws.iam.root-user'] }])].sort()).toEqual([
      'aws.account',
      'aws.iam.root-user',
    ]);
  });

  it('one RDS rule plans one collector, one call and three actions', () => {
    const plan = planCollection(typesNeeded([{ resource: 'aws.rds.db-instance' }]));
    expect(plan.collectors.map((c) => c.collector.descriptor.id)).toEqual(['aws.rds.db-instance']);
    expect(plan.types).toEqual(['aws.account', 'aws.rds.db-instance']);
    expect(commandsOf(plan).map((c) => c.command)).toEqual([
      'GetCallerIdentityCommand',
      'DescribeRegionsCommand',
      'DescribeDBInstancesCommand',
    ]);
    expect(permissionsPolicy(plan).Statement[0]!.Action).toEqual([
      'ec2:DescribeRegions',
      'rds:DescribeDBInstances',
      'sts:GetCallerIdentity',
    ]);
  });

  it('IAM calls follow the wanted types: root needs no authorization details, access keys need no group or role', () => {
    const actions = (types: string[]) => permissionsPolicy(planCollection(types)).Statement[0]!.Action.filter((a) => a.startsWith('iam:'));
    expect(actions(['aws.iam.root-user'])).toEqual(['iam:GenerateCredentialReport', 'iam:GetAccountSummary', 'iam:GetCredentialReport']);
    expect(actions(['aws.iam.access-key'])).toEqual([
      'iam:GenerateCredentialReport',
      'iam:GetAccessKeyLastUsed',
      'iam:GetAccountAuthorizationDetails',
      'iam:GetCredentialReport',
      'iam:ListAccessKeys',
    ]);
    expect(actions(['aws.iam.group'])).toEqual(['iam:GetAccountAuthorizationDetails']);
  });

  it('types no AWS collector produces are reported, not silently dropped', () => {
    expect(planCollection(['file.access-key', 'aws.s3.bucket']).notCollected).toEqual(['file.access-key']);
  });

  it('every AWS resource type (but those read from CloudTrail events) is produced by exactly one collector', () => {
    const producers = new Map<string, string[]>();
    for (const c of COLLECTORS) for (const t of c.descriptor.produces) producers.set(t, [...(producers.get(t) ?? []), c.descriptor.id]);
    for (const list of producers.values()) expect(list).toHaveLength(1);
    const aws = Object.keys(RESOURCE_TYPES).filter((t) => t.startsWith('aws.') && !(CLOUDTRAIL_TYPES as readonly string[]).includes(t));
    expect(collectableTypes()).toEqual(aws.sort());
  });
});

describe('gaps and errors', () => {
  it('one gap per service, region, call and error, counting the calls and naming a few', () => {
    const gaps = new GapRecorder();
    for (const b of ['a', 'b', 'c', 'd'])
      gaps.record({
        service: 's3',
        region: 'us-east-1',
        operation: 'GetBucketPolicy',
        errorCode: 'AccessDenied',
        message: 'Access Denied',
        resourceTypes: ['aws.s3.bucket'],
        subject: b,
      });
    gaps.record({
      service: 'ec2',
      region: 'eu-west-1',
      operation: 'DescribeInstances',
      errorCode: 'UnauthorizedOperation',
      message: 'not authorized',
      resourceTypes: ['aws.ec2.instance'],
    });
    expect(gaps.list()).toEqual([
      {
        service: 'ec2',
        region: 'eu-west-1',
        operation: 'DescribeInstances',
        resourceTypes: ['aws.ec2.instance'],
        errorCode: 'UnauthorizedOperation',
        message: 'not authorized',
      },
      {
        service: 's3',
        region: 'us-east-1',
        operation: 'GetBucketPolicy',
        resourceTypes: ['aws.s3.bucket'],
        errorCode: 'AccessDenied',
        message: 'Access Denied (4 calls failed, e.g. for a, b, c)',
      },
    ]);
  });

  it('error codes: service errors by name, network errors by code, an unreadable 403 as AccessDenied', () => {
    expect(errorCode(Object.assign(new Error('x'), { name: 'UnauthorizedOperation' }))).toBe('UnauthorizedOperation');
    expect(errorCode(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    const unreadable = Object.assign(new SyntaxError('Unexpected token < in JSON'), { $metadata: { httpStatusCode: 403 } });
    expect(errorCode(unreadable)).toBe('AccessDenied');
    expect(isAccessDenied(unreadable)).toBe(true);
    expect(shortMessage(unreadable)).toBe('HTTP 403 with a response body the SDK could not read');
  });
});

describe('regions', () => {
  it('partitions from region names and ARNs', () => {
    expect(['us-east-1', 'cn-north-1', 'us-gov-west-1', 'us-isob-east-1'].map(partitionOfRegion)).toEqual([
      'aws',
      'aws-cn',
      'aws-us-gov',
      'aws-iso-b',
    ]);
    expect(partitionOfArn('arn:aws-cn:iam::123456789012:user/x')).toBe('aws-cn');
  });
  it('enabled regions: opted in or needing no opt-in, same partition only', () => {
    expect(
      enabledRegions(
        [
          { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
          { RegionName: 'ap-east-1', OptInStatus: 'not-opted-in' },
          { RegionName: 'me-south-1', OptInStatus: 'opted-in' },
          { RegionName: 'cn-north-1', OptInStatus: 'opt-in-not-required' },
        ],
        'aws',
      ),
    ).toEqual(['me-south-1', 'us-east-1']);
  });
});

describe('SDK plumbing', () => {
  it('SDK output becomes JSON: dates as ISO strings, no undefined, no $metadata', () => {
    expect(
      toJson({
        $metadata: { httpStatusCode: 200 },
        A: new Date('2026-01-02T03:04:05Z'),
        B: undefined,
        C: [1, undefined, 'x'],
        D: new Uint8Array(2),
      }),
    ).toEqual({ A: '2026-01-02T03:04:05.000Z', C: [1, 'x'] });
  });

  it('the client pool refuses a write command before it is signed or sent', async () => {
    // Port 9 on 127.0.0.1 answers nothing: had the command been sent, the error would be a network one.
    const pool = new ClientPool({
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      retryMode: 'standard',
      maxConcurrency: 1,
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    await expect((await pool.client('s3', 'us-east-1')).send(new CreateBucketCommand({ Bucket: 'x' }))).rejects.toBeInstanceOf(
      ReadOnlyViolation,
    );
    expect(pool.stats.requests).toBe(0);
    pool.destroy();
  });

  it('progress goes to a terminal only', () => {
    const written: string[] = [];
    const stream = (isTTY: boolean) => ({ isTTY, columns: 80, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream;
    const state = () => ({ tasksDone: 1, tasksTotal: 4, calls: 7, resources: 12, gaps: 1 });
    createProgress(stream(false), true, state).update();
    createProgress(stream(true), false, state).update();
    expect(written).toEqual([]);
    const p = createProgress(stream(true), true, state);
    p.update();
    p.finish('done');
    expect(written[0]).toContain('collecting: 1/4 service-regions · 7 API calls · 12 resources · 1 gap(s)');
    expect(written[1]).toBe('\r\x1b[Kdone\n');
  });
});
