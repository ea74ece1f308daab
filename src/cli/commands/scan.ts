import type { Argv } from 'yargs';
import { addFileScan, filesSnapshot } from '../../files/file-snapshot.js';
import { scanFiles } from '../../files/scan-files.js';
import { readSnapshot } from '../../snapshot/read.js';
import { UserError } from '../../util/errors.js';
import { fromRoot } from '../../util/paths.js';
import { awsOptions, collectOptionsFrom, type AwsArgs } from '../aws-options.js';
import { collectForRules } from '../collection.js';
import { evaluationOptions } from '../options.js';
import { evaluateAndReport } from '../run-evaluation.js';
import type { CompiledRule } from '../../ruleset/types.js';
import type { CommandResult } from '../app.js';

export const DEMO_SNAPSHOT = fromRoot('demo', 'demo-account.snapshot.json');

const isFileRule = (rule: CompiledRule) => rule.definition.resource.startsWith('file.');

/**
 * The rules a scan's sources can answer: without --files the file rules are left out (and
 * with files alone, the account's), unless --only names rules explicitly; then they stay and
 * read "not checked".
 */
function rulesFor(argv: { only: string[] }, sources: { files: boolean; account: boolean }): ((rule: CompiledRule) => boolean) | undefined {
  if (argv.only.length > 0) return undefined;
  if (!sources.files) return (rule) => !isFileRule(rule);
  if (!sources.account) return isFileRule;
  return undefined;
}

/** With --files, the account is scanned too when asked with --account or any AWS option. */
function wantsAccount(argv: AwsArgs & { account: boolean }): boolean {
  return argv.account || argv.profile !== undefined || argv.region !== undefined || argv.regions !== undefined || argv.allRegions || argv.endpointUrl !== undefined;
}

export function scanCommand(y: Argv, done: CommandResult) {
  return y.command(
    'scan',
    'Scan an account (read-only) and local files, and report what is wrong',
    (c) =>
      awsOptions(evaluationOptions(c))
        .option('demo', { type: 'boolean', default: false, describe: 'Scan the bundled demo account (no AWS credentials needed)' })
        .option('files', {
          type: 'string',
          array: true,
          describe: 'Scan these files and folders for AWS access keys, private keys and build files; alone, no AWS call is made',
          group: 'Local files:',
        })
        .option('include-ignored', { type: 'boolean', default: false, describe: 'With --files: also scan files that .gitignore ignores', group: 'Local files:' })
        .option('account', {
          type: 'boolean',
          default: false,
          describe: 'With --files: also scan the AWS account (implied by --profile, --region(s), --all-regions, --endpoint-url); keys found are checked against it',
          group: 'Local files:',
        })
        .example('$0 scan --demo', 'Audit the bundled demo account; text on stdout, JSON in reports/')
        .example('$0 scan --profile prod --regions us-east-1,eu-west-1', 'Audit two regions of the account behind a profile')
        .example('$0 scan --all-regions --fail-on high', 'Every enabled region; exit 1 only for high or critical findings')
        .example('$0 scan --only s3-bucket-public-acl', 'One rule: only the calls that rule needs are made')
        .example('$0 scan --endpoint-url http://127.0.0.1:5000 --region us-east-1', 'Scan an emulator (moto, LocalStack)')
        .example('$0 scan --files ~/notes ~/.ssh', 'Look for leaked access keys and badly protected private keys (no AWS credentials needed)')
        .example('$0 scan --files . --include-ignored', 'Scan a repository, including files .gitignore leaves out')
        .example('$0 scan --profile prod --files ~/notes', 'Scan the account and the notes: keys found are checked against the account (Active? whose?)')
        .example('$0 scan --demo --format sarif,html,json,text --output-dir reports', 'Every report in one run: reports/awsaudit.{sarif,html,json}')
        .example('$0 scan --demo --baseline last-week.json', 'Mark findings new/unchanged/fixed; only new ones fail the run')
        .example('$0 scan --demo --ignore-file accepted.json', 'Suppress accepted findings (reason and expiry in the file)'),
    async (argv) => {
      const roots = argv.files ?? [];
      if (argv.files !== undefined && roots.length === 0) throw new UserError('--files needs at least one file or folder', 'e.g. awsaudit scan --files ~/notes');
      const fileScan = roots.length ? () => scanFiles(roots, { includeIgnored: argv.includeIgnored }) : undefined;
      if (argv.demo) {
        const demo = await readSnapshot(DEMO_SNAPSHOT);
        const snapshot = fileScan ? async () => addFileScan(demo, await fileScan()) : demo;
        // The demo is a recording: evaluate it at the time it was "collected", so its results do not drift with the calendar.
        const ruleFilter = rulesFor(argv, { files: fileScan !== undefined, account: true });
        done.code = await evaluateAndReport({ ...argv, now: argv.now ?? demo.meta.collectedAt }, snapshot, ruleFilter ? { ruleFilter } : {});
        return;
      }
      if (fileScan && !wantsAccount(argv)) {
        // Files alone: only the file rules run, and nothing talks to AWS.
        const ruleFilter = rulesFor(argv, { files: true, account: false });
        done.code = await evaluateAndReport(argv, async () => filesSnapshot(await fileScan(), new Date()), ruleFilter ? { ruleFilter } : {});
        return;
      }
      // Check the AWS flags before loading rules or calling anything.
      collectOptionsFrom(argv);
      const ruleFilter = rulesFor(argv, { files: fileScan !== undefined, account: true });
      done.code = await evaluateAndReport(argv, async (rules) => {
        // Files are scanned while the account is collected; the keys found are checked against
        // the account's access keys once both are in (the file rules make collection list them).
        const files = fileScan?.();
        files?.catch(() => undefined); // awaited below; a collection error must not leave it unhandled
        const collected = (await collectForRules(argv, rules)).snapshot;
        return files ? addFileScan(collected, await files) : collected;
      }, ruleFilter ? { ruleFilter } : {});
    },
  );
}
