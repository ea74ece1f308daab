const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const { selectRules } = await import('../../dist/ruleset/select.js');
const { decisionDataFields } = await import('../../dist/engine/data-paths.js');
const rules = await selectRules({}, { ruleDirs: [], rules: {}, suppressions: [] });
let c0 = cpu(); for (const r of rules) decisionDataFields(r.definition); console.log('decision fields', rules.length, (cpu() - c0).toFixed(1), 'ms cpu');
