import path from 'node:path';
import type { ComplianceResult } from '../compliance/status.js';
import type { Review } from '../findings/review.js';
import { isSeverity, type Severity } from '../model/severity.js';
import { FORMATS, isFormatName, type FormatName } from '../report/index.js';
import { reviewOfAccount } from '../report/accounts.js';
import { GITHUB_LIMITS } from '../report/sarif.js';
import type { ReportContext } from '../report/types.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { MergeSummary } from '../org/merge.js';
import type { Snapshot } from '../snapshot/types.js';
import type { AccountComplianceTable } from '../report/accounts.js';
import { UserError } from '../util/errors.js';
import { displayPath } from '../util/paths.js';
import { writeFileAtomic } from './write-file.js';
import { isS3Url, parseS3Target, uploadReports, type UploadOptions } from './s3-reports.js';

export interface OutputOptions {
  formats: FormatName[];
  outputDir: string;
  /** Per-format destinations from --output FORMAT=PATH ("-" is stdout). */
  outputs: Partial<Record<FormatName, string>>;
  color: boolean;
  /** The compliance view, when asked for. */
  compliance?: readonly ComplianceResult[];
  /** A shard's snapshot, kept in its JSON report for `awsaudit merge`. */
  snapshot?: Snapshot;
  /** What `awsaudit merge` did with the shards. */
  merge?: MergeSummary;
  /** How to reach AWS when `outputDir` is an s3:// address. */
  upload?: UploadOptions;
  /** Each account's compliance counts (a scan of many accounts with --compliance). */
  accountCompliance?: AccountComplianceTable;
}

/** Check `--output-dir` and `--output` before any work: an S3 address must be well formed. */
export function checkOutputPlaces(outputDir: string, outputs: Partial<Record<FormatName, string>>): void {
  if (isS3Url(outputDir)) parseS3Target(outputDir, '--output-dir');
  for (const [name, place] of Object.entries(outputs)) {
    if (place && isS3Url(place))
      throw new UserError(
        `--output ${name}=${place}: S3 is for --output-dir only`,
        `use --output-dir ${place.replace(/[^/]*$/, '')} (reports are named awsaudit.<ext>)`,
      );
  }
}

/** Parse --format (comma lists, repeatable) into known format names. */
export function parseFormats(values: readonly string[]): FormatName[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !isFormatName(n));
  if (bad.length) throw new UserError(`unknown format(s): ${bad.join(', ')}`, `choose from: ${Object.keys(FORMATS).join(', ')}`);
  return [...new Set(names)] as FormatName[];
}

/** Parse --output FORMAT=PATH pairs. */
export function parseOutputs(values: readonly string[]): Partial<Record<FormatName, string>> {
  const out: Partial<Record<FormatName, string>> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = value.slice(0, eq);
    if (eq < 1 || !isFormatName(name) || eq === value.length - 1) {
      throw new UserError(
        `--output ${value}: expected FORMAT=PATH, e.g. --output sarif=results.sarif (formats: ${Object.keys(FORMATS).join(', ')})`,
      );
    }
    out[name] = value.slice(eq + 1);
  }
  return out;
}

/**
 * Write every requested report. Text goes to stdout unless given a path; the others go to
 * their --output path or to <output-dir>/awsaudit.<ext>. Files are written before the text
 * summary so it can list them.
 */
export async function writeReports(evaluation: Review, rules: readonly CompiledRule[], options: OutputOptions): Promise<void> {
  const written: string[] = [];
  const base = {
    evaluation,
    rules,
    baseDir: process.cwd(),
    notice: (message: string) => process.stderr.write(`awsaudit: ${message}\n`),
    ...(options.compliance ? { compliance: options.compliance } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.merge ? { merge: options.merge } : {}),
    ...(options.accountCompliance ? { accountCompliance: options.accountCompliance } : {}),
  };
  const formats = [...new Set<FormatName>([...options.formats, ...(Object.keys(options.outputs) as FormatName[])])];
  const toStdout: FormatName[] = [];
  const s3 = isS3Url(options.outputDir) ? parseS3Target(options.outputDir, '--output-dir') : undefined;
  const uploads: Array<{ name: string; body: string }> = [];
  for (const name of formats) {
    const explicit = options.outputs[name];
    if ((explicit === '-' && !(name === 'sarif' && sarifPerAccount(evaluation))) || (name === 'text' && explicit === undefined)) {
      toStdout.push(name);
      continue;
    }
    if (name === 'sarif' && sarifPerAccount(evaluation)) {
      if (s3 && explicit === undefined) uploads.push(...sarifFilesPerAccount(evaluation, base));
      else written.push(await writeSarifPerAccount(evaluation, base, explicit, options.outputDir));
      continue;
    }
    const body = FORMATS[name].formatter({ ...base, color: false });
    if (s3 && explicit === undefined) {
      uploads.push({ name: `awsaudit.${FORMATS[name].extension}`, body });
      continue;
    }
    const file = explicit ?? path.join(options.outputDir, `awsaudit.${FORMATS[name].extension}`);
    await writeFileAtomic(file, body);
    written.push(displayPath(path.resolve(file)));
  }
  // The only write to AWS, after everything was read: see s3-reports.ts.
  if (s3 && uploads.length) written.push(...(await uploadReports(s3, uploads, options.upload ?? {})));
  for (const name of toStdout) {
    const body = FORMATS[name].formatter({ ...base, color: name === 'text' && options.color, written });
    process.stdout.write(body);
  }
}

/** Accounts of a multi-account review that get a SARIF run (those that could be read). */
function sarifAccounts(review: Review): string[] {
  return (review.organization?.accounts ?? []).filter((a) => a.status !== 'failed').map((a) => a.account);
}

/** More accounts than GitHub takes runs in one upload: one SARIF file per account (docs/organizations.md). */
function sarifPerAccount(review: Review): boolean {
  return sarifAccounts(review).length > GITHUB_LIMITS.runsPerFile;
}

/**
 * `awsaudit-<account>.sarif` for each account that could be read, in the folder of the SARIF
 * destination (`--output sarif=PATH`'s folder, or --output-dir; stdout cannot hold several
 * files). Returns what the text summary lists.
 */
async function writeSarifPerAccount(
  review: Review,
  base: Omit<ReportContext, 'color'>,
  explicit: string | undefined,
  outputDir: string,
): Promise<string> {
  const dir = explicit !== undefined && explicit !== '-' ? path.dirname(explicit) : outputDir;
  if (explicit === '-')
    base.notice?.(
      `SARIF: ${sarifAccounts(review).length} accounts need one file each (GitHub accepts ${GITHUB_LIMITS.runsPerFile} runs per upload): written to ${displayPath(path.resolve(dir))}, not stdout`,
    );
  const files = sarifFilesPerAccount(review, base);
  for (const { name, body } of files) await writeFileAtomic(path.join(dir, name), body);
  return `${displayPath(path.resolve(dir, 'awsaudit-<account>.sarif'))} (${files.length} files, one per account)`;
}

/** One SARIF file (name and body) per account that could be read: written to a folder, or uploaded with --output-dir s3://. */
function sarifFilesPerAccount(review: Review, base: Omit<ReportContext, 'color'>): Array<{ name: string; body: string }> {
  return sarifAccounts(review).map((account) => ({
    name: `awsaudit-${account.replace(/[^A-Za-z0-9._-]/g, '_')}.sarif`,
    body: FORMATS.sarif.formatter({ ...base, evaluation: reviewOfAccount(review, account), color: false }),
  }));
}

export type FailOn = Severity | 'none';

export function parseFailOn(value: string): FailOn {
  if (value === 'none' || isSeverity(value)) return value;
  throw new UserError(`--fail-on ${value}: expected one of critical, high, medium, low, info, none`);
}

/** Colour on a TTY only and never with NO_COLOR; --color/--no-color override TTY detection. */
export function useColor(flag: boolean | undefined): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (flag !== undefined) return flag;
  return Boolean(process.stdout.isTTY);
}
