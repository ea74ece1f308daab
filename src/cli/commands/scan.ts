import type { Argv } from 'yargs';
import { readSnapshot } from '../../snapshot/read.js';
import { fromRoot } from '../../util/paths.js';
import { evaluationOptions } from '../options.js';
import { evaluateAndReport } from '../run-evaluation.js';
import type { CommandResult } from '../app.js';

export const DEMO_SNAPSHOT = fromRoot('demo', 'demo-account.snapshot.json');

export function scanCommand(y: Argv, done: CommandResult) {
  return y.command(
    'scan',
    'Scan an account and report what is wrong',
    (c) =>
      evaluationOptions(c)
        .option('demo', { type: 'boolean', default: false, describe: 'Scan the bundled demo account (no AWS credentials needed)' })
        .example('$0 scan --demo', 'Audit the bundled demo account; text on stdout, JSON in reports/')
        .example('$0 scan --demo --format text,json --fail-on high', 'Exit 1 only for high or critical findings')
        .example('$0 scan --demo --format sarif,html,json,text --output-dir reports', 'Every report in one run: reports/awsaudit.{sarif,html,json}')
        .example('$0 scan --demo --baseline last-week.json', 'Mark findings new/unchanged/fixed; only new ones fail the run')
        .example('$0 scan --demo --ignore-file accepted.json', 'Suppress accepted findings (reason and expiry in the file)'),
    async (argv) => {
      if (!argv.demo) {
        process.stderr.write('awsaudit: live collection is not available in this build yet; scanning the bundled demo account (--demo).\n');
      }
      const snapshot = await readSnapshot(DEMO_SNAPSHOT);
      // The demo is a recording: evaluate it at the time it was "collected", so its results do not drift with the calendar.
      done.code = await evaluateAndReport({ ...argv, now: argv.now ?? snapshot.meta.collectedAt }, snapshot);
    },
  );
}
