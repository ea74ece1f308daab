import path from 'node:path';
import type { CoverageGap, Resource } from '../snapshot/types.js';
import { showPath, type FsPath } from '../util/byte-paths.js';
import { RUN_TIMEOUT, type Deadline } from '../util/deadline.js';
import { UserError, errorMessage } from '../util/errors.js';
import type { JsonObject } from '../util/json.js';
import { accountFromKeyId, keyKindOf, keyPrefixOf, maskKeyId } from '../secrets/access-key-id.js';
import { analyzeBuildFile, type BuildFileKind } from './build-files.js';
import { nameLooksLikePrivateKey } from '../secrets/private-key.js';
import { ContentScanner, bedrockKeyFields, type ContentResult, type FileRead } from '../secrets/scan-content.js';
import { readFileSync, statSync } from 'node:fs';
import { nameText } from '../util/byte-paths.js';
import { isArchiveName, scanArchive } from './archives.js';

/** Archives larger than this on disk are not opened (a coverage gap). */
const MAX_ARCHIVE_BYTES = 256 << 20;
import { MAX_BATCH, ScanPool } from './scan-pool.js';
import { HISTORY_RESOURCE_TYPES, scanHistory, type HistoryOptions, type HistoryStats } from './git-history.js';
import { findRepositoryRoot } from './git-repository.js';
import { describeWalkError, normalizeRoots, walkFiles, type WalkStats, type WalkedFile } from './walk.js';

/** The resource types the file scanner produces (a scan of files "collects" all of them). */
export const FILE_RESOURCE_TYPES = ['file.access-key', 'file.bedrock-api-key', 'file.private-key', 'file.secret-key', 'file.text'] as const;

export interface FileScanOptions {
  /** Also scan files that .gitignore ignores. */
  includeIgnored?: boolean;
  /** Paths in resources are relative to this folder when inside it (default: the working directory). */
  cwd?: string;
  /** Worker threads that read and scan a large tree (default: one per core beyond the first, at most 4, none on 1-2 cores; 0: the main thread only). */
  workers?: number;
  /** Files scanned on the main thread before workers start (default 2000). */
  startWorkersAfter?: number;
  /** At most this many unreadable files are listed one by one as gaps (default 100); the rest are counted in one. */
  maxGaps?: number;
  /** When to stop (`--timeout`): what was scanned by then stands, the rest is a gap. */
  deadline?: Deadline | undefined;
  /** Also scan the git history of the repositories the roots are in (`--history`; see git-history.ts). */
  history?: Omit<HistoryOptions, 'deadline'> | undefined;
}

export interface FileScanStats extends WalkStats {
  files: number;
  bytes: number;
  binary: number;
  /** Binary files that look like text in another encoding (UTF-16, UTF-32): not scanned, so a coverage gap each. */
  wideText: number;
  unreadable: number;
  /** Documented example keys and placeholders seen and not reported. */
  placeholders: number;
  /** Worker threads the scan used (0: all on the main thread). */
  workers: number;
  /** Archives opened (.zip, .jar, .gz, .tgz, .tar), the members read in them, and what stopped or failed (each a coverage gap). */
  archives: number;
  archiveMembers: number;
  archiveProblems: number;
  /** What the history scan read, per repository (with --history). */
  history?: HistoryStats[];
}

export interface FileScan {
  roots: string[];
  /** The resource types this scan looked for (the history types only with --history): a rule over another type is "not checked". */
  resourceTypes: string[];
  resources: Resource[];
  gaps: CoverageGap[];
  stats: FileScanStats;
  /** Plain-language notes for the snapshot's meta (what was skipped and why). */
  notes: string[];
  /**
   * The full key id behind a file.access-key resource, for verification in this process only
   * (it is never written anywhere). Undefined for other resources.
   */
  keyIdOf: (resource: Resource) => string | undefined;
}

/** A path for resources and reports: relative to `cwd` when inside it, `/`-separated; bytes that are not UTF-8 shown as `\xNN`. */
export function displayFilePath(absPath: FsPath, cwd: string): string {
  const text = showPath(absPath);
  const rel = path.relative(cwd, text);
  if (rel === '') return '.';
  const shown = !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : text;
  return shown.split(path.sep).join('/');
}

/** `0664`-style octal of the permission bits. */
export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * Scan files and folders for AWS access keys and private keys. Usable alone (no AWS calls);
 * an account scan can then verify the keys it found with `verifyKeys`. Unreadable files and
 * folders become coverage gaps. Never stores a secret: key ids are masked in resources and
 * kept in full only in memory (`keyIdOf`); secret keys are only noted as present.
 */
export async function scanFiles(roots: readonly string[], options: FileScanOptions = {}): Promise<FileScan> {
  if (roots.length === 0) throw new UserError('--files needs at least one file or folder');
  const cwd = options.cwd ?? process.cwd();
  let normalized: Awaited<ReturnType<typeof normalizeRoots>>;
  try {
    normalized = await normalizeRoots(roots.map((r) => path.resolve(cwd, r)));
  } catch (error) {
    throw new UserError(`--files: ${errorMessage(error)}`, 'give existing files or folders');
  }
  const stats: FileScanStats = {
    files: 0,
    bytes: 0,
    binary: 0,
    wideText: 0,
    unreadable: 0,
    placeholders: 0,
    workers: 0,
    archives: 0,
    archiveMembers: 0,
    archiveProblems: 0,
    repositories: 0,
    directories: 0,
    ignored: 0,
    symlinks: 0,
    special: 0,
  };
  const gaps: CoverageGap[] = [];
  const maxGaps = options.maxGaps ?? 100;
  let listed = 0;
  const listGap = (absPath: FsPath, operation: 'list' | 'read', code: string, message: string) => {
    if (listed >= maxGaps) return;
    listed++;
    gaps.push({
      service: 'files',
      region: 'local',
      operation: `${operation} ${displayFilePath(absPath, cwd)}`,
      resourceTypes: [...FILE_RESOURCE_TYPES],
      errorCode: code,
      message,
    });
  };
  const addGap = (absPath: FsPath, operation: 'list' | 'read', error: unknown) => {
    stats.unreadable++;
    const { code, message } = describeWalkError(error);
    listGap(absPath, operation, code, message);
  };
  for (const { absPath, error } of normalized.unreadable) addGap(absPath, 'read', error);

  const keyIds = new WeakMap<Resource, string>();
  const resources: Resource[] = [];
  const batches = walkFiles(normalized.roots, { includeIgnored: options.includeIgnored ?? false, onError: addGap, stats });
  const pool = new ScanPool(options.workers, options.startWorkersAfter);

  /** Turn what a worker read into gaps and resources (on the main thread: git, key ids). */
  const consume = async (file: WalkedFile, kind: BuildFileKind | undefined, read: FileRead) => {
    const content = read.content;
    if (read.error || !content) {
      addGap(file.absPath, 'read', read.error ?? new Error('not read'));
      return;
    }
    if (content.wideText) {
      // It holds text this scan does not read: what it says was not checked.
      stats.wideText++;
      listGap(
        file.absPath,
        'read',
        'NotUtf8Text',
        `looks like ${content.wideText} text: not scanned (keys are searched for in UTF-8 and ASCII text); convert it to UTF-8 to scan it`,
      );
      return;
    }
    const filePath = displayFilePath(file.absPath, cwd);
    if (kind !== undefined && content.text !== undefined) resources.push(buildFileResource(filePath, kind, content.text));
    if (
      content.keyIds.length === 0 &&
      content.privateKeys.length === 0 &&
      content.secretKeys.length === 0 &&
      content.bedrockKeys.length === 0
    )
      return;
    addContent(filePath, file.absPath, content, await repositoryFacts(file), read.mode ?? 0);
  };

  const repositoryFacts = async (file: WalkedFile): Promise<RepositoryFacts> => {
    // Whether git tracks a path that is not valid UTF-8 cannot be told from its listing.
    const tracked = file.repository && typeof file.absPath === 'string' ? await file.repository.isTracked(file.absPath) : null;
    return { inRepository: file.repository !== null, gitIgnored: file.ignored, gitTracked: tracked };
  };

  /** Resources for what a file (or an archive's member, `filePath` then `archive!/member`) holds. */
  const addContent = (filePath: string, absPath: FsPath, content: ContentResult, repository: RepositoryFacts, mode: number) => {
    addKeyResources(filePath, content, repository, resources, keyIds);
    content.secretKeys.forEach((hit, i) =>
      resources.push({
        type: 'file.secret-key',
        // By occurrence in the file, not line, so the id stays when lines are added above it.
        id: i === 0 ? `${filePath}#secret-access-key` : `${filePath}#secret-access-key#${i + 1}`,
        account: 'local',
        region: 'local',
        data: { path: filePath, line: hit.line, column: hit.column, name: hit.name, context: hit.context, ...repository },
        location: { path: filePath, line: hit.line, column: hit.column },
      }),
    );
    content.bedrockKeys.forEach((hit, i) =>
      resources.push({
        type: 'file.bedrock-api-key',
        id: i === 0 ? `${filePath}#bedrock-api-key` : `${filePath}#bedrock-api-key#${i + 1}`,
        account: hit.ownerAccount ?? 'local',
        region: 'local',
        data: {
          path: filePath,
          ...bedrockKeyFields(hit),
          ...repository,
        },
        location: { path: filePath, line: hit.line, column: hit.column },
      }),
    );
    if (content.privateKeys.length) resources.push(privateKeyResource(filePath, absPath, mode, content, repository));
  };

  // Archives are opened on the main thread, one at a time (each bounded: see archives.ts); the
  // scanner (a megabyte and more of WebAssembly memory) is made only when there is one.
  let archiveScanner: ContentScanner | undefined;
  const scanArchiveFile = async (file: WalkedFile) => {
    const filePath = displayFilePath(file.absPath, cwd);
    let data: Buffer;
    try {
      const size = statSync(file.absPath).size;
      if (size > MAX_ARCHIVE_BYTES) {
        stats.files++;
        stats.archiveProblems++;
        listGap(file.absPath, 'read', 'ArchiveLimit', `an archive larger than ${MAX_ARCHIVE_BYTES >> 20} MiB: not opened`);
        return;
      }
      data = readFileSync(file.absPath);
    } catch (error) {
      addGap(file.absPath, 'read', error);
      return;
    }
    stats.files++;
    stats.archives++;
    stats.bytes += data.length;
    const scanned = await scanArchive(data, nameText(file.absPath), (archiveScanner ??= new ContentScanner()));
    stats.archiveMembers += scanned.entries;
    for (const problem of scanned.problems) {
      stats.archiveProblems++;
      listGap(file.absPath, 'read', problem.code, problem.message);
    }
    if (scanned.members.length === 0) return;
    const repository = await repositoryFacts(file);
    const mode = statSync(file.absPath).mode;
    for (const member of scanned.members) addContent(`${filePath}!/${member.path}`, file.absPath, member.content, repository, mode);
  };

  const handled: Array<Promise<void>> = [];
  const { deadline } = options;
  let stopped = false;
  try {
    walk: for await (const batch of batches) {
      for (let i = 0; i < batch.length; i += MAX_BATCH) {
        // The clock itself, not a timer: a walk of cached folders may not give timers a turn.
        if (deadline && Date.now() >= deadline.at) {
          stopped = true;
          break walk;
        }
        const slice = batch.slice(i, i + MAX_BATCH);
        const files = slice.filter((f) => !isArchiveName(nameText(f.absPath)));
        for (const f of slice) if (files.length !== slice.length && isArchiveName(nameText(f.absPath))) await scanArchiveFile(f);
        if (files.length === 0) continue;
        const { result } = await pool.submit(files.map((f) => f.absPath));
        const done = result.then(async (r) => {
          stats.files += r.files;
          stats.bytes += r.bytes;
          stats.binary += r.binary;
          stats.placeholders += r.placeholders;
          for (const { index, kind, read } of r.notable) await consume(files[index]!, kind, read);
        });
        // Awaited below with the others; until then a failure must not count as unhandled.
        done.catch(() => undefined);
        handled.push(done);
      }
    }
    await Promise.all(handled);
    stats.workers = pool.parallel;
  } finally {
    await pool.close();
  }

  const shownRoots = [
    ...normalized.roots.map((r) => displayFilePath(r.absPath, cwd)),
    ...normalized.unreadable.map((r) => displayFilePath(r.absPath, cwd)),
  ];
  if (stopped) {
    // What was handed to the scanner before the deadline was scanned; the rest was not read.
    if (stats.files === 0) {
      throw new UserError(
        `nothing could be read from --files ${shownRoots.join(' ')}: ${deadline!.flag} expired before any file was scanned`,
        'allow more time with --timeout',
      );
    }
    gaps.push({
      service: 'files',
      region: 'local',
      operation: `scan ${shownRoots.join(' ')}`,
      resourceTypes: [...FILE_RESOURCE_TYPES],
      errorCode: RUN_TIMEOUT,
      message: `stopped when ${deadline!.flag} expired: ${stats.files} file(s) were scanned, the rest were not read`,
    });
  }
  // Nothing at all could be read (an unreadable root, every file unreadable): the scan did not do its job.
  if (stats.files === 0 && stats.unreadable > 0) {
    const first = gaps[0];
    throw new UserError(
      `nothing could be read from --files ${shownRoots.join(' ')}: ${stats.unreadable} file(s) or folder(s) could not be read${first ? `, e.g. ${first.operation}: ${first.errorCode} — ${first.message}` : ''}`,
      'check the paths and their permissions (run as a user who can read them)',
    );
  }
  if (stats.unreadable + stats.wideText > gaps.length) {
    gaps.push({
      service: 'files',
      region: 'local',
      operation: 'read (more files)',
      resourceTypes: [...FILE_RESOURCE_TYPES],
      errorCode: 'Unreadable',
      message: `${stats.unreadable + stats.wideText - gaps.length} more file(s) or folder(s) could not be read or scanned`,
    });
  }
  // Every file was skipped (binary, ignored, links): no rule may call that clean.
  const skipped = skippedParts(stats);
  if (stats.files - stats.binary === 0 && stats.unreadable === 0 && skipped.length) {
    gaps.push({
      service: 'files',
      region: 'local',
      operation: `scan ${shownRoots.join(' ')}`,
      resourceTypes: [...FILE_RESOURCE_TYPES],
      errorCode: 'NothingScanned',
      message: `no text file was scanned: ${skipped.join('; ')}`,
    });
  }
  const notes = scanNotes(shownRoots, stats);
  const historyKeyIds = new Map<Resource, string>();
  if (options.history) {
    // The repositories the roots sit in, each once (a root inside a repository scans the whole repository's history).
    const repositories = new Set<string>();
    for (const root of normalized.roots) {
      const repo = await findRepositoryRoot(root.isDirectory ? root.absPath : path.dirname(root.absPath));
      if (repo) repositories.add(repo);
    }
    if (repositories.size === 0)
      throw new UserError(`--history: no git repository at or above ${shownRoots.join(' ')}`, 'name a folder inside a git work tree');
    stats.history = [];
    for (const repo of [...repositories].sort()) {
      const scanned = await scanHistory(repo, displayFilePath(repo, cwd), { ...options.history, deadline });
      resources.push(...scanned.resources);
      gaps.push(...scanned.gaps);
      notes.push(...scanned.notes);
      stats.history.push(scanned.stats);
      for (const [r, id] of scanned.keyIds) historyKeyIds.set(r, id);
    }
  } else if (stats.repositories) {
    notes.push(
      `files: the git history of ${stats.repositories} repository(ies) was not scanned (a key deleted in a later commit is still in every clone): add --history to scan it`,
    );
  }
  gaps.sort((a, b) => compareText(a.operation, b.operation));
  resources.sort(
    (a, b) =>
      compareText(a.location!.path, b.location!.path) ||
      (a.location!.line ?? 0) - (b.location!.line ?? 0) ||
      (a.location!.column ?? 0) - (b.location!.column ?? 0) ||
      compareText(a.type, b.type),
  );
  return {
    roots: shownRoots,
    resourceTypes: [...FILE_RESOURCE_TYPES, ...(options.history ? HISTORY_RESOURCE_TYPES : [])],
    resources,
    gaps,
    stats,
    notes,
    keyIdOf: (r) => keyIds.get(r) ?? historyKeyIds.get(r),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface RepositoryFacts {
  inRepository: boolean;
  gitIgnored: boolean;
  gitTracked: boolean | null;
}

function addKeyResources(
  filePath: string,
  content: ContentResult,
  repository: RepositoryFacts,
  out: Resource[],
  keyIds: WeakMap<Resource, string>,
): void {
  const seen = new Map<string, number>();
  for (const hit of content.keyIds) {
    const masked = maskKeyId(hit.keyId);
    // The id names the masked key and its occurrence in the file, not the line, so it (and the
    // finding's fingerprint) stays the same when lines are added above it.
    const n = (seen.get(masked) ?? 0) + 1;
    seen.set(masked, n);
    const ownerAccount = accountFromKeyId(hit.keyId);
    const data: JsonObject = {
      path: filePath,
      line: hit.line,
      column: hit.column,
      keyIdMasked: masked,
      keyPrefix: keyPrefixOf(hit.keyId) ?? hit.keyId.slice(0, 4),
      keyKind: keyKindOf(hit.keyId) ?? 'unknown',
      ownerAccount,
      context: hit.context,
      hasSecret: hit.secret !== null,
      secretContext: hit.secret?.context ?? null,
      secretLine: hit.secret?.line ?? null,
      ...repository,
      // Only when the key id was inside an encoded value (existing resources keep their data as it was).
      ...(hit.encoding ? { encoding: hit.encoding } : {}),
    };
    const resource: Resource = {
      type: 'file.access-key',
      id: n === 1 ? `${filePath}#${masked}` : `${filePath}#${masked}#${n}`,
      account: ownerAccount ?? 'local',
      region: 'local',
      data,
      location: { path: filePath, line: hit.line, column: hit.column },
    };
    keyIds.set(resource, hit.keyId);
    out.push(resource);
  }
}

function privateKeyResource(
  filePath: string,
  absPath: FsPath,
  mode: number,
  content: ContentResult,
  repository: RepositoryFacts,
): Resource {
  const fileName = path.basename(showPath(absPath));
  const first = content.privateKeys[0]!;
  const posix = process.platform !== 'win32';
  const data: JsonObject = {
    path: filePath,
    fileName,
    line: first.line,
    column: first.column,
    keyType: first.keyType,
    keyTypes: [...new Set(content.privateKeys.map((k) => k.keyType))],
    keyCount: content.privateKeys.length,
    encrypted: content.privateKeys.every((k) => k.encrypted === true)
      ? true
      : content.privateKeys.some((k) => k.encrypted === false)
        ? false
        : null,
    nameLooksLikeKey: nameLooksLikePrivateKey(fileName),
    // POSIX permission bits; Windows has no such bits (ACLs), so nothing is claimed there.
    mode: posix ? octalMode(mode) : null,
    groupOrOtherAccess: posix ? (mode & 0o077) !== 0 : null,
    ...repository,
  };
  return {
    type: 'file.private-key',
    id: filePath,
    account: 'local',
    region: 'local',
    data,
    location: { path: filePath, line: first.line, column: first.column },
  };
}

function buildFileResource(filePath: string, kind: BuildFileKind, text: string): Resource {
  const { devServers, accountIds } = analyzeBuildFile(kind, text);
  const first = devServers[0] ?? accountIds[0];
  const data: JsonObject = {
    path: filePath,
    fileName: path.posix.basename(filePath),
    fileKind: kind,
    devServers: devServers.map((d) => ({ ...d })),
    accountIds: accountIds.map((a) => ({ ...a })),
    distinctAccountIds: [...new Set(accountIds.map((a) => a.accountId))],
  };
  const location = first ? { path: filePath, line: first.line, column: first.column } : { path: filePath };
  return { type: 'file.text', id: filePath, account: 'local', region: 'local', data, location };
}

/** What a scan skipped, for its notes (and for the gap of a scan that skipped everything). */
function skippedParts(stats: FileScanStats): string[] {
  const skipped: string[] = [];
  if (stats.ignored) skipped.push(`${stats.ignored} ignored by .gitignore (scan them with --include-ignored)`);
  if (stats.binary - stats.wideText) skipped.push(`${stats.binary - stats.wideText} binary`);
  if (stats.wideText) skipped.push(`${stats.wideText} in a text encoding other than UTF-8 (see coverage gaps)`);
  if (stats.symlinks) skipped.push(`${stats.symlinks} symbolic link(s) not followed`);
  if (stats.special) skipped.push(`${stats.special} special file(s)`);
  return skipped;
}

function scanNotes(roots: string[], stats: FileScanStats): string[] {
  const mb = (stats.bytes / 1e6).toFixed(1);
  const notes = [
    `files: scanned ${stats.files - stats.binary} text file(s), ${mb} MB read, in ${stats.directories} folder(s) under ${roots.join(', ')}`,
  ];
  const skipped = skippedParts(stats);
  if (stats.unreadable) skipped.push(`${stats.unreadable} unreadable (see coverage gaps)`);
  if (skipped.length) notes.push(`files skipped: ${skipped.join('; ')}`);
  if (stats.placeholders) notes.push(`files: ${stats.placeholders} documented example key id(s) or placeholder(s) not reported`);
  if (stats.archives)
    notes.push(
      `files: opened ${stats.archives} archive(s), ${stats.archiveMembers} member(s) read` +
        (stats.archiveProblems ? `; ${stats.archiveProblems} could not be read whole (see coverage gaps)` : ''),
    );
  return notes;
}
