// Which modules a CLI run imports: the built CLI with a preloaded hook that records every module
// it resolves (record-imports.mjs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runCli, type CliResult } from './cli.js';

const HOOK = path.join(ROOT, 'test', 'support', 'record-imports.mjs');

/** Run the CLI and return the module URLs it resolved, with its result. */
export async function importsOf(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult & { urls: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-imports-'));
  const log = path.join(dir, 'imports.log');
  try {
    const r = await runCli(args, {
      env: { ...env, AWSAUDIT_IMPORT_LOG: log, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${HOOK}`.trim() },
    });
    let urls: string[] = [];
    try {
      urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // no module resolved at all: callers' assertions say so
    }
    return { ...r, urls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The AWS SDK packages among the resolved modules (clients and the credential chain). */
export function sdkPackages(urls: readonly string[]): string[] {
  const names = urls
    .map((u) => /\/node_modules\/(@aws-sdk\/(?:client-[a-z0-9-]+|credential-provider-node))\//.exec(u)?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}
