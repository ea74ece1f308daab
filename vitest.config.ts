import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Test files that need moto_server or Chromium start (or install) them in a hook.
    hookTimeout: 180_000,
    // One test file per core: most tests are CPU-bound (the CLI runs in the test process, moto
    // and Chromium are other processes on the same cores), so more workers only queue.
    maxWorkers: availableParallelism(),
    server: {
      deps: {
        // The built CLI (dist/), which tests run in-process (test/support/cli.ts), is loaded by
        // Node itself, as the installed binary is, not transformed by vitest.
        external: [new RegExp(`^${escape(path.join(root, 'dist'))}/`)],
      },
    },
  },
});
