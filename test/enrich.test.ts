import { describe, expect, it } from 'vitest';
import { flattenIngress } from '../src/services/ec2/enrich-security-group.js';
import { s3BucketEnricher } from '../src/services/s3/enrich-bucket.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import type { Resource, Snapshot } from '../src/snapshot/types.js';

describe('security group ingress flattening', () => {
  it('settles protocol -1, numeric protocols, IPv6, prefix lists and group sources', () => {
    const flat = flattenIngress([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: '6', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        PrefixListIds: [{ PrefixListId: 'pl-1' }],
        UserIdGroupPairs: [{ GroupId: 'sg-9' }],
      },
    ]);
    expect(flat.map((e) => [e.protocol, e.ports, e.source, e.internet])).toEqual([
      ['all', 'all ports', '0.0.0.0/0', true],
      ['tcp', 'tcp/22', '::/0', true],
      ['tcp', 'tcp/5432', 'pl-1', false],
      ['tcp', 'tcp/5432', 'sg-9', false],
    ]);
    expect(flat[0]).toMatchObject({ fromPort: 0, toPort: 65535 });
  });
});

describe('S3 bucket public facts', () => {
  const account = '123456789012';
  const facts = (data: Resource['data'], accountBlock?: Resource['data']) => {
    const bucket: Resource = { type: 'aws.s3.bucket', id: 'b', account, region: 'us-east-1', data };
    const resources: Resource[] = [bucket];
    if (accountBlock)
      resources.push({ type: 'aws.s3.account-public-access-block', id: account, account, region: 'global', data: accountBlock });
    const snapshot = { format: 'awsaudit-snapshot', version: 1, meta: {} as Snapshot['meta'], resources, gaps: [] } as Snapshot;
    return s3BucketEnricher.enrich(bucket, { now: 0, index: new SnapshotIndex(snapshot) });
  };
  const publicPolicy = (condition?: object) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Public',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::b/*',
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    });

  it('a policy with Principal "*" and no condition is public', () => {
    expect(facts({ Policy: publicPolicy() })).toMatchObject({ publicViaPolicy: true, public: true });
  });
  it('a restricting condition (source IP, org) makes it not public', () => {
    expect(facts({ Policy: publicPolicy({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }) }).publicViaPolicy).toBe(false);
    expect(facts({ Policy: publicPolicy({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }) }).publicViaPolicy).toBe(false);
  });
  it('a non-restricting condition (SecureTransport) leaves it public', () => {
    expect(facts({ Policy: publicPolicy({ Bool: { 'aws:SecureTransport': 'true' } }) }).publicViaPolicy).toBe(true);
  });
  it('account-level RestrictPublicBuckets neutralises a public policy', () => {
    expect(facts({ Policy: publicPolicy() }, { RestrictPublicBuckets: true }).publicViaPolicy).toBe(false);
  });
  it('{"AWS": "*"} principal counts as everyone; a Deny statement does not', () => {
    const p = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 's3:*' },
        { Effect: 'Deny', Principal: '*', Action: 's3:*' },
      ],
    });
    expect((facts({ Policy: p }).policyPublicStatements as unknown[]).length).toBe(1);
  });
});
