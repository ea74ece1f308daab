import { isPlainObject } from '../../util/json.js';
import type { CloudTrailRecord } from '../records.js';

/** Helpers the fact modules share. */

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
