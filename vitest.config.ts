import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // CLI and emulator tests spawn processes; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
