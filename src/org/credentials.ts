import type { CredentialsProvider } from '../aws/client.js';

/** Temporary credentials as AssumeRole returns them. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** One AssumeRole call (src/org/scan.ts sends it; tests give their own). */
export type AssumeRole = () => Promise<SessionCredentials>;

export interface RefreshOptions {
  /** The clock (tests give a fake one). */
  now?: () => number;
  /** Renew a session this long before it expires (default 5 minutes, as the SDK's own providers do). */
  refreshBeforeMs?: number;
}

export const DEFAULT_REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * A credentials provider for one role: the first call assumes it, later calls return the same
 * session until it is within `refreshBeforeMs` of its expiry, when the role is assumed again
 * (once, however many calls ask at the same moment). The SDK asks its provider again when the
 * credentials it holds come near their expiration, so a scan longer than a role session goes
 * on with fresh credentials instead of failing with ExpiredToken. A failed AssumeRole is not
 * kept: the next call tries again.
 */
export function refreshingCredentials(
  assume: AssumeRole,
  options: RefreshOptions = {},
): CredentialsProvider & { readonly sessions: number } {
  const now = options.now ?? Date.now;
  const before = options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
  let current: SessionCredentials | undefined;
  let pending: Promise<SessionCredentials> | undefined;
  let sessions = 0;
  const provider = async () => {
    if (current && now() < current.expiration.getTime() - before) return current;
    pending ??= assume()
      .then((c) => {
        sessions++;
        current = c;
        return c;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return Object.defineProperty(provider, 'sessions', { get: () => sessions }) as CredentialsProvider & { readonly sessions: number };
}
