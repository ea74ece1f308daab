import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** A git work tree met while walking. */
export class Repository {
  private trackedPromise: Promise<ReadonlySet<string> | null> | undefined;
  private trackedDirsCache: Set<string> | undefined;

  constructor(readonly root: string) {}

  /** Paths (relative, `/`-separated) that git tracks; null when git is not available or refuses the repository. */
  tracked(): Promise<ReadonlySet<string> | null> {
    this.trackedPromise ??= listTracked(this.root);
    return this.trackedPromise;
  }

  /** Does git track this file? null when that cannot be told. */
  async isTracked(absPath: string): Promise<boolean | null> {
    const tracked = await this.tracked();
    return tracked ? tracked.has(this.relative(absPath)) : null;
  }

  /** Does git track any file under this directory (force-added files inside an ignored folder)? */
  async tracksUnder(absDir: string): Promise<boolean> {
    const tracked = await this.tracked();
    if (!tracked) return false;
    if (!this.trackedDirsCache) {
      this.trackedDirsCache = new Set();
      for (const file of tracked) {
        for (let dir = path.posix.dirname(file); dir !== '.' && !this.trackedDirsCache.has(dir); dir = path.posix.dirname(dir))
          this.trackedDirsCache.add(dir);
      }
    }
    return this.trackedDirsCache.has(this.relative(absDir));
  }

  relative(absPath: string): string {
    return path.relative(this.root, absPath).split(path.sep).join('/');
  }
}

function listTracked(root: string): Promise<ReadonlySet<string> | null> {
  return new Promise((resolve) => {
    // The repository being scanned is untrusted: its config could name an fsmonitor
    // command that git would run. Turn that off, and take no locks (read-only).
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', '-c', 'core.untrackedCache=false', '-C', root, 'ls-files', '-z'],
      { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' }, windowsHide: true },
      (error, stdout) => {
        if (error) return resolve(null);
        resolve(new Set(stdout.split('\0').filter(Boolean)));
      },
    );
  });
}

/** The work tree that contains `dir` (a folder holding `.git`, itself or above), or null. */
export async function findRepositoryRoot(dir: string): Promise<string | null> {
  for (let current = dir; ;) {
    try {
      await stat(path.join(current, '.git'));
      return current;
    } catch {
      // not here
    }
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** One .gitignore (or .git/info/exclude): patterns relative to `base`. */
export interface IgnoreFile {
  base: string;
  rules: Ignore;
}

export function parseIgnoreFile(base: string, text: string): IgnoreFile {
  return { base, rules: ignore().add(text) };
}

/**
 * Is the path ignored by these ignore files (outermost first)? As in git, the deepest file with
 * a matching pattern decides, and a later `!pattern` can re-include.
 */
export function isIgnored(files: readonly IgnoreFile[], absPath: string, isDirectory: boolean): boolean {
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i]!;
    const rel = path.relative(file.base, absPath).split(path.sep).join('/');
    if (rel === '' || rel.startsWith('../')) continue;
    const verdict = file.rules.test(isDirectory ? `${rel}/` : rel);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}
