import type { Argv } from 'yargs';
import { addFileScan, filesSnapshot } from '../../files/file-snapshot.js';
import { scanFiles } from '../../files/scan-files.js';
import { readSnapshot } from '../../snapshot/read.js';
import { UserError } from '../../util/errors.js';
import { fromRoot } from '../../util/paths.js';
import { evaluationOptions } from '../options.js';
import { evaluateAndReport } from '../run-evaluation.js';
import type { CommandResult } from '../app.js';

export const DEMO_SNAPSHOT = fromRoot('demo', 'demo-account.snapshot.json');

export function scanCommand(y: Argv, done: CommandResult) {
  return y.command(
    'scan',
    'Scan an account (and local files) and report what is wrong',
    (c) =>
      evaluationOptions(c)
        .option('demo', { type: 'boolean', default: false, describe: 'Scan the bundled demo account (no AWS credentials needed)' })
        .option('files', {
          type: 'string',
          array: true,
          describe: 'Also scan these files and folders for AWS access keys and private keys; alone, no AWS call is made',
          group: 'Local files:',
        })
        .option('include-ignored', { type: 'boolean', default: false, describe: 'With --files: also scan files that .gitignore ignores', group: 'Local files:' })
        .example('$0 scan --demo', 'Audit the bundled demo account; text on stdout, JSON in reports/')
        .example('$0 scan --demo --format text,json --fail-on high', 'Exit 1 only for high or critical findings')
        .example('$0 scan --files ~/notes ~/.ssh', 'Look for leaked access keys and badly protected private keys (no AWS credentials needed)')
        .example('$0 scan --files . --include-ignored', 'Scan a repository, including files .gitignore leaves out'),
    async (argv) => {
      const roots = argv.files ?? [];
      if (argv.files !== undefined && roots.length === 0) throw new UserError('--files needs at least one file or folder', 'e.g. awsaudit scan --files ~/notes');
      const fileScan = roots.length ? () => scanFiles(roots, { includeIgnored: argv.includeIgnored }) : undefined;
      if (fileScan && !argv.demo) {
        // Files alone: only the file rules run, and nothing talks to AWS.
        done.code = await evaluateAndReport(argv, async () => filesSnapshot(await fileScan(), new Date()), {
          ruleFilter: (rule) => rule.definition.resource.startsWith('file.'),
        });
        return;
      }
      if (!argv.demo) {
        process.stderr.write('awsaudit: live collection is not available in this build yet; scanning the bundled demo account (--demo).\n');
      }
      const demo = await readSnapshot(DEMO_SNAPSHOT);
      const snapshot = fileScan ? async () => addFileScan(demo, await fileScan()) : demo;
      // The demo is a recording: evaluate it at the time it was "collected", so its results do not drift with the calendar.
      done.code = await evaluateAndReport({ ...argv, now: argv.now ?? demo.meta.collectedAt }, snapshot);
    },
  );
}
