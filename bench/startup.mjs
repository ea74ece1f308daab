#!/usr/bin/env node
// Start-up benchmark: how long the CLI takes before it does any work of its own, against a
// bare `node -e 0` measured in the same run (the machine's own cost of starting Node).
// Targets: `awsaudit --version` within 150 ms of `node -e 0`; `awsaudit scan --demo` (JSON to
// /dev/null) within 600 ms of it. Commands that make no AWS call load no AWS SDK package (the
// service modules import their clients lazily: src/aws/client.ts), which is most of the margin.
// Run: npm run build && node bench/startup.mjs [rounds]
//
// The three commands run one after the other in each round (interleaved), so that a load spike
// on the machine touches all three alike; the medians over the rounds are printed, with each
// command's margin over `node -e 0`, in wall time (what the targets are about) and in CPU time
// (user + system, all threads; a machine busy with other work inflates it far less).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.argv[2] ?? 15);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CPU = fileURLToPath(new URL('./support/cpu-usage.mjs', import.meta.url));

const COMMANDS = [
  { name: 'node -e 0', args: ['-e', '0'], ok: [0] },
  { name: 'awsaudit --version', args: [CLI, '--version'], ok: [0], target: 150 },
  // Exit 1: the demo account has findings at or above the default --fail-on.
  {
    name: 'awsaudit scan --demo --format json --output json=/dev/null',
    args: [CLI, 'scan', '--demo', '--format', 'json', '--output', 'json=/dev/null'],
    ok: [0, 1],
    target: 600,
  },
];

function time(command) {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', CPU, ...command.args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wall = performance.now() - started;
  if (!command.ok.includes(r.status)) throw new Error(`${command.name} exited ${r.status}: ${r.stderr}`);
  const cpu = Number(/awsaudit-bench-cpu-us (\d+)/.exec(String(r.stderr))?.[1]) / 1000;
  return { wall, cpu };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadBefore = load();
// One warm-up round: the first start reads every file from disk rather than the page cache.
for (const c of COMMANDS) time(c);
const samples = COMMANDS.map(() => []);
for (let round = 0; round < ROUNDS; round++) COMMANDS.forEach((c, i) => samples[i].push(time(c)));

const wall = samples.map((s) => median(s.map((x) => x.wall)));
const cpu = samples.map((s) => median(s.map((x) => x.cpu)));
console.log(`start-up, median of ${ROUNDS} interleaved rounds (load average ${loadBefore} before, ${load()} after):`);
let missed = 0;
const ms = (x) => `${x.toFixed(0).padStart(5)} ms`;
COMMANDS.forEach((c, i) => {
  const times = `wall ${ms(wall[i])}, cpu ${ms(cpu[i])}`;
  if (c.target === undefined) {
    console.log(`  ${c.name.padEnd(60)} ${times}`);
    return;
  }
  const margin = wall[i] - wall[0];
  const ok = margin <= c.target;
  if (!ok) missed++;
  console.log(
    `  ${c.name.padEnd(60)} ${times}  (over node -e 0: wall +${margin.toFixed(0)} ms, target +${c.target} ms: ${ok ? 'met' : 'missed'}; cpu +${(cpu[i] - cpu[0]).toFixed(0)} ms)`,
  );
});
process.exitCode = missed ? 1 : 0;
