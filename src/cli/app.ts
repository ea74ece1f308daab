import yargs, { type Argv } from 'yargs';
import { UserError, errorMessage } from '../util/errors.js';
import { toolVersion } from '../util/version.js';
import type { CommandResult } from './command-result.js';
import { collectCommand } from './commands/collect.js';
import { evaluateCommand } from './commands/evaluate.js';
import { mergeCommand } from './commands/merge.js';
import { importCommand } from './commands/import.js';
import { permissionsCommand } from './commands/permissions.js';
import { rulesCommand } from './commands/rules.js';
import { scanCommand } from './commands/scan.js';

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

class UsageError extends UserError {}

/** Run the CLI with the given arguments; returns the exit code (never calls process.exit). */
export async function run(args: string[]): Promise<number> {
  const done: CommandResult = { code: EXIT.ok };
  const debug = args.includes('--debug');
  let parser: Argv = yargs(args)
    .scriptName('awsaudit')
    .usage('$0 <command> [options]\n\nAudit AWS accounts for security and cost problems, the way a linter audits code.')
    .version(toolVersion())
    .option('debug', { type: 'boolean', describe: 'Print stack traces for errors' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No progress display or notices on stderr' })
    .epilogue(
      'Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 the tool could not do its job.\n' +
        'Docs: README.md; rule reference: docs/rules.md',
    )
    .example('$0 scan --demo', 'Audit the bundled demo account (no credentials needed)')
    .example('$0 scan --profile prod --all-regions', 'Audit every enabled region of an account, read-only')
    .example('$0 collect --out snap.json && $0 evaluate -s snap.json', 'Collect once, evaluate as often as needed')
    .example('$0 scan --shard 2/3 -o shard-2 && $0 merge shard-*/awsaudit.json', 'Split a scan into jobs, then merge their reports')
    .example('$0 import dump/ -o snap.json', 'A snapshot from a folder of AWS CLI outputs (docs/import.md)')
    .example('$0 permissions', 'The read-only IAM policy awsaudit needs')
    .example('$0 rules list', 'List every rule')
    .example(
      '$0 scan --cloudtrail ./logs --aws-ip-ranges ip-ranges.json',
      "CloudTrail rules over log files; AWS's published ranges (ip-ranges.json) tell AWS addresses from others",
    )
    .strict()
    .demandCommand(1, 'choose a command (see --help)')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message, 'run `awsaudit --help` for usage');
    });
  parser = scanCommand(parser, done);
  parser = collectCommand(parser, done);
  parser = evaluateCommand(parser, done);
  parser = mergeCommand(parser, done);
  parser = importCommand(parser, done);
  parser = permissionsCommand(parser, done);
  parser = rulesCommand(parser, done);
  try {
    await parser.parseAsync();
    return done.code;
  } catch (error) {
    reportError(error, debug);
    return EXIT.error;
  }
}

function reportError(error: unknown, debug: boolean): void {
  if (error instanceof UserError) {
    process.stderr.write(`awsaudit: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${error.hint}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return;
  }
  process.stderr.write(`awsaudit: internal error: ${errorMessage(error)}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('  run again with --debug for details; please report this as a bug\n');
}
