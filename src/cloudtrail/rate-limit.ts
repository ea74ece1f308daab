import { performance } from 'node:perf_hooks';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * At most `limit` acquisitions in any window of `intervalMs` (a sliding-window log, which —
 * unlike a token bucket with a burst — never lets `limit + 1` calls into one window). Waiters
 * are served in arrival order. Written here because it is a dozen lines and must be exact for
 * CloudTrail's LookupEvents quota (2 requests per second per region per account).
 */
export class RateLimiter {
  private readonly times: number[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(limit >= 1) || !(intervalMs > 0)) throw new Error('RateLimiter needs limit >= 1 and intervalMs > 0');
  }

  /** Resolves when a call may be made now; the call is counted from that moment. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.wait());
    this.tail = turn;
    return turn;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.times.length && this.times[0]! <= now - this.intervalMs) this.times.shift();
      if (this.times.length < this.limit) {
        this.times.push(now);
        return;
      }
      await this.clock.sleep(this.times[0]! + this.intervalMs - now);
    }
  }
}

/** Exponential backoff with "equal jitter" (half fixed, half random, so a retry never comes back at once), capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
