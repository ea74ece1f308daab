import { isPlainObject, type JsonValue } from '../../util/json.js';
import type { CloudTrailRecord } from '../records.js';
import type { EventFactModule } from './types.js';

export type Outcome = 'success' | 'failed' | 'denied';

/**
 * Error codes that mean "not allowed" rather than "went wrong": IAM/STS/S3 `AccessDenied`,
 * `AccessDeniedException` (most JSON APIs), EC2's `UnauthorizedOperation` and
 * `Client.UnauthorizedOperation`, SNS's `AuthorizationError`, `Forbidden…`, `NotAuthorized…`.
 */
const DENIED =
  /^(?:Client\.)?(?:AccessDenied|UnauthorizedOperation|Unauthorized|UnauthorizedAccess|AuthorizationError|Forbidden|NotAuthorized)(?:Exception)?$/i;

/**
 * How the call ended: `denied` (an authorisation error), `failed` (any other error, or a sign-in
 * event whose response says `Failure`: a failed `ConsoleLogin` has `responseElements.ConsoleLogin:
 * "Failure"` and often no errorCode), else `success`. `outcomeCode`: the errorCode, or `Failure`.
 */
export function outcomeOf(record: CloudTrailRecord): { outcome: Outcome; outcomeCode: JsonValue } {
  const code = record.errorCode as JsonValue | undefined;
  if (typeof code === 'string' && code !== '') return { outcome: DENIED.test(code) ? 'denied' : 'failed', outcomeCode: code };
  // An errorCode of another type (a number, an object from a log shipper) still says the call
  // did not succeed: failed, with the code as written (messages show it as an unexpected value).
  if (code !== undefined && code !== null && code !== '' && code !== false) return { outcome: 'failed', outcomeCode: code };
  const response = record.responseElements;
  // Sign-in events answer under their own name: ConsoleLogin, SwitchRole, PasswordUpdated, CheckMfa…
  if (isPlainObject(response) && response[record.eventName] === 'Failure') return { outcome: 'failed', outcomeCode: 'Failure' };
  return SUCCESS;
}

const SUCCESS = Object.freeze({ outcome: 'success', outcomeCode: null }) as { outcome: Outcome; outcomeCode: null };

export const outcomeFacts: EventFactModule = {
  topic: 'outcome',
  facts: ['outcome', 'outcomeCode'],
  eventNames: null,
  compute: (record) => outcomeOf(record),
};
