import type { Argv } from 'yargs';
import { loadConfig } from '../../config/config.js';
import { permissionsPolicy, planCollection } from '../../collect/plan.js';
import { selectRules } from '../../ruleset/select.js';
import { parseExtraTypes, typesForRules } from '../collection.js';
import { ruleSelectionOptions, splitList } from '../options.js';
import type { CommandResult } from '../app.js';

export function permissionsCommand(y: Argv, done: CommandResult) {
  return y.command(
    'permissions',
    'Print the least-privilege read-only IAM policy for the selected rules',
    (c) =>
      ruleSelectionOptions(c)
        .option('types', { type: 'string', array: true, describe: 'Also cover collecting these resource types, or "all" (as `collect --types`)', group: 'Rules:' })
        .example('$0 permissions > awsaudit-policy.json', 'The policy for every built-in rule')
        .example('$0 permissions --only s3-bucket-public-acl', 'Only what one rule needs'),
    async (argv) => {
      const extra = parseExtraTypes(argv.types);
      const rules = await selectRules({ ruleDirs: argv.rules, only: splitList(argv.only), skip: splitList(argv.skip) }, await loadConfig(argv.config));
      const policy = permissionsPolicy(planCollection(typesForRules(rules, extra)));
      process.stdout.write(JSON.stringify(policy, null, 2) + '\n');
      done.code = 0;
    },
  );
}
