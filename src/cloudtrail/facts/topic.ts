import type { JsonObject } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { CloudTrailRecord } from '../records.js';

/**
 * A topic of event facts: the event names it reads, and a pure function of one record giving the
 * facts it adds (undefined when the record gives none). The list of topics is in event-facts.ts;
 * a record is handed only to the topics that name its event, so a topic costs nothing on the
 * millions of events it does not read.
 */
export interface FactTopic {
  eventNames: readonly string[];
  facts(record: CloudTrailRecord): JsonObject | undefined;
}

/** `record.requestParameters` as an object (`{}` when absent or null). */
export function requestOf(record: CloudTrailRecord): Record<string, unknown> {
  return isPlainObject(record.requestParameters) ? record.requestParameters : {};
}

/** The account that received the call: where "another account" is measured from. */
export function recipientOf(record: CloudTrailRecord): string | undefined {
  if (typeof record.recipientAccountId === 'string') return record.recipientAccountId;
  const identity = record.userIdentity;
  return isPlainObject(identity) && typeof identity.accountId === 'string' ? identity.accountId : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** XML-derived parameters hold one item as an object and several as a list. */
export function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}
