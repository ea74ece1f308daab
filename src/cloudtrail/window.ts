import { UserError } from '../util/errors.js';

/** The time window of events to read: `since` inclusive, `until` exclusive. Either end may be open. */
export interface TimeWindow {
  since?: Date;
  until?: Date;
}

const RELATIVE = /^(\d+)\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parse a --since/--until value: an ISO 8601 date or time (`2023-07-01`, `2023-07-01T12:00:00Z`)
 * or a duration before `now` (`7d`, `12h`, `30m`, `2w`). A date alone is midnight UTC; as an
 * `until` it means the end of that day, because `--until 2023-07-31` reads as "through the 31st".
 */
export function parseTimeArg(value: string, now: Date, flag: '--since' | '--until'): Date {
  const text = value.trim();
  const rel = RELATIVE.exec(text);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!);
  if (DATE_ONLY.test(text)) {
    const day = new Date(`${text}T00:00:00Z`);
    if (!Number.isNaN(day.getTime())) return flag === '--until' ? new Date(day.getTime() + UNIT_MS.d!) : day;
  } else {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime()) && /\d{4}-\d{2}-\d{2}T/.test(text)) return date;
  }
  throw new UserError(
    `${flag} ${value}: not a date or a duration`,
    'use an ISO 8601 date or time (2023-07-01, 2023-07-01T12:00:00Z) or a duration such as 7d, 12h, 30m',
  );
}

/**
 * The window of one run. `defaultDays` applies when --since is not given (the API and the S3
 * archive need one; local files are read whole unless a bound is given).
 */
export function resolveWindow(
  args: { since?: string | undefined; until?: string | undefined },
  now: Date,
  defaultDays?: number,
): TimeWindow {
  const window: TimeWindow = {};
  if (args.until !== undefined) window.until = parseTimeArg(args.until, now, '--until');
  if (args.since !== undefined) window.since = parseTimeArg(args.since, now, '--since');
  else if (defaultDays !== undefined) window.since = new Date((window.until ?? now).getTime() - defaultDays * UNIT_MS.d!);
  if (defaultDays !== undefined && window.until === undefined) window.until = now;
  if (window.since && window.until && window.since.getTime() >= window.until.getTime()) {
    throw new UserError(`--since ${window.since.toISOString()} is not before --until ${window.until.toISOString()}`);
  }
  return window;
}

/** CloudTrail's own time format (second precision, `Z`), so event times compare as strings. */
export function cloudTrailTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function describeWindow(window: TimeWindow): string {
  if (!window.since && !window.until) return 'any time (no --since/--until)';
  if (!window.until) return `since ${cloudTrailTime(window.since!)}`;
  if (!window.since) return `before ${cloudTrailTime(window.until)}`;
  return `${cloudTrailTime(window.since)} to ${cloudTrailTime(window.until)}`;
}
