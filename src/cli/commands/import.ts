import path from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../../util/errors.js';
import { displayPath } from '../../util/paths.js';
import type { CommandResult } from '../command-result.js';
import { ruleSelectionOptions, splitList } from '../options.js';
import { writeFileAtomic } from '../write-file.js';

export function importCommand(y: Argv, done: CommandResult) {
  return y.command(
    'import [dir]',
    'Turn a folder of AWS CLI JSON outputs into a snapshot, for `awsaudit evaluate` (no AWS calls)',
    (c) =>
      ruleSelectionOptions(c)
        .positional('dir', { type: 'string', describe: 'Folder of AWS CLI outputs (names in docs/import.md)' })
        .option('out', { alias: 'o', type: 'string', describe: 'Snapshot file to write (-o - for stdout)', group: 'Output:' })
        .option('regions', {
          type: 'string',
          array: true,
          describe: 'Regions to read (default: every region folder found, e.g. ec2/us-east-1/)',
          group: 'Import:',
        })
        .option('account', {
          type: 'string',
          describe: 'The account id, when the folder has no sts/get-caller-identity.json',
          group: 'Import:',
        })
        .option('types', {
          type: 'string',
          array: true,
          describe: 'Also read these resource types (comma-separated), or "all"',
          group: 'Rules:',
        })
        .option('print-script', {
          type: 'boolean',
          describe: 'Print a bash script that makes such a folder with the AWS CLI (read-only calls), and exit',
          group: 'Import:',
        })
        .example('$0 import --print-script > awsaudit-dump.sh', 'The script that dumps what import reads')
        .example('bash awsaudit-dump.sh dump us-east-1 eu-west-1', '(run by someone with AWS access) AWS CLI outputs in dump/')
        .example('$0 import dump -o snap.json', 'Those outputs as a snapshot; calls with no file are coverage gaps')
        .example('$0 evaluate -s snap.json -f html,json', 'Then audit it like any snapshot')
        .epilogue(
          'Each file is the JSON the AWS CLI prints: <cli service>/<region>/<operation>.json (IAM, STS and S3 without the region), ' +
            "<…>/<operation>/<bucket, user, trail…>.json for calls about one resource, and <same name>.error holding the CLI's error output when the command failed. " +
            'A call awsaudit makes with no file is a coverage gap (NotImported): the rules that need it are incomplete, never passed. See docs/import.md.',
        ),
    async (argv) => {
      if (argv['print-script']) {
        const { dumpScript } = await import('../../import/script.js');
        process.stdout.write(dumpScript());
        done.code = 0;
        return;
      }
      if (!argv.dir)
        throw new UserError('import: give the folder of AWS CLI outputs', 'e.g. `awsaudit import dump -o snap.json` (docs/import.md)');
      if (!argv.out) throw new UserError('import: give the snapshot file to write with -o FILE (-o - for stdout)');
      const [
        { loadConfig },
        { selectRules },
        { checkSnapshot },
        { parseExtraTypes, typesForRules },
        { importSnapshot },
        { checkRegionNames },
      ] = await Promise.all([
        import('../../config/config.js'),
        import('../../ruleset/select.js'),
        import('../../snapshot/read.js'),
        import('../collection.js'),
        import('../../import/import.js'),
        import('../../collect/regions.js'),
      ]);
      const extra = parseExtraTypes(argv.types);
      const selected = await selectRules(
        { ruleDirs: argv.rules, only: splitList(argv.only), skip: splitList(argv.skip) },
        await loadConfig(argv.config),
      );
      const regions = argv.regions ? checkRegionNames(splitList(argv.regions), '--regions') : undefined;
      const { snapshot, unknown } = await importSnapshot({
        dir: argv.dir,
        types: typesForRules(selected, extra),
        regions,
        account: argv.account,
        progress: !argv.quiet,
      });
      checkSnapshot(JSON.parse(JSON.stringify(snapshot)), 'imported snapshot');
      const text = JSON.stringify(snapshot, null, 2) + '\n';
      if (argv.out === '-') process.stdout.write(text);
      else await writeFileAtomic(argv.out, text);
      if (!argv.quiet) {
        const missing = snapshot.gaps.filter((g) => g.errorCode === 'NotImported').length;
        process.stderr.write(
          `${argv.out === '-' ? 'imported' : `wrote ${displayPath(path.resolve(argv.out))}`}: ${snapshot.resources.length} resource(s), ${snapshot.meta.regions.length} region(s), ${snapshot.gaps.length} coverage gap(s) (${missing} call(s) with no file)\n`,
        );
        if (unknown.length)
          process.stderr.write(
            `awsaudit: ${unknown.length} file(s) in ${argv.dir} are not outputs import reads (a misspelt name? see docs/import.md): ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}\n`,
          );
      }
      done.code = 0;
    },
  );
}
