import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fromRoot } from '../util/paths.js';
import { EventEvaluator, type ChunkResult, type EvaluatorConfig } from './event-evaluator.js';
import type { BatchLayout } from './records.js';
import type { SightingAnswer, SightingQuery } from './correlation/sightings.js';

/** One unit of work: a whole file/object (`bytes`, maybe gzip) or a batch of items (`batch`, laid out by `layout`, else RS-separated). */
export interface Chunk {
  kind: 'bytes' | 'batch';
  label: string;
  bytes: Uint8Array;
  layout?: BatchLayout;
}

/** Evaluate one chunk (on whichever thread holds the evaluator). */
export function processChunk(evaluator: EventEvaluator, chunk: Chunk): ChunkResult {
  return chunk.kind === 'bytes'
    ? evaluator.processBytes(chunk.label, chunk.bytes)
    : evaluator.processBatch(chunk.label, chunk.bytes, chunk.layout);
}

export interface WorkerTask extends Chunk {
  id: number;
}

/** Once everything is read: what a worker's evaluator holds for `unseen` rules (correlation/sightings.ts). */
export interface WorkerQuery {
  id: number;
  query: SightingQuery;
}

export type WorkerReply = { id: number; result: ChunkResult } | { id: number; answer: SightingAnswer } | { id: number; error: string };

/** Evaluates chunks somewhere (worker threads, or this thread); `submit` waits while it is full. */
export interface ChunkProcessor {
  /** Resolves once the chunk is accepted (backpressure); `result` resolves when it is evaluated. */
  submit(chunk: Chunk): Promise<{ result: Promise<ChunkResult> }>;
  /** Ask every evaluator (after the last chunk's result has come back): one answer each. */
  ask(query: SightingQuery): Promise<SightingAnswer[]>;
  close(): Promise<void>;
}

/**
 * The compiled worker script. Under the test runner this module is TypeScript source, which a
 * worker thread cannot load, so the build's copy in dist/ is used (npm test builds first).
 */
function workerScript(): URL {
  const own = new URL('./worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return own;
  const built = fromRoot('dist', 'cloudtrail', 'worker.js');
  if (!existsSync(built)) throw new Error(`worker script ${built} is missing: run the build (npx tsc -p tsconfig.json) first`);
  return new URL(`file://${built}`);
}

/** An ArrayBuffer that holds exactly these bytes, so it can be transferred without taking a shared pool slab. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes;
  return new Uint8Array(bytes);
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

/**
 * A fixed pool of worker threads with a bounded number of chunks in flight (running + queued):
 * memory is bounded by `maxInFlight` chunks whatever the size of the archive. Chunk bytes are
 * transferred to the worker; only counts and findings come back.
 */
export class WorkerPool implements ChunkProcessor {
  private readonly slots: Slot[] = [];
  private readonly queue: WorkerTask[] = [];
  private readonly pending = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void; slot?: Slot }>();
  private readonly waiters: Array<() => void> = [];
  private readonly asks = new Map<number, { resolve: (a: SightingAnswer) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private inFlight = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(
    config: EvaluatorConfig,
    size: number,
    private readonly maxInFlight = size * 2,
  ) {
    const script = workerScript();
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: config });
      const slot: Slot = { worker, busy: false };
      worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(new Error(`CloudTrail worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  async submit(chunk: Chunk): Promise<{ result: Promise<ChunkResult> }> {
    while (this.inFlight >= this.maxInFlight && !this.failure) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.failure;
    this.inFlight++;
    // Only the chunk itself crosses to the worker (a SourceItem also carries closures).
    const task: WorkerTask = { kind: chunk.kind, label: chunk.label, bytes: ownBuffer(chunk.bytes), id: this.nextId++ };
    if (chunk.layout) task.layout = chunk.layout;
    const result = new Promise<ChunkResult>((resolve, reject) => this.pending.set(task.id, { resolve, reject }));
    this.queue.push(task);
    this.pump();
    return { result };
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.busy = true;
      this.pending.get(task.id)!.slot = slot;
      slot.worker.postMessage(task, [task.bytes.buffer as ArrayBuffer]);
    }
  }

  async ask(query: SightingQuery): Promise<SightingAnswer[]> {
    if (this.failure) throw this.failure;
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<SightingAnswer>((resolve, reject) => {
            const id = this.nextId++;
            this.asks.set(id, { resolve, reject });
            const message: WorkerQuery = { id, query };
            slot.worker.postMessage(message);
          }),
      ),
    );
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const asked = this.asks.get(reply.id);
    if (asked) {
      this.asks.delete(reply.id);
      if ('answer' in reply) asked.resolve(reply.answer);
      else asked.reject(new Error(`CloudTrail worker failed to answer: ${'error' in reply ? reply.error : 'no answer'}`));
      return;
    }
    slot.busy = false;
    const entry = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    this.inFlight--;
    this.waiters.shift()?.();
    this.pump();
    if (!entry) return;
    if ('error' in reply) entry.reject(new Error(`CloudTrail worker failed on a chunk: ${reply.error}`));
    else if ('result' in reply) entry.resolve(reply.result);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
    for (const entry of this.asks.values()) entry.reject(error);
    this.asks.clear();
    for (const wake of this.waiters.splice(0)) wake();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** The same evaluation on the calling thread (workers = 0): for small inputs, debugging, and the equivalence test. */
export class InlineProcessor implements ChunkProcessor {
  private readonly evaluator: EventEvaluator;

  constructor(config: EvaluatorConfig) {
    this.evaluator = new EventEvaluator(config);
  }

  async submit(chunk: Chunk): Promise<{ result: Promise<ChunkResult> }> {
    const result = processChunk(this.evaluator, chunk);
    // Let I/O callbacks run between chunks.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { result: Promise.resolve(result) };
  }

  ask(query: SightingQuery): Promise<SightingAnswer[]> {
    return Promise.resolve([this.evaluator.answer(query)]);
  }

  async close(): Promise<void> {}
}
