import type { Dirent } from 'node:fs';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { joinName, nameText, type FsPath } from '../util/byte-paths.js';
import { errorMessage } from '../util/errors.js';
import { Repository, findRepositoryRoot, isIgnored, parseIgnoreFile, type IgnoreFile } from './git-repository.js';

export interface WalkedFile {
  /** A string, or the bytes of a path whose names are not all valid UTF-8 (see byte-paths.ts). */
  absPath: FsPath;
  /** The git work tree the file sits in, if any. */
  repository: Repository | null;
  /** Ignored by .gitignore (only walked with includeIgnored). */
  ignored: boolean;
}

export interface WalkStats {
  directories: number;
  /** Files and folders left out because .gitignore ignores them. */
  ignored: number;
  /** Symbolic links not followed (their targets inside the roots are walked where they are). */
  symlinks: number;
  /** FIFOs, sockets, devices: never opened (reading a FIFO would block). */
  special: number;
  /** Git work trees met (their `.git` folders are not walked: `--history` reads what they hold). */
  repositories: number;
}

export interface WalkOptions {
  includeIgnored: boolean;
  /** A folder that could not be listed. */
  onError(absPath: FsPath, operation: 'list' | 'read', error: unknown): void;
  stats: WalkStats;
}

interface Folder {
  absPath: FsPath;
  repository: Repository | null;
  ignoreFiles: readonly IgnoreFile[];
  /** Inside an ignored folder: only files git tracks anyway are walked (unless includeIgnored). */
  ignored: boolean;
  /**
   * Inside a folder named on the command line that its repository ignores: it was asked for, so
   * it is walked; what is inside is skipped only when a pattern ignores it there (`*.log`; see
   * rebasedIgnoreFiles), though git ignores all of it (the flag `ignored` still says so).
   */
  explicit: boolean;
}

export interface Roots {
  roots: Array<{ absPath: string; isDirectory: boolean }>;
  /** Roots that exist but cannot be read, or are not files or folders (a FIFO would block, a device may never end). */
  unreadable: Array<{ absPath: string; error: unknown }>;
}

/**
 * Roots as real paths, without roots that sit inside another root (they would be walked twice).
 * A root that does not exist throws (a mistake in the command); one that cannot be read, or is
 * not a regular file or folder, is returned as unreadable (a coverage gap).
 */
export async function normalizeRoots(roots: readonly string[]): Promise<Roots> {
  const out: Roots['roots'] = [];
  const unreadable: Roots['unreadable'] = [];
  for (const root of roots) {
    const resolved = path.resolve(root);
    let absPath: string;
    let info;
    try {
      absPath = await realpath(resolved);
      info = await stat(absPath);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw error;
      unreadable.push({ absPath: resolved, error });
      continue;
    }
    if (!info.isFile() && !info.isDirectory()) {
      unreadable.push({
        absPath,
        error: Object.assign(new Error('not a regular file or folder (a FIFO, socket or device): not read'), { code: 'NotAFile' }),
      });
      continue;
    }
    out.push({ absPath, isDirectory: info.isDirectory() });
  }
  const within = (child: string, parent: string) => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
  const unique = [...new Map(out.map((r) => [r.absPath, r])).values()];
  return {
    roots: unique
      .filter((r) => !unique.some((o) => o.isDirectory && within(r.absPath, o.absPath)))
      .sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0)),
    unreadable,
  };
}

function readIgnoreFile(base: string, file: string): IgnoreFile | undefined {
  try {
    return parseIgnoreFile(base, readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * For a folder named on the command line that its repository ignores: the patterns of the
 * ignore files above it that can match what is inside it on its own (`*.log`, `node_modules/`:
 * patterns without a slash but a trailing one), based at the folder. The folder itself was asked
 * for, so the pattern that ignores it (or a parent) does not apply inside it; a pattern anchored
 * to a folder above (`docs/*.md`) cannot be carried over, and is left out (so more is scanned,
 * never less).
 */
function rebasedIgnoreFiles(repoRoot: string, dir: string): IgnoreFile[] {
  const sources = [path.join(repoRoot, '.git', 'info', 'exclude')];
  const rel = path.relative(repoRoot, dir);
  const parts = rel === '' ? [] : rel.split(path.sep);
  for (let i = 0; i < parts.length; i++) sources.push(path.join(repoRoot, ...parts.slice(0, i), '.gitignore'));
  const kept: string[] = [];
  for (const file of sources) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split(/\r?\n/)) {
      const pattern = line.trim();
      if (!pattern || pattern.startsWith('#')) continue;
      const body = (pattern.startsWith('!') ? pattern.slice(1) : pattern).replace(/\/$/, '');
      if (!body.includes('/')) kept.push(pattern);
    }
  }
  return kept.length ? [parseIgnoreFile(dir, kept.join('\n'))] : [];
}

/**
 * The ignore files that apply inside `dir`, from its work tree's root down to `dir` (its own
 * .gitignore only with `includeOwn`: the walk reads that one when it lists the folder).
 */
function ignoreFilesAbove(repoRoot: string, dir: string, includeOwn: boolean): IgnoreFile[] {
  const files: IgnoreFile[] = [];
  const exclude = readIgnoreFile(repoRoot, path.join(repoRoot, '.git', 'info', 'exclude'));
  if (exclude) files.push(exclude);
  const rel = path.relative(repoRoot, dir);
  const parts = rel === '' ? [] : rel.split(path.sep);
  for (let i = 0; i < parts.length + (includeOwn ? 1 : 0); i++) {
    const base = path.join(repoRoot, ...parts.slice(0, i));
    const file = readIgnoreFile(base, path.join(base, '.gitignore'));
    if (file) files.push(file);
  }
  return files;
}

type EntryKind = 'file' | 'directory' | 'symlink' | 'special';

type Entry = Dirent<string> | Dirent<Buffer>;

/**
 * A folder's entries, names as text when every one is valid UTF-8 (nearly always), else as
 * bytes (see byte-paths.ts). Listing as text costs about half of listing as bytes and joining
 * (measured on bench/files' tree: 12 against 30 ms for 20,000 files). A name that is not valid
 * UTF-8 reads as text with U+FFFD in place of its bad bytes, so a listing holding U+FFFD is made
 * again as bytes (a valid name with U+FFFD in it costs that second listing too, nothing more).
 */
function listFolder(absPath: FsPath): Entry[] {
  if (typeof absPath === 'string') {
    const entries = readdirSync(absPath, { withFileTypes: true });
    if (!entries.some((e) => e.name.includes('\uFFFD'))) return entries;
  }
  return readdirSync(absPath, { withFileTypes: true, encoding: 'buffer' });
}

/** The entry's path in `dir`: as text when its name is (a valid UTF-8 name in a text folder), else as bytes. */
function entryPath(dir: FsPath, name: string | Buffer): FsPath {
  if (typeof name === 'string' && typeof dir === 'string') return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
  return joinName(dir, typeof name === 'string' ? Buffer.from(name) : name);
}

const isName = (name: string | Buffer, text: string) => (typeof name === 'string' ? name === text : name.equals(Buffer.from(text)));

function kindOf(entry: Entry): EntryKind | undefined {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice()) return 'special';
  return undefined;
}

/** Some file systems do not report the type in the directory listing. */
function kindFromStat(absPath: FsPath): EntryKind {
  const info = lstatSync(absPath);
  return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'symlink' : 'special';
}

/**
 * Every file under the roots, depth first, in batches (one per folder: cheaper to hand out
 * than one file at a time). Folders are listed synchronously, like files are read (see
 * scan-content.ts); the scan yields to the event loop between batches and files. Inside a git work tree, .gitignore (and
 * .git/info/exclude) decide as git would, except that files git tracks are always walked.
 * `.git` folders are skipped. Symbolic links are not followed: a target inside the roots is
 * walked at its own place, a target outside them is out of scope; so there are no loops.
 */
export async function* walkFiles(
  roots: ReadonlyArray<{ absPath: string; isDirectory: boolean }>,
  options: WalkOptions,
): AsyncGenerator<WalkedFile[]> {
  const { stats } = options;
  for (const root of roots) {
    const dir = root.isDirectory ? root.absPath : path.dirname(root.absPath);
    const repoRoot = await findRepositoryRoot(dir);
    const repository = repoRoot ? new Repository(repoRoot) : null;
    const ignoreFiles = repoRoot ? ignoreFilesAbove(repoRoot, dir, !root.isDirectory) : [];
    if (!root.isDirectory) {
      // A file named on the command line is scanned even if ignored; the flag is kept for rules.
      yield [{ absPath: root.absPath, repository, ignored: ignoreFiles.length > 0 && isIgnored(ignoreFiles, root.absPath, false) }];
      continue;
    }
    // A folder named on the command line is walked even if its repository ignores it (the flag is kept for rules).
    const rootIgnored =
      repoRoot !== null && ignoreFiles.length > 0 && root.absPath !== repoRoot && isIgnored(ignoreFiles, root.absPath, true);
    const stack: Folder[] = [
      {
        absPath: root.absPath,
        repository,
        ignoreFiles: rootIgnored ? rebasedIgnoreFiles(repoRoot, root.absPath) : ignoreFiles,
        ignored: rootIgnored,
        explicit: rootIgnored,
      },
    ];
    while (stack.length) {
      const folder = stack.pop()!;
      let entries: Entry[];
      try {
        // Names as bytes when one is not valid UTF-8: it is still a file to read (see byte-paths.ts).
        entries = listFolder(folder.absPath);
      } catch (error) {
        options.onError(folder.absPath, 'list', error);
        continue;
      }
      stats.directories++;
      let { repository: repo, ignoreFiles: ignores } = folder;
      let hasGit = false;
      let hasGitignore = false;
      for (const entry of entries) {
        if (isName(entry.name, '.git')) hasGit = (stats.repositories++, true);
        else if (isName(entry.name, '.gitignore')) hasGitignore = true;
      }
      // git metadata is read in folders whose path is text (a repository under a name that is not UTF-8 is walked as plain folders).
      const folderText = typeof folder.absPath === 'string' ? folder.absPath : undefined;
      let explicit = folder.explicit;
      if (hasGit && folderText !== undefined && repo?.root !== folderText) {
        // A nested work tree: its own ignore files apply inside it, not its parent's.
        repo = new Repository(folderText);
        const exclude = readIgnoreFile(folderText, path.join(folderText, '.git', 'info', 'exclude'));
        ignores = exclude ? [exclude] : [];
        explicit = false;
      }
      if (repo && hasGitignore && folderText !== undefined) {
        const file = readIgnoreFile(folderText, path.join(folderText, '.gitignore'));
        if (file) ignores = [...ignores, file];
      }
      const subfolders: Folder[] = [];
      const batch: WalkedFile[] = [];
      for (const entry of entries) {
        if (isName(entry.name, '.git')) continue;
        const absPath = entryPath(folder.absPath, entry.name);
        const text = nameText(absPath);
        let kind = kindOf(entry);
        if (kind === undefined) {
          try {
            kind = kindFromStat(absPath);
          } catch (error) {
            options.onError(absPath, 'read', error);
            continue;
          }
        }
        if (kind === 'symlink') {
          stats.symlinks++;
          continue;
        }
        if (kind === 'special') {
          stats.special++;
          continue;
        }
        const isDirectory = kind === 'directory';
        const matched = repo !== null && ignores.length > 0 && isIgnored(ignores, text, isDirectory);
        let ignored = folder.ignored || matched;
        if ((explicit ? matched : ignored) && !options.includeIgnored) {
          // Tracked files are never ignored by git, even inside an ignored folder (git add -f).
          // Whether git tracks a path that is not valid UTF-8 cannot be told from its listing: no.
          const keep =
            repo !== null &&
            (isDirectory ? await repo.tracksUnder(text) : typeof absPath === 'string' && (await repo.isTracked(absPath)) === true);
          if (!keep) {
            stats.ignored++;
            continue;
          }
          if (!isDirectory) ignored = false;
        }
        if (isDirectory) subfolders.push({ absPath, repository: repo, ignoreFiles: ignores, ignored, explicit });
        else batch.push({ absPath, repository: repo, ignored });
      }
      if (batch.length) yield batch;
      // Depth first, in name order.
      for (let i = subfolders.length - 1; i >= 0; i--) stack.push(subfolders[i]!);
    }
  }
}

/** Code and message of an error, or of the `{ code, message }` a worker thread sent back. */
export function describeWalkError(error: unknown): { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return { code: typeof code === 'string' ? code : 'Error', message: typeof message === 'string' ? message : errorMessage(error) };
}
