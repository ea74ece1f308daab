// Records a folder of AWS CLI outputs from a live account (moto), for `awsaudit import` tests:
// every answer the collectors get through the SDK during a live collection is written, in the
// file `import` reads it from, the way the AWS CLI prints it: the response without its
// metadata, pages merged into one answer (the CLI paginates by itself), timestamps in ISO 8601
// with an offset, blobs in base64, IAM policy documents decoded into JSON (botocore does that),
// nothing at all for an empty answer, and a failed call's error line in `<name>.error`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClientPool, type AnyClient } from '../../src/aws/pool.js';
import { collectSnapshot } from '../../src/collect/collect.js';
import { importCallFor, importFile } from '../../src/import/calls.js';
import type { ServiceName } from '../../src/services/index.js';
import type { Snapshot } from '../../src/snapshot/types.js';

interface Answer {
  service: ServiceName;
  region: string;
  command: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** Request members that only page through a listing: pages of one listing differ only in these. */
const PAGING = new Set([
  'NextToken',
  'Marker',
  'ContinuationToken',
  'MaxResults',
  'MaxItems',
  'MaxRecords',
  'PageSize',
  'Limit',
  'MaxBuckets',
  'nextToken',
  'maxResults',
]);
const TOKENS = ['NextToken', 'Marker', 'NextMarker', 'ContinuationToken', 'IsTruncated', 'nextToken'];
const POLICY_MEMBERS = new Set(['Document', 'AssumeRolePolicyDocument', 'PolicyDocument']);

/** A value as the CLI prints it (see the header). */
function cliJson(value: unknown, iam: boolean, key = ''): unknown {
  if (value instanceof Date) return value.toISOString().replace(/Z$/, '+00:00');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => cliJson(v, iam));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$metadata' || v === undefined) continue;
      out[k] = cliJson(v, iam, k);
    }
    return out;
  }
  if (iam && typeof value === 'string' && POLICY_MEMBERS.has(key)) {
    try {
      return JSON.parse(decodeURIComponent(value)) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

/** Pages of one listing as the one answer the CLI prints: lists concatenated, tokens dropped. */
function mergePages(pages: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...pages[0] };
  for (const page of pages.slice(1))
    for (const [k, v] of Object.entries(page)) if (Array.isArray(v) && Array.isArray(out[k])) out[k] = [...(out[k] as unknown[]), ...v];
  for (const t of TOKENS) delete out[t];
  return out;
}

export interface Recording {
  /** The live collection the answers were recorded from. */
  snapshot: Snapshot;
  /** Files written, relative to the folder. */
  files: string[];
}

/** Collect every type from moto (the live snapshot) and write its answers as AWS CLI outputs into `dir`. */
export async function recordCliDump(endpoint: string, regions: readonly string[], dir: string): Promise<Recording> {
  const answers: Answer[] = [];
  const pool = new ClientPool(
    {
      endpoint,
      maxAttempts: 3,
      retryMode: 'standard',
      maxConcurrency: 8,
      credentials: () => Promise.resolve({ accessKeyId: 'testing', secretAccessKey: 'testing' }),
    },
    (client: AnyClient, service: ServiceName, region: string) => {
      type Next = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;
      const stack = client.middlewareStack as unknown as {
        add(m: (next: Next, context: { commandName?: string }) => Next, o: { step: string; name: string; priority: string }): void;
      };
      stack.add(
        (next, context) => async (args) => {
          const answer: Answer = { service, region, command: context.commandName ?? '', input: { ...args.input } };
          answers.push(answer);
          try {
            const result = await next(args);
            answer.output = result.output;
            return result;
          } catch (error) {
            const e = error as { name?: string; message?: string };
            answer.error = { code: e.name ?? 'Error', message: e.message ?? '' };
            throw error;
          }
        },
        { step: 'initialize', name: 'recordCliDump', priority: 'low' },
      );
    },
  );
  const { collectableTypes } = await import('../../src/collect/plan.js');
  const { snapshot } = await collectSnapshot({
    types: collectableTypes(),
    region: regions[0],
    regions,
    maxConcurrency: 8,
    maxAttempts: 3,
    retryMode: 'standard',
    progress: false,
    endpoint,
    pool,
  });
  pool.destroy();

  // One file per call (and resource): pages merged; the bucket list of each region merged into one list of every bucket.
  const byFile = new Map<string, Answer[]>();
  for (const a of answers) {
    const call = importCallFor(a.service, a.command);
    if (!call) continue;
    const input = Object.fromEntries(Object.entries(a.input).filter(([k]) => !PAGING.has(k)));
    const file = importFile(call, a.region, input);
    byFile.set(file, [...(byFile.get(file) ?? []), a]);
  }
  const files: string[] = [];
  for (const [file, list] of byFile) {
    const failed = list.find((a) => a.error);
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    if (failed) {
      const op = failed.command.replace(/Command$/, '');
      writeFileSync(
        `${target}.error`,
        `\nAn error occurred (${failed.error!.code}) when calling the ${op} operation: ${failed.error!.message}\n`,
      );
      files.push(`${file}.error`);
      continue;
    }
    const first = list[0]!;
    let output: Record<string, unknown>;
    if (first.command === 'ListBucketsCommand') {
      // The CLI lists every bucket once, with the region it is in.
      const buckets = new Map<string, Record<string, unknown>>();
      for (const a of list)
        for (const b of (a.output!.Buckets ?? []) as Array<Record<string, unknown>>)
          buckets.set(String(b.Name), { ...b, BucketRegion: b.BucketRegion ?? a.input.BucketRegion });
      output = { ...mergePages([first.output!]), Buckets: [...buckets.values()] };
    } else {
      // Pages of one request merge; when several requests share a file (the NAT traffic collector
      // filters DescribeNatGateways, the EC2 one does not), the broadest one is what the CLI command prints.
      const groups = new Map<string, Answer[]>();
      for (const a of list) {
        const request = JSON.stringify(Object.fromEntries(Object.entries(a.input).filter(([k]) => !PAGING.has(k))));
        groups.set(request, [...(groups.get(request) ?? []), a]);
      }
      const [, pages] = [...groups].sort(([a], [b]) => a.length - b.length)[0]!;
      // The same request sent twice (two collectors) is one answer; later pages carry a token.
      const paged = (a: Answer) => ['NextToken', 'Marker', 'ContinuationToken', 'nextToken'].some((t) => a.input[t] !== undefined);
      const first = pages.findIndex((a) => !paged(a));
      output = mergePages(pages.filter((a, i) => i === first || paged(a)).map((a) => a.output!));
    }
    const printed = cliJson(output, first.service === 'iam') as Record<string, unknown>;
    writeFileSync(`${target}.json`, Object.keys(printed).length ? JSON.stringify(printed, null, 4) + '\n' : '');
    files.push(`${file}.json`);
  }
  return { snapshot, files: files.sort() };
}
