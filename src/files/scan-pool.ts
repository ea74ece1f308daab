import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FsPath } from '../util/byte-paths.js';
import { scanBatch, type BatchResult } from './scan-batch.js';
import { ContentScanner } from '../secrets/scan-content.js';
import type { ScanReply, ScanRequest } from './scan-worker.js';

/** Batches of files at most this long go to one worker (a folder with 100,000 files is split). */
export const MAX_BATCH = 256;
/** Batches in flight per worker: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT = 2;
/** Workers start only once a scan has this many files: for a small tree their start-up costs more than they save. */
export const START_WORKERS_AFTER = 2000;

/**
 * One worker per core beyond the main thread's, at most 4; none on 1-2 cores, where (measured
 * with bench/files.mjs on 2 cores) a worker added about half again the CPU time of the scan
 * and no speed: its start-up and the messages cost more than the parallelism gives back.
 */
export function defaultWorkers(cores = availableParallelism()): number {
  return cores >= 4 ? Math.min(4, cores - 1) : 0;
}

interface Slot {
  worker: Worker;
  pending: number;
}

/**
 * Reads and scans batches of files. Small scans run on the main thread; once a scan proves
 * large, worker threads take over (see defaultWorkers), so scanning runs in parallel while
 * the main thread walks folders. Without the
 * compiled worker script (running from sources) or with `workers: 0`, everything stays on the
 * main thread.
 */
export class ScanPool {
  private readonly workers: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (result: BatchResult) => void; reject: (error: Error) => void }>();
  private readonly slotFreed: Array<() => void> = [];
  private readonly wanted: number;
  private readonly script = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
  private readonly local = new ContentScanner();
  private failure: Error | undefined;
  private nextBatch = 0;
  private submitted = 0;

  constructor(
    workers = defaultWorkers(),
    private readonly startAfter = START_WORKERS_AFTER,
  ) {
    this.wanted = existsSync(this.script) ? workers : 0;
  }

  /** Worker threads running now. */
  get parallel(): number {
    return this.workers.length;
  }

  /**
   * Scan a batch: on the main thread (resolves when done), or handed to a worker once one has
   * room (so a fast walk cannot run ahead without bound; resolves when handed over). Either
   * way, `result` is the promise of what the batch gave.
   */
  async submit(paths: FsPath[]): Promise<{ result: Promise<BatchResult> }> {
    this.submitted += paths.length;
    if (this.workers.length === 0 && this.wanted > 0 && this.submitted > this.startAfter) this.start();
    if (this.workers.length === 0) return { result: Promise.resolve(await scanBatch(this.local, paths)) };
    let slot = this.freest();
    while (slot.pending >= IN_FLIGHT && !this.failure) {
      await new Promise<void>((resolve) => this.slotFreed.push(resolve));
      slot = this.freest();
    }
    if (this.failure) throw this.failure;
    const batch = this.nextBatch++;
    slot.pending++;
    const result = new Promise<BatchResult>((resolve, reject) => this.waiting.set(batch, { resolve, reject }));
    slot.worker.postMessage({ batch, paths } satisfies ScanRequest);
    return { result };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private start(): void {
    for (let i = 0; i < this.wanted; i++) {
      const slot: Slot = { worker: new Worker(this.script), pending: 0 };
      slot.worker.on('message', (reply: ScanReply) => {
        slot.pending--;
        this.waiting.get(reply.batch)?.resolve(reply.result);
        this.waiting.delete(reply.batch);
        this.slotFreed.shift()?.();
      });
      slot.worker.on('error', (error) => {
        this.failure = error;
        for (const { reject } of this.waiting.values()) reject(error);
        this.waiting.clear();
        for (const resolve of this.slotFreed.splice(0)) resolve();
      });
      this.workers.push(slot);
    }
  }

  private freest(): Slot {
    return this.workers.reduce((a, b) => (b.pending < a.pending ? b : a));
  }
}
