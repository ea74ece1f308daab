#!/usr/bin/env node
// Compiles the JSON Schemas awsaudit ships (rule files, snapshots, config, ignore file) into
// standalone validator modules under dist/validators/, so that a run does not pay ajv's schema
// compilation (about a quarter of a second for the rule schema) at every start. Part of the build
// (`npm run build`, `npm test`); src/util/schema.ts falls back to compiling at run time when a
// module is missing, and test/validators.test.ts checks the two agree.
//   node scripts/build-validators.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p) => JSON.parse(readFileSync(root + p, 'utf8'));
const dist = await import(new URL('../dist/util/schema.js', import.meta.url).href);
const outDir = root + 'dist/validators/';
mkdirSync(outDir, { recursive: true });

for (const schemaPath of dist.PACKAGED_SCHEMAS) {
  // The same options as the run-time compiler (src/util/schema.ts), plus source output.
  const ajv = new Ajv({ ...dist.AJV_OPTIONS, code: { source: true, esm: false } });
  for (const shared of dist.SHARED_SCHEMAS) ajv.addSchema(read(shared));
  const schema = read(schemaPath);
  const validate = (schema.$id ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema);
  writeFileSync(outDir + dist.validatorModuleName(schemaPath), standaloneCode(ajv, validate));
}
