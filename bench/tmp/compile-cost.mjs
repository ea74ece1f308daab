const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const { packagedValidator } = await import('../../dist/util/schema.js');
const { RESOURCE_TYPES } = await import('../../dist/resources/types.js');
const { dataChecker } = await import('../../dist/snapshot/check-data.js');
let c0 = cpu(); packagedValidator('rules.schema.json'); console.log('rules schema compile', (cpu() - c0).toFixed(1));
c0 = cpu();
for (const t of Object.keys(RESOURCE_TYPES)) dataChecker(t)({});
console.log(Object.keys(RESOURCE_TYPES).length, 'data schemas compile', (cpu() - c0).toFixed(1), 'ms cpu');
