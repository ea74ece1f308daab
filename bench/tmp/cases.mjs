import fs from 'node:fs'; import path from 'node:path';
import { dataProblem } from '../../dist/snapshot/check-data.js';
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : []);
const counts = {};
for (const f of walk('rules')) {
  const r = JSON.parse(fs.readFileSync(f));
  for (const [kind, list] of Object.entries(r.tests)) for (const c of list) {
    for (const [t, d, who] of [[r.resource, c.data, ''], ...(c.context ?? []).map((x) => [x.type, x.data, ' context ' + x.id])]) {
      const p = dataProblem(t, d);
      if (p) { const k = `${t} ${p.pointer} ${p.message}`; counts[k] = (counts[k] ?? 0) + 1; if (process.argv[2]) console.log(r.id, kind, c.name, who, '|', p.pointer, p.message); }
    }
  }
}
for (const [k, n] of Object.entries(counts).sort()) console.log(n, k);
const demo = JSON.parse(fs.readFileSync('demo/demo-account.snapshot.json'));
demo.resources.forEach((r, i) => { const p = dataProblem(r.type, r.data); if (p) console.log('demo', i, r.type, r.id, p.pointer, p.message); });
