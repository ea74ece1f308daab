import path from 'node:path';
import type { Argv } from 'yargs';
import { displayPath } from '../../util/paths.js';
import { awsOptions, collectOptionsFrom } from '../aws-options.js';
import { fileOptions, fileScanOf, readSources, rulesForSources, wantsAccount } from '../file-sources.js';
import { ruleSelectionOptions, splitList } from '../options.js';
import { shardOptions, shardSpecOf } from '../shard-options.js';
import { UserError } from '../../util/errors.js';
import type { CommandResult } from '../command-result.js';
import { writeFileAtomic } from '../write-file.js';

export function collectCommand(y: Argv, done: CommandResult) {
  return y.command(
    'collect',
    'Read the account (read-only) into a snapshot file, for `awsaudit evaluate` later',
    (c) =>
      shardOptions(fileOptions(awsOptions(ruleSelectionOptions(c))))
        .option('out', { type: 'string', demandOption: true, describe: 'Snapshot file to write (--out=- for stdout)', group: 'Output:' })
        .option('types', {
          type: 'string',
          array: true,
          describe: 'Also collect these resource types (comma-separated), or "all"',
          group: 'Rules:',
        })
        .example('$0 collect --out snap.json', 'Collect what the built-in rules need, in the default region')
        .example('$0 collect --out snap.json --all-regions --types all', 'Everything awsaudit can collect, in every enabled region')
        .example('$0 collect --out snap.json --files ~/notes', 'The account and your notes folder (key ids masked, secrets never written)')
        .example('$0 evaluate --snapshot snap.json', 'Then evaluate it, as often as needed, with no AWS calls')
        .example('$0 collect --out shard-1.json --all-regions --shard 1/3', 'One shard of three; `awsaudit merge shard-*.json` joins them'),
    async (argv) => {
      const [{ loadConfig }, { selectRules }, { checkSnapshot }, { parseExtraTypes }] = await Promise.all([
        import('../../config/config.js'),
        import('../../ruleset/select.js'),
        import('../../snapshot/read.js'),
        import('../collection.js'),
      ]);
      const fileScan = fileScanOf(argv);
      if (shardSpecOf(argv) && fileScan)
        throw new UserError(
          "--shard splits the account's units between jobs; it cannot be used with --files",
          'collect local files in a job of their own',
        );
      const account = fileScan === undefined || wantsAccount(argv);
      if (account) collectOptionsFrom(argv);
      const extra = parseExtraTypes(argv.types);
      const only = splitList(argv.only);
      const selected = await selectRules({ ruleDirs: argv.rules, only, skip: splitList(argv.skip) }, await loadConfig(argv.config));
      const keep = rulesForSources(only, { files: fileScan !== undefined, account });
      const snapshot = await readSources(argv, keep ? selected.filter(keep) : selected, fileScan, extra);
      // The file must be something `evaluate` accepts: check it against the schema before writing.
      checkSnapshot(JSON.parse(JSON.stringify(snapshot)), 'collected snapshot');
      const text = JSON.stringify(snapshot, null, 2) + '\n';
      if (argv.out === '-') process.stdout.write(text);
      else {
        await writeFileAtomic(argv.out, text);
        if (!argv.quiet) {
          process.stderr.write(
            `wrote ${displayPath(path.resolve(argv.out))}: ${snapshot.resources.length} resource(s), ${snapshot.meta.regions.length} region(s), ${snapshot.gaps.length} coverage gap(s)\n`,
          );
        }
      }
      done.code = 0;
    },
  );
}
