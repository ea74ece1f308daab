import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
/** The built app behind the binary: `run(args)` is what main.ts calls after installing its process hooks. */
const APP = path.join(ROOT, 'dist', 'cli', 'app.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Variables to set over the test process's environment; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/**
 * Run the built CLI binary as a user would, in its own process (build first: `npm test` does).
 * Use it where the process itself is under test: signals, exit on a closed pipe, what the
 * binary imports at start-up, another user, stdout being a device. Otherwise `runCliInProcess`
 * gives the same result without the cost of a new Node.js process.
 */
export function spawnCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The subprocess runner under its older name (a file that has not chosen between the two). */
export const runCli = spawnCli;

type Run = (args: string[]) => Promise<number>;
let app: Promise<Run> | undefined;
/** In-process runs take turns: each one patches process-wide state (env, cwd, stdout/stderr). */
let turn: Promise<unknown> = Promise.resolve();

/**
 * Run the built CLI inside the test process: the same code and result as `spawnCli` (the app's
 * `run(args)` from dist/, loaded by Node itself, not by vitest's transformer: see
 * vitest.config.ts), without starting a Node.js process per call. For the length of a run,
 * the working directory, the environment (with NO_COLOR=1, as `spawnCli` sets) and standard
 * output and error are the run's own; stdout and stderr look like pipes, as under `spawnCli`.
 * Runs are serialised; everything is restored afterwards.
 *
 * What only a process shows is not covered here: main.ts's signal and EPIPE handling, the
 * exit code it derives, start-up imports, Node's own warnings (printed once per process),
 * what the AWS SDK caches per process (the config and credentials files it has read), and
 * timing against a server in the test process. Tests of those use `spawnCli`.
 */
export function runCliInProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  // `--timeout` counts from the start of the process (performance.timeOrigin): in the test
  // process that is long before the run, so the run would get less time than it asked for.
  if (args.some((a) => a === '--timeout' || a.startsWith('--timeout='))) {
    return Promise.reject(new Error('runCliInProcess: --timeout counts from the start of the process; run it with spawnCli'));
  }
  const result = turn.then(() => runInProcess(args, options));
  turn = result.catch(() => undefined);
  if (options.timeoutMs === undefined) return result;
  // A run cannot be killed; the test fails at the deadline and the next run waits for this one.
  return Promise.race([
    result,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`awsaudit ${args.join(' ')}: no result within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      ).unref(),
    ),
  ]);
}

type Write = typeof process.stdout.write;

async function runInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  app ??= import(pathToFileURL(APP).href).then((m: { run: Run }) => m.run);
  const run = await app;

  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const capture = (chunks: Buffer[]): Write =>
    function write(
      chunk: Uint8Array | string,
      encoding?: BufferEncoding | ((error?: Error | null) => void),
      callback?: (error?: Error | null) => void,
    ): boolean {
      const done = typeof encoding === 'function' ? encoding : callback;
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk));
      if (done) process.nextTick(done);
      return true;
    };

  // Saved as own-property descriptors, so restoring leaves the streams exactly as they were
  // (isTTY lives on the prototype of a terminal stream; columns is an own property).
  const saved = new Map<object, Map<string, PropertyDescriptor | undefined>>();
  const patch = (target: object, values: Record<string, unknown>): void => {
    const before = new Map<string, PropertyDescriptor | undefined>();
    for (const [key, value] of Object.entries(values)) {
      before.set(key, Object.getOwnPropertyDescriptor(target, key));
      Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
    }
    saved.set(target, before);
  };
  const env = { ...process.env };
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  // Node prints its warnings itself (not through process.stderr.write); a subprocess's stderr would hold them.
  const onWarning = (w: Error & { code?: string }) =>
    err.push(Buffer.from(`(node:${process.pid}) ${w.code ? `[${w.code}] ` : ''}${w.name}: ${w.message}\n`));
  try {
    for (const [k, v] of Object.entries({ NO_COLOR: '1', ...options.env })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.chdir(options.cwd ?? ROOT);
    // Pipes, as `spawnCli` gives the child: no colour, no progress line, the default help width.
    patch(process.stdout, { write: capture(out), isTTY: false, columns: undefined, rows: undefined });
    patch(process.stderr, { write: capture(err), isTTY: false, columns: undefined, rows: undefined });
    // yargs prints --help and --version with console.log, which vitest routes to its own reporter.
    const toStdout = (...a: unknown[]) => void out.push(Buffer.from(format(...a) + '\n'));
    const toStderr = (...a: unknown[]) => void err.push(Buffer.from(format(...a) + '\n'));
    patch(console, { log: toStdout, info: toStdout, debug: toStdout, warn: toStderr, error: toStderr, trace: toStderr });
    process.on('warning', onWarning);
    const code = await run(args);
    return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  } finally {
    process.off('warning', onWarning);
    for (const [target, before] of saved) {
      for (const [key, descriptor] of before) {
        if (descriptor) Object.defineProperty(target, key, descriptor);
        else delete (target as Record<string, unknown>)[key];
      }
    }
    process.chdir(cwd);
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    Object.assign(process.env, env);
    process.exitCode = exitCode;
  }
}
