import fs from 'node:fs'; import path from 'node:path';
import { ruleReads } from '../../dist/engine/data-paths.js';
import { RESOURCE_TYPES } from '../../dist/resources/types.js';
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : []);
function resolve(schema, steps) {
  if (!schema) return undefined;
  if (steps.length === 0) return schema;
  if (schema.anyOf) { for (const s of schema.anyOf) { const r = resolve(s, steps); if (r) return r; } return undefined; }
  const [step, ...rest] = steps;
  if (step === '[]') return schema.items ? resolve(schema.items, rest) : undefined;
  if (step === '*') return schema;
  const p = schema.properties?.[step];
  return p ? resolve(p, rest) : undefined;
}
for (const f of walk('rules')) {
  const r = JSON.parse(fs.readFileSync(f));
  const schema = RESOURCE_TYPES[r.resource].dataSchema;
  const missing = ruleReads(r).locations.filter((l) => l[0] === 'data' && l.length > 1 && !resolve(schema, l.slice(1))).map((l) => l.join('.'));
  if (missing.length) console.log(r.id, missing.join('  '));
}
