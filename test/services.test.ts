// The services list is the one place a service is registered: the type table, the client
// factories, the collectors, the enrichers and docs/resources.md all come from it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTORS } from '../src/collect/registry.js';
import { ENRICHERS } from '../src/enrich/index.js';
import { RESOURCE_TYPES } from '../src/resources/types.js';
import { renderResourcesMarkdown } from '../src/services/docs.js';
import { CLIENT_FACTORIES, SERVICES } from '../src/services/index.js';
import { ROOT, runCli } from './support/cli.js';

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
    expect(text.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(Object.keys(RESOURCE_TYPES));
  });
  it('documents the data of every type, and the facts of every type an enricher computes facts for', () => {
    for (const type of Object.keys(RESOURCE_TYPES)) expect(committed).toContain(`| \`${type}\` |`);
    for (const enricher of ENRICHERS) expect(RESOURCE_TYPES[enricher.type as keyof typeof RESOURCE_TYPES].facts, enricher.type).toBeDefined();
  });
});

describe('the services list', () => {
  it('names every folder under src/services (a folder that is not in the list would be dead code)', () => {
    const folders = readdirSync(path.join(ROOT, 'src', 'services'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.sort()).toEqual(SERVICES.map((s) => s.name).filter((n) => n !== 'files').sort());
  });

  it('each service collects and enriches only its own resource types', () => {
    for (const service of SERVICES) {
      const own = Object.keys(service.resourceTypes);
      for (const c of service.collectors) for (const t of c.descriptor.produces) expect(own, `${service.name}: ${c.descriptor.id}`).toContain(t);
      for (const e of service.enrichers) expect(own, `${service.name}: enricher of ${e.type}`).toContain(e.type);
      for (const t of own) expect(RESOURCE_TYPES[t as keyof typeof RESOURCE_TYPES].service).toBe(service.name);
    }
    expect(COLLECTORS).toHaveLength(SERVICES.reduce((n, s) => n + s.collectors.length, 0));
  });

  it('each SDK client comes from a package that package.json depends on, and is a client that package exports', async () => {
    const dependencies = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    for (const [name, factory] of Object.entries(CLIENT_FACTORIES)) {
      expect(Object.keys(dependencies), name).toContain(factory.package);
      const exported = Object.values((await import(factory.package)) as Record<string, unknown>);
      expect(exported, `${name}: ${factory.package}`).toContain(await factory.load());
    }
  });
});
