const { Ajv } = await import('ajv');
const mk = (i) => ({ type: 'object', required: ['Id' + i], properties: { ['Id' + i]: { type: 'string' }, State: { type: 'object', properties: { Name: { type: 'string' }, Code: { type: 'integer' } } }, SubnetId: { type: 'string' }, Flag: { type: ['boolean', 'null'] }, SecurityGroups: { type: 'array', items: { type: 'object', properties: { GroupId: { type: 'string' }, GroupName: { type: 'string' } } } } } });
const variant = process.argv[2];
const opts = { allErrors: false, strict: true, allowUnionTypes: true, verbose: true };
if (variant === 'novalidate') Object.assign(opts, { validateSchema: false });
if (variant === 'noopt') Object.assign(opts, { validateSchema: false, code: { optimize: false } });
if (variant === 'nostrict') Object.assign(opts, { validateSchema: false, strict: false, code: { optimize: false } });
// warm ajv as the rule loader does
new Ajv({strict:true,allErrors:true}).compile({type:'object',properties:{a:{type:'string'}}});
const c0 = process.cpuUsage();
const a = new Ajv(opts);
if (variant === 'combined') {
  a.compile({ type: 'object', properties: Object.fromEntries(Array.from({length:25},(_, i) => ['t'+i, mk(i)])) });
} else for (let i = 0; i < 25; i++) a.compile(mk(i));
const c2 = process.cpuUsage(c0);
console.log(variant, '25 compiles cpu', (c2.user + c2.system) / 1000);
