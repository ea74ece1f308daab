#!/usr/bin/env node
// The whole test suite, as `npm test` runs it on a fresh clone:
//   1. compile the TypeScript (the CLI tests run the built binary, as users do);
//   2. run vitest (test files that need moto_server or Chromium install/start them themselves);
//   3. print one plain closing line, "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env });

const build = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
if (build.status !== 0) {
  console.error('tests: build failed');
  process.exit(build.status ?? 1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-test-'));
const results = path.join(dir, 'results.json');
const vitest = run(process.execPath, [
  'node_modules/vitest/vitest.mjs', 'run',
  '--reporter=default', '--reporter=json', `--outputFile.json=${results}`,
  ...process.argv.slice(2),
]);
let summary = 'tests: no result file (vitest did not finish)';
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : '');
  if (r.numTotalTests === 0) summary = 'tests: 0 passed, 0 failed (no test ran)';
} catch {
  /* keep the message above */
}
rmSync(dir, { recursive: true, force: true });
console.log(summary);
process.exit(vitest.status ?? 1);
