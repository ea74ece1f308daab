// Git repositories made at test time, with fixed authors and dates (keys are written into them
// at run time by the tests, never committed to this repository).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(file: string, body: string | Uint8Array): void;
  remove(file: string): void;
  /** Commit everything (added, changed, removed) at this date; returns the commit id. */
  commit(message: string, date?: string): string;
}

export function makeRepo(dir: string): TestRepo {
  let tick = 0;
  // One author, and no system or user git configuration to change what the commands do.
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.com',
    GIT_COMMITTER_NAME: 'Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env }).trim();
  git('init', '-q', '-b', 'main');
  return {
    dir,
    git,
    write(file, body) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), body);
    },
    remove(file) {
      rmSync(path.join(dir, file));
    },
    commit(message, date) {
      const when = date ?? new Date(Date.UTC(2026, 0, 1) + ++tick * 3_600_000).toISOString();
      git('add', '-A');
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
        cwd: dir,
        env: { ...env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
      });
      return git('rev-parse', 'HEAD');
    },
  };
}
