// Temporary folders for a test file, removed when its tests are done.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // A test may have made a folder unreadable: open it up and try again.
        try {
          chmodSync(dir, 0o700);
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // left for the system's temp cleaning
        }
      }
    }
  });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
