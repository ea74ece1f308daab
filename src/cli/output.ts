import path from 'node:path';
import type { ComplianceResult } from '../compliance/status.js';
import type { Review } from '../findings/review.js';
import { isSeverity, type Severity } from '../model/severity.js';
import { FORMATS, isFormatName, type FormatName } from '../report/index.js';
import type { CompiledRule } from '../ruleset/types.js';
import type { AccountComplianceTable } from '../report/accounts.js';
import { UserError } from '../util/errors.js';
import { displayPath } from '../util/paths.js';
import { writeFileAtomic } from './write-file.js';

export interface OutputOptions {
  formats: FormatName[];
  outputDir: string;
  /** Per-format destinations from --output FORMAT=PATH ("-" is stdout). */
  outputs: Partial<Record<FormatName, string>>;
  color: boolean;
  /** The compliance view, when asked for. */
  compliance?: readonly ComplianceResult[];
  /** Each account's compliance counts (a scan of many accounts with --compliance). */
  accountCompliance?: AccountComplianceTable;
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
    ...(options.accountCompliance ? { accountCompliance: options.accountCompliance } : {}),
  };
  const formats = [...new Set<FormatName>([...options.formats, ...(Object.keys(options.outputs) as FormatName[])])];
  const toStdout: FormatName[] = [];
  for (const name of formats) {
    const explicit = options.outputs[name];
    if (explicit === '-' || (name === 'text' && explicit === undefined)) {
      toStdout.push(name);
      continue;
    }
    const file = explicit ?? path.join(options.outputDir, `awsaudit.${FORMATS[name].extension}`);
    const body = FORMATS[name].formatter({ ...base, color: false });
    await writeFileAtomic(file, body);
    written.push(displayPath(path.resolve(file)));
  }
  for (const name of toStdout) {
    const body = FORMATS[name].formatter({ ...base, color: name === 'text' && options.color, written });
    process.stdout.write(body);
  }
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
