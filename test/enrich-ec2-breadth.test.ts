import { describe, expect, it } from 'vitest';
import { stoppedAt } from '../src/services/ec2/enrich-instance.js';
import { aclAdminIngress } from '../src/services/ec2/enrich-network-acl.js';
import { snapshotEnricher } from '../src/services/ec2/enrich-snapshot.js';
import { gp3MonthlySavingUsd } from '../src/services/ec2/enrich-volume.js';
import { vpcEnricher } from '../src/services/ec2/enrich-vpc.js';
import { generationAdvice } from '../src/services/ec2/instance-generations.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import type { CoverageGap, Resource, Snapshot } from '../src/snapshot/types.js';

const A = '123456789012';
const R = 'us-east-1';
const res = (type: string, id: string, data: Resource['data'], region = R): Resource => ({ type, id, account: A, region, data });
const index = (resources: Resource[], resourceTypes: string[], gaps: Partial<CoverageGap>[] = []) =>
  new SnapshotIndex({ meta: { resourceTypes }, resources, gaps } as unknown as Snapshot);
const gap = (type: string, region = R): Partial<CoverageGap> => ({ service: 'ec2', region, operation: 'Describe', resourceTypes: [type] });
const entry = (n: number, protocol: string, action: string, cidr: string, from?: number, to?: number) => ({
  RuleNumber: n,
  Protocol: protocol,
  RuleAction: action,
  Egress: false,
  ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
  ...(from === undefined ? {} : { PortRange: { From: from, To: to } }),
});

describe('network ACL admin-port ingress (first match wins, in rule-number order)', () => {
  it('an allow-all admits both ports; a lower-numbered deny of the whole internet removes that port only', () => {
    expect(aclAdminIngress([entry(100, '-1', 'allow', '0.0.0.0/0')])[0]).toMatchObject({ ruleNumber: 100, adminPorts: [22, 3389] });
    expect(aclAdminIngress([entry(10, '6', 'deny', '0.0.0.0/0', 22, 22), entry(100, '-1', 'allow', '0.0.0.0/0')])[0]).toMatchObject({
      adminPorts: [3389],
    });
  });
  it('entries are sorted by number, not by their order in the list; a deny after the allow, or of a narrower source, changes nothing', () => {
    expect(aclAdminIngress([entry(100, '-1', 'allow', '0.0.0.0/0'), entry(10, '-1', 'deny', '0.0.0.0/0')])).toEqual([]);
    expect(aclAdminIngress([entry(100, '6', 'allow', '0.0.0.0/0', 22, 22), entry(200, '6', 'deny', '0.0.0.0/0', 22, 22)])).toHaveLength(1);
    expect(aclAdminIngress([entry(10, '6', 'deny', '203.0.113.0/24', 22, 22), entry(100, '6', 'allow', '0.0.0.0/0', 22, 22)])).toHaveLength(
      1,
    );
  });
  it('an IPv4 deny does not cover ::/0; UDP, egress and narrower sources are not admin ingress from the internet', () => {
    expect(aclAdminIngress([entry(10, '-1', 'deny', '0.0.0.0/0'), entry(100, '-1', 'allow', '::/0')])[0]).toMatchObject({ source: '::/0' });
    expect(aclAdminIngress([entry(100, '17', 'allow', '0.0.0.0/0', 0, 65535)])).toEqual([]);
    expect(aclAdminIngress([{ ...entry(100, '-1', 'allow', '0.0.0.0/0'), Egress: true }])).toEqual([]);
    expect(aclAdminIngress([entry(100, '6', 'allow', '10.0.0.0/8', 22, 22)])).toEqual([]);
  });
});

describe('facts that depend on other listings are unknown where those listings have a gap', () => {
  const vpc = res('aws.ec2.vpc', 'vpc-1', { VpcId: 'vpc-1' });
  it('flow logs: none known in a region with a gap is null, not "no flow log"; elsewhere it is decided', () => {
    const types = ['aws.ec2.vpc', 'aws.ec2.flow-log'];
    expect(vpcEnricher.enrich(vpc, { now: 0, index: index([vpc], types, [gap('aws.ec2.flow-log')]) }).activeFlowLogIds).toBeNull();
    expect(
      vpcEnricher.enrich(vpc, { now: 0, index: index([vpc], types, [gap('aws.ec2.flow-log', 'eu-west-1')]) }).activeFlowLogIds,
    ).toEqual([]);
    expect(vpcEnricher.enrich(vpc, { now: 0, index: index([vpc], ['aws.ec2.vpc']) }).activeFlowLogIds).toBeNull();
  });
  it("snapshots: a source volume that is not listed is gone only when the region's volumes were all read", () => {
    const snap = res('aws.ec2.snapshot', 'snap-1', { SnapshotId: 'snap-1', VolumeId: 'vol-1', VolumeSize: 10, Description: '' });
    const types = ['aws.ec2.snapshot', 'aws.ec2.volume'];
    expect(snapshotEnricher.enrich(snap, { now: 0, index: index([snap], types) })).toMatchObject({
      sourceVolumeExists: false,
      monthlyCostUpperBoundUsd: 0.5,
    });
    expect(snapshotEnricher.enrich(snap, { now: 0, index: index([snap], types, [gap('aws.ec2.volume')]) }).sourceVolumeExists).toBeNull();
    const volume = res('aws.ec2.volume', 'vol-1', { VolumeId: 'vol-1' });
    expect(snapshotEnricher.enrich(snap, { now: 0, index: index([snap, volume], types) }).sourceVolumeExists).toBe(true);
  });
});

describe('waste estimates', () => {
  it('the stop time, from EC2 (GMT) and moto (UTC); null when EC2 gives none or the instance is not stopped', () => {
    const stopped = (reason: string) => ({ State: { Name: 'stopped' }, StateTransitionReason: reason });
    expect(stoppedAt(stopped('User initiated (2024-01-15 10:20:30 GMT)'))).toBe('2024-01-15T10:20:30.000Z');
    expect(stoppedAt(stopped('User initiated (2024-01-15 10:20:30 UTC)'))).toBe('2024-01-15T10:20:30.000Z');
    expect(stoppedAt(stopped('Server.ScheduledStop'))).toBeNull();
    expect(stoppedAt({ State: { Name: 'running' }, StateTransitionReason: 'User initiated (2024-01-15 10:20:30 GMT)' })).toBeNull();
  });
  it('gp2 to gp3: 20% of the size, less the IOPS gp3 must buy to match gp2 above 1,000 GiB', () => {
    expect(gp3MonthlySavingUsd('gp2', 100)).toBe(2);
    expect(gp3MonthlySavingUsd('gp2', 2000)).toBe(25);
    expect(gp3MonthlySavingUsd('gp3', 100)).toBeNull();
  });
  it('previous generations: the same size of the current family, and no price guessed for a size the table lacks', () => {
    expect(generationAdvice('m4.xlarge')).toEqual({
      twinFamily: 'm5',
      twinType: 'm5.xlarge',
      monthlyUsd: 146,
      twinMonthlyUsd: 140.16,
      monthlySavingUsd: 5.84,
    });
    expect(generationAdvice('m3.medium')).toMatchObject({ twinFamily: 'm5', twinType: null, monthlySavingUsd: null });
    expect(generationAdvice('t2.24xlarge')).toMatchObject({ twinType: null, monthlyUsd: null, monthlySavingUsd: null });
    expect(generationAdvice('t3.micro')).toBeNull();
    expect(generationAdvice('m7g.large')).toBeNull();
  });
});
