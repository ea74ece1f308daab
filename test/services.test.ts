// The services list is the one place a service is registered: the type table, the client
// factories, the collectors, the enrichers and docs/resources.md all come from it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTORS } from '../src/collect/registry.js';
import { evaluate } from '../src/engine/evaluate.js';
import { selectRules } from '../src/ruleset/select.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { ENRICHERS } from '../src/enrich/index.js';
import { RESOURCE_TYPES } from '../src/resources/types.js';
import { renderResourcesMarkdown } from '../src/services/docs.js';
import { CLIENT_FACTORIES, SERVICES } from '../src/services/index.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';

const committed = readFileSync(path.join(ROOT, 'docs', 'resources.md'), 'utf8');

describe('docs/resources.md', () => {
  it('is up to date with the service modules (regenerate: awsaudit rules types --format markdown > docs/resources.md)', () => {
    expect(renderResourcesMarkdown()).toBe(committed);
  });
  it('`awsaudit rules types --format markdown` prints the same Markdown; the text listing has every type', async () => {
    const md = await runCli(['rules', 'types', '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(committed);
    const text = await runCli(['rules', 'types']);
    expect(
      text.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(Object.keys(RESOURCE_TYPES));
  });
  it('documents the data of every type, and the facts of every type an enricher computes facts for', () => {
    for (const type of Object.keys(RESOURCE_TYPES)) expect(committed).toContain(`| \`${type}\` |`);
    for (const enricher of ENRICHERS)
      expect(RESOURCE_TYPES[enricher.type as keyof typeof RESOURCE_TYPES].facts, enricher.type).toBeDefined();
  });
});

describe('the services list', () => {
  it('names every folder under src/services (a folder that is not in the list would be dead code)', () => {
    const folders = readdirSync(path.join(ROOT, 'src', 'services'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual(
      SERVICES.map((s) => s.name)
        .filter((n) => n !== 'files')
        .sort(),
    );
  });

  it('each service collects and enriches only its own resource types', () => {
    for (const service of SERVICES) {
      const own = Object.keys(service.resourceTypes);
      for (const c of service.collectors)
        for (const t of c.descriptor.produces) expect(own, `${service.name}: ${c.descriptor.id}`).toContain(t);
      for (const e of service.enrichers) expect(own, `${service.name}: enricher of ${e.type}`).toContain(e.type);
      for (const t of own) expect(RESOURCE_TYPES[t as keyof typeof RESOURCE_TYPES].service).toBe(service.name);
    }
    expect(COLLECTORS).toHaveLength(SERVICES.reduce((n, s) => n + s.collectors.length, 0));
  });

  it('each SDK client comes from a package that package.json depends on, and is a client that package exports', async () => {
    const dependencies = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
      .dependencies;
    for (const [name, factory] of Object.entries(CLIENT_FACTORIES)) {
      expect(Object.keys(dependencies), name).toContain(factory.package);
      const exported = Object.values((await import(factory.package)) as Record<string, unknown>);
      expect(exported, `${name}: ${factory.package}`).toContain(await factory.load());
    }
  });
});

describe('secret scans: the collector stores masked results in data, an enricher makes them facts', () => {
  const SECRETS = [
    {
      type: 'aws.lambda.function',
      field: 'awsauditEnvironmentSecrets',
      fact: 'environmentSecrets',
      rule: 'lambda-function-secrets-in-environment',
    },
    {
      type: 'aws.ec2.instance-user-data',
      field: 'awsauditUserDataSecrets',
      fact: 'userDataSecrets',
      rule: 'ec2-instance-secrets-in-user-data',
    },
  ];
  const demo = JSON.parse(readFileSync(path.join(ROOT, 'demo', 'demo-account.snapshot.json'), 'utf8')) as Snapshot;
  /** The same account as a snapshot of the previous release wrote it: the scan results in `facts`. */
  const legacy = structuredClone(demo);
  for (const r of legacy.resources) {
    const s = SECRETS.find((x) => x.type === r.type);
    if (!s || !Object.hasOwn(r.data, s.field)) continue;
    r.facts = { ...r.facts, [s.fact]: r.data[s.field]! };
    delete r.data[s.field];
  }

  it('gives the same findings, messages and evidence from data as from the facts older snapshots hold', async () => {
    const selected = await selectRules({ only: SECRETS.map((s) => s.rule) }, { file: '', ruleDirs: [], rules: {}, suppressions: [] });
    expect(selected).toHaveLength(2);
    const now = new Date(demo.meta.collectedAt);
    const fromData = evaluate(demo, selected, { now });
    expect(fromData.findings.map((f) => f.ruleId).sort()).toEqual([
      'ec2-instance-secrets-in-user-data',
      'lambda-function-secrets-in-environment',
    ]);
    expect(fromData.findings.map((f) => f.message).join('\n')).toMatch(/DB_PASSWORD/);
    expect(evaluate(legacy, selected, { now })).toEqual(fromData);
    // The demo holds the new shape: no collector-set facts left.
    for (const r of demo.resources)
      if (SECRETS.some((s) => s.type === r.type)) expect(r.facts?.[SECRETS.find((s) => s.type === r.type)!.fact]).toBeUndefined();
  });
});
