import fs from 'node:fs'; import path from 'node:path';
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : []);
const shapes = {};
const typeOf = (v) => v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
function visit(t, v, p, depth) {
  const m = shapes[t] ??= {};
  (m[p] ??= new Set()).add(typeOf(v));
  if (depth > 3) return;
  if (Array.isArray(v)) v.forEach((x) => visit(t, x, p + '[]', depth + 1));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(t, x, p + '.' + k, depth + 1);
}
const add = (type, data) => visit(type, data, 'data', 0);
const demo = JSON.parse(fs.readFileSync('demo/demo-account.snapshot.json'));
for (const r of demo.resources) add(r.type, r.data);
for (const f of walk('rules')) {
  const r = JSON.parse(fs.readFileSync(f));
  for (const c of [...r.tests.fail, ...r.tests.pass, ...(r.tests.unknown ?? [])]) { add(r.resource, c.data); for (const x of c.context ?? []) add(x.type, x.data); }
}
const only = process.argv[2];
for (const [t, m] of Object.entries(shapes)) { if (only && t !== only) continue; console.log('##', t); for (const [p, s] of Object.entries(m).sort()) console.log('  ', p, [...s].join('|')); }
