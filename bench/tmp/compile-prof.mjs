const { Ajv } = await import('ajv');
const { RESOURCE_TYPES } = await import('../../dist/resources/types.js');
new Ajv({strict:true}).compile({type:'object',properties:{a:{type:'string'}}});
for (let k = 0; k < 20; k++) {
const ajv = new Ajv({ allowUnionTypes: true, strict: false, validateSchema: false, code: { optimize: false } });
for (const [t, info] of Object.entries(RESOURCE_TYPES)) ajv.compile(info.dataSchema);
}
