import { ruleReads, decisionDataFields } from '../../dist/engine/data-paths.js';
import fs from 'node:fs'; import path from 'node:path';
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : []);
const byType = {};
for (const f of walk('rules')) {
  const r = JSON.parse(fs.readFileSync(f));
  const reads = ruleReads(r);
  const s = byType[r.resource] ??= new Set();
  for (const l of reads.locations) if (l[0] === 'data') s.add(l.join('.'));
  const whole = reads.whole.filter(l=>l[0]==='data').map(l=>l.join('.'));
  console.log(r.id, 'decision fields:', JSON.stringify(decisionDataFields(r)));
}
for (const [t, s] of Object.entries(byType)) console.log(t, [...s].sort().join('  '));
