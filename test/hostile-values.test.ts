// One malformed value must not blind the audit: a value of the wrong type in a CloudTrail record
// (or in a snapshot field its type does not declare) renders a placeholder in the message (the
// finding keeps its evidence); a snapshot resource whose declared fields hold the wrong type is
// set aside as undecided with a note; and a resource or record that cannot be evaluated at all is
// counted, never a crash that loses every finding.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateEventsOutcome as evaluateEvents } from './support/cloudtrail.js';
import { scanDeliveredFile } from '../src/cloudtrail/delivered-file.js';
import { fileSource } from '../src/cloudtrail/sources/files.js';
import { evaluate } from '../src/engine/evaluate.js';
import { compileShellTemplate, compileTemplate } from '../src/engine/template.js';
import { compileRule } from '../src/ruleset/load.js';
import type { RuleDefinition } from '../src/ruleset/types.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { stratusFiles, type RawRecord } from './support/cloudtrail.js';
import { DEMO_NOW, demoVariant, readDemo } from './support/snapshots.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-hostile-');

interface Report {
  findings: Array<{
    ruleId: string;
    message: string;
    severity: string;
    evidence: unknown[];
    remediation: { cli?: string };
    resource: { id: string };
  }>;
  rules: Array<{ ruleId: string; status: string; complete: boolean; undecided: number }>;
  gaps: Array<{ operation: string; errorCode: string; message: string }>;
}

const stratusRecord = (name: string): RawRecord =>
  structuredClone(
    stratusFiles()
      .flatMap((f) => f.records)
      .find((r) => r.eventName === name)!,
  );

async function scanEvents(records: unknown[]): Promise<{ code: number; report: Report; stderr: string }> {
  const file = path.join(tmp(), 'events.json');
  writeFileSync(file, JSON.stringify({ Records: records }));
  const r = await runCli(['scan', '--cloudtrail', file, '--format', 'json', '--output', 'json=-', '--fail-on', 'none']);
  return { code: r.code, report: r.code === 0 ? (JSON.parse(r.stdout) as Report) : ({} as Report), stderr: r.stderr };
}

describe('CloudTrail records with a value of the wrong type', () => {
  it('an errorCode that is a number: the tampering is still reported, with its evidence, and the message says what it could not show', async () => {
    const stop = { ...stratusRecord('StopLogging'), errorCode: 5 };
    const trail = { ...stratusRecord('DeleteTrail') };
    const { code, report, stderr } = await scanEvents([stop, trail]);
    expect(stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    const tampering = report.findings.filter((f) => f.ruleId === 'cloudtrail-logging-tampered');
    expect(tampering.map((f) => f.message.split(' ')[0]).sort()).toEqual(['DeleteTrail', 'StopLogging']);
    const stopFinding = tampering.find((f) => f.message.startsWith('StopLogging'))!;
    // The failed call keeps its lower severity (the errorCode exists), and its evidence.
    expect(stopFinding.severity).toBe('medium');
    expect(stopFinding.evidence).toContainEqual(expect.objectContaining({ path: 'data.eventName', actual: 'StopLogging' }));
    expect(stopFinding.message).toContain('(value of an unexpected type)');
  });

  for (const name of ['StopLogging', 'DeleteTrail', 'PutEventSelectors']) {
    it(`${name} whose trail name is missing, a number or an object is still reported`, async () => {
      const records = [undefined, 42, { nested: true }, ['a', 'b']].map((value, i) => {
        const r = stratusRecord(name);
        r.eventID = `${name}-${i}`;
        const rp = r.requestParameters as Record<string, unknown>;
        delete rp.name;
        delete rp.trailName;
        if (value !== undefined) rp.name = value;
        return r;
      });
      const { code, report, stderr } = await scanEvents(records);
      expect(stderr).not.toMatch(/internal error/);
      expect(code).toBe(0);
      const tampering = report.findings.filter((f) => f.ruleId === 'cloudtrail-logging-tampered');
      expect(tampering.map((f) => f.resource.id).sort()).toEqual(records.map((r) => r.eventID).sort());
      for (const f of tampering) expect(f.message.startsWith(name)).toBe(true);
    });
  }
});

describe('ports and flags written as text in request parameters are read as what they say', () => {
  const ingress = (port: unknown, id: string) => {
    const r = stratusRecord('AuthorizeSecurityGroupIngress');
    r.eventID = id;
    Object.assign(r.requestParameters as object, { fromPort: port, toPort: port });
    const item = (r.responseElements as { securityGroupRuleSet: { items: Array<Record<string, unknown>> } }).securityGroupRuleSet.items[0]!;
    Object.assign(item, { fromPort: port, toPort: port });
    return r;
  };
  it('"443" is port 443 (not every port), "22" is SSH; multiAZ "false" turns Multi-AZ off', async () => {
    const modify = {
      ...stratusRecord('StopLogging'),
      eventID: 'rds-1',
      eventName: 'ModifyDBInstance',
      eventSource: 'rds.amazonaws.com',
      requestParameters: { dBInstanceIdentifier: 'db-1', multiAZ: 'false', applyImmediately: 'true' },
      responseElements: null,
    };
    const { code, report } = await scanEvents([ingress('443', 'sg-443'), ingress('22', 'sg-22'), ingress(443, 'sg-443-number'), modify]);
    expect(code).toBe(0);
    expect(report.findings.filter((f) => f.ruleId === 'cloudtrail-security-group-opened-to-internet').map((f) => f.resource.id)).toEqual([
      'sg-22',
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'cloudtrail-rds-multi-az-disabled').map((f) => f.resource.id)).toEqual(['rds-1']);
  });
});

describe('a snapshot that holds a value of the wrong type where its type declares another', () => {
  it('ZoneName: 5 on a load balancer: the run goes on, the load balancers are undecided (not passed) and a note names each and the field', async () => {
    const dir = tmp();
    let loadBalancers = 0;
    const file = demoVariant((s) => {
      for (const r of s.resources)
        if (r.type === 'aws.elbv2.load-balancer') {
          (r.data as { AvailabilityZones: unknown }).AvailabilityZones = [{ ZoneName: 5, SubnetId: 'subnet-1' }];
          loadBalancers++;
        }
    }, dir);
    const r = await runCli([
      'evaluate',
      '--snapshot',
      file,
      '--now',
      DEMO_NOW,
      '--format',
      'json',
      '--output',
      'json=-',
      '--fail-on',
      'none',
    ]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report & { scan: { notes: string[] } };
    for (const id of ['elbv2-load-balancer-single-az', 'elbv2-load-balancer-without-https']) {
      expect(report.findings.filter((f) => f.ruleId === id)).toEqual([]);
      expect(report.rules.find((x) => x.ruleId === id)).toMatchObject({ status: 'incomplete', complete: false, undecided: loadBalancers });
    }
    const note = report.scan.notes.find((n) => n.includes('aws.elbv2.load-balancer'));
    expect(note).toMatch(/"django-board-alb" at \/resources\/\d+\/data\/AvailabilityZones\/0\/ZoneName: must be text, not 5/);
    expect(note).toMatch(/"django-board-internal-nlb" at \/resources\/\d+\/data\/AvailabilityZones\/0\/ZoneName/);
    // Every other rule was evaluated as usual: the demo's other findings are all there.
    const clean = JSON.parse(
      (
        await runCli([
          'evaluate',
          '--snapshot',
          demoVariant(() => undefined, tmp()),
          '--now',
          DEMO_NOW,
          '--format',
          'json',
          '--output',
          'json=-',
          '--fail-on',
          'none',
        ])
      ).stdout,
    ) as Report;
    const others = (rep: Report) =>
      rep.findings.filter((f) => !f.ruleId.startsWith('elbv2-load-balancer-')).map((f) => `${f.ruleId} ${f.resource.id} ${f.message}`);
    expect(others(report)).toEqual(others(clean));
  });
});

describe('templates meet values of the wrong type', () => {
  it('a placeholder in a message, no command at all in a fix', () => {
    const message = compileTemplate("on {{join(', ', zones)}} ({{name}})");
    expect(message({ zones: ['a', 'b'], name: 'x' })).toBe('on a, b (x)');
    expect(message({ zones: ['a', 5], name: 'x' })).toBe('on (value of an unexpected type) (x)');
    const cli = compileShellTemplate("aws x --name {{join('', ['t-', name])}}");
    expect(cli({ name: 'ok' })).toBe('aws x --name t-ok');
    expect(cli({ name: 5 })).toBeUndefined();
  });
});

describe('a rule whose path meets a value of the wrong type', () => {
  const definition = (resource: string, condition: unknown): RuleDefinition =>
    ({
      id: 'custom-length',
      title: 't',
      description: 'd',
      resource,
      kind: 'hygiene',
      severity: 'low',
      source: [],
      condition,
      message: '{{id}}',
      remediation: { text: 'r' },
      tests: { fail: [], pass: [] },
    }) as unknown as RuleDefinition;
  const compile = (d: RuleDefinition) => {
    const compiled = compileRule({ file: 'custom-length.json', definition: d }, undefined, 'test');
    if (!compiled.rule) throw new Error(compiled.problems.join('\n'));
    return compiled.rule;
  };

  it('on resources: that resource is undecided (the rule is incomplete), the others are evaluated', () => {
    const rule = compile(definition('aws.s3.bucket', { path: 'length(data.Tags)', op: 'gte', value: 1 }));
    const snapshot = readDemo() as unknown as Snapshot;
    const buckets = snapshot.resources.filter((r) => r.type === 'aws.s3.bucket');
    expect(buckets.length).toBeGreaterThan(2);
    buckets[0]!.data = { ...buckets[0]!.data, Tags: 7 };
    buckets[1]!.data = { ...buckets[1]!.data, Tags: [{ Key: 'a', Value: 'b' }] };
    const result = evaluate(snapshot, [rule], { now: new Date(DEMO_NOW) });
    const r = result.rules[0]!;
    expect(r.evaluated).toBe(buckets.length);
    expect(r.undecided).toBe(1);
    expect(r.undecidedResources).toEqual([buckets[0]!.id]);
    expect(r.complete).toBe(false);
    expect(result.findings.map((f) => f.resource.id)).toContain(buckets[1]!.id);
  });

  it('on events: the record is a gap that names its file and position, the other records are evaluated', async () => {
    const rule = compile(definition('aws.cloudtrail.event', { path: 'length(data.requestParameters.name)', op: 'gte', value: 1 }));
    const records = ['StopLogging', 'DeleteTrail', 'StopLogging'].map((n, i): RawRecord => ({ ...stratusRecord(n), eventID: `e${i}` }));
    (records[1]!.requestParameters as Record<string, unknown>).name = 12;
    const dir = tmp();
    writeFileSync(path.join(dir, 'odd.json'), JSON.stringify({ Records: records }));
    for (const wholeFileMaxBytes of [undefined, 0]) {
      const result = await evaluateEvents([fileSource([dir], wholeFileMaxBytes === undefined ? {} : { wholeFileMaxBytes })], [rule], {
        now: new Date(),
        window: {},
        workers: 0,
      });
      expect(result.findings.map((f) => f.resource.id)).toEqual(['e0', 'e2']);
      expect(result.gaps).toHaveLength(1);
      expect(result.gaps[0]).toMatchObject({ errorCode: 'RecordNotEvaluated' });
      expect(result.gaps[0]!.operation).toMatch(/odd\.json$/);
      expect(result.gaps[0]!.message).toMatch(/^1 of 3 record\(s\) could not be evaluated: record 2 \(DeleteTrail\): custom-length: /);
      expect(result.stats.unevaluated).toBe(1);
      expect(result.rules[0]).toMatchObject({ evaluated: 2, failed: 2, passed: 0, complete: false });
    }
  });

  it('on events of a file as CloudTrail delivers it, read in parts: the gap names the record by its place in the file', async () => {
    // Named by its event: records of other names are counted, not parsed (the fast path).
    const rule = compile(
      definition('aws.cloudtrail.event', {
        all: [
          { path: 'data.eventName', op: 'eq', value: 'StopLogging' },
          { path: 'length(data.requestParameters.name)', op: 'gte', value: 1 },
        ],
      }),
    );
    // CloudTrail's field order, which the raw fast path (delivered-file.ts) reads.
    const order = ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent'];
    const delivered = (r: RawRecord) => ({ ...Object.fromEntries(order.filter((k) => k in r).map((k) => [k, r[k]])), ...r });
    const records = Array.from({ length: 30 }, (_, i) =>
      delivered({ ...stratusRecord(i % 3 ? 'StopLogging' : 'DeleteTrail'), eventID: `e${i}` }),
    );
    (records[22]!.requestParameters as Record<string, unknown>) = { ...(records[22]!.requestParameters as object), name: 12 };
    const text = JSON.stringify({ Records: records });
    expect(scanDeliveredFile(text)).toHaveLength(30);
    const dir = tmp();
    writeFileSync(path.join(dir, 'delivered.json'), text);
    for (const partSize of [undefined, 1, 3000]) {
      const result = await evaluateEvents([fileSource([dir])], [rule], {
        now: new Date(),
        window: {},
        workers: 0,
        ...(partSize ? { partSize } : {}),
      });
      expect(result.findings).toHaveLength(19);
      expect(result.gaps[0]!.message).toMatch(/^1 of 30 record\(s\) could not be evaluated: record 23 \(StopLogging\): custom-length: /);
    }
  });
});
