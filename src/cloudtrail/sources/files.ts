import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
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

/** Every log file under a path, recursively, in a stable order. */
export async function listLogFiles(target: string): Promise<string[]> {
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    throw new UserError(`--cloudtrail ${target}: ${errorMessage(error)}`, 'give a CloudTrail log file or folder, s3://bucket/prefix, or api');
  }
  if (info.isFile()) return [target];
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && LOG_FILE.test(entry.name)) out.push(full);
    }
  };
  await walk(target);
  return out;
}

/** Local CloudTrail log files and folders (`.json`, `.json.gz`; Records objects, arrays or JSON lines). */
export function fileSource(paths: readonly string[], options: { wholeFileMaxBytes?: number } = {}): EventSource {
  const wholeMax = options.wholeFileMaxBytes ?? WHOLE_FILE_MAX_BYTES;
  return {
    description: `files: ${paths.map((p) => displayPath(path.resolve(p))).join(', ')}`,
    async run(ctx: SourceContext) {
      const lists = await Promise.all(paths.map((p) => listLogFiles(p)));
      const files = [...new Set(lists.flat())];
      if (files.length === 0) ctx.note(`no CloudTrail log files (.json, .json.gz) under ${paths.join(', ')}`);
      for (const file of files) {
        const label = displayPath(path.resolve(file));
        let size: number;
        try {
          size = (await stat(file)).size;
        } catch (error) {
          ctx.gap({ region: 'local', operation: label, errorCode: 'Unreadable', message: errorMessage(error) });
          continue;
        }
        if (size > wholeMax) {
          await ctx.stream(createReadStream(file), label, 'local');
          continue;
        }
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (error) {
          ctx.gap({ region: 'local', operation: label, errorCode: 'Unreadable', message: errorMessage(error) });
          continue;
        }
        await ctx.dispatch({ kind: 'bytes', label, bytes, region: 'local', reopen: async () => createReadStream(file) });
      }
    },
  };
}
