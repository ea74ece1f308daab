import fs from 'node:fs'; import path from 'node:path';
import { dataProblem } from '../../dist/snapshot/check-data.js';
import { checkResourceTypes } from '../../dist/snapshot/read.js';
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : []);
for (const f of walk('test/fixtures')) {
  let s; try { s = JSON.parse(fs.readFileSync(f)); } catch { continue; }
  if (s?.format !== 'awsaudit-snapshot') continue;
  let n = 0; s.resources.forEach((r, i) => { const p = dataProblem(r.type, r.data); if (p) { n++; console.log(f, i, r.type, r.id, p.pointer, p.message); } });
  try { checkResourceTypes(s, f); } catch (e) { console.log('FILE ERROR', f, e.message); }
  console.log(f, s.resources.length, 'resources,', n, 'invalid');
}
