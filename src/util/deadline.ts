// The run's deadline (`--timeout`): one point in time that bounds every source of a run (the
// account's collection, the CloudTrail sources, the local file scan). When it passes, each source
// stops, what it read stands, and what it did not read is a `RunTimeout` coverage gap.
import { setMaxListeners } from 'node:events';

/** When reading must stop. `at` is a `Date.now()` time; `flag` says how it was given, for messages ("--timeout 5m"). */
export interface Deadline {
  at: number;
  flag: string;
}

/** Error code of the gaps left by the run's deadline. */
export const RUN_TIMEOUT = 'RunTimeout';

/**
 * After the deadline, how long work already under way (calls failing at once on their aborted
 * signal, chunks already handed to workers) gets to wind down before what is left is cut off.
 */
export const WIND_DOWN_MS = 1_000;

/** A signal aborted when the deadline passes (at once if it has). */
export function deadlineSignal(deadline: Deadline): AbortSignal {
  const signal = AbortSignal.timeout(Math.max(0, Math.round(deadline.at - Date.now())));
  // Every call in flight listens to it: many listeners are expected here, not a leak.
  setMaxListeners(0, signal);
  return signal;
}

/** Resolves when `signal` aborts (never when there is none). */
export function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Wait for `work` to settle, at most `ms`: true when it did in time. */
export async function settlesWithin(work: Promise<unknown>, ms = WIND_DOWN_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
