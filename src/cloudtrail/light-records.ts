/**
 * Light records: the top fields of a delivered record (who, when, what, from where) read from its
 * raw text, with only `userIdentity` parsed, for correlation rules that read nothing else. Such a
 * rule (a "history" of every place a user came from, every call signed with a long-term key) would
 * otherwise need most records of an archive parsed whole, which is most of the cost of reading
 * CloudTrail.
 *
 * Exact, like delivered-file.ts: CloudTrail writes `eventVersion`, `userIdentity`, `eventTime`
 * first and `awsRegion`, `sourceIPAddress`, `userAgent` one after the other; a record in any other
 * shape (or with an escaped character in a value read raw) gets no light form and is parsed whole.
 */
import { decisionDataFields } from '../engine/data-paths.js';
import type { CompiledRule } from '../ruleset/types.js';
import { ownString } from '../util/own-string.js';
import { EVENT_ID, isPlain, plainEnd, REGION, START, type DeliveredRecord } from './delivered-file.js';

/** The fields a light record has, with the values the whole record has. */
export const LIGHT_FIELDS: ReadonlySet<string> = new Set([
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'eventID',
  'recipientAccountId',
]);

/** The fields of `data` these conditions and key paths read, when they read only light fields (no facts, no whole data). */
function lightFieldsRead(conditions: readonly unknown[], paths: readonly string[]): string[] | undefined {
  const read = new Set<string>();
  for (const condition of [...conditions, ...paths.map((path) => ({ path, op: 'exists' }))]) {
    const fields = decisionDataFields({ condition });
    if (!fields || fields.some((f) => !LIGHT_FIELDS.has(f))) return undefined;
    for (const f of fields) read.add(f);
  }
  return [...read];
}

/** The data path of an event's source address. */
export const ADDRESS_PATH = 'data.sourceIPAddress';

/** A part of a correlation rule: a condition, and whether a light record is enough to judge it and keep what it needs. */
export interface RulePart {
  condition: unknown;
  light: boolean;
  /** For a light part: the fields it reads. */
  fields?: string[];
  /**
   * For a light part: the fields its outcome depends on besides the place it keeps, when that place
   * is the event's source address (a light plan in event-evaluator.ts: one judgement serves every address).
   */
  decides?: string[];
  /** What the part keeps: sightings (earliest per key and value) or every event. */
  keeps: 'sightings' | 'events';
}

/** The conditions a correlation rule runs in a worker (its own, a sequence's first, an unseen's history), each classified. */
export function correlationParts(rule: CompiledRule): RulePart[] {
  const c = rule.correlation;
  const d = rule.definition.correlate;
  if (!c || !d) return [];
  const unseen = d.unseen ?? d.sequence?.unseen;
  // The place an unseen rule keeps, apart: when it is the source address, it decides nothing else.
  const value = unseen?.value;
  const per = unseen ? unseen.per : [];
  const own = d.aggregate
    ? [...d.aggregate.groupBy, ...(d.aggregate.distinct ? [d.aggregate.distinct] : [])]
    : d.sequence
      ? [d.sequence.key, ...per]
      : per;
  const part = (condition: unknown, paths: string[], keeps: RulePart['keeps'], place?: string): RulePart => {
    const fields = lightFieldsRead([condition], place === undefined ? paths : [place, ...paths]);
    if (!fields) return { condition, light: false, keeps };
    const decides = lightFieldsRead([condition], place === undefined || place === ADDRESS_PATH ? paths : [place, ...paths])!;
    return { condition, light: true, fields, decides, keeps };
  };
  const parts = [part(rule.definition.condition, own, unseen ? 'sightings' : 'events', value)];
  if (d.sequence) parts.push(part(d.sequence.first, [d.sequence.firstKey], 'events'));
  if (unseen?.history !== undefined) parts.push(part(unseen.history, per, 'sightings', value));
  return parts;
}

const IDENTITY = '","userIdentity":';
const SOURCE_IP = '","sourceIPAddress":"';
const AGENT = '","userAgent":"';
const EVENT_TYPE = '"eventType":"';

/** The raw text of a delivered record's light fields, or undefined when it is not in the expected shape. */
export interface LightText {
  version: string;
  identity: string;
  sourceIPAddress: string;
  userAgent: string;
  eventID: string;
}

/** The light form of a delivered record, or undefined when it is not in the expected shape (parse it whole). */
export function lightRecord(
  text: string,
  r: DeliveredRecord,
  given?: LightText,
  /** Identities already parsed, by their text: a file holds few, and rules only read them. Kept keys own their text. */
  identities?: Map<string, unknown>,
): Record<string, unknown> | undefined {
  const raw = given ?? lightText(text, r);
  if (!raw) return undefined;
  let userIdentity = identities?.get(raw.identity);
  if (userIdentity === undefined) {
    try {
      userIdentity = JSON.parse(raw.identity);
    } catch {
      return undefined;
    }
    // A copy of the text as the key: a slice would keep the whole file alive.
    identities?.set(ownString(raw.identity), userIdentity);
  }
  return lightObject(r, raw, userIdentity);
}

/** A light record from its fields' text and its identity, parsed already. */
export function lightObject(r: DeliveredRecord, raw: LightText, userIdentity: unknown): Record<string, unknown> {
  const light: Record<string, unknown> = {
    eventVersion: raw.version,
    userIdentity,
    eventTime: r.eventTime,
    eventName: r.eventName,
    awsRegion: r.awsRegion,
    sourceIPAddress: raw.sourceIPAddress,
    userAgent: raw.userAgent,
    eventID: raw.eventID,
    recipientAccountId: r.recipientAccountId,
  };
  if (r.eventSource !== undefined) light.eventSource = r.eventSource;
  return light;
}

/**
 * Where a delivered record's light fields are in its text, as offsets (a string value from its
 * first character to its closing quote): found without cutting strings, for the records a light
 * plan judges (event-evaluator.ts). One object is reused record after record.
 */
export class LightSpans {
  versionEnd = 0;
  identityAt = 0;
  identityEnd = 0;
  ipAt = 0;
  ipEnd = 0;
  agentAt = 0;
  agentEnd = 0;
  idAt = 0;
  idEnd = 0;
  /** Whether the user agent holds no escape: undefined until looked at (lightSpans with checkAgent false). */
  agentPlain: boolean | undefined = true;
}

/** Whether the user agent lightSpans found holds no escape (looked at once). */
export function agentPlain(text: string, s: LightSpans): boolean {
  s.agentPlain ??= isPlain(text, s.agentAt, s.agentEnd);
  return s.agentPlain;
}

/**
 * Fills `out` with the record's light fields; false when it is not in the expected shape (parse it
 * whole). With `checkAgent` false, whether the user agent holds an escape is left for agentPlain
 * (most readers of a light record never read it).
 */
export function lightSpans(text: string, r: DeliveredRecord, out: LightSpans, checkAgent = true): boolean {
  if (r.timeKey < 0 || r.regionKey < 0 || r.awsRegion === undefined || r.recipientAccountId === undefined) return false;
  const versionEnd = plainEnd(text, r.start + START.length, r.end);
  if (versionEnd < 0) return false;
  if (!text.startsWith(IDENTITY, versionEnd) || text.charCodeAt(r.timeKey - 1) !== 0x2c /* , */) return false;
  const afterRegion = r.regionKey + REGION.length + r.awsRegion.length;
  if (!text.startsWith(SOURCE_IP, afterRegion)) return false;
  const ipAt = afterRegion + SOURCE_IP.length;
  const ipEnd = plainEnd(text, ipAt, r.end);
  if (ipEnd < 0 || !text.startsWith(AGENT, ipEnd)) return false;
  const agentAt = ipEnd + AGENT.length;
  const agentEnd = checkAgent ? plainEnd(text, agentAt, r.end) : text.indexOf('"', agentAt);
  if (agentEnd < 0 || agentEnd >= r.end) return false;
  // The record's own eventID is the last one (delivered-file.ts found it, and read it when it holds no escape), before its top-level eventType.
  const id = r.idKey;
  if (id < r.start || r.eventID === undefined) return false;
  const idAt = id + EVENT_ID.length;
  const idEnd = idAt + r.eventID.length;
  const type = text.indexOf(EVENT_TYPE, id);
  if (type < 0 || type >= r.end) return false;
  out.versionEnd = versionEnd;
  out.identityAt = versionEnd + IDENTITY.length;
  out.identityEnd = r.timeKey - 1;
  out.ipAt = ipAt;
  out.ipEnd = ipEnd;
  out.agentAt = agentAt;
  out.agentEnd = agentEnd;
  out.idAt = idAt;
  out.idEnd = idEnd;
  out.agentPlain = checkAgent ? true : undefined;
  return true;
}

/**
 * lightSpans(text, r, out, false) from what the WebAssembly scan worked out (delivered-scan.ts: 4
 * numbers per record in `light`, the first -2 when it did not): undefined when it did not.
 */
export function lightSpansFrom(light: Int32Array, i: number, r: DeliveredRecord, out: LightSpans): boolean | undefined {
  const versionEnd = light[4 * i]!;
  if (versionEnd === -2) return undefined;
  if (versionEnd < 0) return false;
  out.versionEnd = versionEnd;
  out.identityAt = versionEnd + IDENTITY.length;
  out.identityEnd = r.timeKey - 1;
  out.ipAt = r.regionKey + REGION.length + r.awsRegion!.length + SOURCE_IP.length;
  out.ipEnd = light[4 * i + 1]!;
  out.agentAt = out.ipEnd + AGENT.length;
  out.agentEnd = light[4 * i + 2]!;
  out.idAt = r.idKey + EVENT_ID.length;
  out.idEnd = out.idAt + r.eventID!.length;
  out.agentPlain = light[4 * i + 3] === 1;
  return true;
}

/** The light fields' text, cut at the spans lightSpans found. */
export function lightTextAt(text: string, r: DeliveredRecord, s: LightSpans): LightText {
  return {
    version: text.slice(r.start + START.length, s.versionEnd),
    identity: text.slice(s.identityAt, s.identityEnd),
    sourceIPAddress: text.slice(s.ipAt, s.ipEnd),
    userAgent: text.slice(s.agentAt, s.agentEnd),
    eventID: text.slice(s.idAt, s.idEnd),
  };
}

const SPANS = new LightSpans();

export function lightText(text: string, r: DeliveredRecord): LightText | undefined {
  return lightSpans(text, r, SPANS) ? lightTextAt(text, r, SPANS) : undefined;
}
