#!/usr/bin/env node
// The whole test suite, as `npm test` runs it on a fresh clone:
//   1. build (`npm run build`: the CLI tests run the built app, as users do), run the lint
//      (`npm run lint`) beside it, and meanwhile
//      install what the tests need from outside npm if it is missing (moto_server, Chromium),
//      once, before the test files that use them run side by side (one per core);
//   2. run vitest (test files that need moto_server or Chromium start them themselves, and
//      install them when run on their own);
//   3. print the time taken, then one plain closing line, "tests: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const started = performance.now();
const seconds = (ms) => `${Math.round(ms / 1000)} s`;

/** Run a command to its end; resolves with its exit status (its output goes to ours). */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: process.env });
    child.on('error', (error) => {
      console.error(`tests: cannot run ${cmd}: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(path.join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });

/**
 * moto_server and Chromium, as test/support/moto.ts and test/report-html.test.ts install them
 * when they are missing. Done here first, so that two test files never install the same thing
 * at once, and the install overlaps the build. A failure is left to the tests to report.
 */
async function prerequisites() {
  const installs = [];
  if (!onPath('moto_server') && spawnSync('python3', ['-c', 'import moto.server']).status !== 0) {
    console.log("tests: moto_server is missing: installing it (python3 -m pip install 'moto[server]')");
    installs.push(run('python3', ['-m', 'pip', 'install', '--quiet', 'moto[server]']));
  }
  if (!existsSync('/usr/bin/chromium')) {
    console.log('tests: Chromium is missing: installing it (apt-get install chromium)');
    installs.push(
      run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium']),
    );
  }
  await Promise.all(installs);
}

const buildStarted = performance.now();
const [build, lint] = await Promise.all([
  // The package's own build (`npm run build`): whatever it makes, the tests get the same dist/.
  run('npm', ['run', 'build', '--silent']).then((code) => ({ code, ms: performance.now() - buildStarted })),
  // The lint (types of src/ and test/, eslint, Prettier) on the other core; its verdict joins the tests'.
  run('npm', ['run', 'lint', '--silent']),
  prerequisites(),
]);
if (build.code !== 0) {
  console.error('tests: build failed');
  process.exit(build.code);
}

const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-test-'));
const results = path.join(dir, 'results.json');
const vitestStarted = performance.now();
const vitest = await run(process.execPath, [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`,
  ...process.argv.slice(2),
]);
const vitestMs = performance.now() - vitestStarted;
let summary = 'tests: no result file (vitest did not finish)';
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : '');
  if (r.numTotalTests === 0) summary = 'tests: 0 passed, 0 failed (no test ran)';
} catch {
  /* keep the message above */
}
rmSync(dir, { recursive: true, force: true });
// vitest's "Duration" line above adds up the test files' own times ("tests"): a figure less
// sensitive than these to whatever else the machine is running.
console.log(`tests: took ${seconds(performance.now() - started)} (build ${seconds(build.ms)}, vitest ${seconds(vitestMs)})`);
if (lint !== 0) summary += '; lint failed (npm run lint)';
console.log(summary);
process.exit(vitest || lint);
