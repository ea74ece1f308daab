import { errorMessage } from '../util/errors.js';

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const GENERIC_NAMES = new Set(['Error', 'SyntaxError', 'TypeError', 'Unknown', 'UnknownError']);

/** HTTP status of an SDK service error, when there was a response. */
export function httpStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape).$metadata?.httpStatusCode : undefined;
}

/**
 * The AWS error code of an SDK error (`AccessDenied`, `UnauthorizedOperation`, `Throttling`,
 * `ECONNREFUSED`, ...). A 403 whose body the SDK could not read (some endpoints answer a
 * JSON-protocol call with XML) is reported as AccessDenied: that is what a 403 means.
 */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Error';
  const e = error as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : undefined;
  const code = typeof e.Code === 'string' ? e.Code : typeof e.code === 'string' ? e.code : undefined;
  const status = httpStatus(error);
  if ((name === undefined || GENERIC_NAMES.has(name)) && status === 403) return 'AccessDenied';
  if (name && !GENERIC_NAMES.has(name)) return name;
  return code ?? name ?? 'Error';
}

/** One line, bounded, for gap records and messages. */
export function shortMessage(error: unknown): string {
  const status = httpStatus(error);
  let text = errorMessage(error).split('\n')[0]!.trim();
  if (text === '' || text === 'UnknownError' || /^Unexpected token|is not valid JSON|Deserialization error/i.test(text)) {
    text = status !== undefined ? `HTTP ${status} with a response body the SDK could not read` : text || 'no message';
  }
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'Forbidden',
  'AllAccessDisabled',
]);

/** The caller lacks a permission (or an SCP denies it). */
export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(errorCode(error));
}

/** The SDK found no credentials anywhere in its provider chain. */
export function isMissingCredentials(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'CredentialsProviderError' || code === 'TokenProviderError';
}

const REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AuthFailure',
  'InvalidToken',
  'RequestExpired',
]);

/** AWS refused the credentials themselves (unknown key, expired session, wrong secret). */
export function isRejectedCredentials(error: unknown): boolean {
  return REJECTED.has(errorCode(error));
}

/** No answer from the endpoint at all (refused, DNS, timeout). */
export function isNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  return /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|TimeoutError|RequestTimeout)$/.test(code);
}
