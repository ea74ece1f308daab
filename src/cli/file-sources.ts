import type { Argv } from 'yargs';
import type { ClientPool } from '../aws/pool.js';
import type { FileScan } from '../files/scan-files.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { UserError } from '../util/errors.js';
import { runDeadline, type AwsArgs } from './aws-options.js';
import type { ShardArgs } from './shard-options.js';

/** --files and its companions (scan, collect). */
export function fileOptions<T>(y: Argv<T>) {
  return y
    .option('files', {
      type: 'string',
      array: true,
      describe: 'Scan these files and folders for AWS access keys, private keys and build files; alone, no AWS call is made',
      group: 'Local files:',
    })
    .option('include-ignored', {
      type: 'boolean',
      default: false,
      describe: 'With --files: also scan files that .gitignore ignores',
      group: 'Local files:',
    })
    .option('history', {
      type: 'boolean',
      default: false,
      describe:
        'With --files: also scan the git history of the repositories named (every blob of every branch, tag and stash, once each); findings name the commit that added the secret',
      group: 'Local files:',
    })
    .option('all-objects', {
      type: 'boolean',
      default: false,
      describe: 'With --history: also read objects no ref reaches (squashed or deleted branches, dropped stashes)',
      group: 'Local files:',
    })
    .option('since-commit', {
      type: 'string',
      describe: 'With --history: only what commits after this one added (for pull requests: --since-commit origin/main)',
      group: 'Local files:',
    })
    .option('account', {
      type: 'boolean',
      default: false,
      describe:
        'With --files: also read the AWS account (implied by --profile, --region(s), --all-regions, --endpoint-url); keys found are checked against it',
      group: 'Local files:',
    });
}

export interface FileArgs {
  files?: string[] | undefined;
  includeIgnored: boolean;
  history?: boolean | undefined;
  allObjects?: boolean | undefined;
  sinceCommit?: string | undefined;
  account: boolean;
  /** `--timeout` (an AWS option of scan and collect): it bounds the file scan too. */
  timeout?: string | string[] | undefined;
}

/** The file scan asked for, to run later; undefined without --files. */
export function fileScanOf(argv: FileArgs): (() => Promise<FileScan>) | undefined {
  const roots = argv.files ?? [];
  if (argv.files !== undefined && roots.length === 0)
    throw new UserError('--files needs at least one file or folder', 'e.g. awsaudit scan --files ~/notes');
  // An empty argument (an unset variable in `--files "$DIR"`) would resolve to the working directory: never scan that unasked.
  if (roots.some((root) => root.trim() === ''))
    throw new UserError('--files: an empty path was given', 'name a file or folder; for the working directory, write --files .');
  if ((argv.allObjects || argv.sinceCommit !== undefined) && !argv.history)
    throw new UserError(
      `--${argv.allObjects ? 'all-objects' : 'since-commit'} applies to --history`,
      'e.g. awsaudit scan --files . --history --all-objects',
    );
  if (argv.history && roots.length === 0) throw new UserError('--history applies to --files', 'e.g. awsaudit scan --files . --history');
  if (argv.sinceCommit !== undefined && argv.sinceCommit.trim() === '')
    throw new UserError('--since-commit: an empty commit was given', 'name the base branch or commit, e.g. --since-commit origin/main');
  const deadline = runDeadline(argv);
  const history = argv.history ? { allObjects: argv.allObjects ?? false, sinceCommit: argv.sinceCommit } : undefined;
  return roots.length
    ? async () => (await import('../files/scan-files.js')).scanFiles(roots, { includeIgnored: argv.includeIgnored, deadline, history })
    : undefined;
}

/** With --files, the account is read too when asked with --account or any AWS option. */
export function wantsAccount(argv: AwsArgs & FileArgs): boolean {
  return (
    argv.account ||
    argv.profile !== undefined ||
    argv.region !== undefined ||
    argv.regions !== undefined ||
    argv.allRegions ||
    argv.endpointUrl !== undefined
  );
}

const isFileRule = (rule: CompiledRule) => rule.definition.resource.startsWith('file.');

/**
 * The rules a run's sources can answer: without files the file rules are left out, and with
 * files alone the account's are, unless --only names rules explicitly (they then stay, and
 * read "not checked" when their source was not read).
 */
export function rulesForSources(
  only: readonly string[],
  sources: { files: boolean; account: boolean },
): ((rule: CompiledRule) => boolean) | undefined {
  if (only.length > 0) return undefined;
  if (!sources.files) return (rule) => !isFileRule(rule);
  if (!sources.account) return isFileRule;
  return undefined;
}

/**
 * Read what the rules need: the account (collected for them), the files, or both. With both,
 * the files are scanned while the account is collected, and the keys found are checked
 * against the account's access keys once both are in (the file rules make collection list them).
 */
export async function readSources(
  argv: AwsArgs & FileArgs & ShardArgs,
  rules: readonly CompiledRule[],
  fileScan: (() => Promise<FileScan>) | undefined,
  extraTypes: readonly string[] = [],
  pool?: ClientPool,
): Promise<Snapshot> {
  const { addFileScan, filesSnapshot } = await import('../files/file-snapshot.js');
  if (fileScan && !wantsAccount(argv)) return filesSnapshot(await fileScan(), new Date());
  const files = fileScan?.();
  files?.catch(() => undefined); // awaited below; a collection error must not leave it unhandled
  const { collectForRules } = await import('./collection.js');
  const collected = (await collectForRules(argv, rules, extraTypes, pool)).snapshot;
  return files ? addFileScan(collected, await files) : collected;
}
