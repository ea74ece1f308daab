import fs from 'node:fs'; import path from 'node:path'; import zlib from 'node:zlib';
import { dataProblem } from '../../dist/snapshot/check-data.js';
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
const counts = {}; let total = 0;
for (const dir of process.argv.slice(2)) for (const f of walk(dir)) {
  let text; try { text = f.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(f)).toString() : fs.readFileSync(f, 'utf8'); } catch { continue; }
  let records = [];
  try { const j = JSON.parse(text); records = Array.isArray(j?.Records) ? j.Records : Array.isArray(j) ? j : [j]; } catch { records = text.split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } }); }
  for (const r of records) { if (!r || typeof r !== 'object' || !r.eventName) continue; total++; const p = dataProblem('aws.cloudtrail.event', r); if (p) { const k = p.pointer + ' ' + p.message.slice(0, 60); counts[k] = (counts[k] ?? 0) + 1; } }
}
console.log('records', total); for (const [k, n] of Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(n, k);
