/**
 * A worker thread of the file scan: it receives batches of paths, reads and scans each file
 * (synchronous reads: no hand-off to libuv's pool per call) and sends back what it found.
 * Found key ids travel back in memory only, like everything else the scan keeps.
 */
import { parentPort } from 'node:worker_threads';
import type { FsPath } from '../util/byte-paths.js';
import { scanBatch, type BatchResult } from './scan-batch.js';
import { ContentScanner } from '../secrets/scan-content.js';

export interface ScanRequest {
  batch: number;
  /** A path in bytes (not valid UTF-8) arrives as a Uint8Array: structured cloning drops the Buffer class. */
  paths: Array<FsPath | Uint8Array>;
}

export interface ScanReply {
  batch: number;
  result: BatchResult;
}

const scanner = new ContentScanner();
// One batch at a time: a batch gives the event loop back now and then, and the next request
// (the pool keeps two in flight) must not use the scanner's buffer meanwhile.
let queue = Promise.resolve();
parentPort?.on('message', (request: ScanRequest) => {
  queue = queue.then(async () =>
    parentPort!.postMessage({
      batch: request.batch,
      result: await scanBatch(
        scanner,
        request.paths.map((p) => (typeof p === 'string' || Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength))),
      ),
    } satisfies ScanReply),
  );
});
