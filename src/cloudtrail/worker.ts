// Worker thread entry: compiles the event rules once, then turns each chunk it is sent (a whole
// file's bytes, or a batch of record texts) into counts and findings. Records never leave the
// worker; the bytes arrive transferred (not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { EventEvaluator, type EvaluatorConfig } from './event-evaluator.js';
import { HeapBound } from './heap-bound.js';
import { processChunk, type WorkerQuery, type WorkerReply, type WorkerTask } from './pool.js';

const port = parentPort;
if (!port) throw new Error('cloudtrail/worker.js must run in a worker thread');
const evaluator = new EventEvaluator(workerData as EvaluatorConfig);
const heap = new HeapBound();

port.on('message', (task: WorkerTask | WorkerQuery) => {
  let reply: WorkerReply;
  try {
    reply =
      'query' in task ? { id: task.id, answer: evaluator.answer(task.query) } : { id: task.id, result: processChunk(evaluator, task) };
  } catch (error) {
    reply = { id: task.id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) };
  }
  port.postMessage(reply);
  heap.check();
});
