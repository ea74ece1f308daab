// The build compiles the shipped JSON Schemas into modules (scripts/build-validators.mjs) so a run
// does not compile them at start; the run-time compiler stays as the fallback. Both must give the
// same verdict and the same errors on valid and broken documents.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGED_SCHEMAS, packagedValidator, validatorModuleName } from '../src/util/schema.js';
import { ROOT } from './support/cli.js';

/** A document's value, or undefined for a fixture that is not JSON at all (the parser's business, not the schema's). */
const json = (p: string): unknown => {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, p), 'utf8'));
  } catch {
    return undefined;
  }
};
const ruleFiles = (dir: string) =>
  readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(dir, f));

const DOCUMENTS: Record<string, string[]> = {
  'rules.schema.json': [...ruleFiles('rules'), ...ruleFiles('test/fixtures/broken-rules')],
  'schemas/snapshot.schema.json': [
    'demo/demo-account.snapshot.json',
    'test/fixtures/bad-snapshot.json',
    'test/fixtures/hostile-snapshot.json',
  ],
  'schemas/config.schema.json': ruleFiles('test/fixtures/config').filter((f) => !f.includes('ignore')),
  'schemas/ignore.schema.json': ruleFiles('test/fixtures/config').filter((f) => f.includes('ignore')),
};

describe('precompiled schema validators', () => {
  it('the build wrote one module per shipped schema', () => {
    for (const schema of PACKAGED_SCHEMAS)
      expect(existsSync(path.join(ROOT, 'dist', 'validators', validatorModuleName(schema))), schema).toBe(true);
  });

  for (const schema of PACKAGED_SCHEMAS) {
    it(`${schema}: the same verdicts and errors as compiling at run time`, () => {
      const built = packagedValidator(schema, { precompiled: true });
      const runtime = packagedValidator(schema, { precompiled: false });
      expect(built).not.toBe(runtime);
      const docs = DOCUMENTS[schema] ?? [];
      let invalid = 0;
      for (const doc of docs) {
        const value = json(doc);
        if (value === undefined) continue;
        const ok = built(value);
        expect(ok, doc).toBe(runtime(value));
        expect(built.errors ?? null, doc).toEqual(runtime.errors ?? null);
        if (!ok) invalid++;
      }
      // Each schema meets at least one document it refuses, or the comparison proves little.
      if (schema !== 'schemas/ignore.schema.json' && schema !== 'schemas/config.schema.json') expect(invalid, schema).toBeGreaterThan(0);
      expect(built({ surely: 'not this' })).toBe(runtime({ surely: 'not this' }));
      expect(built.errors).toEqual(runtime.errors);
    });
  }
});
