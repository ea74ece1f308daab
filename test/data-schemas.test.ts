// Meta-tests of the resource data schemas (src/services/<service>/index.ts `dataSchema`): every
// type has one, each is a valid JSON Schema, the data awsaudit ships (the demo account, every
// rule's own cases, the snapshot fixtures, real CloudTrail records) has the shape its type
// declares, and every `data` path a built-in rule reads is declared in its type's schema.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ANY_MEMBER, ITEM, ruleReads, type Location } from '../src/engine/data-paths.js';
import { RESOURCE_TYPES } from '../src/resources/types.js';
import { BUILTIN_RULES_DIR, loadRuleFiles } from '../src/ruleset/load.js';
import type { JsonSchema } from '../src/services/service.js';
import { DATA_VALIDATOR_OPTIONS, dataProblem, precompiledValidator } from '../src/snapshot/check-data.js';
// @ts-expect-error: a plain script of the project, without type declarations
import { generateDataValidators } from '../scripts/build-data-validators.mjs';
import { checkResourceTypes } from '../src/snapshot/read.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { ROOT } from './support/cli.js';
import { DEMO, readDemo } from './support/snapshots.js';

const TYPES = Object.entries(RESOURCE_TYPES);
const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);

describe('every resource type declares the shape of its data', () => {
  it('with a data schema that is an object schema', () => {
    expect(TYPES.length).toBeGreaterThan(25);
    for (const [type, info] of TYPES) {
      expect(info.dataSchema, type).toBeDefined();
      expect(info.dataSchema.type, type).toBe('object');
      expect(
        Object.keys(info.dataSchema.properties ?? {}).length,
        `${type} declares the fields its rules and enrichers read`,
      ).toBeGreaterThan(0);
    }
  });

  it('that is valid JSON Schema (draft-07 and 2020-12), strict: no unknown keyword, no type a keyword does not apply to', () => {
    for (const AjvClass of [Ajv, Ajv2020]) {
      const ajv = new AjvClass({ strict: true, allErrors: true, allowUnionTypes: true });
      for (const [type, info] of TYPES) expect(() => ajv.compile(info.dataSchema), type).not.toThrow();
    }
  });

  it('compiled at build time into dist/validators/data.cjs (npm run build), one validator per type, made from the schemas as they are', () => {
    const built = readFileSync(path.join(ROOT, 'dist', 'validators', 'data.cjs'), 'utf8');
    const generated = (generateDataValidators as (types: unknown, options: unknown) => string)(RESOURCE_TYPES, DATA_VALIDATOR_OPTIONS);
    expect(built === generated, 'dist/validators/data.cjs is not the data schemas compiled: npm run build').toBe(true);
    for (const [type] of TYPES) expect(precompiledValidator(type), type).toBeDefined();
  });

  it('and a schema changed since is compiled when it is needed, with the same results', async () => {
    const { RESOURCE_TYPES: types } = await import('../src/resources/types.js');
    const info = types['aws.rds.db-instance'] as { dataSchema: JsonSchema };
    const original = info.dataSchema;
    try {
      // As if a field were added to the schema and the file not generated again.
      info.dataSchema = { ...original, properties: { ...original.properties, Iops: { type: 'integer' } } };
      expect(precompiledValidator('aws.rds.db-instance')).toBeUndefined();
    } finally {
      info.dataSchema = original;
    }
    expect(precompiledValidator('aws.rds.db-instance')).toBeDefined();
  });

  it('the ready-made validators and ajv compiling the schema now agree, on good data and on every single-field mutation of it', () => {
    const ajv = new Ajv(DATA_VALIDATOR_OPTIONS);
    const compiled = new Map(TYPES.map(([type, info]) => [type, ajv.compile(info.dataSchema)]));
    const verdict = (validate: ReturnType<Ajv['compile']>, data: unknown) =>
      validate(data) ? 'valid' : `${validate.errors?.[0]?.instancePath} ${validate.errors?.[0]?.keyword}`;
    let compared = 0;
    const differ: string[] = [];
    for (const r of readDemo().resources) {
      const mutations: unknown[] = [r.data];
      for (const key of Object.keys(r.data)) {
        for (const value of [undefined, null, 5, 'x', true, {}, [], [5], { a: 1 }]) {
          const copy: Record<string, unknown> = { ...r.data };
          if (value === undefined) delete copy[key];
          else copy[key] = value;
          mutations.push(copy);
        }
      }
      for (const data of mutations) {
        compared++;
        const a = verdict(precompiledValidator(r.type)!, data);
        const b = verdict(compiled.get(r.type)!, data);
        if (a !== b) differ.push(`${r.type} ${JSON.stringify(data).slice(0, 80)}: ${a} / ${b}`);
      }
    }
    expect(compared).toBeGreaterThan(3000);
    expect(differ).toEqual([]);
  });

  it('whose required fields are declared fields', () => {
    for (const [type, info] of TYPES) {
      for (const field of info.dataSchema.required ?? []) expect(Object.keys(info.dataSchema.properties ?? {}), type).toContain(field);
    }
  });
});

describe('the data awsaudit ships has the shape of its type', () => {
  it('every resource of the demo account', () => {
    const demo = readDemo();
    const problems = demo.resources.flatMap((r, i) => {
      const p = dataProblem(r.type, r.data);
      return p ? [`/resources/${i}/data${p.pointer} (${r.type} ${r.id}): ${p.message}`] : [];
    });
    expect(problems).toEqual([]);
    expect(() => checkResourceTypes(demo as unknown as Snapshot, DEMO)).not.toThrow();
  });

  it("every rule's own cases, and their context resources", () => {
    let checked = 0;
    const problems: string[] = [];
    for (const { definition } of rules) {
      for (const [kind, cases] of Object.entries(definition.tests)) {
        for (const c of cases ?? []) {
          // A correlation case gives several records instead of one `data`: each has the type's shape.
          const own = c.records
            ? c.records.map((r, i) => [definition.resource, r, `records[${i}]`] as const)
            : [[definition.resource, c.data, 'data'] as const];
          for (const [type, data, where] of [...own, ...(c.context ?? []).map((r, i) => [r.type, r.data, `context[${i}]`] as const)]) {
            checked++;
            const p = dataProblem(type, data);
            if (p) problems.push(`${definition.id} ${kind} "${c.name}" ${where}${p.pointer}: ${p.message}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
    expect(problems).toEqual([]);
  });

  it('every snapshot among the test fixtures that is meant to be read', () => {
    for (const name of ['hostile-snapshot.json', 'no-rds-snapshot.json']) {
      const snapshot = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', name), 'utf8')) as Snapshot;
      expect(
        snapshot.resources.flatMap((r) => (dataProblem(r.type, r.data) ? [r.id] : [])),
        name,
      ).toEqual([]);
    }
  });

  it('every CloudTrail record of the fixtures (real logs and attack detonations)', () => {
    let records = 0;
    const problems = new Set<string>();
    for (const dir of [path.join(ROOT, 'test', 'fixtures', 'cloudtrail'), path.join(ROOT, 'test', 'fixtures', 'cloudtrail-attribution')]) {
      for (const file of filesUnder(dir)) {
        for (const record of recordsIn(file)) {
          records++;
          const p = dataProblem('aws.cloudtrail.event', record);
          if (p) problems.add(`${path.relative(ROOT, file)}${p.pointer}: ${p.message}`);
        }
      }
    }
    expect(records).toBeGreaterThan(500);
    expect([...problems]).toEqual([]);
  });
});

describe("every data path a built-in rule reads is declared in its type's schema", () => {
  it('in its condition, unknownWhen, severity overrides, message, fix command and cost', () => {
    let paths = 0;
    const undeclared: string[] = [];
    for (const { definition } of rules) {
      const schema = RESOURCE_TYPES[definition.resource as keyof typeof RESOURCE_TYPES].dataSchema;
      for (const location of ruleReads(definition).locations) {
        if (location[0] !== 'data' || location.length < 2) continue;
        paths++;
        if (!declared(schema, location.slice(1))) undeclared.push(`${definition.id}: ${location.join('.')}`);
      }
    }
    expect(paths).toBeGreaterThan(150);
    expect(undeclared).toEqual([]);
  });

  it('the walk finds paths everywhere a rule can read them (a message placeholder, a match, a quantifier, a function argument)', () => {
    const reads = (rule: Parameters<typeof ruleReads>[0]) => ruleReads(rule).locations.map((l) => l.join('.'));
    expect(
      reads({
        condition: {
          some: 'data.Listeners',
          where: {
            all: [
              { path: 'Protocol', op: 'eq', value: 'HTTP' },
              { path: 'length(DefaultActions)', op: 'gt', value: 0 },
            ],
          },
        },
        message: "{{match.Port}} {{join(', ', data.AvailabilityZones[].ZoneName)}} {{sort_by(data.Tags, &Key)[0].Value}}",
        remediation: { cli: "aws x --y {{data.Scheme || 'none'}}" },
        severityOverrides: [{ when: { path: "contains(keys(data), 'Website')", op: 'eq', value: true } }],
      }),
    ).toEqual(
      expect.arrayContaining([
        'data.Listeners.[].Protocol',
        'data.Listeners.[].DefaultActions',
        'data.Listeners.[].Port',
        'data.AvailabilityZones.[].ZoneName',
        'data.Tags.[].Key',
        'data.Tags.[].Value',
        'data.Scheme',
        'data.Website',
      ]),
    );
  });
});

/** Is this location (below `data`) declared by the schema: each field a property, each `[]` an items schema? */
function declared(schema: JsonSchema | undefined, steps: Location): boolean {
  if (!schema) return false;
  if (steps.length === 0) return true;
  if (schema.anyOf) return schema.anyOf.some((s) => declared(s, steps));
  const [step, ...rest] = steps;
  if (step === ITEM) return declared(schema.items, rest);
  if (step === ANY_MEMBER) return true;
  return declared(schema.properties?.[step!], rest);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function recordsIn(file: string): unknown[] {
  if (!/\.json(\.gz)?$/.test(file)) return [];
  const bytes = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  try {
    const parsed = JSON.parse(text) as unknown;
    const list = Array.isArray(parsed)
      ? parsed
      : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { Records?: unknown }).Records)
        ? (parsed as { Records: unknown[] }).Records
        : [];
    return list.filter((r) => typeof r === 'object' && r !== null && 'eventName' in r);
  } catch {
    return text.split('\n').flatMap((line) => {
      try {
        const r = JSON.parse(line) as unknown;
        return typeof r === 'object' && r !== null && 'eventName' in r ? [r] : [];
      } catch {
        return [];
      }
    });
  }
}
