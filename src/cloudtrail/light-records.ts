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
import { EVENT_ID, REGION, START, value as raw, type DeliveredRecord } from './delivered-file.js';

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

/** A part of a correlation rule: a condition, and whether a light record is enough to judge it and keep what it needs. */
export interface RulePart {
  condition: unknown;
  light: boolean;
  /** For a light part: the fields it reads. */
  fields?: string[];
  /** What the part keeps: sightings (earliest per key and value) or every event. */
  keeps: 'sightings' | 'events';
}

/** The conditions a correlation rule runs in a worker (its own, a sequence's first, an unseen's history), each classified. */
export function correlationParts(rule: CompiledRule): RulePart[] {
  const c = rule.correlation;
  const d = rule.definition.correlate;
  if (!c || !d) return [];
  const unseen = d.unseen ?? d.sequence?.unseen;
  const unseenPaths = unseen ? [unseen.value, ...unseen.per] : [];
  const own = d.aggregate
    ? [...d.aggregate.groupBy, ...(d.aggregate.distinct ? [d.aggregate.distinct] : [])]
    : d.sequence
      ? [d.sequence.key, ...unseenPaths]
      : unseenPaths;
  const part = (condition: unknown, paths: string[], keeps: RulePart['keeps']): RulePart => {
    const fields = lightFieldsRead([condition], paths);
    return fields ? { condition, light: true, fields, keeps } : { condition, light: false, keeps };
  };
  const parts = [part(rule.definition.condition, own, unseen ? 'sightings' : 'events')];
  if (d.sequence) parts.push(part(d.sequence.first, [d.sequence.firstKey], 'events'));
  if (unseen?.history !== undefined) parts.push(part(unseen.history, unseenPaths, 'sightings'));
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

/**
 * What decides the light parts' outcome: the light fields they read (`fields`), so that two records
 * with the same memo differ only in what the parts do not read.
 */
export function lightMemo(r: DeliveredRecord, raw: LightText, fields: ReadonlySet<string>): string {
  let memo = '';
  for (const f of fields) {
    const v =
      f === 'userIdentity'
        ? raw.identity
        : f === 'sourceIPAddress'
          ? raw.sourceIPAddress
          : f === 'userAgent'
            ? raw.userAgent
            : f === 'eventName'
              ? r.eventName
              : f === 'eventSource'
                ? (r.eventSource ?? '')
                : f === 'awsRegion'
                  ? (r.awsRegion ?? '')
                  : f === 'recipientAccountId'
                    ? (r.recipientAccountId ?? '')
                    : f === 'eventVersion'
                      ? raw.version
                      : undefined;
    // A field the memo cannot stand for (time, id): no memo.
    if (v === undefined) return '';
    memo += `${v}\u0000`;
  }
  return memo;
}

/** The light form of a delivered record, or undefined when it is not in the expected shape (parse it whole). */
export function lightRecord(
  text: string,
  r: DeliveredRecord,
  given?: LightText,
  /** Identities already parsed in this file, by their text: a file holds few, and rules only read them. */
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
    identities?.set(raw.identity, userIdentity);
  }
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

export function lightText(text: string, r: DeliveredRecord): LightText | undefined {
  if (r.timeKey < 0 || r.regionKey < 0 || r.awsRegion === undefined || r.recipientAccountId === undefined) return undefined;
  const version = raw(text, r.start + START.length, r.end);
  if (version === undefined) return undefined;
  const identityAt = r.start + START.length + version.length;
  if (!text.startsWith(IDENTITY, identityAt) || text.charCodeAt(r.timeKey - 1) !== 0x2c /* , */) return undefined;
  const identity = text.slice(identityAt + IDENTITY.length, r.timeKey - 1);
  const afterRegion = r.regionKey + REGION.length + r.awsRegion.length;
  if (!text.startsWith(SOURCE_IP, afterRegion)) return undefined;
  const sourceIPAddress = raw(text, afterRegion + SOURCE_IP.length, r.end);
  if (sourceIPAddress === undefined) return undefined;
  const afterSource = afterRegion + SOURCE_IP.length + sourceIPAddress.length;
  if (!text.startsWith(AGENT, afterSource)) return undefined;
  const userAgent = raw(text, afterSource + AGENT.length, r.end);
  if (userAgent === undefined) return undefined;
  // The record's own eventID is the last one, before its top-level eventType.
  const id = text.lastIndexOf(EVENT_ID, r.end);
  if (id < r.start) return undefined;
  const eventID = raw(text, id + EVENT_ID.length, r.end);
  if (eventID === undefined) return undefined;
  const type = text.indexOf(EVENT_TYPE, id);
  if (type < 0 || type >= r.end) return undefined;
  return { version, identity, sourceIPAddress, userAgent, eventID };
}
