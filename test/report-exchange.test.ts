// --format ocsf and asff: validated against the formats' schemas (OCSF: JSON Schemas of the
// Compliance and Detection Finding classes generated from Prowler's OCSF models; ASFF: a JSON
// Schema derived here from the Security Hub API model the AWS SDK carries), and ASFF imported
// into moto's Security Hub through the SDK and read back.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AwsSecurityFinding$,
  BatchImportFindingsCommand,
  ComplianceStatus,
  GetFindingsCommand,
  RecordState,
  ResourceDetails$,
  SecurityHubClient,
  SeverityLabel,
  WorkflowStatus,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import { NormalizedSchema } from '@smithy/core/schema';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { STRATUS_DIR } from './support/cloudtrail.js';
import { sdkConfig, startMoto, type MotoServer } from './support/moto.js';
import { DEMO_NOW, FILE_RULES, HOSTILE, tempDir } from './support/snapshots.js';

type Json = Record<string, unknown>;
type JsonSchema = Record<string, unknown>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

async function reports(args: string[], formats: string): Promise<{ ocsf: Json[]; asff: Json[]; json: Json; stderr: string }> {
  const dir = tempDir();
  const r = await runCli([...args, '--now', DEMO_NOW, '-f', `${formats},json`, '-o', dir, '--fail-on', 'none']);
  expect(r.code, r.stderr).toBe(0);
  const read = (name: string) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as unknown;
  return {
    ocsf: formats.includes('ocsf') ? (read('awsaudit.ocsf.json') as Json[]) : [],
    asff: formats.includes('asff') ? (read('awsaudit.asff.json') as Json[]) : [],
    json: read('awsaudit.json') as Json,
    stderr: r.stderr,
  };
}

// The demo account with a month of CloudTrail detonations: resource findings and event detections.
const demoArgs = ['scan', '--demo', '--cloudtrail', STRATUS_DIR];
// The hostile fixture: values that are markup, and rules not checked or incomplete.
const hostileArgs = ['evaluate', '--snapshot', HOSTILE, '--rules', FILE_RULES];

describe('--format ocsf', async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // The generated schemas say `format: date-time`; ajv-formats is not a dependency: the RFC 3339 pattern is checked here.
  ajv.addFormat('date-time', RFC3339);
  const load = (name: string) =>
    ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'ocsf', name), 'utf8')) as JsonSchema);
  const compliance = load('compliance_finding.schema.json');
  const detection = load('detection_finding.schema.json');
  const demo = await reports(demoArgs, 'ocsf');
  const hostile = await reports(hostileArgs, 'ocsf');

  it('every event is valid for its class (Compliance Finding 2003 for resources, Detection Finding 2004 for events)', () => {
    for (const event of [...demo.ocsf, ...hostile.ocsf]) {
      const validate = event.class_uid === 2003 ? compliance : event.class_uid === 2004 ? detection : undefined;
      expect(validate, String(event.class_uid)).toBeDefined();
      expect(validate!(event), JSON.stringify(validate!.errors?.slice(0, 3))).toBe(true);
      expect(event.type_uid).toBe((event.class_uid as number) * 100 + 1);
      expect((event.metadata as Json).version).toBe('1.5.0');
    }
    // The schemas do refuse what is not OCSF.
    const sample = demo.ocsf.find((e) => e.class_uid === 2003)!;
    expect(compliance({ ...sample, severity_id: 7 })).toBe(false);
    expect(compliance({ ...sample, finding_info: { title: 'no uid' } })).toBe(false);
    expect(compliance({ ...sample, compliance: { status_id: 9 } })).toBe(false);
    expect(compliance({ ...sample, type_uid: 200401 })).toBe(false);
  });

  it('has one event per finding, with its fingerprint, and detections for event rules only', () => {
    const findings = demo.json.findings as Array<{ fingerprint: string; resource: { type: string } }>;
    const byUid = new Map(demo.ocsf.map((e) => [(e.finding_info as Json).uid as string, e]));
    expect(findings.length).toBeGreaterThan(100);
    for (const f of findings) {
      const event = byUid.get(f.fingerprint);
      expect(event, f.fingerprint).toBeDefined();
      expect(event!.class_uid).toBe(f.resource.type === 'aws.cloudtrail.event' ? 2004 : 2003);
    }
    expect(demo.ocsf.filter((e) => e.class_uid === 2004).length).toBeGreaterThan(0);
    const failed = demo.ocsf.filter((e) => e.class_uid === 2003);
    for (const e of failed) expect(e.compliance).toMatchObject({ status_id: 3, status: 'Fail' });
  });

  it('states rules not checked or incomplete as compliance status Unknown, never as silence', () => {
    const rules = hostile.json.rules as Array<{ ruleId: string; status: string; resource: string }>;
    const unanswered = rules.filter(
      (r) => (r.status === 'not-checked' || r.status === 'incomplete') && r.resource !== 'aws.cloudtrail.event',
    );
    expect(unanswered.length).toBeGreaterThan(10);
    const unknown = hostile.ocsf.filter((e) => (e.compliance as Json | undefined)?.status_id === 0);
    expect(new Set(unknown.map((e) => (e.finding_info as Json & { analytic: Json }).analytic.uid))).toEqual(
      new Set(unanswered.map((r) => r.ruleId)),
    );
    for (const e of unknown) expect((e.compliance as Json).status_detail).toMatch(/^(Not checked|Incomplete, not passed)/);
  });
});

/**
 * A JSON Schema for one shape of the Security Hub API model, as the SDK's schema holds it:
 * structures with their members (no others) and required members (the model lists those first
 * and gives their count), lists, maps, strings, numbers, booleans; enums where the SDK exports
 * the enum's values.
 */
function toJsonSchema(ns: NormalizedSchema, defs: Record<string, JsonSchema>, depth = 0): JsonSchema {
  if (ns.isStructSchema()) {
    const name = ns.getName() ?? `anon${Object.keys(defs).length}`;
    if (!defs[name]) {
      defs[name] = {};
      const raw = ns.getSchema() as unknown as unknown[];
      const required = typeof raw[6] === 'number' ? raw[6] : 0;
      const members = [...ns.structIterator()];
      defs[name] = {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(members.map(([m, s]) => [m, toJsonSchema(s, defs, depth + 1)])),
        required: members.slice(0, required).map(([m]) => m),
      };
    }
    return { $ref: `#/$defs/${name}` };
  }
  if (ns.isListSchema()) return { type: 'array', items: toJsonSchema(ns.getValueSchema(), defs, depth + 1) };
  if (ns.isMapSchema()) return { type: 'object', additionalProperties: toJsonSchema(ns.getValueSchema(), defs, depth + 1) };
  if (ns.isBooleanSchema()) return { type: 'boolean' };
  if (ns.isNumericSchema()) return { type: 'number' };
  if (ns.isStringSchema() || ns.isTimestampSchema()) return { type: 'string' };
  return {};
}

function asffSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const root = toJsonSchema(NormalizedSchema.of(AwsSecurityFinding$), defs);
  // The enums of the fields awsaudit writes, from the SDK's own enum objects.
  const enumOf = (o: Record<string, string>) => ({ type: 'string', enum: Object.values(o) });
  const props = (name: string) => (defs[name] as { properties: Record<string, JsonSchema> }).properties;
  props('Severity').Label = enumOf(SeverityLabel);
  props('Compliance').Status = enumOf(ComplianceStatus);
  props('AwsSecurityFinding').RecordState = enumOf(RecordState);
  props('Workflow').Status = enumOf(WorkflowStatus);
  // Resource types are the names of the members of ResourceDetails, plus the two the docs add.
  const resourceTypes = [...NormalizedSchema.of(ResourceDetails$).structIterator()].map(([m]) => m).filter((m) => m !== 'Other');
  props('Resource').Type = { type: 'string', enum: [...resourceTypes, 'AwsAccount', 'Other'] };
  props('AwsSecurityFinding').CreatedAt = { type: 'string', pattern: RFC3339.source };
  props('AwsSecurityFinding').UpdatedAt = { type: 'string', pattern: RFC3339.source };
  return { ...root, $defs: defs };
}

/** The ASFF finding type taxonomy: namespace[/category[/classifier]] with the documented namespaces. */
const TYPE = /^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(\/[^/]+){0,2}$/;

describe('--format asff', async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(asffSchema());
  const demo = await reports(demoArgs, 'asff');
  const hostile = await reports(hostileArgs, 'asff');

  it('matches the Security Hub API model: members, required members, types and enums', () => {
    expect(demo.asff.length).toBeGreaterThan(100);
    for (const finding of [...demo.asff, ...hostile.asff]) {
      expect(validate(finding), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      for (const t of finding.Types as string[]) expect(t).toMatch(TYPE);
      const account = finding.AwsAccountId as string;
      expect(finding.ProductArn).toMatch(new RegExp(`^arn:aws:securityhub:[a-z0-9-]+:${account}:product/${account}/default$`));
      expect((finding.Title as string).length).toBeLessThanOrEqual(256);
      expect((finding.Description as string).length).toBeLessThanOrEqual(1024);
    }
    const ids = demo.asff.map((f) => f.Id);
    expect(new Set(ids).size).toBe(ids.length);
    const fingerprints = (demo.json.findings as Array<{ fingerprint: string }>).map((f) => f.fingerprint);
    expect(ids.slice(0, fingerprints.length)).toEqual(fingerprints);
    // A schema that accepts anything would prove nothing: a finding missing a required member is refused.
    const broken = { ...demo.asff[0] };
    delete broken.GeneratorId;
    expect(validate(broken)).toBe(false);
    expect(validate({ ...demo.asff[0], Severity: { Label: 'SEVERE' } })).toBe(false);
    expect(validate({ ...demo.asff[0], Unknown: 1 })).toBe(false);
  });

  it('says not checked as NOT_AVAILABLE on the account, and says when there are more than 100 findings', () => {
    const na = hostile.asff.filter((f) => (f.Compliance as Json | undefined)?.Status === 'NOT_AVAILABLE');
    expect(na.length).toBeGreaterThan(10);
    for (const f of na) expect((f.Resources as Json[])[0]).toMatchObject({ Type: 'AwsAccount', Id: 'AWS::::Account:123456789012' });
    expect(demo.stderr).toMatch(/at most 100 per batch-import-findings call/);
  });

  describe('imported into Security Hub (moto) through the SDK', () => {
    let moto: MotoServer | undefined;
    beforeAll(async () => {
      moto = await startMoto();
    }, 90_000);
    afterAll(async () => moto?.stop());

    it('every batch of 100 is accepted and reads back with the same ids, severities and resources', async () => {
      const region = (demo.asff[0]!.ProductArn as string).split(':')[3]!;
      const client = new SecurityHubClient(sdkConfig(moto!.endpoint, region));
      const findings = demo.asff as unknown as AwsSecurityFinding[];
      for (let i = 0; i < findings.length; i += 100) {
        const out = await client.send(new BatchImportFindingsCommand({ Findings: findings.slice(i, i + 100) }));
        expect(out.FailedCount, JSON.stringify(out.FailedFindings?.slice(0, 2))).toBe(0);
        expect(out.SuccessCount).toBe(Math.min(100, findings.length - i));
      }
      const back: AwsSecurityFinding[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(new GetFindingsCommand({ MaxResults: 100, NextToken }));
        back.push(...(page.Findings ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      expect(back.map((f) => f.Id).sort()).toEqual(findings.map((f) => f.Id).sort());
      const byId = new Map(back.map((f) => [f.Id, f]));
      for (const f of findings) {
        const b = byId.get(f.Id)!;
        expect(b.Severity?.Label).toBe(f.Severity?.Label);
        expect(b.Resources?.[0]?.Type).toBe(f.Resources?.[0]?.Type);
        expect(b.Compliance?.Status).toBe(f.Compliance?.Status);
      }
    }, 120_000);
  });
});
