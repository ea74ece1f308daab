import { performance } from 'node:perf_hooks';

export interface Clock {
  now(): number;
  /** Wait `ms`, or less when `signal` aborts (the run's deadline: a backoff must not outlive it). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * At most `limit` calls in any window of `intervalMs`, counted from when each call *finished*: a
 * call may start only when fewer than `limit` calls are in flight or finished within the last
 * `intervalMs`. Counting from the end (not the start) makes the bound hold where the calls
 * arrive, whatever the delays between taking a turn and the request leaving (event-loop lag,
 * credential resolution, the network): a request arrives before its response comes back, and
 * the next one leaves after that. A sliding window, unlike a token bucket with a burst, never
 * lets `limit + 1` calls into one window. Waiters are served in arrival order. Written here
 * because it is short and must be exact for CloudTrail's LookupEvents quota (2 requests per
 * second per region per account).
 */
export class RateLimiter {
  private readonly finished: number[] = [];
  private inFlight = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private wake: Array<() => void> = [];

  constructor(
    readonly limit: number,
    readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(limit >= 1) || !(intervalMs > 0)) throw new Error('RateLimiter needs limit >= 1 and intervalMs > 0');
  }

  /** Resolves when a call may start; call the returned `release` when it has finished (success or not). */
  acquire(): Promise<() => void> {
    const turn = this.tail.then(() => this.wait());
    this.tail = turn;
    return turn;
  }

  private async wait(): Promise<() => void> {
    for (;;) {
      const now = this.clock.now();
      while (this.finished.length && this.finished[0]! <= now - this.intervalMs) this.finished.shift();
      if (this.inFlight + this.finished.length < this.limit) {
        this.inFlight++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.inFlight--;
          this.finished.push(this.clock.now());
          for (const w of this.wake.splice(0)) w();
        };
      }
      if (this.inFlight < this.limit) {
        // A slot frees when the oldest finished call leaves the window.
        await this.clock.sleep(this.finished[0]! + this.intervalMs - now);
      } else {
        // Every slot is a call still in flight: wait for one to finish.
        await new Promise<void>((resolve) => this.wake.push(resolve));
      }
    }
  }
}

/** Exponential backoff with "equal jitter" (half fixed, half random, so a retry never comes back at once), capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
