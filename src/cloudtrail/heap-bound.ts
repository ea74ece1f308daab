/**
 * A worker's heap, kept near what it holds. A worker turns file after file into a large string and
 * short-lived records; V8 can let such garbage grow to several times the live heap before it
 * collects the old generation (UTF-8-decoded files took each worker to ~130 MB on an archive whose
 * live state is a few tens of MB). After a chunk, when the heap has grown past a bound, the worker
 * collects; the bound then follows what is still live (it plus 48 MB, at least 112 MB), so a
 * worker that holds much (places for `unseen` rules) is not collected after every chunk. The
 * margin is a fixed size, not a multiple of what is live: garbage freed late is memory the C
 * library keeps, and with twice what is live (plus 64 MB, at least 128 MB), a worker holding
 * ~60 MB of places let as much again pile up: every event rule on bench/cloudtrail.mjs peaked at
 * ~530 MB; with this margin, ~495 MB, taking about 4% longer (the default selection, which holds
 * little, neither slower nor larger).
 *
 * Collecting on demand needs `gc`, which V8 exposes only to contexts made after the flag is set:
 * one is made for it here. Where that is refused, nothing is collected early (V8 still collects).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const FLOOR = 112 * 1048576;
const MARGIN = 48 * 1048576;

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
    this.bound = Math.max(FLOOR, held() + MARGIN);
  }
}
