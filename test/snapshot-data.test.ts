// Resource data is checked, not trusted. A snapshot file whose resources as a whole do not have the
// shape awsaudit reads (every instance still wrapped in its reservation, the credential report left
// as CSV text, a misspelled type) is refused with the resource and field named (exit 2); a few
// malformed resources among good ones are set aside as undecided for the rules of their type and
// named in the report's notes, so the audit goes on; and a rule that decides on data alone does
// not pass a resource whose data has none of the fields it decides on.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionDataFields } from '../src/engine/data-paths.js';
import { INVALID_DATA, evaluate } from '../src/engine/evaluate.js';
import { checkSemantics, compileRule } from '../src/ruleset/load.js';
import { testRule } from '../src/ruleset/tester.js';
import type { CompiledRule, RuleDefinition } from '../src/ruleset/types.js';
import { loadAllRules, selectRules } from '../src/ruleset/select.js';
import { readSnapshot } from '../src/snapshot/read.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { runCli } from './support/cli.js';
import { DEMO_NOW, demoVariant, readDemo, type SnapshotDoc, type SnapshotResource } from './support/snapshots.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-data-');

interface Report {
  findings: Array<{ ruleId: string; resource: { id: string }; fingerprint: string }>;
  rules: Array<{
    ruleId: string;
    status: string;
    evaluated: number;
    failed: number;
    passed: number;
    undecided: number;
    undecidedResources: string[];
    gaps: Array<{ operation: string; errorCode: string }>;
  }>;
  scan: { notes: string[] };
}

const evaluateFile = (file: string, ...more: string[]) =>
  runCli(['evaluate', '--snapshot', file, '--now', DEMO_NOW, '--format', 'json', '--output', 'json=-', '--fail-on', 'none', ...more]);

const indexOf = (s: SnapshotDoc, predicate: (r: SnapshotResource) => boolean) => s.resources.findIndex(predicate);

/** An instance item wrapped back into the reservation DescribeInstances returns it in. */
const reservation = (instance: Record<string, unknown>) => ({
  ReservationId: 'r-0123456789abcdef0',
  OwnerId: '123456789012',
  Groups: [],
  Instances: [instance],
});

const CREDENTIAL_REPORT_CSV =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active\n' +
  'django-board,arn:aws:iam::123456789012:user/django-board,2024-03-10T05:12:44+00:00,false,N/A,N/A,N/A,false,true\n';

function expectUserError(r: { code: number; stderr: string }): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^awsaudit: /);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('evaluate refuses a snapshot file that as a whole does not have the shape awsaudit reads (exit 2, located)', () => {
  it('every instance still wrapped in its reservation: names the type, the resource, its index and the field, and what the wrapper holds', async () => {
    let first = -1;
    const file = demoVariant((s) => {
      first = indexOf(s, (r) => r.type === 'aws.ec2.instance');
      for (const r of s.resources) if (r.type === 'aws.ec2.instance') r.data = reservation(r.data);
    }, tmp());
    const r = await evaluateFile(file);
    expectUserError(r);
    expect(r.stderr).toContain('none of its 5 aws.ec2.instance resources is an item of that type');
    expect(r.stderr).toContain(`aws.ec2.instance "i-0d1a2b3c4d5e60001" at /resources/${first}/data/InstanceId: missing`);
    expect(r.stderr).toContain('its "Instances" list holds items that have it');
  });

  it('the credential report left as CSV text: names each user type and the field', async () => {
    let user = -1;
    const file = demoVariant((s) => {
      user = indexOf(s, (r) => r.type === 'aws.iam.user');
      for (const r of s.resources) if (r.type === 'aws.iam.user') r.data.CredentialReport = CREDENTIAL_REPORT_CSV;
    }, tmp());
    const r = await evaluateFile(file);
    expectUserError(r);
    expect(r.stderr).toContain(`/resources/${user}/data/CredentialReport: must be an object or null, not text "user,arn,`);
  });

  it('a misspelled resource type: names it, where it first occurs, and the type it was probably meant to be', async () => {
    let at = -1;
    const file = demoVariant((s) => {
      at = indexOf(s, (r) => r.type === 'aws.ec2.security-group');
      for (const r of s.resources) if (r.type === 'aws.ec2.security-group') r.type = 'aws.ec2.securitygroup';
    }, tmp());
    const r = await evaluateFile(file);
    expectUserError(r);
    expect(r.stderr).toContain(
      `/resources/${at}/type: "aws.ec2.securitygroup" is not a resource type awsaudit knows (did you mean "aws.ec2.security-group"?); 9 resource(s) have it`,
    );
    // Without the check, the security-group rules would see no group at all and report "pass".
  });

  it('lists every such problem at once, and says how the file should look', async () => {
    const file = demoVariant((s) => {
      for (const r of s.resources) {
        if (r.type === 'aws.ec2.instance') r.data = reservation(r.data);
        if (r.type === 'aws.rds.db-instance') r.type = 'aws.rds.instance';
      }
    }, tmp());
    const r = await evaluateFile(file);
    expectUserError(r);
    expect(r.stderr).toContain('aws.ec2.instance');
    expect(r.stderr).toContain('"aws.rds.instance" is not a resource type awsaudit knows (did you mean "aws.rds.db-instance"?)');
    expect(r.stderr).toContain('awsaudit rules types');
  });
});

describe('one malformed resource among good ones does not stop the audit: it is undecided for the rules of its type, never passed', () => {
  it('a number where text belongs: the run goes on, the resource is undecided for every rule of its type, a note names it and the field', async () => {
    let at = -1;
    const file = demoVariant((s) => {
      at = indexOf(s, (r) => r.id === 'sg-0a11c0ffee0000003');
      s.resources[at]!.data.GroupName = 5;
    }, tmp());
    const r = await evaluateFile(file);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const clean = JSON.parse((await evaluateFile(demoVariant(() => undefined, tmp()))).stdout) as Report;
    for (const rule of report.rules.filter((x) => x.ruleId.startsWith('ec2-security-group-'))) {
      const before = clean.rules.find((x) => x.ruleId === rule.ruleId)!;
      expect(rule.undecidedResources, rule.ruleId).toContain('sg-0a11c0ffee0000003');
      expect(rule.undecided, rule.ruleId).toBe(before.undecided + 1);
      expect(rule.evaluated, rule.ruleId).toBe(before.evaluated);
      expect(rule.status, rule.ruleId).not.toBe('pass');
    }
    expect(report.scan.notes).toContainEqual(
      expect.stringContaining(
        `1 aws.ec2.security-group resource(s) do not have the shape of their type and were not evaluated (undecided for the 6 rule(s) over aws.ec2.security-group, not passed): aws.ec2.security-group "sg-0a11c0ffee0000003" at /resources/${at}/data/GroupName: must be text, not 5`,
      ),
    );
    // Every other resource is evaluated as before: the same findings, but for the set-aside group's.
    const others = (rep: Report) => rep.findings.filter((f) => f.resource.id !== 'sg-0a11c0ffee0000003').map((f) => f.fingerprint);
    expect(others(report)).toEqual(others(clean));
  });

  it('one instance wrapped in its reservation: undecided for the instance rules; the rules whose facts read instances are incomplete', async () => {
    const file = demoVariant((s) => {
      const i = indexOf(s, (r) => r.id === 'i-0d1a2b3c4d5e60001');
      s.resources[i]!.data = reservation(s.resources[i]!.data);
    }, tmp());
    const r = await evaluateFile(file);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const rule = (id: string) => report.rules.find((x) => x.ruleId === id)!;
    expect(rule('ec2-instance-reachable-from-internet').undecidedResources).toContain('i-0d1a2b3c4d5e60001');
    // A security group's facts say which instances it exposes: with one instance unreadable, "no
    // exposed instance" is not known, so the rule is incomplete (a gap that names the data).
    const group = rule('ec2-security-group-admin-ports-open');
    expect(group.gaps).toContainEqual({ region: 'ap-northeast-2', operation: 'aws.ec2.instance data', errorCode: INVALID_DATA });
    expect(group.status).not.toBe('pass');
    expect(
      report.scan.notes.some((n) => n.includes('"i-0d1a2b3c4d5e60001" at /resources/') && n.includes('/data/InstanceId: missing')),
    ).toBe(true);
  });

  it('reading the file leaves such resources to the engine: a type that is not wholly malformed is no error', async () => {
    const file = demoVariant((s) => {
      const i = indexOf(s, (r) => r.type === 'aws.iam.user');
      s.resources[i]!.data.CredentialReport = CREDENTIAL_REPORT_CSV;
    }, tmp());
    await expect(readSnapshot(file)).resolves.toMatchObject({ format: 'awsaudit-snapshot' });
  });

  it('the engine checks whatever the snapshot came from (a live scan, the demo): evaluate() sets a malformed resource aside', async () => {
    const rules = await selectRules({ only: ['rds-instance-not-multi-az'] }, { ruleDirs: [], rules: {}, suppressions: [] } as never);
    const snapshot = readDemo() as unknown as Snapshot;
    const db = snapshot.resources.find((r) => r.id === 'django-board-db')!;
    db.data = { ...db.data, MultiAZ: 'false' };
    const result = evaluate(snapshot, rules, { now: new Date(DEMO_NOW) });
    expect(result.findings.map((f) => f.resource.id)).toEqual([]);
    expect(result.rules[0]).toMatchObject({
      status: 'incomplete',
      evaluated: 4,
      failed: 0,
      passed: 3,
      undecided: 1,
      undecidedResources: ['django-board-db'],
    });
    expect(result.meta.notes).toContainEqual(
      expect.stringMatching(
        /aws\.rds\.db-instance "django-board-db" at \/resources\/\d+\/data\/MultiAZ: must be true or false, not text "false"/,
      ),
    );
  });
});

describe('a resource whose data lacks every field a rule decides on is not counted as passed', () => {
  it('a bucket with nothing but its name: undecided for each rule that decides on its settings, a note names the fields', async () => {
    const file = demoVariant((s) => {
      const b = s.resources.find((r) => r.id === 'django-board-static')!;
      b.data = { Name: b.data.Name };
    }, tmp());
    const r = await evaluateFile(
      file,
      '--only',
      's3-bucket-versioning-disabled,s3-bucket-website-enabled,s3-bucket-default-encryption-missing,s3-bucket-acls-enabled',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.rules).toHaveLength(4);
    for (const rule of report.rules) {
      expect(rule.undecidedResources, rule.ruleId).toEqual(['django-board-static']);
      expect(rule.passed + rule.failed + rule.undecided, rule.ruleId).toBe(rule.evaluated);
      expect(rule.status, rule.ruleId).not.toBe('pass');
    }
    expect(report.scan.notes).toContain(
      's3-bucket-versioning-disabled: 1 resource(s) have none of the data fields the rule decides on (Versioning): undecided, not passed, e.g. django-board-static',
    );
  });

  it('an absence that is an answer stays one: an Elastic IP without InstanceId is unattached (a finding), a Lambda function without VpcConfig is outside a VPC', () => {
    const rules = (ids: string[]) => ids.map((id) => compiled(id));
    const snapshot = readDemo() as unknown as Snapshot;
    snapshot.resources.push({
      type: 'aws.ec2.elastic-ip',
      id: 'eipalloc-bare',
      account: '123456789012',
      region: 'us-east-1',
      data: { AllocationId: 'eipalloc-bare', PublicIp: '198.51.100.99' },
    });
    snapshot.resources.push({
      type: 'aws.lambda.function',
      id: 'bare',
      account: '123456789012',
      region: 'us-east-1',
      data: { FunctionName: 'bare' },
    });
    const result = evaluate(snapshot, rules(['ec2-elastic-ip-unattached', 'lambda-function-not-in-vpc']), { now: new Date(DEMO_NOW) });
    expect(result.findings.map((f) => f.resource.id)).toEqual(expect.arrayContaining(['eipalloc-bare', 'bare']));
    for (const rule of result.rules) expect(rule.undecided, rule.ruleId).toBe(0);
  });

  it('works from the rule as written: fields of its condition and unknownWhen, `contains(keys(data), …)`; not for rules that decide on facts', () => {
    expect(decisionDataFields(def('s3-bucket-versioning-disabled'))).toEqual(['Versioning']);
    expect(decisionDataFields(def('ec2-elastic-ip-unattached'))).toEqual(['AssociationId', 'InstanceId', 'NetworkInterfaceId']);
    // Facts come from enrichers, which say "unknown" themselves; the rule's unknownWhen handles it.
    expect(decisionDataFields(def('ec2-instance-reachable-from-internet'))).toBeUndefined();
    expect(decisionDataFields(def('ec2-elastic-ip-on-stopped-instance'))).toBeUndefined();
    // A rule that reads data as a whole has no field list that could stand for it.
    expect(decisionDataFields({ condition: { path: 'length(keys(data))', op: 'gt', value: 3 } })).toBeUndefined();
    expect(
      decisionDataFields({
        condition: {
          any: [
            { path: 'data.A.B', op: 'eq', value: 1 },
            { some: 'data.C[?x]', where: { path: 'y', op: 'exists' } },
          ],
        },
      }),
    ).toEqual(['A', 'C']);
  });

  it('a rule that decides on data alone may prove it with "unknown" cases; a rule that decides on facts still needs unknownWhen for them', () => {
    const base = { ...def('s3-bucket-versioning-disabled') };
    expect(checkSemantics(base, 's3-bucket-versioning-disabled.json')).toEqual([]);
    const factsOnly = { ...def('ec2-instance-reachable-from-internet') };
    delete factsOnly.unknownWhen;
    expect(checkSemantics(factsOnly, 'ec2-instance-reachable-from-internet.json')).toContainEqual(
      expect.objectContaining({ pointer: '/tests/unknown' }),
    );
  });
});

describe('rule cases are data as a collector writes it', () => {
  it("a case resource that does not have its type's shape fails with the field named", () => {
    const definition = structuredClone(def('rds-instance-not-multi-az'));
    definition.tests.pass = [{ name: 'multiAZ as text', data: { DBInstanceIdentifier: 'db-1', Engine: 'mysql', MultiAZ: 'true' } }];
    const results = testRule({ file: 'rds-instance-not-multi-az.json', definition });
    const failed = results.find((x) => x.name === 'multiAZ as text')!;
    expect(failed.ok).toBe(false);
    expect(failed.reason).toBe(
      'data/MultiAZ: must be true or false, not text "true" (the shape of aws.rds.db-instance data: docs/resources.md)',
    );
  });
});

describe('the snapshot written by a user can be fixed from the message alone', () => {
  it('a hand-made snapshot with the AWS CLI output pasted in as data', async () => {
    const dir = tmp();
    const file = path.join(dir, 'hand-made.json');
    const demo = readDemo();
    demo.resources = [
      {
        type: 'aws.ec2.instance',
        id: 'r-1',
        account: '123456789012',
        region: 'us-east-1',
        data: { Reservations: [reservation({ InstanceId: 'i-1' })] },
      },
    ];
    writeFileSync(file, JSON.stringify(demo));
    const r = await evaluateFile(file);
    expectUserError(r);
    expect(r.stderr).toContain(
      'its one aws.ec2.instance resource is not an item of that type, e.g. aws.ec2.instance "r-1" at /resources/0/data/InstanceId: missing',
    );
  });
});

const builtins = new Map<string, RuleDefinition>();
// Every built-in rule, opt-in ones too.
for (const r of await loadAllRules([])) builtins.set(r.definition.id, r.definition);

function def(id: string): RuleDefinition {
  const d = builtins.get(id);
  if (!d) throw new Error(`no rule ${id}`);
  return d;
}

function compiled(id: string): CompiledRule {
  const r = compileRule({ file: `${id}.json`, definition: def(id) }, undefined, 'test');
  if (!r.rule) throw new Error(r.problems.join('\n'));
  return r.rule;
}
