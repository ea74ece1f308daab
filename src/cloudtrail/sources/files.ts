import type { Dirent } from 'node:fs';
import { lstat, open, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareNames, joinName, nameText, pathKey, showPath, type FsPath } from '../../util/byte-paths.js';
import { UserError, errorMessage } from '../../util/errors.js';
import { displayPath } from '../../util/paths.js';
import type { EventSource, SourceContext } from '../pipeline.js';

/** Files in a folder that are read as CloudTrail logs (a file named on the command line is read whatever its name). */
const LOG_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;

/**
 * Files up to this size are read whole and parsed in one piece by a worker; larger ones are
 * streamed (gunzip + split here, parse in workers), so memory does not grow with file size.
 */
export const WHOLE_FILE_MAX_BYTES = 16 * 1024 * 1024;

/** A place that could not be listed or is not a file to read (a FIFO would block, a device may never end). */
export interface UnreadablePlace {
  path: FsPath;
  errorCode: string;
  message: string;
}

export interface LogFiles {
  files: FsPath[];
  unreadable: UnreadablePlace[];
}

/** The label of a path in gaps and notes: relative to the working folder when shorter, bad bytes shown as \xNN. */
export function labelOf(p: FsPath): string {
  return displayPath(typeof p === 'string' ? path.resolve(p) : showPath(p));
}

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'Unreadable';
}

const NOT_A_FILE = 'not a regular file or folder (a FIFO, socket or device): not read';

/**
 * Every log file under a path, recursively, in a stable order (names compared as bytes). Names
 * are read as bytes, so a name that is not valid UTF-8 is still read. A folder that cannot be
 * listed, and a FIFO, socket or device, are unreadable places (gaps), never a crash; a path that
 * does not exist is a mistake in the command.
 */
export async function listLogFiles(target: string): Promise<LogFiles> {
  const root = path.resolve(target);
  const out: LogFiles = { files: [], unreadable: [] };
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT' || errorCodeOf(error) === 'ENOTDIR') {
      throw new UserError(
        `--cloudtrail ${target}: ${errorMessage(error)}`,
        'give a CloudTrail log file or folder, s3://bucket/prefix, or api',
      );
    }
    out.unreadable.push({ path: root, errorCode: errorCodeOf(error), message: errorMessage(error) });
    return out;
  }
  if (info.isFile()) out.files.push(root);
  else if (!info.isDirectory()) out.unreadable.push({ path: root, errorCode: 'NotAFile', message: NOT_A_FILE });
  else await walk(root, out);
  return out;
}

async function walk(dir: FsPath, out: LogFiles): Promise<void> {
  let entries: Array<Dirent<Buffer>>;
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    out.unreadable.push({ path: dir, errorCode: errorCodeOf(error), message: errorMessage(error) });
    return;
  }
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const entry of entries) {
    const full = joinName(dir, entry.name);
    let kind: 'file' | 'directory' | 'symlink' | 'special' = entry.isFile()
      ? 'file'
      : entry.isDirectory()
        ? 'directory'
        : entry.isSymbolicLink()
          ? 'symlink'
          : 'special';
    if (kind === 'special' && !(entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice())) {
      // Some file systems do not say the type in the listing.
      try {
        const info = await lstat(full);
        kind = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'symlink' : 'special';
      } catch (error) {
        out.unreadable.push({ path: full, errorCode: errorCodeOf(error), message: errorMessage(error) });
        continue;
      }
    }
    if (kind === 'directory') await walk(full, out);
    else if (!LOG_FILE.test(nameText(entry.name))) continue;
    else if (kind === 'file') out.files.push(full);
    else if (kind === 'special') out.unreadable.push({ path: full, errorCode: 'NotAFile', message: NOT_A_FILE });
    // Symbolic links are not followed (no loops; a target inside the folder is read at its own place).
  }
}

/** Local CloudTrail log files and folders (`.json`, `.json.gz`; Records objects, arrays or JSON lines). */
export function fileSource(paths: readonly string[], options: { wholeFileMaxBytes?: number } = {}): EventSource {
  const wholeMax = options.wholeFileMaxBytes ?? WHOLE_FILE_MAX_BYTES;
  return {
    description: `files: ${paths.map((p) => displayPath(path.resolve(p))).join(', ')}`,
    region: 'local',
    async run(ctx: SourceContext) {
      const lists = await Promise.all(paths.map((p) => listLogFiles(p)));
      for (const place of lists.flatMap((l) => l.unreadable))
        ctx.gap({ region: 'local', operation: labelOf(place.path), errorCode: place.errorCode, message: place.message });
      const seen = new Set<string>();
      const files = lists.flatMap((l) => l.files).filter((f) => (seen.has(pathKey(f)) ? false : (seen.add(pathKey(f)), true)));
      if (files.length === 0 && lists.every((l) => l.unreadable.length === 0))
        ctx.note(`no CloudTrail log files (.json, .json.gz) under ${paths.join(', ')}`);
      for (const file of files) {
        const label = labelOf(file);
        let size: number;
        try {
          const info = await stat(file);
          // Named on the command line through a symbolic link, or replaced since it was listed.
          if (!info.isFile()) {
            ctx.gap({ region: 'local', operation: label, errorCode: 'NotAFile', message: NOT_A_FILE });
            continue;
          }
          size = info.size;
        } catch (error) {
          ctx.gap({ region: 'local', operation: label, errorCode: errorCodeOf(error), message: errorMessage(error) });
          continue;
        }
        if (size > wholeMax) {
          // Opened first, so that a file that cannot be opened is a gap like any other.
          let handle;
          try {
            handle = await open(file, 'r');
          } catch (error) {
            ctx.gap({ region: 'local', operation: label, errorCode: errorCodeOf(error), message: errorMessage(error) });
            continue;
          }
          await ctx.stream(handle.createReadStream(), label, 'local');
          continue;
        }
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (error) {
          ctx.gap({ region: 'local', operation: label, errorCode: errorCodeOf(error), message: errorMessage(error) });
          continue;
        }
        await ctx.dispatch({
          kind: 'bytes',
          label,
          bytes,
          region: 'local',
          reopen: async () => (await open(file, 'r')).createReadStream(),
        });
      }
    },
  };
}
