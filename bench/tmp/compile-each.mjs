const { Ajv } = await import('ajv');
const { RESOURCE_TYPES } = await import('../../dist/resources/types.js');
new Ajv({strict:true}).compile({type:'object',properties:{a:{type:'string'}}});
const res = {};
for (let k = 0; k < 10; k++) {
  const ajv = new Ajv({ allowUnionTypes: true, validateSchema: false, code: { optimize: false } });
  for (const [t, info] of Object.entries(RESOURCE_TYPES)) { const t0 = performance.now(); ajv.compile(info.dataSchema); res[t] = (res[t] ?? 0) + performance.now() - t0; }
}
let total = 0; for (const [t, v] of Object.entries(res).sort((a, b) => b[1] - a[1])) { total += v / 10; console.log((v / 10).toFixed(2), t); } console.log('total', total.toFixed(1));
