import { describe, expect, it } from 'vitest';
import { ec2InstanceEnricher } from '../src/enrich/ec2-instance.js';
import { securityGroupEnricher } from '../src/enrich/ec2-security-group.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import type { Resource, Snapshot } from '../src/snapshot/types.js';

const A = '123456789012';
const R = 'us-east-1';
const res = (type: string, id: string, data: Resource['data']): Resource => ({ type, id, account: A, region: R, data });
const sshOpen = (id: string, cidr = '0.0.0.0/0') =>
  res('aws.ec2.security-group', id, { GroupId: id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, ...(cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: cidr }] } : { IpRanges: [{ CidrIp: cidr }] }) }] });
const table = (id: string, assoc: object, routes: object[]) => res('aws.ec2.route-table', id, { RouteTableId: id, VpcId: 'vpc-1', Associations: [assoc], Routes: routes });
const igwRoute = { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' };

function run(resources: Resource[]) {
  const index = new SnapshotIndex({ resources } as unknown as Snapshot);
  const ctx = { now: 0, index };
  return (id: string) => {
    const r = resources.find((x) => x.id === id)!;
    return (r.type === 'aws.ec2.instance' ? ec2InstanceEnricher : securityGroupEnricher).enrich(r, ctx);
  };
}

describe('EC2 reachability facts', () => {
  const instance = (extra: object) => res('aws.ec2.instance', 'i-1', { InstanceId: 'i-1', State: { Name: 'running' }, VpcId: 'vpc-1', SubnetId: 'subnet-1', SecurityGroups: [{ GroupId: 'sg-1' }], ...extra });

  it('public IP + subnet routed to an internet gateway + a group admitting the internet = reachable', () => {
    const facts = run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1'), table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute])]);
    expect(facts('i-1')).toMatchObject({ publicIp: '198.51.100.1', publicSubnet: true, routeTableId: 'rtb-1', securityGroupIds: ['sg-1'], internetReachable: true });
    expect(facts('i-1').openPorts).toEqual([expect.objectContaining({ groupId: 'sg-1', ports: 'tcp/22', source: '0.0.0.0/0' })]);
    expect(facts('sg-1')).toMatchObject({ attachedInstances: ['i-1'], reachableInstances: ['i-1'] });
  });

  it('not reachable without a public IP, through a NAT route, a blackholed route, or with no group open to the internet', () => {
    const cases: Array<[string, Resource[]]> = [
      ['no public IP', [instance({}), sshOpen('sg-1'), table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute])]],
      ['NAT route', [instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1'), table('rtb-1', { SubnetId: 'subnet-1' }, [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' }])]],
      ['blackhole', [instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1'), table('rtb-1', { SubnetId: 'subnet-1' }, [{ ...igwRoute, State: 'blackhole' }])]],
      ['group open to one address', [instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1', '203.0.113.5/32'), table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute])]],
    ];
    for (const [name, resources] of cases) expect(run(resources)('i-1').internetReachable, name).toBe(false);
  });

  it('an explicit association wins over the main table; the main table applies otherwise', () => {
    const main = table('rtb-main', { Main: true }, [igwRoute]);
    const privateTable = table('rtb-private', { SubnetId: 'subnet-1' }, []);
    expect(run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1'), main, privateTable])('i-1')).toMatchObject({ routeTableId: 'rtb-private', publicSubnet: false });
    expect(run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1'), main])('i-1')).toMatchObject({ routeTableId: 'rtb-main', publicSubnet: true, internetReachable: true });
  });

  it('IPv6: an address, ::/0 to an internet gateway (not an egress-only one) and ::/0 in the group', () => {
    const v6 = instance({ NetworkInterfaces: [{ Ipv6Addresses: [{ Ipv6Address: '2001:db8::1' }], Groups: [{ GroupId: 'sg-1' }] }] });
    const viaIgw = table('rtb-1', { SubnetId: 'subnet-1' }, [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' }]);
    const viaEigw = table('rtb-1', { SubnetId: 'subnet-1' }, [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }]);
    expect(run([v6, sshOpen('sg-1', '::/0'), viaIgw])('i-1')).toMatchObject({ ipv6Addresses: ['2001:db8::1'], ipv6PublicSubnet: true, internetReachable: true });
    expect(run([v6, sshOpen('sg-1', '::/0'), viaEigw])('i-1').internetReachable).toBe(false);
  });

  it('unknown routing (route tables not collected) is null, never a guess of "public"', () => {
    expect(run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1')])('i-1')).toMatchObject({ publicSubnet: null, internetReachable: false });
  });

  it('a group used by a private instance lists it as attached, not reachable', () => {
    const facts = run([instance({}), sshOpen('sg-1'), table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute])]);
    expect(facts('sg-1')).toMatchObject({ attachedInstances: ['i-1'], reachableInstances: [] });
  });
});

describe('gaps on the types facts are computed from', () => {
  it('a gap on instances makes security-group rules incomplete (their severity may depend on instances), not a clean pass', async () => {
    const { evaluate } = await import('../src/engine/evaluate.js');
    const { selectRules } = await import('../src/ruleset/select.js');
    const rules = await selectRules({ only: ['ec2-security-group-admin-ports-open', 'rds-instance-not-multi-az'] }, { file: '', ruleDirs: [], rules: {} });
    const snapshot = {
      format: 'awsaudit-snapshot', version: 1,
      meta: { accounts: [A], regions: [R], collectedAt: '2026-01-01T00:00:00Z', tool: { name: 'awsaudit', version: 't' }, source: 'test', resourceTypes: ['aws.ec2.security-group', 'aws.ec2.instance', 'aws.ec2.route-table', 'aws.rds.db-instance'] },
      resources: [res('aws.ec2.security-group', 'sg-1', { GroupId: 'sg-1', IpPermissions: [] })],
      gaps: [{ service: 'ec2', region: R, operation: 'DescribeInstances', resourceTypes: ['aws.ec2.instance'], errorCode: 'UnauthorizedOperation', message: 'denied' }],
    } as Snapshot;
    const byRule = Object.fromEntries(evaluate(snapshot, rules, { now: new Date('2026-01-01T00:00:00Z') }).rules.map((r) => [r.ruleId, r]));
    expect(byRule['ec2-security-group-admin-ports-open']).toMatchObject({ status: 'pass', complete: false, gaps: [{ operation: 'DescribeInstances' }] });
    expect(byRule['rds-instance-not-multi-az']).toMatchObject({ complete: true });
  });
});
