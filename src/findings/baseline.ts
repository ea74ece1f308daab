import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../engine/findings.js';
import { BASELINE_REPORT_VERSIONS, REPORT_FORMAT } from './report-format.js';
import { UserError, errorMessage } from '../util/errors.js';
import { isPlainObject } from '../util/json.js';
import { displayPath } from '../util/paths.js';
import { parseJson } from '../util/schema.js';

/** An earlier JSON report, reduced to what comparing needs. */
export interface Baseline {
  /** For messages and reports. */
  file: string;
  evaluatedAt?: string;
  findings: Finding[];
}

/**
 * Read a JSON report written by `--format json` as a baseline. Only the fields comparing
 * needs are checked; the fingerprint is what identifies a finding across runs.
 */
export async function readBaseline(file: string): Promise<Baseline> {
  const label = displayPath(path.resolve(file));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read baseline ${label}: ${errorMessage(error)}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`baseline ${label}: ${parsed.problem.message}`);
  const report = parsed.value;
  const hint = 'a baseline is the JSON report of an earlier run (--format json, e.g. reports/awsaudit.json)';
  if (!isPlainObject(report) || report.format !== REPORT_FORMAT) {
    throw new UserError(`baseline ${label} is not an awsaudit JSON report`, hint);
  }
  if (typeof report.version !== 'number' || !BASELINE_REPORT_VERSIONS.includes(report.version)) {
    throw new UserError(
      `baseline ${label} is report version ${JSON.stringify(report.version)}; this awsaudit reads versions ${BASELINE_REPORT_VERSIONS.join(' and ')}`,
      hint,
    );
  }
  const findings = report.findings;
  if (!Array.isArray(findings)) throw new UserError(`baseline ${label}: /findings must be an array`, hint);
  findings.forEach((f, i) => {
    const ok =
      isPlainObject(f) &&
      typeof f.fingerprint === 'string' &&
      typeof f.ruleId === 'string' &&
      typeof f.severity === 'string' &&
      isPlainObject(f.resource) &&
      typeof f.resource.id === 'string' &&
      typeof f.resource.account === 'string' &&
      typeof f.resource.region === 'string';
    if (!ok)
      throw new UserError(
        `baseline ${label}: /findings/${i} is not a finding (needs fingerprint, ruleId, severity and resource {id, account, region})`,
        hint,
      );
  });
  const scan = isPlainObject(report.scan) ? report.scan : {};
  const baseline: Baseline = { file: label, findings: findings as Finding[] };
  if (typeof scan.evaluatedAt === 'string') baseline.evaluatedAt = scan.evaluatedAt;
  return baseline;
}
