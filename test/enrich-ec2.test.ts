import { describe, expect, it } from 'vitest';
import { ec2InstanceEnricher } from '../src/services/ec2/enrich-instance.js';
import { securityGroupEnricher } from '../src/services/ec2/enrich-security-group.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import type { Resource, Snapshot } from '../src/snapshot/types.js';
import type { JsonObject } from '../src/util/json.js';

const A = '123456789012';
const R = 'us-east-1';
const res = (type: string, id: string, data: Resource['data']): Resource => ({ type, id, account: A, region: R, data });
const sshOpen = (id: string, cidr = '0.0.0.0/0') =>
  res('aws.ec2.security-group', id, {
    GroupId: id,
    IpPermissions: [
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        ...(cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: cidr }] } : { IpRanges: [{ CidrIp: cidr }] }),
      },
    ],
  });
const table = (id: string, assoc: JsonObject, routes: JsonObject[]) =>
  res('aws.ec2.route-table', id, { RouteTableId: id, VpcId: 'vpc-1', Associations: [assoc], Routes: routes });
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
  const instance = (extra: object) =>
    res('aws.ec2.instance', 'i-1', {
      InstanceId: 'i-1',
      State: { Name: 'running' },
      VpcId: 'vpc-1',
      SubnetId: 'subnet-1',
      SecurityGroups: [{ GroupId: 'sg-1' }],
      ...extra,
    });

  it('public IP + subnet routed to an internet gateway + a group admitting the internet = reachable', () => {
    const facts = run([
      instance({ PublicIpAddress: '198.51.100.1' }),
      sshOpen('sg-1'),
      table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute]),
    ]);
    expect(facts('i-1')).toMatchObject({
      publicIp: '198.51.100.1',
      publicSubnet: true,
      routeTableId: 'rtb-1',
      securityGroupIds: ['sg-1'],
      internetReachable: true,
    });
    expect(facts('i-1').openPorts).toEqual([expect.objectContaining({ groupId: 'sg-1', ports: 'tcp/22', source: '0.0.0.0/0' })]);
    expect(facts('sg-1')).toMatchObject({ attachedInstances: ['i-1'], reachableInstances: ['i-1'] });
  });

  it('not reachable without a public IP, through a NAT route, a blackholed route, or with no group open to the internet', () => {
    const cases: Array<[string, Resource[]]> = [
      ['no public IP', [instance({}), sshOpen('sg-1'), table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute])]],
      [
        'NAT route',
        [
          instance({ PublicIpAddress: '198.51.100.1' }),
          sshOpen('sg-1'),
          table('rtb-1', { SubnetId: 'subnet-1' }, [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' }]),
        ],
      ],
      [
        'blackhole',
        [
          instance({ PublicIpAddress: '198.51.100.1' }),
          sshOpen('sg-1'),
          table('rtb-1', { SubnetId: 'subnet-1' }, [{ ...igwRoute, State: 'blackhole' }]),
        ],
      ],
      [
        'group open to one address',
        [
          instance({ PublicIpAddress: '198.51.100.1' }),
          sshOpen('sg-1', '203.0.113.5/32'),
          table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute]),
        ],
      ],
    ];
    for (const [name, resources] of cases) expect(run(resources)('i-1').internetReachable, name).toBe(false);
  });

  it('an explicit association wins over the main table; the main table applies otherwise', () => {
    const main = table('rtb-main', { Main: true }, [igwRoute]);
    const privateTable = table('rtb-private', { SubnetId: 'subnet-1' }, []);
    expect(run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1'), main, privateTable])('i-1')).toMatchObject({
      routeTableId: 'rtb-private',
      publicSubnet: false,
    });
    expect(run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1'), main])('i-1')).toMatchObject({
      routeTableId: 'rtb-main',
      publicSubnet: true,
      internetReachable: true,
    });
  });

  it('IPv6: an address, ::/0 to an internet gateway (not an egress-only one) and ::/0 in the group', () => {
    const v6 = instance({ NetworkInterfaces: [{ Ipv6Addresses: [{ Ipv6Address: '2001:db8::1' }], Groups: [{ GroupId: 'sg-1' }] }] });
    const viaIgw = table('rtb-1', { SubnetId: 'subnet-1' }, [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' }]);
    const viaEigw = table('rtb-1', { SubnetId: 'subnet-1' }, [
      { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' },
    ]);
    expect(run([v6, sshOpen('sg-1', '::/0'), viaIgw])('i-1')).toMatchObject({
      ipv6Addresses: ['2001:db8::1'],
      ipv6PublicSubnet: true,
      internetReachable: true,
    });
    expect(run([v6, sshOpen('sg-1', '::/0'), viaEigw])('i-1').internetReachable).toBe(false);
  });

  it('unknown routing (no route table for the subnet or the VPC) is null, never a guess of "public" or "private"', () => {
    expect(run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1')])('i-1')).toMatchObject({
      publicSubnet: null,
      routeTableId: null,
      internetReachable: null,
      exposedPorts: [],
    });
    // Unknown routing does not matter when there is no public address, or no group admits the internet.
    expect(run([instance({}), sshOpen('sg-1')])('i-1').internetReachable).toBe(false);
    expect(run([instance({ PublicIpAddress: '198.51.100.1' }), sshOpen('sg-1', '203.0.113.5/32')])('i-1').internetReachable).toBe(false);
  });

  it('a security group the instance uses that is not in the snapshot: listed, and reachability unknown unless another group settles it', () => {
    const rt = table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute]);
    const onlyMissing = run([instance({ PublicIpAddress: '198.51.100.1' }), rt])('i-1');
    expect(onlyMissing).toMatchObject({ securityGroupIds: ['sg-1'], missingSecurityGroupIds: ['sg-1'], internetReachable: null });
    const twoGroups = instance({ PublicIpAddress: '198.51.100.1', SecurityGroups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }] });
    // sg-1 is closed and sg-2 is missing: sg-2 might admit the internet.
    expect(run([twoGroups, sshOpen('sg-1', '10.0.0.0/8'), rt])('i-1')).toMatchObject({
      missingSecurityGroupIds: ['sg-2'],
      internetReachable: null,
    });
    // sg-1 admits the internet: reachable whatever sg-2 holds (groups only add access).
    expect(run([twoGroups, sshOpen('sg-1'), rt])('i-1')).toMatchObject({
      missingSecurityGroupIds: ['sg-2'],
      internetReachable: true,
      exposedAddresses: ['198.51.100.1'],
    });
    // Without a public address it is decided, missing group or not.
    expect(run([instance({}), rt])('i-1').internetReachable).toBe(false);
  });

  it('terminated or shutting-down: not reachable and not active, whatever the rest says', () => {
    for (const state of ['terminated', 'shutting-down']) {
      const facts = run([
        instance({ State: { Name: state }, PublicIpAddress: '198.51.100.1' }),
        sshOpen('sg-1'),
        table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute]),
      ])('i-1');
      expect(facts, state).toMatchObject({ active: false, internetReachable: false, exposedPorts: [], exposedAddresses: [] });
    }
    // Unknown routing and a missing group do not make a terminated instance unknown.
    expect(run([instance({ State: { Name: 'terminated' }, PublicIpAddress: '198.51.100.1' })])('i-1').internetReachable).toBe(false);
    expect(
      run([
        instance({ State: { Name: 'stopped' }, PublicIpAddress: '198.51.100.1' }),
        sshOpen('sg-1'),
        table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute]),
      ])('i-1'),
    ).toMatchObject({ active: true, internetReachable: true });
  });

  it('IPv6 path: exposed ports and addresses are those of the family that lines up', () => {
    const dual = instance({
      PublicIpAddress: '198.51.100.1',
      NetworkInterfaces: [{ Ipv6Addresses: [{ Ipv6Address: '2001:db8::1' }], Groups: [{ GroupId: 'sg-1' }] }],
    });
    const v6Only = res('aws.ec2.security-group', 'sg-1', {
      GroupId: 'sg-1',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      ],
    });
    const bothRoutes = table('rtb-1', { SubnetId: 'subnet-1' }, [
      igwRoute,
      { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' },
    ]);
    const facts = run([dual, v6Only, bothRoutes])('i-1');
    expect(facts).toMatchObject({
      internetReachable: true,
      exposedAddresses: ['2001:db8::1'],
      exposedPorts: [expect.objectContaining({ ports: 'tcp/443', source: '::/0', sourceKind: 'ipv6' })],
    });
    expect(facts.exposedPorts).toHaveLength(1);
    // ::/0 admitted but only an IPv4 internet route: the IPv6 address is not reachable, the IPv4 one is not admitted.
    expect(run([dual, v6Only, table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute])])('i-1')).toMatchObject({
      publicSubnet: true,
      ipv6PublicSubnet: false,
      internetReachable: false,
    });
  });

  it('a group used by a private instance lists it as attached, not reachable', () => {
    const facts = run([instance({}), sshOpen('sg-1'), table('rtb-1', { SubnetId: 'subnet-1' }, [igwRoute])]);
    expect(facts('sg-1')).toMatchObject({ attachedInstances: ['i-1'], reachableInstances: [] });
  });
});

describe('undecided resources (rules with unknownWhen)', () => {
  it('an instance whose reachability is unknown is neither a finding nor a pass, and makes the rule incomplete', async () => {
    const { evaluate } = await import('../src/engine/evaluate.js');
    const { selectRules } = await import('../src/ruleset/select.js');
    const rules = await selectRules(
      { only: ['ec2-instance-reachable-from-internet', 'ec2-instance-public-ip-in-private-subnet'] },
      { file: '', ruleDirs: [], rules: {}, suppressions: [] },
    );
    const inst = (id: string, subnet: string, groups: string[]) =>
      res('aws.ec2.instance', id, {
        InstanceId: id,
        State: { Name: 'running' },
        VpcId: 'vpc-1',
        SubnetId: subnet,
        PublicIpAddress: '198.51.100.9',
        SecurityGroups: groups.map((GroupId) => ({ GroupId })),
      });
    const snapshot = {
      format: 'awsaudit-snapshot',
      version: 1,
      meta: {
        accounts: [A],
        regions: [R],
        collectedAt: '2026-01-01T00:00:00Z',
        tool: { name: 'awsaudit', version: 't' },
        source: 'test',
        resourceTypes: ['aws.ec2.security-group', 'aws.ec2.instance', 'aws.ec2.route-table'],
      },
      resources: [
        inst('i-open', 'subnet-1', ['sg-1']),
        inst('i-missing-group', 'subnet-1', ['sg-gone']),
        inst('i-no-route', 'subnet-9', ['sg-1']),
        sshOpen('sg-1'),
        res('aws.ec2.route-table', 'rtb-1', {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-1',
          Associations: [{ SubnetId: 'subnet-1' }],
          Routes: [igwRoute],
        }),
      ],
      gaps: [],
    } as Snapshot;
    // i-no-route is in a VPC whose main table is unknown: route tables of vpc-1 have no main one.
    const evaluation = evaluate(snapshot, rules, { now: new Date('2026-01-01T00:00:00Z') });
    const byRule = Object.fromEntries(evaluation.rules.map((r) => [r.ruleId, r]));
    expect(evaluation.findings.map((f) => `${f.ruleId} ${f.resource.id}`)).toEqual(['ec2-instance-reachable-from-internet i-open']);
    expect(byRule['ec2-instance-reachable-from-internet']).toMatchObject({
      status: 'fail',
      evaluated: 3,
      failed: 1,
      passed: 0,
      undecided: 2,
      undecidedResources: ['i-missing-group', 'i-no-route'],
      complete: false,
      gaps: [],
    });
    expect(byRule['ec2-instance-public-ip-in-private-subnet']).toMatchObject({
      status: 'incomplete',
      evaluated: 3,
      failed: 0,
      passed: 2,
      undecided: 1,
      undecidedResources: ['i-no-route'],
      complete: false,
    });
    // The reports say which resources were undecided, never "passed".
    const { formatText } = await import('../src/report/text.js');
    const { formatSarif } = await import('../src/report/sarif.js');
    const text = formatText({ evaluation, rules, color: false });
    expect(text).toContain(
      'Incomplete (not a clean result): ec2-instance-public-ip-in-private-subnet (1 undecided: i-no-route), ec2-instance-reachable-from-internet (2 undecided: i-missing-group, i-no-route)',
    );
    // Each rule counted once: the failed one is also incomplete, the other is incomplete with no finding.
    expect(text).toMatch(/2 rules: 1 failed \(1 of them incomplete\), 0 passed, 1 incomplete(?: ·|$)/m);
    const sarif = JSON.parse(formatSarif({ evaluation, rules, color: false })) as {
      runs: Array<{ invocations: Array<{ toolConfigurationNotifications: Array<{ message: { text: string } }> }> }>;
    };
    expect(sarif.runs[0]!.invocations[0]!.toolConfigurationNotifications.map((n) => n.message.text)).toContain(
      'Rule ec2-instance-reachable-from-internet is incomplete: 2 resource(s) could not be decided (i-missing-group, i-no-route), a fact it needs is unknown. This is not a clean pass.',
    );
  });
});

describe('gaps on the types facts are computed from', () => {
  it('a gap on instances makes security-group rules incomplete (their severity may depend on instances), not a clean pass', async () => {
    const { evaluate } = await import('../src/engine/evaluate.js');
    const { selectRules } = await import('../src/ruleset/select.js');
    const rules = await selectRules(
      { only: ['ec2-security-group-admin-ports-open', 'rds-instance-not-multi-az'] },
      { file: '', ruleDirs: [], rules: {}, suppressions: [] },
    );
    const snapshot = {
      format: 'awsaudit-snapshot',
      version: 1,
      meta: {
        accounts: [A],
        regions: [R],
        collectedAt: '2026-01-01T00:00:00Z',
        tool: { name: 'awsaudit', version: 't' },
        source: 'test',
        resourceTypes: ['aws.ec2.security-group', 'aws.ec2.instance', 'aws.ec2.route-table', 'aws.rds.db-instance'],
      },
      resources: [res('aws.ec2.security-group', 'sg-1', { GroupId: 'sg-1', IpPermissions: [] })],
      gaps: [
        {
          service: 'ec2',
          region: R,
          operation: 'DescribeInstances',
          resourceTypes: ['aws.ec2.instance'],
          errorCode: 'UnauthorizedOperation',
          message: 'denied',
        },
      ],
    } as Snapshot;
    const byRule = Object.fromEntries(evaluate(snapshot, rules, { now: new Date('2026-01-01T00:00:00Z') }).rules.map((r) => [r.ruleId, r]));
    expect(byRule['ec2-security-group-admin-ports-open']).toMatchObject({
      status: 'incomplete',
      complete: false,
      gaps: [{ operation: 'DescribeInstances' }],
    });
    expect(byRule['rds-instance-not-multi-az']).toMatchObject({ complete: true });
  });
});
