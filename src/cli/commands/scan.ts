import type { Argv } from 'yargs';
import { addFileScan } from '../../files/file-snapshot.js';
import { readSnapshot } from '../../snapshot/read.js';
import { fromRoot } from '../../util/paths.js';
import { awsOptions, collectOptionsFrom } from '../aws-options.js';
import { fileOptions, fileScanOf, readSources, rulesForSources, wantsAccount } from '../file-sources.js';
import { evaluationOptions } from '../options.js';
import { evaluateAndReport } from '../run-evaluation.js';
import type { CommandResult } from '../app.js';

export const DEMO_SNAPSHOT = fromRoot('demo', 'demo-account.snapshot.json');

export function scanCommand(y: Argv, done: CommandResult) {
  return y.command(
    'scan',
    'Scan an account (read-only) and local files, and report what is wrong',
    (c) =>
      fileOptions(awsOptions(evaluationOptions(c)))
        .option('demo', { type: 'boolean', default: false, describe: 'Scan the bundled demo account (no AWS credentials needed)' })
        .example('$0 scan --demo', 'Audit the bundled demo account; text on stdout, JSON in reports/')
        .example('$0 scan --profile prod --regions us-east-1,eu-west-1', 'Audit two regions of the account behind a profile')
        .example('$0 scan --all-regions --fail-on high', 'Every enabled region; exit 1 only for high or critical findings')
        .example('$0 scan --only s3-bucket-public-acl', 'One rule: only the calls that rule needs are made')
        .example('$0 scan --endpoint-url http://127.0.0.1:5000 --region us-east-1', 'Scan an emulator (moto, LocalStack)')
        .example('$0 scan --files ~/notes ~/.ssh', 'Look for leaked access keys and badly protected private keys (no AWS credentials needed)')
        .example('$0 scan --files . --include-ignored', 'Scan a repository, including files .gitignore leaves out')
        .example('$0 scan --profile prod --files ~/notes', 'The account and the notes: keys found are checked against the account (Active? whose?)')
        .example('$0 scan --demo --format sarif,html,json,text --output-dir reports', 'Every report in one run: reports/awsaudit.{sarif,html,json}')
        .example('$0 scan --demo --baseline last-week.json', 'Mark findings new/unchanged/fixed; only new ones fail the run')
        .example('$0 scan --demo --ignore-file accepted.json', 'Suppress accepted findings (reason and expiry in the file)'),
    async (argv) => {
      const fileScan = fileScanOf(argv);
      const files = fileScan !== undefined;
      if (argv.demo) {
        const demo = await readSnapshot(DEMO_SNAPSHOT);
        const snapshot = fileScan ? async () => addFileScan(demo, await fileScan()) : demo;
        const ruleFilter = rulesForSources(argv.only, { files, account: true });
        // The demo is a recording: evaluate it at the time it was "collected", so its results do not drift with the calendar.
        done.code = await evaluateAndReport({ ...argv, now: argv.now ?? demo.meta.collectedAt }, snapshot, ruleFilter ? { ruleFilter } : {});
        return;
      }
      const account = !files || wantsAccount(argv);
      // Check the AWS flags before loading rules or calling anything.
      if (account) collectOptionsFrom(argv);
      const ruleFilter = rulesForSources(argv.only, { files, account });
      done.code = await evaluateAndReport(argv, (rules) => readSources(argv, rules, fileScan), ruleFilter ? { ruleFilter } : {});
    },
  );
}
