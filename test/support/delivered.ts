// Delivered CloudTrail files for the scan's tests (delivered-file.ts, delivered-scan.ts).
import type { DeliveredRecord, ScannedPart } from '../../src/cloudtrail/delivered-file.js';
import { scanDeliveredFile } from '../../src/cloudtrail/delivered-file.js';
import { loadRuleFiles } from '../../src/ruleset/load.js';
import { ROOT } from './cli.js';

/** The records of the CloudTrail rules' cases that read as CloudTrail delivers them (in its field order). */
export async function deliveredCaseRecords(): Promise<Record<string, unknown>[]> {
  const { rules } = await loadRuleFiles([`${ROOT}/rules/cloudtrail`]);
  return rules
    .flatMap((r) => [...(r.definition.tests?.fail ?? []), ...(r.definition.tests?.pass ?? [])].flatMap((c) => c.records ?? []))
    .filter((r) => scanDeliveredFile(JSON.stringify({ Records: [r] })) !== undefined);
}

/** A part's records with their offsets moved to the file's (the part starts at `offset`). */
export function inFile(scanned: ScannedPart, offset: number): DeliveredRecord[] {
  const shift = (x: number) => (x < 0 ? x : x + offset);
  return scanned.records.map((r) => ({
    ...r,
    start: r.start + offset,
    end: r.end + offset,
    timeKey: shift(r.timeKey),
    regionKey: shift(r.regionKey),
    idKey: shift(r.idKey),
  }));
}
