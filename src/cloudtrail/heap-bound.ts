/**
 * A worker's heap, kept near what it holds. A worker turns file after file into text (in parts of
 * tens of kilobytes for delivered files, delivered-file.ts deliveredParts; whole otherwise) and
 * short-lived records; V8 can let such garbage grow to several times the live heap before it
 * collects the old generation (UTF-8-decoded files took each worker to ~130 MB on an archive whose
 * live state is a few tens of MB). After a chunk, when the heap has grown past a bound, the worker
 * collects; the bound then follows what is still live (twice it plus 64 MB, at least 128 MB), so
 * a worker that holds much (places for `unseen` rules) is not collected after every chunk.
 *
 * Collecting on demand needs `gc`, which V8 exposes only to contexts made after the flag is set:
 * one is made for it here. Where that is refused, nothing is collected early (V8 still collects).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const FLOOR = 128 * 1048576;
const MARGIN = 64 * 1048576;

function exposedGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** The heap in use and the memory outside it that heap objects hold (the Buffers of decoded files). */
function held(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

export class HeapBound {
  private readonly gc = exposedGc();
  private bound = FLOOR;
  /** Collections made (for tests and the benchmark's curiosity). */
  collections = 0;

  /** Call between chunks. */
  check(): void {
    if (!this.gc || held() <= this.bound) return;
    this.gc();
    this.collections++;
    this.bound = Math.max(FLOOR, held() * 2 + MARGIN);
  }
}
