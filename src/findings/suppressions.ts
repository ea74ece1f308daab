import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../engine/findings.js';
import { UserError, errorMessage } from '../util/errors.js';
import { displayPath } from '../util/paths.js';
import { describeAjvErrors, formatProblems, packagedValidator, parseJson, type Problem } from '../util/schema.js';

export const DEFAULT_IGNORE_FILE = '.awsaudit-ignore.json';
export const IGNORE_SCHEMA = 'schemas/ignore.schema.json';

/** One entry as written in .awsaudit-ignore.json or the config file's `suppressions`. */
export interface SuppressionEntry {
  rule?: string;
  account?: string;
  region?: string;
  resource?: string;
  reason: string;
  expires?: string;
}

/** An entry ready to match: where it came from (file#/json/pointer) and its expiry as an instant. */
export interface Suppression extends SuppressionEntry {
  source: string;
  /** Milliseconds since the epoch; the suppression no longer applies at or after it. */
  expiresAt?: number;
  test(finding: Finding): boolean;
}

/**
 * A glob for ids: `*` is any run of characters and `?` one character; everything else is
 * literal. Hand-written rather than picomatch because ids, ARNs and regions are not paths:
 * `arn:aws:s3:::logs-*` must match across `/` and `:` (path globs stop `*` at `/`).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

const EXPIRY = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/**
 * The instant a suppression stops applying: a bare date is 00:00 UTC that day; a date-time
 * needs its zone (Z or ±hh:mm). Every field is checked against the calendar before anything
 * is computed, because Date.parse rolls 2026-02-30 over to 2026-03-02 and accepts 24:00:
 * a date that does not exist is refused rather than moved.
 */
export function parseExpiry(value: string): number | undefined {
  const m = EXPIRY.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const [offsetHours, offsetMins] = [Number(m[10]), Number(m[11])];
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function compileSuppression(entry: SuppressionEntry, source: string): Suppression {
  const matchers: Array<(f: Finding) => boolean> = [];
  if (entry.rule !== undefined) {
    const re = globToRegExp(entry.rule);
    matchers.push((f) => re.test(f.ruleId));
  }
  if (entry.account !== undefined) {
    const re = globToRegExp(entry.account);
    matchers.push((f) => re.test(f.resource.account));
  }
  if (entry.region !== undefined) {
    const re = globToRegExp(entry.region);
    matchers.push((f) => re.test(f.resource.region));
  }
  if (entry.resource !== undefined) {
    const re = globToRegExp(entry.resource);
    matchers.push(
      (f) =>
        re.test(f.resource.id) ||
        (f.resource.arn !== undefined && re.test(f.resource.arn)) ||
        (f.location !== undefined && re.test(f.location.path)),
    );
  }
  const suppression: Suppression = { ...entry, source, test: (f) => matchers.every((m) => m(f)) };
  if (entry.expires !== undefined) {
    const at = parseExpiry(entry.expires);
    if (at === undefined)
      throw new UserError(`${source}/expires: "${entry.expires}" is not a valid date (use YYYY-MM-DD or an ISO 8601 date-time)`);
    suppression.expiresAt = at;
  }
  return suppression;
}

/** The schema says "rule or resource"; say it in those words rather than as anyOf noise. */
function readableProblems(problems: Problem[]): Problem[] {
  const anyOf = new Set(problems.filter((p) => p.message === 'must match a schema in anyOf').map((p) => p.pointer));
  const out = problems.filter(
    (p) =>
      !(
        anyOf.has(p.pointer) &&
        (p.message === 'must match a schema in anyOf' || /^missing required property "(rule|resource)"$/.test(p.message))
      ),
  );
  for (const pointer of anyOf) out.push({ pointer, message: 'needs "rule" or "resource" (a suppression must not match every finding)' });
  return out;
}

/** Compile the entries found at `pointer` in a document already validated by its schema. */
export function compileSuppressions(entries: readonly SuppressionEntry[], label: string, pointer = '/suppressions'): Suppression[] {
  return entries.map((entry, i) => compileSuppression(entry, `${label}#${pointer}/${i}`));
}

/** Describe schema errors for the suppression entries of any document (ignore file or config). */
export function suppressionProblems(label: string, problems: Problem[]): string[] {
  return formatProblems(label, readableProblems(problems));
}

/**
 * Load the ignore file named by --ignore-file, or .awsaudit-ignore.json in the working
 * directory if present. An explicitly named file that is missing is an error; the default
 * one is optional.
 */
export async function loadIgnoreFile(explicit: string | undefined): Promise<Suppression[]> {
  const file = explicit ?? (existsSync(DEFAULT_IGNORE_FILE) ? DEFAULT_IGNORE_FILE : undefined);
  if (!file) return [];
  const label = displayPath(path.resolve(file));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ignore file ${label}: ${errorMessage(error)}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${label}: ${parsed.problem.message}`);
  const validate = packagedValidator(IGNORE_SCHEMA);
  if (!validate(parsed.value)) {
    throw new UserError(
      `invalid ignore file:\n${suppressionProblems(label, describeAjvErrors(validate.errors)).join('\n')}`,
      `see ${IGNORE_SCHEMA}`,
    );
  }
  return compileSuppressions((parsed.value as { suppressions: SuppressionEntry[] }).suppressions, label);
}
