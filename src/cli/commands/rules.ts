import type { Argv } from 'yargs';
import { UserError } from '../../util/errors.js';

// The rule loader, the engine and the type table are imported by each handler, when it runs.
const loadAllRules = async (dirs: string[]) => (await import('../../ruleset/select.js')).loadAllRules(dirs);
import type { CommandResult } from '../command-result.js';

export function rulesCommand(y: Argv, done: CommandResult) {
  return y.command(
    'rules',
    'List, validate, test and document rules',
    (r) =>
      r
        .command(
          'list',
          'List the rules (built-in plus --rules folders)',
          (c) =>
            c
              .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'Extra rule directory (repeatable)' })
              .option('format', { type: 'string', choices: ['text', 'json'], default: 'text' })
              .option('compliance', {
                type: 'string',
                choices: ['cis-aws-6.0', 'fsbp'],
                describe:
                  'List the recommendations of a framework instead, each with the rules that answer it (or how to check it by hand)',
              })
              .example('$0 rules list', 'Every rule with its severity, kind and resource type')
              .example('$0 rules list --format json', 'Rule metadata as JSON')
              .example('$0 rules list --compliance cis-aws-6.0', 'Each CIS recommendation → its rules, or manual, or no rule yet'),
          async (argv) => {
            const rules = await loadAllRules(argv.rules);
            if (argv.compliance) {
              const [{ FRAMEWORKS, isFrameworkId, mappingJson, renderMappingText }, { complianceRules }] = await Promise.all([
                import('../../compliance/index.js'),
                import('../compliance.js'),
              ]);
              if (!isFrameworkId(argv.compliance)) throw new UserError(`--compliance ${argv.compliance}: unknown framework`);
              const framework = FRAMEWORKS[argv.compliance];
              process.stdout.write(
                argv.format === 'json'
                  ? JSON.stringify(mappingJson(framework, complianceRules(rules)), null, 2) + '\n'
                  : renderMappingText(framework, complianceRules(rules)),
              );
              done.code = 0;
              return;
            }
            if (argv.format === 'json') {
              const meta = rules.map(({ definition: d }) => ({
                id: d.id,
                title: d.title,
                severity: d.severity,
                kind: d.kind,
                resource: d.resource,
                source: d.source,
                enabled: d.enabled ?? true,
                description: d.description,
              }));
              process.stdout.write(JSON.stringify(meta, null, 2) + '\n');
            } else {
              const idWidth = Math.max(...rules.map((r) => r.definition.id.length), 2);
              for (const { definition: d } of rules) {
                process.stdout.write(
                  `${d.id.padEnd(idWidth)}  ${d.severity.padEnd(8)}  ${d.kind.padEnd(10)}  ${d.resource.padEnd(34)}  ${d.title}${d.enabled === false ? ' (opt-in)' : ''}\n`,
                );
              }
              const optIn = rules.filter((r) => r.definition.enabled === false).length;
              process.stdout.write(
                `${rules.length} rule(s)${optIn ? `, ${optIn} opt-in (run only when the config file enables them or --only names them)` : ''}\n`,
              );
            }
            done.code = 0;
          },
        )
        .command(
          'validate [dirs..]',
          'Check rule files against rules.schema.json and semantically (ids the built-in rules use, regexes that could stall a run); lists every problem',
          (c) =>
            c
              .positional('dirs', { type: 'string', array: true, describe: 'Rule folders or files (default: the built-in rules)' })
              .example('$0 rules validate', 'Check the built-in rules')
              .example('$0 rules validate ./my-rules', 'Check your own rules before using them with --rules'),
          async (argv) => {
            const { BUILTIN_RULES_DIR, builtinRuleIds, loadRuleFiles } = await import('../../ruleset/load.js');
            const dirs = argv.dirs?.length ? argv.dirs : [BUILTIN_RULES_DIR];
            // A user's folder is checked as `--rules` would load it: next to the built-in rules,
            // whose ids it may not reuse.
            const { rules, problems } = await loadRuleFiles(dirs, { reservedIds: await builtinRuleIds() });
            if (problems.length) {
              process.stderr.write(problems.join('\n') + '\n');
              process.stderr.write(`${problems.length} problem(s); ${rules.length} rule file(s) valid\n`);
              done.code = 2;
              return;
            }
            process.stdout.write(`${rules.length} rule file(s) valid\n`);
            done.code = 0;
          },
        )
        .command(
          'test',
          "Run every rule's own must-fail and must-pass cases",
          (c) =>
            c
              .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'Extra rule directory (repeatable)' })
              .example('$0 rules test', 'Test the built-in rules')
              .example('$0 rules test --rules ./my-rules', 'Test your own rules too'),
          async (argv) => {
            const [rules, { testRule }] = await Promise.all([loadAllRules(argv.rules), import('../../ruleset/tester.js')]);
            let failed = 0;
            let passed = 0;
            for (const rule of rules) {
              for (const result of testRule(rule)) {
                if (result.ok) passed++;
                else {
                  failed++;
                  process.stdout.write(`FAIL ${result.ruleId} [${result.expect}] ${result.name}: ${result.reason}\n`);
                }
              }
            }
            process.stdout.write(`rule cases: ${passed} passed, ${failed} failed (${rules.length} rules)\n`);
            done.code = failed ? 1 : 0;
          },
        )
        .command(
          'docs',
          'Print the rule reference as Markdown (what docs/rules.md holds)',
          (c) =>
            c
              .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'Extra rule directory (repeatable)' })
              .example('$0 rules docs > docs/rules.md', 'Regenerate the rule reference after changing a rule')
              .example('$0 rules docs --rules ./my-rules > my-rules.md', 'Document your own rules alongside the built-in ones'),
          async (argv) => {
            const { renderRulesMarkdown } = await import('../../ruleset/docs.js');
            process.stdout.write(renderRulesMarkdown(await loadAllRules(argv.rules)));
            done.code = 0;
          },
        )
        .command(
          'compliance <framework>',
          'Print how awsaudit answers each recommendation of a framework (what docs/compliance/<framework>.md holds)',
          (c) =>
            c
              .positional('framework', {
                type: 'string',
                choices: ['cis-aws-6.0', 'fsbp'],
                demandOption: true,
                describe: 'cis-aws-6.0 or fsbp',
              })
              .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'Extra rule directory (repeatable)' })
              .option('format', { type: 'string', choices: ['markdown', 'text', 'json'], default: 'markdown' })
              .example(
                '$0 rules compliance cis-aws-6.0 --format markdown > docs/compliance/cis-aws-6.0.md',
                'Regenerate the CIS table after changing a rule',
              )
              .example('$0 rules compliance fsbp --format json', 'The Security Hub control mapping as data'),
          async (argv) => {
            const [{ FRAMEWORKS, isFrameworkId, mappingJson, renderMappingMarkdown, renderMappingText }, { complianceRules }] =
              await Promise.all([import('../../compliance/index.js'), import('../compliance.js')]);
            if (!isFrameworkId(argv.framework)) throw new UserError(`unknown framework ${argv.framework}`);
            const framework = FRAMEWORKS[argv.framework];
            const rules = complianceRules(await loadAllRules(argv.rules));
            process.stdout.write(
              argv.format === 'json'
                ? JSON.stringify(mappingJson(framework, rules), null, 2) + '\n'
                : argv.format === 'text'
                  ? renderMappingText(framework, rules)
                  : renderMappingMarkdown(framework, rules),
            );
            done.code = 0;
          },
        )
        .command(
          'types',
          'List the resource types a rule can target',
          (c) =>
            c
              .option('format', {
                type: 'string',
                choices: ['text', 'markdown'],
                default: 'text',
                describe: "markdown: the reference of every type's data and facts (what docs/resources.md holds)",
              })
              .example('$0 rules types', 'Every type with its scope, id and title')
              .example(
                '$0 rules types --format markdown > docs/resources.md',
                'Regenerate the resource reference after changing a service',
              ),
          async (argv) => {
            const { RESOURCE_TYPES } = await import('../../resources/types.js');
            if (argv.format === 'markdown') {
              process.stdout.write((await import('../../services/docs.js')).renderResourcesMarkdown());
            } else {
              for (const [type, info] of Object.entries(RESOURCE_TYPES)) {
                process.stdout.write(`${type.padEnd(36)} ${info.scope.padEnd(8)} id=${info.id.padEnd(22)} ${info.title}\n`);
              }
            }
            done.code = 0;
          },
        )
        .demandCommand(1, 'choose a subcommand: list, validate, test, docs, compliance or types')
        .strict(),
    () => {
      throw new UserError('choose a subcommand: awsaudit rules list|validate|test|docs|compliance|types');
    },
  );
}
