const c0 = process.cpuUsage(); const w0 = performance.now();
const { Ajv } = await import('ajv');
const c1 = process.cpuUsage(c0); const w1 = performance.now();
const a = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true });
const mk = (i) => ({ type: 'object', required: ['Id' + i], properties: { ['Id' + i]: { type: 'string' }, State: { type: 'object', properties: { Name: { type: 'string' }, Code: { type: 'integer' } } }, SubnetId: { type: 'string' }, Flag: { type: ['boolean', 'null'] }, SecurityGroups: { type: 'array', items: { type: 'object', properties: { GroupId: { type: 'string' }, GroupName: { type: 'string' } } } } } });
for (let i = 0; i < 25; i++) a.compile(mk(i));
const c2 = process.cpuUsage(c0); const w2 = performance.now();
console.log('import cpu', (c1.user + c1.system) / 1000, 'wall', w1 - w0, '| +25 compiles cpu', (c2.user + c2.system) / 1000, 'wall', w2 - w0);
