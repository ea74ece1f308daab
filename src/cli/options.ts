import type { Argv } from 'yargs';

/** Which rules run (scan, evaluate), or which rules the collection is for (collect, permissions). */
export function ruleSelectionOptions<T>(y: Argv<T>) {
  return y
    .option('rules', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'Extra rule directory (repeatable)',
      group: 'Rules:',
    })
    .option('only', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'Run only these rule ids (comma-separated or repeated)',
      group: 'Rules:',
    })
    .option('skip', { type: 'string', array: true, default: [] as string[], describe: 'Skip these rule ids', group: 'Rules:' })
    .option('config', { type: 'string', describe: 'Config file (default: .awsaudit.json if present)', group: 'Rules:' });
}

/** Options shared by every command that evaluates rules (scan, evaluate). */
export function evaluationOptions<T>(y: Argv<T>) {
  return ruleSelectionOptions(y)
    .option('ignore-file', { type: 'string', describe: 'Suppressions file (default: .awsaudit-ignore.json if present)', group: 'Rules:' })
    .option('baseline', {
      type: 'string',
      describe: 'JSON report of an earlier run: mark findings new/unchanged, list fixed ones; only new findings count for the exit code',
      group: 'Rules:',
    })
    .option('format', {
      alias: 'f',
      type: 'string',
      array: true,
      default: ['text', 'json'],
      describe:
        'Output formats: text, json, sarif, html, markdown (GitHub step summary / PR comment), csv, ocsf (OCSF 1.5 findings), asff (Security Hub) (comma-separated)',
      group: 'Output:',
    })
    .option('output-dir', {
      alias: 'o',
      type: 'string',
      default: 'reports',
      describe:
        'Folder for report files (awsaudit.<ext>), or s3://bucket/prefix to upload them to your bucket (s3:PutObject: the only write awsaudit makes, after the read-only scan)',
      group: 'Output:',
    })
    .option('bucket-owner', {
      type: 'string',
      describe: 'With --output-dir s3://…: the account id that must own the bucket (default: the account of the credentials)',
      group: 'Output:',
    })
    .option('output', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'Per-format destination FORMAT=PATH ("-" for stdout)',
      group: 'Output:',
    })
    .option('compliance', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'Compliance view in the reports: cis-aws-6.0, fsbp or all (comma-separated); each recommendation pass, fail, incomplete, manual or not checked, with its rules',
      group: 'Output:',
    })
    .option('fail-on', {
      type: 'string',
      describe: 'Exit 1 when a finding is at or above this severity (critical|high|medium|low|info|none) [default: low]',
      group: 'Output:',
    })
    .option('now', { type: 'string', describe: 'Evaluation clock (ISO 8601), for reproducible results', group: 'Output:' })
    .option('color', { type: 'boolean', describe: 'Force colour on or off (NO_COLOR always turns it off)', group: 'Output:' });
}

export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}
