import type { Dirent } from 'node:fs';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../util/errors.js';
import { Repository, findRepositoryRoot, isIgnored, parseIgnoreFile, type IgnoreFile } from './git-repository.js';

export interface WalkedFile {
  absPath: string;
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
}

export interface WalkOptions {
  includeIgnored: boolean;
  /** A folder that could not be listed. */
  onError(absPath: string, operation: 'list' | 'read', error: unknown): void;
  stats: WalkStats;
}

interface Folder {
  absPath: string;
  repository: Repository | null;
  ignoreFiles: readonly IgnoreFile[];
  /** Inside an ignored folder: only files git tracks anyway are walked (unless includeIgnored). */
  ignored: boolean;
}

/** Roots as real paths, without roots that sit inside another root (they would be walked twice). */
export async function normalizeRoots(roots: readonly string[]): Promise<Array<{ absPath: string; isDirectory: boolean }>> {
  const out: Array<{ absPath: string; isDirectory: boolean }> = [];
  for (const root of roots) {
    const absPath = await realpath(path.resolve(root));
    const info = await stat(absPath);
    if (!info.isFile() && !info.isDirectory()) throw Object.assign(new Error(`${root} is neither a file nor a folder`), { code: 'ENOTREGULAR' });
    out.push({ absPath, isDirectory: info.isDirectory() });
  }
  const within = (child: string, parent: string) => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
  const unique = [...new Map(out.map((r) => [r.absPath, r])).values()];
  return unique
    .filter((r) => !unique.some((o) => o.isDirectory && within(r.absPath, o.absPath)))
    .sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
}

function readIgnoreFile(base: string, file: string): IgnoreFile | undefined {
  try {
    return parseIgnoreFile(base, readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The ignore files that apply inside `dir`, from its work tree's root down to `dir` (its own
 * .gitignore only with `includeOwn`: the walk reads that one when it lists the folder).
 */
async function ignoreFilesAbove(repoRoot: string, dir: string, includeOwn: boolean): Promise<IgnoreFile[]> {
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

function kindOf(entry: Dirent): EntryKind | undefined {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice()) return 'special';
  return undefined;
}

/** Some file systems do not report the type in the directory listing. */
function kindFromStat(absPath: string): EntryKind {
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
export async function* walkFiles(roots: ReadonlyArray<{ absPath: string; isDirectory: boolean }>, options: WalkOptions): AsyncGenerator<WalkedFile[]> {
  const { stats } = options;
  for (const root of roots) {
    const dir = root.isDirectory ? root.absPath : path.dirname(root.absPath);
    const repoRoot = await findRepositoryRoot(dir);
    const repository = repoRoot ? new Repository(repoRoot) : null;
    const ignoreFiles = repoRoot ? await ignoreFilesAbove(repoRoot, dir, !root.isDirectory) : [];
    if (!root.isDirectory) {
      // A file named on the command line is scanned even if ignored; the flag is kept for rules.
      yield [{ absPath: root.absPath, repository, ignored: ignoreFiles.length > 0 && isIgnored(ignoreFiles, root.absPath, false) }];
      continue;
    }
    const stack: Folder[] = [{ absPath: root.absPath, repository, ignoreFiles, ignored: false }];
    while (stack.length) {
      const folder = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(folder.absPath, { withFileTypes: true });
      } catch (error) {
        options.onError(folder.absPath, 'list', error);
        continue;
      }
      stats.directories++;
      let { repository: repo, ignoreFiles: ignores } = folder;
      let hasGit = false;
      let hasGitignore = false;
      for (const entry of entries) {
        if (entry.name === '.git') hasGit = true;
        else if (entry.name === '.gitignore') hasGitignore = true;
      }
      if (hasGit && repo?.root !== folder.absPath) {
        // A nested work tree: its own ignore files apply inside it, not its parent's.
        repo = new Repository(folder.absPath);
        const exclude = readIgnoreFile(folder.absPath, path.join(folder.absPath, '.git', 'info', 'exclude'));
        ignores = exclude ? [exclude] : [];
      }
      if (repo && hasGitignore) {
        const file = readIgnoreFile(folder.absPath, path.join(folder.absPath, '.gitignore'));
        if (file) ignores = [...ignores, file];
      }
      const subfolders: Folder[] = [];
      const batch: WalkedFile[] = [];
      // Names from a listing are single path segments: joining is concatenating (path.join would normalize each).
      const prefix = folder.absPath.endsWith(path.sep) ? folder.absPath : folder.absPath + path.sep;
      for (const entry of entries) {
        if (entry.name === '.git') continue;
        const absPath = prefix + entry.name;
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
        let ignored = folder.ignored || (repo !== null && ignores.length > 0 && isIgnored(ignores, absPath, isDirectory));
        if (ignored && !options.includeIgnored) {
          // Tracked files are never ignored by git, even inside an ignored folder (git add -f).
          const keep = repo !== null && (isDirectory ? await repo.tracksUnder(absPath) : (await repo.isTracked(absPath)) === true);
          if (!keep) {
            stats.ignored++;
            continue;
          }
          if (!isDirectory) ignored = false;
        }
        if (isDirectory) subfolders.push({ absPath, repository: repo, ignoreFiles: ignores, ignored });
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
