// Deadlines for AWS calls, set in the one client configuration of the pool (pool.ts) that the
// collectors and the CloudTrail readers share, so that no call can wait forever.

/** `--call-timeout` by default: how long one attempt of a call may wait for an answer. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** Connecting never needs more than this, whatever the call timeout. */
const MAX_CONNECTION_TIMEOUT_MS = 10_000;

/** The `requestHandler` settings of an SDK client whose attempts give up after `callTimeoutMs`. */
export interface CallTimeoutSettings {
  connectionTimeout: number;
  requestTimeout: number;
  socketTimeout: number;
  throwOnRequestTimeout: true;
}

/**
 * `requestTimeout` bounds the wait for the response headers, but on its own it only logs a
 * warning: `throwOnRequestTimeout` makes it fail the attempt with a TimeoutError, which the SDK
 * retries like a throttle. `socketTimeout` bounds silence in the middle of a body (an answer that
 * starts and then stalls), which `requestTimeout` no longer watches once the headers are in.
 */
export function callTimeoutSettings(callTimeoutMs: number = DEFAULT_CALL_TIMEOUT_MS): CallTimeoutSettings {
  return {
    connectionTimeout: Math.min(MAX_CONNECTION_TIMEOUT_MS, callTimeoutMs),
    requestTimeout: callTimeoutMs,
    socketTimeout: callTimeoutMs,
    throwOnRequestTimeout: true,
  };
}

/** A duration for people: 500ms, 45s, 2m, 1.5h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 120 || !Number.isInteger(s / 60)) return `${Number(s.toFixed(1))}s`;
  const m = s / 60;
  return m < 120 || !Number.isInteger(m / 60) ? `${m}m` : `${m / 60}h`;
}
