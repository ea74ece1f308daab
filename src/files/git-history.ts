/**
 * Keys in a repository's git history (`scan --files REPO --history`). A key committed and
 * deleted in the next commit is still in every clone; the working tree no longer shows it.
 *
 * How: one `git log --all --raw` lists, for every commit reachable from any ref (branches, tags,
 * the stash), the blobs it introduced (against its first parent; a root commit introduces its
 * whole tree), which covers every blob of every reachable tree exactly where it first appeared.
 * Each distinct blob is then read once through one long-lived `git cat-file --batch` process and
 * scanned by the same ContentScanner as the files. `--all-objects` adds what no ref reaches
 * (`cat-file --batch-all-objects`: squashed-away branches, dropped stashes, objects awaiting
 * garbage collection), with its commit when the dangling commit is still there.
 *
 * The repository is untrusted: git runs without fsmonitor, optional locks, replace objects,
 * text conversion or filters (cat-file --batch returns the stored bytes).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CoverageGap, Resource } from '../snapshot/types.js';
import type { JsonObject } from '../util/json.js';
import type { Deadline } from '../util/deadline.js';
import { RUN_TIMEOUT } from '../util/deadline.js';
import { UserError } from '../util/errors.js';
import { accountFromKeyId, keyKindOf, keyPrefixOf, maskKeyId } from '../secrets/access-key-id.js';
import {
  ContentScanner,
  bedrockKeyFields,
  type BedrockKeyHit,
  type ContentResult,
  type KeyIdHit,
  type PrivateKeyHit,
  type SecretKeyHit,
} from '../secrets/scan-content.js';

export const HISTORY_RESOURCE_TYPES = [
  'file.history-access-key',
  'file.history-bedrock-api-key',
  'file.history-private-key',
  'file.history-secret-key',
] as const;

export interface HistoryOptions {
  /** Also read objects no ref reaches (`--all-objects`). */
  allObjects?: boolean;
  /** Only blobs introduced by commits not reachable from this one (`--since-commit REF`, for pull requests). */
  sinceCommit?: string | undefined;
  /** Blobs larger than this are not read (a coverage gap); default 64 MiB. */
  maxBlobBytes?: number;
  deadline?: Deadline | undefined;
}

export interface HistoryStats {
  commits: number;
  blobs: number;
  bytes: number;
  binary: number;
  /** Blobs in UTF-16/UTF-32, not scanned. */
  wideText: number;
  tooLarge: number;
  /** Blobs no ref reaches (read with --all-objects). */
  unreachable: number;
  placeholders: number;
}

export interface HistoryScan {
  resources: Resource[];
  gaps: CoverageGap[];
  notes: string[];
  stats: HistoryStats;
  /** The full key id behind a file.history-access-key resource (memory only). */
  keyIds: Map<Resource, string>;
}

interface Commit {
  id: string;
  /** Author time, seconds since the epoch. */
  time: number;
  /** Position in the log (newest first): breaks ties between commits of the same second. */
  order: number;
  reachable: boolean;
}

/** Where a blob was introduced: by a commit, at a path. */
interface Introduction {
  commit: Commit | null;
  path: string;
}

const SAFE_GIT = ['-c', 'core.fsmonitor=false', '-c', 'core.untrackedCache=false', '--no-replace-objects'];
const GIT_ENV = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
const ZERO = /^0+$/;
const DEFAULT_MAX_BLOB = 64 << 20;
/** Other commits listed by id in a finding; the rest are counted. */
const MAX_COMMITS_LISTED = 10;

/** Run git and collect its standard output (bounded), or throw with its error text. */
function git(root: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_GIT, '-C', root, ...args], { env: GIT_ENV, windowsHide: true });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // git may exit before reading its input: its exit code says how it went
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(err.trim() || `git ${args[0]} exited with ${code}`)),
    );
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Split a stream into NUL-terminated tokens as it arrives. */
async function* nulTokens(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let from = 0;
    for (let nul = data.indexOf(0, from); nul !== -1; nul = data.indexOf(0, from)) {
      yield data.subarray(from, nul);
      from = nul + 1;
    }
    rest = Buffer.from(data.subarray(from));
  }
  if (rest.length) yield rest;
}

/**
 * Walk commits with `git log --raw` and record, for each blob, where it was introduced. `revs`
 * are the log's revision arguments; `stdin` feeds more (commit ids) to `--stdin`.
 */
async function walkLog(
  root: string,
  revs: string[],
  stdin: string | undefined,
  reachable: boolean,
  commits: Commit[],
  intros: Map<string, Introduction[]>,
): Promise<void> {
  const args = [
    'log',
    ...revs,
    ...(stdin !== undefined ? ['--stdin'] : []),
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--root',
    '--diff-merges=first-parent',
    '--no-textconv',
    '--no-ext-diff',
    '-z',
    '--format=%x01%H %at',
  ];
  const child = spawn('git', [...SAFE_GIT, '-C', root, ...args], { env: GIT_ENV, windowsHide: true });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.on('error', () => undefined); // git may exit before reading its input: its exit code says how it went
  child.stdin.end(stdin ?? '');
  let commit: Commit | null = null;
  let pendingBlob: string | null = null;
  let expectPath = false;
  for await (const token of nulTokens(child.stdout)) {
    if (expectPath) {
      expectPath = false;
      if (pendingBlob !== null && commit) {
        const list = intros.get(pendingBlob);
        const intro = { commit, path: token.toString('utf8') };
        if (list) list.push(intro);
        else intros.set(pendingBlob, [intro]);
      }
      continue;
    }
    let text = token.toString('latin1');
    if (text.startsWith('\n')) text = text.slice(1);
    if (text.startsWith('\x01')) {
      const [id, time] = text.slice(1).split(' ');
      commit = { id: id!, time: Number(time), order: commits.length, reachable };
      commits.push(commit);
    } else if (text.startsWith(':')) {
      // ":oldmode newmode oldsha newsha status"; regular files only (not submodules: 160000, not symbolic links: 120000).
      const [, newMode, , newSha] = text.slice(1).split(' ');
      pendingBlob = newMode?.startsWith('100') && newSha && !ZERO.test(newSha) ? newSha : null;
      expectPath = true;
    }
  }
  const code = await closed;
  if (code !== 0) throw new Error(err.trim() || `git log exited with ${code}`);
}

/** Blob ids of HEAD's tree (empty for an unborn branch). */
async function headBlobs(root: string): Promise<Set<string>> {
  try {
    const out = (await git(root, ['ls-tree', '-r', '-z', '--full-tree', 'HEAD'])).toString('latin1');
    const set = new Set<string>();
    for (const entry of out.split('\0')) {
      const [, type, id] = entry.split('\t')[0]!.split(' ');
      if (type === 'blob' && id) set.add(id);
    }
    return set;
  } catch {
    return new Set();
  }
}

/**
 * Read blobs through one `git cat-file --batch` and hand each to `onBlob`. Larger ones than
 * `maxBytes` are passed with null content (read past, not kept).
 */
async function readBlobs(
  root: string,
  ids: readonly string[],
  maxBytes: number,
  onBlob: (id: string, bytes: Buffer | null, size: number) => void | Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  const child = spawn('git', [...SAFE_GIT, '-C', root, 'cat-file', '--batch', '--buffer'], { env: GIT_ENV, windowsHide: true });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.on('error', () => undefined); // git exiting early is reported by its exit code
  // Written in pieces so a large list does not sit twice in memory; the pipe paces it.
  void (async () => {
    for (let i = 0; i < ids.length; i += 4096) {
      if (!child.stdin.write(ids.slice(i, i + 4096).join('\n') + '\n')) await new Promise((r) => child.stdin.once('drain', r));
      if (stopped()) break;
    }
    child.stdin.end();
  })();
  let header = '';
  let blob: { id: string; size: number; bytes: Buffer | null; got: number } | null = null;
  let skipNewline = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        if (skipNewline) {
          at++;
          skipNewline = false;
          continue;
        }
        if (blob) {
          const take = Math.min(blob.size - blob.got, chunk.length - at);
          if (blob.bytes) chunk.copy(blob.bytes, blob.got, at, at + take);
          blob.got += take;
          at += take;
          if (blob.got === blob.size) {
            const done = blob;
            blob = null;
            skipNewline = true;
            const r = onBlob(done.id, done.bytes, done.size);
            if (r instanceof Promise) await r;
            if (stopped()) {
              child.kill();
              return;
            }
          }
          continue;
        }
        const nl = chunk.indexOf(10, at);
        if (nl === -1) {
          header += chunk.toString('latin1', at);
          break;
        }
        header += chunk.toString('latin1', at, nl);
        at = nl + 1;
        const [id, type, size] = header.split(' ');
        header = '';
        if (type === 'missing' || size === undefined) continue;
        const n = Number(size);
        blob = { id: id!, size: n, bytes: n <= maxBytes ? Buffer.allocUnsafe(n) : null, got: 0 };
        if (n === 0) {
          blob = null;
          skipNewline = true;
          const r = onBlob(id!, Buffer.alloc(0), 0);
          if (r instanceof Promise) await r;
        }
      }
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await closed;
  if (code !== 0 && !stopped()) throw new Error(err.trim() || `git cat-file exited with ${code}`);
}

/** The shallow boundary of a shallow clone: its commits and their dates, or null for a full clone. */
async function shallowBoundary(root: string): Promise<Array<{ id: string; date: string }> | null> {
  const shallow = (await git(root, ['rev-parse', '--is-shallow-repository'])).toString().trim();
  if (shallow !== 'true') return null;
  const file = (await git(root, ['rev-parse', '--git-path', 'shallow'])).toString().trim();
  const ids = readFileSync(path.resolve(root, file), 'utf8').split('\n').filter(Boolean);
  if (ids.length === 0) return null;
  const out = (await git(root, ['log', '--no-walk', '--format=%H %aI', ...ids])).toString();
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, date] = l.split(' ');
      return { id: id!, date: date! };
    });
}

/** Resolve `--since-commit REF` to a commit id, or a clear error. */
async function resolveCommit(root: string, ref: string): Promise<string> {
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).toString().trim();
  } catch {
    throw new UserError(
      `--since-commit: ${ref} is not a commit of the repository at ${root}`,
      'give a branch, tag or commit id that exists there (in CI, fetch the base branch first: git fetch origin main)',
    );
  }
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Earliest introduction first: by author time, then the older position in the log; introductions without a commit last. */
function firstIntroduction(list: readonly Introduction[]): Introduction {
  let best = list[0]!;
  for (const intro of list) {
    const a = intro.commit;
    const b = best.commit;
    if (!a) continue;
    if (!b || a.time < b.time || (a.time === b.time && a.order > b.order)) best = intro;
  }
  return best;
}

function commitFacts(first: Introduction, all: readonly Introduction[]): JsonObject {
  const ids = [...new Set(all.filter((i) => i.commit).map((i) => i.commit!.id))];
  const others = ids.filter((id) => id !== first.commit?.id);
  return {
    commit: first.commit?.id ?? null,
    commitShort: first.commit ? first.commit.id.slice(0, 12) : null,
    authorDate: first.commit ? iso(first.commit.time) : null,
    commitCount: ids.length,
    otherCommits: others.slice(0, MAX_COMMITS_LISTED).map((id) => id.slice(0, 12)),
    reachable: first.commit?.reachable ?? false,
  };
}

/**
 * Scan the history of the repository whose work tree is `root`. `shown` is how the repository
 * is named in reports (relative to the working folder).
 */
export async function scanHistory(root: string, shown: string, options: HistoryOptions = {}): Promise<HistoryScan> {
  const stats: HistoryStats = { commits: 0, blobs: 0, bytes: 0, binary: 0, wideText: 0, tooLarge: 0, unreachable: 0, placeholders: 0 };
  const gaps: CoverageGap[] = [];
  const notes: string[] = [];
  const resources: Resource[] = [];
  const keyIds = new Map<Resource, string>();
  const gap = (operation: string, errorCode: string, message: string) =>
    gaps.push({ service: 'files', region: 'local', operation, resourceTypes: [...HISTORY_RESOURCE_TYPES], errorCode, message });
  if (options.allObjects && options.sinceCommit !== undefined)
    throw new UserError(
      '--since-commit and --all-objects cannot be combined',
      'use --since-commit for pull requests, --all-objects for a full audit',
    );
  try {
    await git(root, ['rev-parse', '--git-dir']);
  } catch (error) {
    throw new UserError(`--history: ${shown} is not a git repository (${(error as Error).message})`, 'name the root of a git work tree');
  }
  const commits: Commit[] = [];
  const intros = new Map<string, Introduction[]>();
  const revs = ['--all'];
  if (options.sinceCommit !== undefined) revs.push(`^${await resolveCommit(root, options.sinceCommit)}`);
  await walkLog(root, revs, undefined, true, commits, intros);
  const boundary = await shallowBoundary(root);
  if (boundary) {
    const first = boundary.map((b) => `${b.id.slice(0, 12)} (${b.date})`).join(', ');
    notes.push(
      `git history of ${shown}: a shallow clone; history starts at ${first} (fetch it all with git fetch --unshallow to scan older commits)`,
    );
  }
  const unreachableBlobs: string[] = [];
  if (options.allObjects) {
    const all = (await git(root, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)', '--unordered'])).toString(
      'latin1',
    );
    const seenCommits = new Set(commits.map((c) => c.id));
    const danglingCommits: string[] = [];
    const blobs: string[] = [];
    for (const line of all.split('\n')) {
      const [id, type] = line.split(' ');
      if (type === 'commit' && !seenCommits.has(id!)) danglingCommits.push(id!);
      else if (type === 'blob') blobs.push(id!);
    }
    if (danglingCommits.length) {
      // Their own commits only: what a ref reaches was walked above (every ref tip, and HEAD, excluded).
      const tips = (await git(root, ['for-each-ref', '--format=%(objectname)'])).toString().split('\n').filter(Boolean);
      const head = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']).then(
        (b) => [b.toString().trim()],
        () => [],
      );
      const stdin = [...danglingCommits, ...[...tips, ...head].map((t) => `^${t}`)].join('\n') + '\n';
      await walkLog(root, [], stdin, false, commits, intros);
    }
    for (const id of blobs) {
      if (intros.has(id)) continue;
      intros.set(id, [{ commit: null, path: `(unreachable blob ${id.slice(0, 12)})` }]);
      unreachableBlobs.push(id);
    }
  }
  stats.commits = commits.length;
  const head = await headBlobs(root);

  const scanner = new ContentScanner();
  const found: Array<{ blob: string; content: ContentResult }> = [];
  const deadline = options.deadline;
  let stopped = false;
  const ids = [...intros.keys()];
  const maxBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB;
  await readBlobs(
    root,
    ids,
    maxBytes,
    async (blob, bytes, size) => {
      stats.blobs++;
      stats.bytes += size;
      if (!bytes) {
        stats.tooLarge++;
        return;
      }
      const list = intros.get(blob)!;
      const name = list[0]?.path ?? '';
      let content = scanner.scanBytes(bytes, name);
      if (content instanceof Promise) content = await content;
      if (content.binary) {
        stats.binary++;
        if (content.wideText) stats.wideText++;
        return;
      }
      stats.placeholders += content.placeholders;
      if (content.keyIds.length || content.privateKeys.length || content.secretKeys.length || content.bedrockKeys.length)
        found.push({ blob, content });
    },
    () => (stopped ||= deadline !== undefined && Date.now() >= deadline.at),
  );
  stats.unreachable = unreachableBlobs.length;
  if (stopped)
    gap(`history ${shown}`, RUN_TIMEOUT, `stopped when ${deadline!.flag} expired: ${stats.blobs} of ${ids.length} blob(s) were scanned`);
  if (stats.tooLarge)
    gap(`history ${shown}`, 'BlobTooLarge', `${stats.tooLarge} blob(s) larger than ${maxBytes >> 20} MiB were not scanned`);
  if (stats.wideText)
    gap(
      `history ${shown}`,
      'NotUtf8Text',
      `${stats.wideText} blob(s) look like UTF-16 or UTF-32 text: not scanned (keys are searched for in UTF-8 and ASCII text)`,
    );

  const intro = (blob: string): Introduction[] => intros.get(blob)!;
  const locate = (p: string) => (shown === '.' ? p : `${shown}/${p}`);

  // Keys: one finding per key id, wherever and however often it was committed.
  const byKey = new Map<string, Array<{ blob: string; hit: KeyIdHit }>>();
  for (const { blob, content } of found) {
    for (const hit of content.keyIds) {
      const list = byKey.get(hit.keyId);
      if (list) list.push({ blob, hit });
      else byKey.set(hit.keyId, [{ blob, hit }]);
    }
  }
  const seenMasks = new Map<string, number>();
  for (const [keyId, hits] of byKey) {
    const all = hits.flatMap((h) => intro(h.blob));
    const first = firstIntroduction(all);
    const firstHit = hits.find((h) => intro(h.blob).includes(first)) ?? hits[0]!;
    const masked = maskKeyId(keyId);
    const n = (seenMasks.get(masked) ?? 0) + 1;
    seenMasks.set(masked, n);
    const ownerAccount = accountFromKeyId(keyId);
    const paired = hits.find((h) => h.hit.secret !== null);
    const data: JsonObject = {
      repository: shown,
      path: first.path,
      line: firstHit.hit.line,
      column: firstHit.hit.column,
      keyIdMasked: masked,
      keyPrefix: keyPrefixOf(keyId) ?? keyId.slice(0, 4),
      keyKind: keyKindOf(keyId) ?? 'unknown',
      ownerAccount,
      context: firstHit.hit.context,
      hasSecret: paired !== undefined,
      secretLine: firstHit.hit.secret?.line ?? null,
      ...commitFacts(first, all),
      inHead: hits.some((h) => head.has(h.blob)),
    };
    const resource: Resource = {
      type: 'file.history-access-key',
      id: `${shown}@history#${masked}${n === 1 ? '' : `#${n}`}`,
      account: ownerAccount ?? 'local',
      region: 'local',
      data,
      location: { path: locate(first.path), line: firstHit.hit.line, column: firstHit.hit.column },
    };
    keyIds.set(resource, keyId);
    resources.push(resource);
  }

  // Private keys: one finding per path they were committed at.
  const byPath = new Map<string, Array<{ blob: string; key: PrivateKeyHit; intros: Introduction[] }>>();
  for (const { blob, content } of found) {
    if (!content.privateKeys.length) continue;
    for (const i of intro(blob)) {
      const list = byPath.get(i.path) ?? [];
      list.push({ blob, key: content.privateKeys[0]!, intros: [i] });
      byPath.set(i.path, list);
    }
  }
  for (const [p, hits] of byPath) {
    const all = hits.flatMap((h) => h.intros);
    const first = firstIntroduction(all);
    const firstHit = hits.find((h) => h.intros.includes(first)) ?? hits[0]!;
    const data: JsonObject = {
      repository: shown,
      path: p,
      fileName: path.posix.basename(p),
      line: firstHit.key.line,
      column: firstHit.key.column,
      keyType: firstHit.key.keyType,
      encrypted: firstHit.key.encrypted,
      ...commitFacts(first, all),
      inHead: hits.some((h) => head.has(h.blob)),
    };
    resources.push({
      type: 'file.history-private-key',
      id: `${shown}@history:${p}`,
      account: 'local',
      region: 'local',
      data,
      location: { path: locate(p), line: firstHit.key.line, column: firstHit.key.column },
    });
  }
  // Secret access keys alone (no key id near them): one finding per path, like private keys. The
  // secret is not kept (it cannot tell two apart), and a path is what a reviewer rewrites or rotates by.
  const secretsByPath = new Map<string, Array<{ blob: string; hit: SecretKeyHit; intro: Introduction }>>();
  for (const { blob, content } of found) {
    const hit = content.secretKeys[0];
    if (!hit) continue;
    for (const i of intro(blob)) {
      const list = secretsByPath.get(i.path) ?? [];
      list.push({ blob, hit, intro: i });
      secretsByPath.set(i.path, list);
    }
  }
  for (const [p, hits] of secretsByPath) {
    const all = hits.map((h) => h.intro);
    const first = firstIntroduction(all);
    const firstHit = hits.find((h) => h.intro === first) ?? hits[0]!;
    const data: JsonObject = {
      repository: shown,
      path: p,
      line: firstHit.hit.line,
      column: firstHit.hit.column,
      name: firstHit.hit.name,
      context: firstHit.hit.context,
      ...commitFacts(first, all),
      inHead: hits.some((h) => head.has(h.blob)),
    };
    resources.push({
      type: 'file.history-secret-key',
      id: `${shown}@history:${p}#secret-access-key`,
      account: 'local',
      region: 'local',
      data,
      location: { path: locate(p), line: firstHit.hit.line, column: firstHit.hit.column },
    });
  }

  // Bedrock API keys: one finding per key, told apart by what is not secret in it (the long-term
  // key's credential name, the short-term key's signing key id and expiry), wherever it was committed.
  const byBedrockKey = new Map<string, Array<{ blob: string; hit: BedrockKeyHit }>>();
  for (const { blob, content } of found) {
    for (const hit of content.bedrockKeys) {
      const identity = [hit.keyKind, hit.ownerAccount, hit.serviceUserName, hit.keyIdMasked, hit.expiresAt].join('|');
      const list = byBedrockKey.get(identity);
      if (list) list.push({ blob, hit });
      else byBedrockKey.set(identity, [{ blob, hit }]);
    }
  }
  const seenBedrock = new Map<string, number>();
  for (const hits of byBedrockKey.values()) {
    const all = hits.flatMap((h) => intro(h.blob));
    const first = firstIntroduction(all);
    const firstHit = hits.find((h) => intro(h.blob).includes(first)) ?? hits[0]!;
    const { hit } = firstHit;
    const label = hit.serviceUserName ?? hit.keyIdMasked ?? first.path;
    const n = (seenBedrock.get(label) ?? 0) + 1;
    seenBedrock.set(label, n);
    const data: JsonObject = {
      repository: shown,
      path: first.path,
      ...bedrockKeyFields(hit),
      ...commitFacts(first, all),
      inHead: hits.some((h) => head.has(h.blob)),
    };
    resources.push({
      type: 'file.history-bedrock-api-key',
      id: `${shown}@history#bedrock-api-key:${label}${n === 1 ? '' : `#${n}`}`,
      account: hit.ownerAccount ?? 'local',
      region: 'local',
      data,
      location: { path: locate(first.path), line: hit.line, column: hit.column },
    });
  }

  const mb = (stats.bytes / 1e6).toFixed(1);
  notes.push(
    `git history of ${shown}: ${stats.commits} commit(s)${options.sinceCommit !== undefined ? ` after ${options.sinceCommit}` : ''}, ${stats.blobs} distinct blob(s), ${mb} MB read` +
      (options.allObjects ? `, ${stats.unreachable} blob(s) no ref reaches` : ''),
  );
  if (stats.placeholders)
    notes.push(`git history of ${shown}: ${stats.placeholders} documented example key id(s) or placeholder(s) not reported`);
  return { resources, gaps, notes, stats, keyIds };
}
