import type { Argv } from 'yargs';
import { readSnapshot } from '../../snapshot/read.js';
import { fromRoot } from '../../util/paths.js';
import { cloudTrailOptions } from '../cloudtrail.js';
import { evaluationOptions } from '../options.js';
import { evaluateAndReport } from '../run-evaluation.js';
import type { CommandResult } from '../app.js';

export const DEMO_SNAPSHOT = fromRoot('demo', 'demo-account.snapshot.json');

export function scanCommand(y: Argv, done: CommandResult) {
  return y.command(
    'scan',
    'Scan an account and report what is wrong',
    (c) =>
      cloudTrailOptions(evaluationOptions(c))
        .option('demo', { type: 'boolean', default: false, describe: 'Scan the bundled demo account (no AWS credentials needed)' })
        .example('$0 scan --demo', 'Audit the bundled demo account; text on stdout, JSON in reports/')
        .example('$0 scan --demo --format text,json --fail-on high', 'Exit 1 only for high or critical findings')
        .example('$0 scan --cloudtrail ./logs', 'Event rules over local CloudTrail logs (no AWS calls)')
        .example('$0 scan --cloudtrail s3://my-trail-bucket --since 2023-07-01 --until 2023-07-31', 'Event rules over a month of the trail\'s S3 archive')
        .example('$0 scan --cloudtrail api --regions us-east-1,eu-west-1 --since 24h', 'Event rules over LookupEvents (90-day history), 2 requests/s per region'),
    async (argv) => {
      if (!argv.demo && argv.cloudtrail.length) {
        // Events only: no account snapshot (live collection comes with the collectors).
        done.code = await evaluateAndReport(argv, undefined, { allowApi: true });
        return;
      }
      if (!argv.demo) {
        process.stderr.write('awsaudit: live collection is not available in this build yet; scanning the bundled demo account (--demo).\n');
      }
      const snapshot = await readSnapshot(DEMO_SNAPSHOT);
      // The demo is a recording: evaluate it at the time it was "collected", so its results do not drift with the calendar.
      done.code = await evaluateAndReport({ ...argv, now: argv.now ?? snapshot.meta.collectedAt }, snapshot, { allowApi: true });
    },
  );
}
