// Issue 14 points 1-7 and 9, issue 17 point 4: event facts decided by the code that decides them
// for resources, one policy-document parser, one counting of events, ATT&CK techniques on every
// event rule. Rule-level cases (pass/fail records) live in rules/cloudtrail/*.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_FACT_MODULES, EventFactsPlan, eventFacts, factsReadBy } from '../src/cloudtrail/event-facts.js';
import { eventKey, KeyList, recordId } from '../src/cloudtrail/event-key.js';
import { outcomeOf } from '../src/cloudtrail/facts/outcome.js';
import { policyExposureOf, policyGrantOf } from '../src/cloudtrail/facts/policy.js';
import type { CloudTrailRecord } from '../src/cloudtrail/records.js';
import { requiredTextOf } from '../src/cloudtrail/rule-prefilters.js';
import { ATTACK_TECHNIQUES, attackTechniqueOf } from '../src/model/attack-techniques.js';
import { parsePolicy } from '../src/services/iam/policy/document.js';
import { loadAllRules } from '../src/ruleset/select.js';
import { compileRule } from '../src/ruleset/load.js';
import { fileSource } from '../src/cloudtrail/sources/files.js';
import { evaluateEventsOutcome } from './support/cloudtrail.js';
import { runCliInProcess as runCli } from './support/cli.js';

const record = (fields: Record<string, unknown>): CloudTrailRecord => ({
  eventName: 'GetUser',
  eventTime: '2024-07-30T21:53:13Z',
  eventSource: 'iam.amazonaws.com',
  ...fields,
});
const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('one policy-document parser (iam/policy/document.ts)', () => {
  it('reads an object, JSON text and URL-encoded JSON text alike', () => {
    for (const form of [ADMIN, JSON.stringify(ADMIN), encodeURIComponent(JSON.stringify(ADMIN)), `  ${JSON.stringify(ADMIN)}\n`]) {
      const parsed = parsePolicy(form);
      expect(parsed.ok && parsed.statements.map((s) => [s.effect, s.actions, s.resources])).toEqual([['Allow', ['*'], ['*']]]);
    }
  });
  it('settles string-or-list fields, NotAction/NotResource, Principal forms and conditions', () => {
    const parsed = parsePolicy({
      Statement: {
        Sid: 'One',
        Effect: 'Allow',
        NotAction: 'iam:*',
        NotResource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'],
        Principal: { AWS: ['*', 'arn:aws:iam::111122223333:root'], Service: 'ec2.amazonaws.com' },
        Condition: { Bool: { 'aws:SecureTransport': true }, StringEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] } },
      },
    });
    expect(parsed.ok).toBe(true);
    const st = parsed.ok ? parsed.statements[0]! : undefined;
    expect(st).toMatchObject({
      sid: 'One',
      actions: [],
      notActions: ['iam:*'],
      resources: [],
      notResources: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'],
      principal: { any: true, aws: ['arn:aws:iam::111122223333:root'], service: ['ec2.amazonaws.com'] },
      conditions: [
        { operator: 'Bool', key: 'aws:securetransport', values: ['true'] },
        { operator: 'StringEquals', key: 'aws:principalorgid', values: ['o-a1b2c3d4e5'] },
      ],
      hasCondition: true,
    });
    const star = parsePolicy({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] });
    expect(star.ok && star.statements[0]!.principal).toMatchObject({ any: true, aws: [] });
  });
  it('says what is unparseable instead of throwing or reading it as "no statements"', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"Statement": [', /text that is not JSON/],
      ['%E0%A4%A', /text that is not JSON/],
      [42, /a number/],
      [null, /null/],
      [['not', 'a', 'document'], /a list/],
      [{ Statement: 'Allow everything' }, /neither a statement nor a list/],
      [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, 7] }, /statement #2 is not an object/],
    ];
    for (const [input, reason] of cases) {
      const parsed = parsePolicy(input);
      expect(parsed.ok, JSON.stringify(input)).toBe(false);
      expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
    }
    expect(parsePolicy({ Version: '2012-10-17' })).toMatchObject({ ok: true, statements: [] });
  });
});

describe('policy facts: the analyzer of IAM resources decides what an event grants or exposes', () => {
  it('admin, broad (NotAction, service:*), none (Deny quarantine), unparseable', () => {
    expect(policyGrantOf(ADMIN, 'p').policyGrant).toBe('admin');
    expect(policyGrantOf({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }, 'p')).toMatchObject({
      policyGrant: 'broad',
      policyGrantSummary: 'policy p statement #1 allows every action except iam:* on every resource',
    });
    expect(policyGrantOf({ Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: '*' }] }, 'p').policyGrant).toBe('broad');
    expect(policyGrantOf({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }, 'p').policyGrant).toBe('none');
    // Allow * taken back by a Deny * in the same document is no grant either.
    expect(
      policyGrantOf(
        {
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: '*', Resource: '*' },
          ],
        },
        'p',
      ).policyGrant,
    ).toBe('none');
    expect(
      policyGrantOf(
        { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] },
        'p',
      ),
    ).toMatchObject({
      policyGrant: 'admin',
      policyGrantConditional: true,
    });
    expect(policyGrantOf('not json', 'p').policyGrant).toBe('unparseable');
  });
  it('public: Principal "*" with only aws:SecureTransport is public; a caller-pinning condition is not', () => {
    const st = (Condition?: object) => ({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition }],
    });
    expect(policyExposureOf(st()).policyPublic).toBe(true);
    expect(policyExposureOf(st({ Bool: { 'aws:SecureTransport': 'true' } })).policyPublic).toBe(true);
    expect(policyExposureOf(st({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })).policyPublic).toBe(false);
    expect(policyExposureOf(st({ StringEquals: { 'AWS:PrincipalOrgID': 'o-a1b2c3d4e5' } })).policyPublic).toBe(false);
    expect(policyExposureOf('{"Statement"')).toMatchObject({
      policyPublic: null,
      policyProblem: expect.stringMatching(/not JSON/) as unknown,
    });
  });
});

describe('event facts', () => {
  it('outcome: success, failed (errorCode, sign-in Failure), denied (AccessDenied and UnauthorizedOperation families)', () => {
    expect(outcomeOf(record({}))).toEqual({ outcome: 'success', outcomeCode: null });
    expect(outcomeOf(record({ eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' } }))).toEqual({
      outcome: 'failed',
      outcomeCode: 'Failure',
    });
    expect(outcomeOf(record({ eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Success' } })).outcome).toBe('success');
    for (const code of [
      'AccessDenied',
      'AccessDeniedException',
      'Client.UnauthorizedOperation',
      'UnauthorizedOperation',
      'AuthorizationError',
      'ForbiddenException',
    ])
      expect(outcomeOf(record({ errorCode: code })).outcome, code).toBe('denied');
    for (const code of ['EntityAlreadyExists', 'TrailNotFoundException', 'Client.InvalidGroup.NotFound'])
      expect(outcomeOf(record({ errorCode: code })).outcome, code).toBe('failed');
  });
  it('root activity: a Root identity, from the console too; not an AwsServiceEvent or a service acting for root', () => {
    const root = { type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' };
    const facts = (fields: Record<string, unknown>) => eventFacts(record(fields), {}).rootActivity;
    expect(facts({ userIdentity: root })).toBe(true);
    expect(facts({ eventName: 'CreateAccessKey', userIdentity: { ...root, invokedBy: 'signin.amazonaws.com' } })).toBe(true);
    expect(facts({ userIdentity: { ...root, invokedBy: 'support.amazonaws.com' } })).toBe(false);
    expect(facts({ eventType: 'AwsServiceEvent', userIdentity: root })).toBe(false);
    expect(facts({ userIdentity: { type: 'IAMUser' } })).toBe(false);
  });
  it('internet ingress: every AuthorizeSecurityGroupIngress form and ModifySecurityGroupRules, by the security-group enricher', () => {
    const ingress = (eventName: string, requestParameters: unknown, responseElements: unknown = null) =>
      eventFacts(record({ eventName, requestParameters, responseElements }), {}).internetIngress as Array<Record<string, unknown>>;
    const pick = (list: Array<Record<string, unknown>>) => list.map((e) => [e.ports, e.source, e.direction]);
    expect(
      pick(
        ingress('AuthorizeSecurityGroupIngress', { groupId: 'sg-1', cidrIp: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: '22', toPort: '22' }),
      ),
    ).toEqual([['tcp/22', '0.0.0.0/0', 'ingress']]);
    expect(
      pick(
        ingress('AuthorizeSecurityGroupIngress', {
          groupId: 'sg-1',
          ipPermissions: {
            items: [
              {
                ipProtocol: '6',
                fromPort: 3389,
                toPort: 3389,
                ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] },
                ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
              },
            ],
          },
        }),
      ),
    ).toEqual([['tcp/3389', '::/0', 'ingress']]);
    // The request and the rules it created say the same: one entry; an egress rule in the reply is not ingress.
    expect(
      pick(
        ingress(
          'AuthorizeSecurityGroupIngress',
          { groupId: 'sg-1', ipPermissions: { items: [{ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
          {
            securityGroupRuleSet: {
              items: [
                { ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0', isEgress: false },
                { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', isEgress: true },
              ],
            },
          },
        ),
      ),
    ).toEqual([['all ports', '0.0.0.0/0', 'ingress']]);
    const modify = ingress('ModifySecurityGroupRules', {
      ModifySecurityGroupRulesRequest: {
        GroupId: 'sg-1',
        SecurityGroupRule: [
          { SecurityGroupRuleId: 'sgr-1', SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '198.51.100.7/0' } },
          { SecurityGroupRuleId: 'sgr-2', SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/8' } },
        ],
      },
    });
    expect(pick(modify)).toEqual([['tcp/22', '198.51.100.7/0', 'unknown']]);
    expect(
      eventFacts(
        record({ eventName: 'ModifySecurityGroupRules', requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: 'sg-9' } } }),
        {},
      ).securityGroupId,
    ).toBe('sg-9');
  });
  it('a run computes only the modules its rules read, and the root fact keeps the raw fast path', async () => {
    const rules = (await loadAllRules([])).map((r) => r.definition).filter((d) => d.resource === 'aws.cloudtrail.event');
    const read = factsReadBy(rules);
    expect(read).not.toBe('all');
    const plan = new EventFactsPlan(new Set(['rootActivity']));
    expect(Object.keys(plan.facts(record({ userIdentity: { type: 'Root' } }), { leakedKeyIds: new Set() }))).toEqual(['rootActivity']);
    const root = rules.find((d) => d.id === 'cloudtrail-root-user-activity')!;
    expect(requiredTextOf(root.condition, {}, [])).toEqual(['"type"\\s*:\\s*"Root"']);
    // Every module's facts are documented by at least one name and read by some rule or left for other lanes' rules.
    for (const m of EVENT_FACT_MODULES) expect(m.facts.length, m.topic).toBeGreaterThan(0);
  });
});

describe('one counting of events (event-key.ts)', () => {
  it('records without an eventID are told apart by their whole content, not by time and name', () => {
    const a = { eventName: 'CreateUser', eventTime: '2024-07-30T21:53:13Z', requestParameters: { userName: 'a' } };
    const b = { ...a, requestParameters: { userName: 'b' } };
    expect(recordId(a)).not.toBe(recordId(b));
    expect(recordId(a)).toBe(
      recordId({ requestParameters: { userName: 'a' }, eventTime: '2024-07-30T21:53:13Z', eventName: 'CreateUser' }),
    );
    const keys = new KeyList();
    for (const k of [
      eventKey('e1', '1', 'us-east-1'),
      eventKey('e1', '1', 'us-east-1'),
      eventKey('e1', '2', 'us-east-1'),
      eventKey('e1', '1', 'eu-west-1'),
    ])
      keys.push(k);
    expect(keys.distinct()).toBe(3);
  });

  it('rule results count the events findings count: copies once, records without eventID apart, also past the findings cap', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-counting-'));
    const base = {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/ci', accountId: '123456789012', userName: 'ci' },
      eventTime: '2024-07-30T21:53:13Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateUser',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.15.30',
      responseElements: null,
      recipientAccountId: '123456789012',
    };
    const records = [
      { ...base, requestParameters: { userName: 'withid' }, eventID: '0d1e2f3a-0000-4000-8000-000000000001' },
      // Same second, same name, no eventID: two events (one finding each), not one.
      { ...base, requestParameters: { userName: 'one' } },
      { ...base, requestParameters: { userName: 'two' } },
    ];
    for (const copy of ['a', 'b']) {
      mkdirSync(path.join(dir, copy));
      writeFileSync(path.join(dir, copy, 'events.json'), JSON.stringify({ Records: records }));
    }
    const r = await runCli([
      'scan',
      '--cloudtrail',
      path.join(dir, 'a'),
      '--cloudtrail',
      path.join(dir, 'b'),
      '--only',
      'cloudtrail-iam-credentials-created',
      '--fail-on',
      'none',
      '--quiet',
      '--format',
      'json,text',
      '--output',
      'json=-',
      '--output',
      `text=${path.join(dir, 'report.txt')}`,
    ]);
    const report = JSON.parse(r.stdout) as {
      findings: unknown[];
      rules: Array<{ ruleId: string; evaluated: number; failed: number; passed: number }>;
      scan: { cloudtrail: Record<string, unknown> };
    };
    expect(report.findings).toHaveLength(3);
    expect(report.rules.find((x) => x.ruleId === 'cloudtrail-iam-credentials-created')).toMatchObject({
      evaluated: 3,
      failed: 3,
      passed: 0,
    });
    expect(report.scan.cloudtrail).toMatchObject({ records: 6, events: 6, distinctEvents: 3 });
    // Past the cap on findings kept per rule, the count stays the number of distinct events.
    const rules = (await loadAllRules([]))
      .filter((f) => f.definition.id === 'cloudtrail-iam-credentials-created')
      .map((f) => compileRule(f, undefined, 'test').rule!);
    const capped = await evaluateEventsOutcome([fileSource([path.join(dir, 'a'), path.join(dir, 'b')])], rules, {
      now: new Date('2024-12-01T00:00:00Z'),
      window: {},
      workers: 0,
      maxFindingsPerRule: 1,
    });
    expect(capped.findings).toHaveLength(1);
    expect(capped.rules[0]).toMatchObject({ evaluated: 3, failed: 3 });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(dir, 'report.txt'), 'utf8')).toContain(
      'CloudTrail counting: each event once (same eventID, account and region = one event): 3 distinct event(s)',
    );
  });
});

describe('MITRE ATT&CK techniques (issue 14 point 9)', async () => {
  const rules = (await loadAllRules([])).map((r) => r.definition);
  const eventRules = rules.filter((d) => d.resource === 'aws.cloudtrail.event');

  it('every event rule names at least one technique, as attack.tNNNN[.NNN], from the checked-in list', () => {
    expect(eventRules.length).toBeGreaterThanOrEqual(8);
    for (const d of eventRules) {
      const attack = (d.tags ?? []).filter((t) => t.startsWith('attack.'));
      expect(attack.length, `${d.id} has no ATT&CK tag`).toBeGreaterThan(0);
      for (const t of attack) {
        expect(t, d.id).toMatch(/^attack\.t\d{4}(\.\d{3})?$/);
        expect(ATTACK_TECHNIQUES[attackTechniqueOf(t)!], `${d.id}: ${t} is not in src/model/attack-techniques.ts`).toBeDefined();
      }
    }
    // Every id in the list is well formed; every sub-technique's parent is listed too.
    for (const id of Object.keys(ATTACK_TECHNIQUES)) {
      expect(id).toMatch(/^T\d{4}(\.\d{3})?$/);
      if (id.includes('.')) expect(ATTACK_TECHNIQUES[id.slice(0, 5)], id).toBeDefined();
    }
  });

  it('SARIF rules and results carry them in properties.tags; HTML names them', async () => {
    const events = path.join('test', 'fixtures', 'cloudtrail-attribution', 'demo-account-events.json');
    const r = await runCli(['scan', '--cloudtrail', events, '--fail-on', 'none', '--quiet', '--format', 'sarif', '--output', 'sarif=-']);
    const sarif = JSON.parse(r.stdout) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; properties: { tags: string[] } }> } };
        results: Array<{ ruleId: string; properties: { tags?: string[] } }>;
      }>;
    };
    const run = sarif.runs[0]!;
    const rule = run.tool.driver.rules.find((x) => x.id === 'cloudtrail-security-group-opened-to-internet')!;
    expect(rule.properties.tags).toContain('attack.t1562.007');
    const result = run.results.find((x) => x.ruleId === 'cloudtrail-security-group-opened-to-internet')!;
    expect(result.properties.tags).toEqual(['attack.t1562.007']);
    const h = await runCli(['scan', '--cloudtrail', events, '--fail-on', 'none', '--quiet', '--format', 'html', '--output', 'html=-']);
    expect(h.stdout).toContain('T1562.007</a> Impair Defenses: Disable or Modify Cloud Firewall');
    expect(h.stdout).toMatch(/CloudTrail event rules count events once each/);
  });
});
