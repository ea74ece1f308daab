import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { mkdir, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UserError, errorMessage } from '../util/errors.js';
import { displayPath } from '../util/paths.js';

/**
 * Writing reports and snapshots so that a reader only ever sees the previous file or the new
 * one, whole: the bytes go to a temporary file in the same folder, are flushed to disk, and the
 * temporary file is renamed over the target (a rename within one file system is atomic). A
 * full disk, a signal or a crash part-way leaves the previous file as it was, so the next
 * `--baseline` run still reads last night's report.
 *
 * Hand-written rather than npm's write-file-atomic: that package is not a dependency, and the
 * signal handling it brings (signal-exit) would compete with the CLI's own, which must also
 * set the exit code.
 */

/** Temporary files being written now: the CLI's signal handler removes them before exiting. */
const pending = new Set<string>();

/** Remove the temporary files of writes still under way (synchronous: called from a signal handler just before exit). */
export function removeUnfinishedWrites(): void {
  for (const file of pending) {
    try {
      unlinkSync(file);
    } catch {
      // already renamed into place or never created: nothing to remove
    }
  }
  pending.clear();
}

/**
 * Replace `file` with `data`, atomically. A failure is a UserError that names the file and
 * says the previous one is unchanged. A symbolic link is followed (the file it names is
 * replaced, the link stays); the replaced file's mode (and owner, when running as root) is
 * kept, so a report made private stays private. A target that is not a regular file (a
 * device such as /dev/stdout, a FIFO) cannot be renamed over and is written in place.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const resolved = path.resolve(file);
  const label = displayPath(resolved);
  let replaces = false;
  try {
    await mkdir(path.dirname(resolved), { recursive: true });
    const existing = await currentFile(resolved);
    if (existing && !existing.regular) {
      await writeInPlace(existing.path, data);
      return;
    }
    replaces = existing !== undefined;
    await replace(existing?.path ?? resolved, data, existing);
  } catch (error) {
    throw new UserError(`cannot write ${label}: ${describeFsError(error)}${replaces ? ' (the previous file is unchanged)' : ''}`);
  }
}

interface ExistingFile {
  /** The file itself, symbolic links resolved. */
  path: string;
  regular: boolean;
  mode: number;
  uid: number;
  gid: number;
}

async function currentFile(resolved: string): Promise<ExistingFile | undefined> {
  try {
    const real = await realpath(resolved);
    const st = await stat(real);
    return { path: real, regular: st.isFile(), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function replace(target: string, data: string | Uint8Array, existing: ExistingFile | undefined): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  pending.add(temp);
  try {
    handle = await open(temp, 'wx', existing?.mode ?? 0o666);
    if (existing) {
      // open() applies the umask; set the replaced file's mode (and owner) exactly.
      await handle.chmod(existing.mode);
      if (process.getuid?.() === 0 && (existing.uid !== 0 || existing.gid !== 0)) await handle.chown(existing.uid, existing.gid);
    }
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
    pending.delete(temp);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    pending.delete(temp);
    throw error;
  }
  // Make the rename itself durable; a folder that cannot be opened or synced (some file systems) changes nothing above.
  const dir = await open(path.dirname(target), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close().catch(() => undefined);
}

async function writeInPlace(target: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(target, 'w');
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

const FS_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'name too long',
  EIO: 'input/output error',
};

/** "no space left on device" rather than "ENOSPC: no space left on device, write". */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && FS_ERRORS[code]) return FS_ERRORS[code];
  return errorMessage(error);
}
