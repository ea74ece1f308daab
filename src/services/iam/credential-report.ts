import type { JsonObject, JsonValue } from '../../util/json.js';

/** The credential report's way of saying "nothing here"; stored as null. */
const NO_VALUE = new Set(['N/A', 'not_supported', 'no_information', '']);

export const ROOT_ROW_USER = '<root_account>';

/** One CSV line, with RFC 4180 quoting (AWS does not quote today, but a user name may hold a comma). */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function cell(value: string): JsonValue {
  if (NO_VALUE.has(value)) return null;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/**
 * The IAM credential report (CSV) as one object per row, keyed by the header's column
 * names: `true`/`false` become booleans and `N/A`, `not_supported`, `no_information`
 * become null. Rows are keyed by the `user` column; the root row is `<root_account>`.
 */
export function parseCredentialReport(csv: string): Map<string, JsonObject> {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = new Map<string, JsonObject>();
  if (lines.length === 0) return rows;
  const header = splitCsvLine(lines[0]!);
  for (const line of lines.slice(1)) {
    let fields = splitCsvLine(line);
    // An unquoted comma in a user name (IAM allows it) shows up twice: in `user` and in `arn`.
    const extra = fields.length - header.length;
    if (extra > 0 && extra % 2 === 0 && header[0] === 'user' && header[1] === 'arn') {
      const c = extra / 2;
      fields = [fields.slice(0, c + 1).join(','), fields.slice(c + 1, 2 * c + 2).join(','), ...fields.slice(2 * c + 2)];
    }
    if (fields.length !== header.length) continue;
    const row: JsonObject = {};
    header.forEach((name, i) => (row[name] = cell(fields[i]!)));
    if (typeof fields[0] === 'string') rows.set(fields[0], row);
  }
  return rows;
}

export interface KeyLastUse {
  LastUsedDate?: string;
  LastUsedServiceName?: string;
  LastUsedRegion?: string;
}

/**
 * Last use of an access key from its user's credential report row. The report has two key
 * slots without key ids; a slot's `last_rotated` is the key's creation time, so a key is
 * matched to the slot whose `last_rotated` equals its CreateDate (to the second). Returns
 * undefined when no slot matches exactly one key (then ask GetAccessKeyLastUsed).
 */
export function lastUseFromReport(
  row: JsonObject | undefined,
  createDate: string,
  siblingsCreateDates: readonly string[],
): KeyLastUse | undefined {
  if (!row) return undefined;
  const second = (iso: unknown) => (typeof iso === 'string' ? Math.floor(Date.parse(iso) / 1000) : NaN);
  const mine = second(createDate);
  if (Number.isNaN(mine) || siblingsCreateDates.filter((d) => second(d) === mine).length > 1) return undefined;
  for (const slot of [1, 2]) {
    if (second(row[`access_key_${slot}_last_rotated`]) !== mine) continue;
    const use: KeyLastUse = {};
    const date = row[`access_key_${slot}_last_used_date`];
    const service = row[`access_key_${slot}_last_used_service`];
    const region = row[`access_key_${slot}_last_used_region`];
    if (typeof date === 'string' && !Number.isNaN(Date.parse(date))) use.LastUsedDate = new Date(date).toISOString();
    if (typeof service === 'string') use.LastUsedServiceName = service;
    if (typeof region === 'string') use.LastUsedRegion = region;
    return use;
  }
  return undefined;
}
