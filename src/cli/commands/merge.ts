// `awsaudit merge`: shard reports (or snapshots) of one scan put back together and evaluated as
// one, so the findings, fingerprints and counts are those of an unsharded scan.
import type { Argv } from 'yargs';
import type { CompiledRule } from '../../ruleset/types.js';
import type { CommandResult } from '../command-result.js';
import { evaluationOptions } from '../options.js';

export function mergeCommand(y: Argv, done: CommandResult) {
  return y.command(
    'merge <inputs..>',
    'Merge the JSON reports of `scan --shard` jobs (or `collect --shard` snapshots) into one set of reports (no AWS calls, except to read s3:// inputs or write an s3:// --output-dir)',
    (c) =>
      evaluationOptions(c)
        .positional('inputs', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'Shard JSON reports or snapshots: files, folders (every .json in them), s3://bucket/key.json or s3://bucket/prefix/',
        })
        .option('profile', { type: 'string', describe: 'AWS profile for s3:// inputs and an s3:// --output-dir', group: 'AWS:' })
        .option('region', {
          type: 'string',
          describe: "Region of the S3 client (default: AWS_REGION or the profile's region)",
          group: 'AWS:',
        })
        .option('endpoint-url', { type: 'string', describe: 'Send S3 calls to this endpoint (an emulator)', group: 'AWS:' })
        .example(
          '$0 merge shard-1/awsaudit.json shard-2/awsaudit.json shard-3/awsaudit.json -f text,json,html,sarif',
          'The reports of an unsharded scan from three `scan --shard i/3` jobs',
        )
        .example('$0 merge shards/ -o merged', 'Every .json under shards/ (e.g. downloaded CI artifacts)')
        .example(
          '$0 merge shard-1 shard-2 shard-3 -f json,html,sarif',
          'Shards of `scan --org --shard i/3`: one report for the organisation, with a summary per account',
        )
        .example(
          '$0 merge s3://audit-bucket/run-42/ --output-dir s3://audit-bucket/run-42/merged/',
          'Shard reports a Kubernetes Job wrote to S3',
        )
        .example(
          '$0 merge shard-*/awsaudit.json --baseline last-week.json --fail-on high',
          'New findings of the whole scan decide the exit code',
        )
        .epilogue(
          'Give merge the same rule options (--rules, --only, --skip, --config) as the shard jobs. Each shard records its index, count and units: ' +
            'a missing, failed or duplicated shard, or shards of different counts, are coverage gaps and notes in every report, never silence.\n' +
            'Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 the tool could not do its job (a file that is not a shard report).',
        ),
    async (argv) => {
      const [{ evaluateAndReport }, { isCloudTrailRule }, { readMergeInputs }, { mergeShards }, { collectorScopeOf }, { rulesForSources }] =
        await Promise.all([
          import('../run-evaluation.js'),
          import('../../cloudtrail/pipeline.js'),
          import('../merge-inputs.js'),
          import('../../org/merge.js'),
          import('../../collect/plan.js'),
          import('../file-sources.js'),
        ]);
      const inputs = await readMergeInputs(argv.inputs, argv);
      const { snapshot, summary } = mergeShards(inputs, collectorScopeOf);
      if (!argv.quiet) {
        for (const left of summary.leftOut) process.stderr.write(`awsaudit: merge: ${left.label}: ${left.reason}\n`);
        if (summary.missingUnits.length) {
          process.stderr.write(
            `awsaudit: merge: ${summary.missingUnits.length} of ${summary.universe} unit(s) were read by no shard given${summary.missingShards.length ? ` (missing: shard ${summary.missingShards.join(', ')})` : ''}: they are coverage gaps in the reports\n`,
          );
        }
      }
      // The rules an account scan runs: no file or event rules, unless --only names them.
      const base = rulesForSources(argv.only, { files: false, account: true });
      const ruleFilter = argv.only.length ? undefined : (rule: CompiledRule) => !isCloudTrailRule(rule) && (base?.(rule) ?? true);
      // Shards of `scan --org` (or of several accounts): each account evaluated on its own and
      // combined, as `scan --org` does, so the merged reports have one summary per account.
      const orgs = inputs.flatMap((i) => (i.org ? [i.org] : []));
      const accounts = new Set([...snapshot.meta.accounts, ...snapshot.gaps.flatMap((g) => (g.account ? [g.account] : []))]);
      const evaluator =
        orgs.length > 0 || accounts.size > 1
          ? async (rules: readonly CompiledRule[], now: Date) => {
              const { evaluateMergedAccounts } = await import('../../org/merge-accounts.js');
              return { evaluation: evaluateMergedAccounts(snapshot, orgs, rules, now) };
            }
          : undefined;
      done.code = await evaluateAndReport({ ...argv, cloudtrail: [] }, snapshot, {
        merge: summary,
        ...(ruleFilter ? { ruleFilter } : {}),
        ...(evaluator ? { evaluator } : {}),
      });
    },
  );
}
