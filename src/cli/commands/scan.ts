// The modules that do the work are imported by the handler, when the command runs: `--help`
// and `--version` load only the option definitions (start-up time, see bench/startup.mjs).
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { CompiledRule } from '../../ruleset/types.js';
import type { Snapshot } from '../../snapshot/types.js';
import { fromRoot } from '../../util/paths.js';
import { UserError } from '../../util/errors.js';
import { awsOptions, collectOptionsFrom } from '../aws-options.js';
import { cloudTrailOptions } from '../cloudtrail-options.js';
import { fileOptions, fileScanOf, readSources, rulesForSources, wantsAccount } from '../file-sources.js';
import { evaluationOptions } from '../options.js';
import { shardOf, shardOptions, shardSpecOf } from '../shard-options.js';
import { orgOptions, orgOptionsFrom } from '../org-options.js';
import type { CommandResult } from '../command-result.js';

export const DEMO_SNAPSHOT = fromRoot('demo', 'demo-account.snapshot.json');

export function scanCommand(y: Argv, done: CommandResult) {
  return y.command(
    'scan',
    'Scan an account (read-only) and local files, and report what is wrong',
    (c) =>
      shardOptions(orgOptions(cloudTrailOptions(fileOptions(awsOptions(evaluationOptions(c))))))
        .option('demo', { type: 'boolean', default: false, describe: 'Scan the bundled demo account (no AWS credentials needed)' })
        .example('$0 scan --demo', 'Audit the bundled demo account; text on stdout, JSON in reports/')
        .example('$0 scan --profile prod --regions us-east-1,eu-west-1', 'Audit two regions of the account behind a profile')
        .example('$0 scan --all-regions --fail-on high', 'Every enabled region; exit 1 only for high or critical findings')
        .example('$0 scan --only s3-bucket-public-acl', 'One rule: only the calls that rule needs are made')
        .example('$0 scan --endpoint-url http://127.0.0.1:5000 --region us-east-1', 'Scan an emulator (moto, LocalStack)')
        .example(
          '$0 scan --files ~/notes ~/.ssh',
          'Look for leaked access keys and badly protected private keys (no AWS credentials needed)',
        )
        .example('$0 scan --files . --include-ignored', 'Scan a repository, including files .gitignore leaves out')
        .example(
          '$0 scan --files . --history',
          'Scan a repository and every commit of its history (keys deleted since are still in every clone)',
        )
        .example('$0 scan --files . --history --since-commit origin/main', 'In CI on a pull request: only what the new commits added')
        .example('$0 scan --files . --history --all-objects', 'Also objects no branch or tag reaches (squashed branches, dropped stashes)')
        .example(
          '$0 scan --profile prod --files ~/notes',
          'The account and your notes folder: keys found are checked against the account (Active? whose?)',
        )
        .example(
          '$0 scan --demo --format sarif,html,json,text --output-dir reports',
          'Every report in one run: reports/awsaudit.{sarif,html,json}',
        )
        .example('$0 scan --demo --baseline last-week.json', 'Mark findings new/unchanged/fixed; only new ones fail the run')
        .example(
          '$0 scan --baseline last.json -f markdown --output markdown=- >> "$GITHUB_STEP_SUMMARY"',
          'A job summary (or PR comment): counts, new findings first, gaps',
        )
        .example(
          '$0 scan -f ocsf,asff,csv',
          'reports/awsaudit.{ocsf.json,asff.json,csv}: for Security Lake/OCSF tools, Security Hub, spreadsheets',
        )
        .example(
          '$0 scan --profile prod --compliance cis-aws-6.0 -f html,json',
          'Every CIS v6.0.0 recommendation: pass, fail, incomplete, manual or not checked, with its rules',
        )
        .example('$0 scan --demo --ignore-file accepted.json', 'Suppress accepted findings (reason and expiry in the file)')
        .example('$0 scan --cloudtrail ./logs', 'Event rules over local CloudTrail logs (no AWS calls)')
        .example(
          '$0 scan --cloudtrail s3://my-trail-bucket --since 2023-07-01 --until 2023-07-31',
          "Event rules over a month of the trail's S3 archive",
        )
        .example(
          '$0 scan --cloudtrail api --regions us-east-1,eu-west-1 --since 24h',
          'Event rules over LookupEvents (90-day history), 2 requests/s per region',
        )
        .example(
          '$0 scan --account --profile prod --cloudtrail api --since 30d',
          'The account and its events: findings name the last change to each resource',
        )
        .example(
          '$0 scan --all-regions --shard 2/3 -f json -o shard-2',
          'One of three jobs: the second third of the (account, region) units; then `awsaudit merge shard-*/awsaudit.json`',
        )
        .example(
          '$0 scan --all-regions --shard 2/3 --baseline last/awsaudit.json -o shard-2',
          "Shards balanced by the last merged report's time per unit (every job must get the same baseline)",
        )
        .example(
          '$0 scan --org --profile mgmt -f text,json,html,sarif',
          "Every ACTIVE account of the organisation, through each account's OrganizationAccountAccessRole",
        )
        .example(
          "$0 scan --org --role-arn-template 'arn:aws:iam::{accountId}:role/audit/awsaudit' --external-id $EXT_ID",
          'Another role layout, with the external id its trust policy requires',
        )
        .example(
          '$0 scan --org --accounts ou-ab12-34cd5678 --exclude-accounts 111122223333 --max-accounts-in-flight 8',
          'The accounts under one OU (nested OUs included) but one, 8 accounts at a time',
        )
        .example(
          '$0 scan --org --regions us-east-1,eu-west-1 --shard 2/3 -f json -o shard-2',
          "One of three jobs over the organisation's (account, region) units: it enters only its accounts; then `awsaudit merge shard-*/`",
        ),
    async (argv) => {
      const [{ evaluateAndReport }, { isCloudTrailRule }] = await Promise.all([
        import('../run-evaluation.js'),
        import('../../cloudtrail/pipeline.js'),
      ]);
      const fileScan = fileScanOf(argv);
      const files = fileScan !== undefined;
      const events = argv.cloudtrail.length > 0;
      if (shardSpecOf(argv) && (argv.demo || files || events)) {
        throw new UserError(
          `--shard splits the account's units between jobs; it cannot be used with ${argv.demo ? '--demo' : files ? '--files' : '--cloudtrail'}`,
          'scan local files and CloudTrail sources in one job of their own',
        );
      }
      const org = await orgOptionsFrom(argv);
      if (org) {
        if (argv.demo || files || events)
          throw new UserError("--org scans the organisation's accounts: it cannot be combined with --demo, --files or --cloudtrail");
        const collect = collectOptionsFrom(argv);
        const ruleFilter = forSources(argv.only, { files: false, account: true, events: false }, isCloudTrailRule);
        done.code = await evaluateAndReport(argv, undefined, {
          ...(ruleFilter ? { ruleFilter } : {}),
          evaluator: async (rules, now) => {
            const [{ scanOrganization }, { typesForRules }] = await Promise.all([import('../../org/scan.js'), import('../collection.js')]);
            return scanOrganization({ org, collect, types: typesForRules(rules), rules, now, shard: await shardOf(argv) });
          },
        });
        return;
      }
      if (argv.demo) {
        // The bundled demo is read without compiling the snapshot schema (a third of this
        // command's start-up): test/startup.test.ts checks the file against the schema.
        const demo = JSON.parse(await readFile(DEMO_SNAPSHOT, 'utf8')) as Snapshot;
        const snapshot = fileScan ? async () => (await import('../../files/file-snapshot.js')).addFileScan(demo, await fileScan()) : demo;
        const ruleFilter = forSources(argv.only, { files, account: true, events }, isCloudTrailRule);
        // The demo is a recording: evaluate it at the time it was "collected", so its results do not drift with the calendar.
        done.code = await evaluateAndReport(
          { ...argv, now: argv.now ?? demo.meta.collectedAt },
          snapshot,
          ruleFilter ? { ruleFilter } : {},
        );
        return;
      }
      // With --files or --cloudtrail, the account is read only when asked for (--account, or for
      // files any AWS option); a plain `scan` reads the account. AWS options alone also serve the
      // CloudTrail sources (S3 archive, LookupEvents), so with events only --account asks for it.
      const account = events ? argv.account : !files || wantsAccount(argv);
      // Check the AWS flags before loading rules or calling anything. One pool of clients serves
      // collection and the CloudTrail sources: the same profile, endpoint, retries and guard.
      const options = account || events ? collectOptionsFrom(argv) : undefined;
      const aws = options ? (await import('../../aws/pool.js')).createPool(options) : undefined;
      const ruleFilter = forSources(argv.only, { files, account, events }, isCloudTrailRule);
      const choices = { allowApi: true, ...(ruleFilter ? { ruleFilter } : {}), ...(aws ? { aws } : {}) };
      try {
        if (account) done.code = await evaluateAndReport(argv, (rules) => readSources(argv, rules, fileScan, [], aws), choices);
        else if (fileScan)
          done.code = await evaluateAndReport(
            argv,
            async () => (await import('../../files/file-snapshot.js')).filesSnapshot(await fileScan(), new Date()),
            choices,
          );
        else done.code = await evaluateAndReport(argv, undefined, choices);
      } finally {
        aws?.destroy();
      }
    },
  );
}

/** The rules a scan's sources can answer; event rules only when events are read (unless --only names rules). */
function forSources(
  only: readonly string[],
  sources: { files: boolean; account: boolean; events: boolean },
  isCloudTrailRule: (rule: CompiledRule) => boolean,
): ((rule: CompiledRule) => boolean) | undefined {
  const base = rulesForSources(only, sources);
  if (only.length > 0) return undefined;
  return (rule) => (isCloudTrailRule(rule) ? sources.events : (base?.(rule) ?? true));
}
