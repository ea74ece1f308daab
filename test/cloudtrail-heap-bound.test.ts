// A CloudTrail worker keeps its heap near what it holds (src/cloudtrail/heap-bound.ts): past the
// bound it collects, and the bound then follows what is still live.
import { describe, expect, it } from 'vitest';
import { HeapBound } from '../src/cloudtrail/heap-bound.js';

describe('heap bound', () => {
  it('collects once the heap has grown past the bound, and not again right after', () => {
    const heap = new HeapBound();
    heap.check();
    const before = heap.collections;
    // What a worker holds while it reads a chunk, dropped once the chunk is done.
    const chunk = () => Array.from({ length: 30 }, (_, i) => new Array<number>(1_000_000).fill(i + 0.5)).length;
    expect(chunk()).toBe(30);
    const grown = process.memoryUsage().heapUsed;
    expect(grown).toBeGreaterThan(200 * 1048576);
    heap.check();
    expect(heap.collections).toBe(before + 1);
    expect(process.memoryUsage().heapUsed).toBeLessThan(grown - 150 * 1048576);
    // Right after a collection the heap is under the bound that followed it.
    heap.check();
    expect(heap.collections).toBe(before + 1);
  });
});
