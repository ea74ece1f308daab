// End to end against moto_server: EC2 instances seeded through the SDK (reachable, public IP
// in a private subnet, compliant), with user data holding key pairs made at run time (plain and
// gzip), scanned by the built CLI. Checks the exact findings, that no output holds any part of
// a secret, and that denied user-data reads are gaps and undecided instances, never clean.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { startDenyProxy } from './support/deny-proxy.js';
import { MOTO_CLI_ENV, sdkConfig, startMoto, type MotoServer } from './support/moto.js';
import { AMI, fakeAwsKeyPair } from './support/notes-scenario.js';

const REGION = 'us-east-1';
const RULES = ['ec2-instance-reachable-from-internet', 'ec2-instance-public-ip-in-private-subnet', 'ec2-instance-secrets-in-user-data'];
// AWS's documented example keys: placeholders, which must not be reported.
const EXAMPLE_ID = 'AKIAIOSFODNN7EXAMPLE';
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const MOTO_ENV = MOTO_CLI_ENV;

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  costMonthlyUsd?: number;
  resource: { id: string; type: string };
}
interface Report {
  findings: Finding[];
  rules: Array<{
    ruleId: string;
    status: string;
    complete: boolean;
    evaluated: number;
    failed: number;
    passed: number;
    undecided: number;
    undecidedResources: string[];
  }>;
  gaps: Array<{ service: string; region: string; operation: string; errorCode: string; resourceTypes: string[]; message: string }>;
}

interface Seeded {
  reachable: string;
  privateWithIp: string;
  compliant: string;
  terminated: string;
  openGroup: string;
  keys: Array<{ id: string; secret: string }>;
  dbPassword: string;
  /** The user data as sent (base64), to check no output keeps it in that form either. */
  userData: string[];
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');
const masked = (id: string) => `${id.slice(0, 4)}…${id.slice(-4)}`;

async function seed(endpoint: string): Promise<Seeded> {
  const ec2 = new EC2Client(sdkConfig(endpoint, REGION));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!;
  const publicSubnet = await subnet('10.7.1.0/24');
  const privateSubnet = await subnet('10.7.2.0/24');
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  const publicTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: publicSubnet }));
  // The twin: a route table of its own for the private subnet, with no internet gateway.
  const privateTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTable, SubnetId: privateSubnet }));

  const group = async (name: string, cidr: string, port: number) => {
    const id = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpc }))).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] }],
      }),
    );
    return id;
  };
  const openGroup = await group('web-open', '0.0.0.0/0', 22);
  const closedGroup = await group('app-internal', '10.7.0.0/16', 8000);

  const keys = [fakeAwsKeyPair(), fakeAwsKeyPair()];
  const dbPassword = `pw-${keys[0]!.secret.slice(0, 6)}-${Date.now()}`;
  const script = (k: { id: string; secret: string }) =>
    [
      '#!/bin/bash',
      `export AWS_ACCESS_KEY_ID=${k.id}`,
      `export AWS_SECRET_ACCESS_KEY=${k.secret}`,
      'pip install -r requirements.txt',
      'python manage.py runserver 0:8000',
      '',
    ].join('\n');
  const userData: string[] = [];
  const launch = async (subnetId: string, groupId: string, publicIp: boolean, ud: string) => {
    userData.push(ud);
    return (
      await ec2.send(
        new RunInstancesCommand({
          ImageId: AMI,
          MinCount: 1,
          MaxCount: 1,
          InstanceType: 't3.micro',
          UserData: ud,
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, Groups: [groupId], AssociatePublicIpAddress: publicIp }],
        }),
      )
    ).Instances![0]!.InstanceId!;
  };
  // Plain user data (base64 of the script), on the instance the internet reaches.
  const reachable = await launch(publicSubnet, openGroup, true, b64(script(keys[0]!)));
  // gzip + base64, on the instance with a public IP in the private subnet; a password too.
  const privateWithIp = await launch(
    privateSubnet,
    closedGroup,
    true,
    b64(gzipSync(`${script(keys[1]!)}export DB_PASSWORD='${dbPassword}'\n`)),
  );
  // Compliant: no public IP, secrets fetched at boot, only AWS's documented example keys in a comment.
  const compliant = await launch(
    privateSubnet,
    closedGroup,
    false,
    b64(
      [
        '#!/bin/bash',
        `# aws configure example: ${EXAMPLE_ID} / ${EXAMPLE_SECRET}`,
        'export DB_PASSWORD=$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)',
        '',
      ].join('\n'),
    ),
  );
  // Terminated: its user data is not read at all.
  const terminated = await launch(publicSubnet, openGroup, true, b64(script(fakeAwsKeyPair())));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [terminated] }));
  ec2.destroy();
  return { reachable, privateWithIp, compliant, terminated, openGroup, keys, dbPassword, userData };
}

let moto: MotoServer | undefined;
let s: Seeded;

beforeAll(async () => {
  moto = await startMoto();
  s = await seed(moto.endpoint);
}, 180_000);

afterAll(async () => {
  await moto?.stop();
});

const scan = (endpoint: string, extra: string[]) =>
  runCli(['scan', '--endpoint-url', endpoint, '--region', REGION, '--only', RULES.join(','), ...extra], { env: MOTO_ENV });
const key = (f: Finding) => `${f.ruleId} ${f.resource.id}`;

describe('instances and user data in moto, scanned by the CLI', () => {
  let report: Report;
  let code: number;
  beforeAll(async () => {
    const r = await scan(moto!.endpoint, ['--format', 'json', '--output', 'json=-']);
    code = r.code;
    report = JSON.parse(r.stdout) as Report;
  }, 120_000);

  it('exactly the reachable instance, the public IP in the private subnet and the two user-data secrets', () => {
    expect(code).toBe(1);
    expect(report.gaps).toEqual([]);
    expect(report.findings.map(key).sort()).toEqual(
      [
        `ec2-instance-reachable-from-internet ${s.reachable}`,
        `ec2-instance-public-ip-in-private-subnet ${s.privateWithIp}`,
        `ec2-instance-secrets-in-user-data ${s.reachable}`,
        `ec2-instance-secrets-in-user-data ${s.privateWithIp}`,
      ].sort(),
    );
    const byRule = Object.fromEntries(report.rules.map((r) => [r.ruleId, r]));
    // Three live instances and the terminated one are evaluated for reachability and addresses.
    expect(byRule['ec2-instance-reachable-from-internet']).toMatchObject({
      evaluated: 4,
      failed: 1,
      passed: 3,
      undecided: 0,
      complete: true,
    });
    expect(byRule['ec2-instance-public-ip-in-private-subnet']).toMatchObject({
      evaluated: 4,
      failed: 1,
      passed: 3,
      undecided: 0,
      complete: true,
    });
    // User data is read for the three instances that are not terminated.
    expect(byRule['ec2-instance-secrets-in-user-data']).toMatchObject({ evaluated: 3, failed: 2, passed: 1, undecided: 0, complete: true });
  });

  it('messages: the open port and group, the billed address, and the masked key ids with their lines (plain and gzip alike)', () => {
    const find = (rule: string, id: string) => report.findings.find((f) => f.ruleId === rule && f.resource.id === id)!;
    expect(find('ec2-instance-reachable-from-internet', s.reachable).message).toMatch(
      new RegExp(
        `reachable from the internet at [0-9.]+ \\(route table rtb-\\w+ routes to an internet gateway\\): tcp/22 from 0\\.0\\.0\\.0/0 in ${s.openGroup}\\.$`,
      ),
    );
    expect(find('ec2-instance-public-ip-in-private-subnet', s.privateWithIp)).toMatchObject({ severity: 'low', costMonthlyUsd: 3.65 });
    expect(find('ec2-instance-secrets-in-user-data', s.reachable)).toMatchObject({
      severity: 'high',
      message: `Instance ${s.reachable} has credentials in its user data: aws-access-key-id ${masked(s.keys[0]!.id)} (line 2), aws-secret-access-key (line 3).`,
    });
    expect(find('ec2-instance-secrets-in-user-data', s.privateWithIp).message).toBe(
      `Instance ${s.privateWithIp} has credentials in its user data: aws-access-key-id ${masked(s.keys[1]!.id)} (line 2), aws-secret-access-key (line 3), secret-named-variable DB_PASSWORD (line 6).`,
    );
  });
});

describe('no output holds any part of a secret', () => {
  it('text, json, sarif, html and the collected snapshot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-userdata-'));
    const r = await scan(moto!.endpoint, ['--format', 'text,json,sarif,html', '--output-dir', dir]);
    expect(r.code, r.stderr).toBe(1);
    const snap = path.join(dir, 'snapshot.json');
    const c = await runCli(['collect', '--endpoint-url', moto!.endpoint, '--region', REGION, '--only', RULES.join(','), '--out', snap], {
      env: MOTO_ENV,
    });
    expect(c.code, c.stderr).toBe(0);
    const outputs: Record<string, string> = { stdout: r.stdout, stderr: r.stderr + c.stderr };
    for (const file of readdirSync(dir)) outputs[file] = readFileSync(path.join(dir, file), 'utf8');
    expect(Object.keys(outputs).sort()).toEqual(['awsaudit.html', 'awsaudit.json', 'awsaudit.sarif', 'snapshot.json', 'stderr', 'stdout']);
    const secrets = [
      ...s.keys.flatMap((k) => [k.id, k.secret, k.id.slice(4, 16), k.secret.slice(0, 20), k.secret.slice(20)]),
      s.dbPassword,
      // The user data as the API returns it (base64), in pieces.
      ...s.userData.flatMap((ud) => ud.match(/.{1,24}/g)!.slice(0, -1)),
    ];
    for (const [name, text] of Object.entries(outputs)) {
      for (const secret of secrets) expect(text.includes(secret), `${name} holds part of a secret`).toBe(false);
    }
    // The reports do say what was found, masked.
    for (const name of ['stdout', 'awsaudit.json', 'awsaudit.sarif', 'awsaudit.html', 'snapshot.json'])
      expect(outputs[name], name).toContain(masked(s.keys[0]!.id));
    const snapshot = JSON.parse(outputs['snapshot.json']!) as {
      resources: Array<{ type: string; id: string; data: Record<string, unknown> }>;
    };
    const ud = snapshot.resources.filter((x) => x.type === 'aws.ec2.instance-user-data');
    expect(ud.map((x) => x.id).sort()).toEqual([s.reachable, s.privateWithIp, s.compliant].sort());
    expect(ud.find((x) => x.id === s.privateWithIp)!.data).toMatchObject({
      UserDataPresent: true,
      UserDataEncoding: ['gzip', 'text'],
      UserDataTruncated: false,
    });
    expect(ud.find((x) => x.id === s.reachable)!.data).toMatchObject({ UserDataPresent: true, UserDataEncoding: ['text'] });
    // No user data field from the API survives.
    expect(outputs['snapshot.json']).not.toMatch(/"UserData"\s*:/);
  }, 180_000);
});

describe('user data is read only when a selected rule needs it', () => {
  it('the reachability rules alone make no DescribeInstanceAttribute call, and permissions follow', async () => {
    // A proxy that denies nothing and notes every EC2 action it forwards.
    const seen: string[] = [];
    const spy = await startDenyProxy(moto!.endpoint, (service, action) => {
      if (service === 'ec2' && action) seen.push(action);
      return false;
    });
    try {
      const r = await runCli(
        ['collect', '--endpoint-url', spy.endpoint, '--region', REGION, '--only', RULES.slice(0, 2).join(','), '--out=-'],
        { env: MOTO_ENV },
      );
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { meta: { resourceTypes: string[] } }).meta.resourceTypes).not.toContain(
        'aws.ec2.instance-user-data',
      );
      expect(seen).toContain('DescribeInstances');
      expect(seen).not.toContain('DescribeInstanceAttribute');
      seen.length = 0;
      const u = await runCli(['collect', '--endpoint-url', spy.endpoint, '--region', REGION, '--only', RULES[2]!, '--out=-'], {
        env: MOTO_ENV,
      });
      expect(u.code, u.stderr).toBe(0);
      // One listing, then one read per instance that is not terminated.
      expect(seen.filter((a) => a === 'DescribeInstances')).toHaveLength(1);
      expect(seen.filter((a) => a === 'DescribeInstanceAttribute')).toHaveLength(3);
    } finally {
      await spy.stop();
    }
    const without = JSON.parse((await runCli(['permissions', '--only', RULES.slice(0, 2).join(',')])).stdout).Statement[0]
      .Action as string[];
    const withUd = JSON.parse((await runCli(['permissions', '--only', RULES[2]!])).stdout).Statement[0].Action as string[];
    expect(without).not.toContain('ec2:DescribeInstanceAttribute');
    expect(withUd).toEqual(['ec2:DescribeInstanceAttribute', 'ec2:DescribeInstances', 'ec2:DescribeRegions', 'sts:GetCallerIdentity']);
  }, 120_000);
});

describe('DescribeInstanceAttribute denied: a gap and undecided instances, no clean verdict', () => {
  let report: Report;
  let text: string;
  beforeAll(async () => {
    const proxy = await startDenyProxy(moto!.endpoint, (service, action) => service === 'ec2' && action === 'DescribeInstanceAttribute');
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-userdata-denied-'));
      const r = await scan(proxy.endpoint, ['--format', 'text,json', '--output', `json=${path.join(dir, 'r.json')}`]);
      expect(proxy.denied.get('ec2:DescribeInstanceAttribute')).toBe(3);
      text = r.stdout;
      report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')) as Report;
    } finally {
      await proxy.stop();
    }
  }, 120_000);

  it('the gap names the service, region, call and error; the other rules are unaffected', () => {
    expect(report.gaps.map((g) => `${g.service} ${g.region} ${g.operation} ${g.errorCode} ${g.resourceTypes.join(',')}`)).toEqual([
      `ec2 ${REGION} DescribeInstanceAttribute UnauthorizedOperation aws.ec2.instance-user-data`,
    ]);
    expect(report.gaps[0]!.message).toContain('3 calls failed');
    expect(report.findings.map(key).sort()).toEqual(
      [`ec2-instance-public-ip-in-private-subnet ${s.privateWithIp}`, `ec2-instance-reachable-from-internet ${s.reachable}`].sort(),
    );
    expect(report.rules.filter((r) => !r.complete).map((r) => r.ruleId)).toEqual(['ec2-instance-secrets-in-user-data']);
  });

  it('every instance is undecided, none passed; the text report says the rule is incomplete', () => {
    const rule = report.rules.find((r) => r.ruleId === 'ec2-instance-secrets-in-user-data')!;
    expect(rule).toMatchObject({ evaluated: 3, failed: 0, passed: 0, undecided: 3, complete: false });
    expect([...rule.undecidedResources].sort()).toEqual([s.reachable, s.privateWithIp, s.compliant].sort());
    expect(text).toMatch(/ec2 us-east-1 DescribeInstanceAttribute: UnauthorizedOperation/);
    expect(text).toMatch(/Incomplete \(not a clean result\): ec2-instance-secrets-in-user-data \(3 undecided: /);
  });
});
