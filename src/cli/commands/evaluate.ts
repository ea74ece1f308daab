import type { Argv } from 'yargs';
import type { CompiledRule } from '../../ruleset/types.js';
import { cloudTrailOptions, cloudTrailTargetOptions } from '../cloudtrail-options.js';
import { evaluationOptions } from '../options.js';
import type { CommandResult } from '../command-result.js';

export function evaluateCommand(y: Argv, done: CommandResult) {
  return y.command(
    'evaluate',
    'Evaluate rules over a snapshot file written by `awsaudit collect` (no AWS calls)',
    (c) =>
      cloudTrailTargetOptions(cloudTrailOptions(evaluationOptions(c)))
        .option('snapshot', { alias: 's', type: 'string', demandOption: true, describe: 'Snapshot file to evaluate' })
        .example('$0 evaluate --snapshot snap.json', 'Evaluate all rules; text on stdout, JSON in reports/')
        .example('$0 evaluate -s snap.json --only s3-bucket-public-acl --format json --output json=-', 'One rule, JSON to stdout')
        .example('$0 evaluate -s snap.json --now 2026-01-01T00:00:00Z', 'Reproducible: fix the clock')
        .example('$0 evaluate -s snap.json -f sarif --output sarif=results.sarif', 'SARIF for GitHub code scanning')
        .example('$0 evaluate -s snap.json --compliance all -f html', 'Add the CIS and Security Hub compliance tab to the HTML report')
        .example(
          '$0 evaluate -s snap.json --cloudtrail s3://my-trail-bucket --since 30d',
          'Add the trail archive: event rules, and who last changed each resource with a finding',
        )
        .epilogue(
          "Each resource's data is checked against the shape of its type (docs/resources.md). A resource that does not match is undecided for the rules of its type, never passed, and a note names it and the field; " +
            'a file with an unknown resource type, or a type none of whose resources is an item of that type at all (instances still in their reservations, a credential report left as CSV), is refused with exit 2.\n' +
            'Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 the tool could not do its job.',
        ),
    async (argv) => {
      const [{ evaluateAndReport }, { isCloudTrailRule }, { readSnapshot }] = await Promise.all([
        import('../run-evaluation.js'),
        import('../../cloudtrail/pipeline.js'),
        import('../../snapshot/read.js'),
      ]);
      // Event rules read events, not snapshots: they run when --cloudtrail is given (or --only names them).
      const ruleFilter = argv.cloudtrail.length || argv.only.length ? undefined : (rule: CompiledRule) => !isCloudTrailRule(rule);
      done.code = await evaluateAndReport(argv, () => readSnapshot(argv.snapshot), ruleFilter ? { ruleFilter } : {});
    },
  );
}
