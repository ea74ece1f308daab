// node compare.mjs <distA> <distB> <snapshot> <now>
import fs from 'node:fs';
const [a, b, snapA, snapB, now] = process.argv.slice(2);
async function run(dist, snap) {
  const { evaluate } = await import(dist + '/engine/evaluate.js');
  const { selectRules } = await import(dist + '/ruleset/select.js');
  const rules = await selectRules({}, { ruleDirs: [], rules: {}, suppressions: [] });
  const s = JSON.parse(fs.readFileSync(snap, 'utf8'));
  return evaluate(s, rules, { now: new Date(now ?? s.meta.collectedAt) });
}
const [x, y] = [await run(a, snapA), await run(b, snapB ?? snapA)];
const fa = x.findings.map((f) => f.fingerprint + ' ' + f.message).join('\n'), fb = y.findings.map((f) => f.fingerprint + ' ' + f.message).join('\n');
console.log('findings identical:', fa === fb, x.findings.length, y.findings.length);
const ra = new Map(x.rules.map((r) => [r.ruleId, r]));
for (const r of y.rules) { const o = ra.get(r.ruleId); const k = (q) => `${q.status} e${q.evaluated} f${q.failed} p${q.passed} u${q.undecided} g${q.gaps.length}`; if (k(o) !== k(r)) console.log(r.ruleId, k(o), '->', k(r), r.undecidedResources.join(',')); }
console.log('notes:', (y.meta.notes ?? []).filter((n) => !(x.meta.notes ?? []).includes(n)));
