// Test harness: runs a private moto_server (AWS API emulator) on 127.0.0.1 for the
// end-to-end tests, and gives SDK v3 clients the config to reach it.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { createServer, Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { startMotoShims } from './moto-shims.js';
import { startEmulatingProxy } from './moto-emulated.js';

const execFileAsync = promisify(execFile);

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

export interface MotoServer {
  /**
   * e.g. `http://127.0.0.1:40123`: moto behind its shims (moto-shims.ts), which answer in AWS's
   * wire shape what moto lacks (IAM Access Analyzer) or answers unreadably (Macie timestamps).
   */
  endpoint: string;
  /** moto itself, without the shims: where what moto lacks fails as it does there. */
  plainEndpoint: string;
  port: number;
  /** Kills moto (its whole process group) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Environment for the CLI against moto: credentials moto accepts, and nothing from the machine's own AWS setup. */
export const MOTO_CLI_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Client config for any SDK v3 client; extra keys (forcePathStyle) are ignored by non-S3 clients. */
export interface MotoClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle: boolean;
}

export function sdkConfig(endpoint: string, region: string): MotoClientConfig {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    forcePathStyle: true,
  };
}

/**
 * Config for `S3ControlClient`. Its endpoint rules put the account id in front of the
 * host (`123456789012.127.0.0.1`), which is not a valid URL for an IP endpoint, so a
 * fixed endpointProvider replaces the rules; moto routes s3control by the
 * `/v20180820/` path and reads the account from the `x-amz-account-id` header.
 */
export function s3ControlConfig(
  endpoint: string,
  region: string,
): Omit<MotoClientConfig, 'forcePathStyle'> & { endpointProvider: () => { url: URL } } {
  const { credentials } = sdkConfig(endpoint, region);
  return { endpoint, region, credentials, endpointProvider: () => ({ url: new URL(endpoint) }) };
}

/** Wipes every service's state (all accounts, all regions) in the running moto. */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${await res.text()}`);
}

// ---------------------------------------------------------------------------------
// Process bookkeeping: moto must never outlive the test process.

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group (the sh wrapper, moto, the pyenv shim's python).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  // A signal's default action ends Node without an 'exit' event, so catch the usual
  // ones, clean up, and re-raise so the default behaviour (termination) still happens.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

// ---------------------------------------------------------------------------------
// Finding moto.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

function findOnPath(name: string, extraDirs: readonly string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function canImportMotoServer(): Promise<boolean> {
  try {
    await execFileAsync('python3', ['-c', 'import moto.server']);
    return true;
  } catch {
    return false;
  }
}

async function pythonScriptsDirs(): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync('python3', [
      '-c',
      "import sysconfig, site, os; print(sysconfig.get_path('scripts')); print(os.path.join(site.getuserbase(), 'bin'))",
    ]);
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
  } catch {
    return [];
  }
}

/** argv prefix that starts moto's server; installs moto[server] with pip if it is missing. */
async function motoCommand(): Promise<string[]> {
  const onPath = findOnPath('moto_server');
  if (onPath !== undefined) return [onPath];

  try {
    await execFileAsync('python3', ['-m', 'pip', 'install', '--quiet', 'moto[server]'], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`moto_server is not on PATH and "python3 -m pip install 'moto[server]'" failed: ${detail}`, { cause: error });
  }

  const installed = findOnPath('moto_server', await pythonScriptsDirs());
  if (installed !== undefined) return [installed];
  if (await canImportMotoServer()) return ['python3', '-m', 'moto.server'];
  throw new Error('installed moto[server] with pip, but found neither a moto_server binary nor the moto.server module');
}

// Runs moto in the background, with our stdin as a pipe that only we hold open: when
// this process dies in any way (even SIGKILL, which runs no 'exit' handler), `cat`
// sees end-of-file and the wrapper kills moto. The wrapper exits with moto's status.
const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'moto=$!',
  '( cat <&3 >/dev/null; kill "$moto" 2>/dev/null ) &',
  'wait "$moto"',
  'exit $?',
].join('\n');

// ---------------------------------------------------------------------------------

type Launch = { server: Omit<MotoServer, 'plainEndpoint'> } | { earlyExit: string; output: string };

async function launch(command: readonly string[], env: Record<string, string>): Promise<Launch> {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;

  installExitHooks();
  const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'moto-watchdog', ...command, '-H', HOST, '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() can kill moto and everything it started
  });
  live.add(child);
  // A forgotten stop() must not keep the test process alive; the 'exit' hook still kills moto.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    if (stream instanceof Socket) stream.unref();
  }

  // moto logs every request; keep draining so its pipes never fill, and keep a tail for errors.
  let outputTail = '';
  const keepTail = (chunk: Buffer): void => {
    outputTail = (outputTail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      child.stdin?.destroy(); // lets a lingering watchdog `cat` finish
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
    live.delete(child);
  });

  const stop = async (): Promise<void> => {
    if (exitInfo !== undefined || spawnError !== undefined) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // anything left in the group (normally nothing)
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError !== undefined || exitInfo !== undefined) {
      const how = spawnError?.message ?? `exit code ${String(exitInfo?.code)}, signal ${String(exitInfo?.signal)}`;
      return { earlyExit: how, output: outputTail };
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) {
        await res.arrayBuffer();
        return { server: { endpoint, port, stop } };
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto_server (${command.join(' ')}) did not answer ${endpoint}/moto-api/ within ${READY_TIMEOUT_MS / 1000}s. Its output ended with:\n${outputTail}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Puts the proxy that answers the APIs moto lacks (test/support/moto-emulated.ts) in front of moto. */
/**
 * Starts a private moto_server on a free 127.0.0.1 port (installing moto[server] with pip
 * if it is missing) and resolves once it answers. AWS-managed IAM policies are loaded. The
 * endpoint is a proxy that answers what moto lacks (moto-emulated.ts) and forwards the rest.
 */
export async function startMoto(opts: { env?: Record<string, string> } = {}): Promise<MotoServer> {
  const command = await motoCommand();
  // The free port is only free until moto binds it; retry if another process won the race.
  for (let attempt = 1; ; attempt++) {
    const result = await launch(command, opts.env ?? {});
    if ('server' in result) {
      // moto, then shims for what moto answers wrongly or not at all (Access Analyzer, Macie's
      // timestamps), then the Account API's contact information, which moto lacks.
      const moto = result.server;
      const shims = await startMotoShims(moto.endpoint);
      const emulated = await startEmulatingProxy(shims.endpoint);
      return {
        endpoint: emulated.endpoint,
        plainEndpoint: moto.endpoint,
        port: moto.port,
        stop: async () => {
          await emulated.stop();
          await shims.stop();
          await moto.stop();
        },
      };
    }
    if (attempt < 3 && /address already in use/i.test(result.output)) continue;
    throw new Error(
      `moto_server (${command.join(' ')}) stopped before it was ready (${result.earlyExit}). Its output ended with:\n${result.output}`,
    );
  }
}
