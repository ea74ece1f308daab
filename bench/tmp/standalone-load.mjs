const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const fs = await import('node:fs');
const demo = JSON.parse(fs.readFileSync('demo/demo-account.snapshot.json', 'utf8'));
const { RESOURCE_TYPES } = await import('../../dist/resources/types.js');
const order = Object.keys(RESOURCE_TYPES);
let c0 = cpu();
const mod = await import('./validators.mjs');
const c1 = cpu();
let bad = 0;
for (const r of demo.resources) { const v = mod['v' + order.indexOf(r.type)]; if (!v(r.data)) bad++; }
const c2 = cpu();
console.log('import', (c1 - c0).toFixed(1), 'validate demo (first calls)', (c2 - c1).toFixed(1), 'bad', bad);
