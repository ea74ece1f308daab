/**
 * Archives opened by the file scan: `.zip` (and `.jar`, `.war`, `.ear`), `.gz`, `.tgz`/`.tar.gz`
 * and `.tar`, nested up to two levels (a zip inside a tar), every member scanned like a file.
 *
 * Bounded against archive bombs: the bytes inflated for one archive on disk (all levels), the
 * ratio of inflated to compressed bytes, the number of members and the size of one member.
 * Inflation is streamed (fflate) and stopped the moment a bound is passed, whatever sizes the
 * archive declares. What could not be opened or read whole is a coverage gap, never "passed".
 *
 * Tar is parsed here (512-byte headers, ustar prefixes, pax and GNU long names): the archive is
 * already in memory and bounded, and the streaming parsers available work on Node streams.
 */
import { Gunzip, Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { ContentResult, ContentScanner } from '../secrets/scan-content.js';

export const ARCHIVE_NAME = /\.(zip|jar|war|ear|gz|tgz|tar)$/i;

/**
 * Whether a name is an archive's (ARCHIVE_NAME). Every such name ends in p, r or z, which a look
 * at its last letter tells for the many other files of a scan before the pattern runs.
 */
export function isArchiveName(name: string): boolean {
  const last = name.charCodeAt(name.length - 1) | 0x20; // lower case
  return (last === 0x70 /* p */ || last === 0x72 /* r */ || last === 0x7a) /* z */ && ARCHIVE_NAME.test(name);
}

export interface ArchiveLimits {
  /** Levels of archives opened (1: only the archive on disk). */
  depth: number;
  /** Bytes inflated in all, for one archive on disk. */
  totalBytes: number;
  /** Inflated bytes per compressed byte, over the archive. */
  ratio: number;
  /** Members read, over the archive. */
  entries: number;
  /** Bytes of one member. */
  memberBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  depth: 2,
  totalBytes: 256 << 20,
  ratio: 200,
  entries: 10_000,
  memberBytes: 64 << 20,
};

export interface ArchiveMember {
  /** `inner/path` for a member of the archive on disk, `inner.zip!/path` one level further. */
  path: string;
  content: ContentResult;
}

export interface ArchiveScan {
  members: ArchiveMember[];
  /** Members read (text or binary). */
  entries: number;
  bytes: number;
  /** Why not everything in it was read (a coverage gap each). */
  problems: Array<{ code: 'ArchiveLimit' | 'ArchiveUnreadable'; message: string }>;
}

class LimitReached extends Error {}

const END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

interface Budget {
  limits: ArchiveLimits;
  compressed: number;
  inflated: number;
  entries: number;
}

function charge(budget: Budget, bytes: number): void {
  budget.inflated += bytes;
  const { totalBytes, ratio } = budget.limits;
  if (budget.inflated > totalBytes) throw new LimitReached(`more than ${totalBytes >> 20} MiB inflated`);
  if (budget.inflated > 1 << 20 && budget.inflated > budget.compressed * ratio)
    throw new LimitReached(`inflates more than ${ratio} times its size (an archive bomb?)`);
}

/** Inflate a gzip stream within the budget. */
function gunzip(data: Uint8Array, budget: Budget): Buffer {
  const parts: Uint8Array[] = [];
  let size = 0;
  const g = new Gunzip((chunk) => {
    charge(budget, chunk.length);
    size += chunk.length;
    if (size > budget.limits.memberBytes) throw new LimitReached(`a member larger than ${budget.limits.memberBytes >> 20} MiB`);
    parts.push(chunk);
  });
  g.push(data, true);
  return Buffer.concat(parts);
}

/** The members of a zip, each inflated within the budget. */
function unzip(data: Uint8Array, budget: Budget): Array<{ name: string; bytes: Buffer }> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  let started = 0;
  const u = new Unzip((file: UnzipFile) => {
    if (file.name.endsWith('/')) return;
    started++;
    if (++budget.entries > budget.limits.entries) throw new LimitReached(`more than ${budget.limits.entries} members`);
    const parts: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, chunk, final) => {
      if (error) throw error;
      charge(budget, chunk.length);
      size += chunk.length;
      if (size > budget.limits.memberBytes) throw new LimitReached(`a member larger than ${budget.limits.memberBytes >> 20} MiB`);
      parts.push(chunk);
      if (final) out.push({ name: file.name, bytes: Buffer.concat(parts) });
    };
    file.start();
  });
  u.register(UnzipInflate);
  u.push(data, true);
  // The streaming reader waits for more bytes rather than fail: a zip must end with its directory, and every member must have ended.
  const tail = Buffer.from(data.buffer, data.byteOffset, data.byteLength).subarray(Math.max(0, data.length - 65_557));
  if (tail.lastIndexOf(END_OF_DIRECTORY) === -1) throw new Error('no zip directory at its end (truncated or not a zip)');
  if (started !== out.length) throw new Error(`${started - out.length} member(s) cut short`);
  return out;
}

const octal = (b: Buffer, from: number, length: number) =>
  parseInt(
    b
      .toString('latin1', from, from + length)
      .replace(/\0.*$/s, '')
      .trim() || '0',
    8,
  );
const text = (b: Buffer, from: number, length: number) => b.toString('utf8', from, from + length).replace(/\0.*$/s, '');

/** The regular files of a tar. */
function untar(data: Buffer, budget: Budget): Array<{ name: string; bytes: Buffer }> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  let longName: string | undefined;
  for (let at = 0; at + 512 <= data.length;) {
    const header = data.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    if (header.toString('latin1', 257, 262) !== 'ustar' && !/^[0-7 \0]+$/.test(header.toString('latin1', 124, 136)))
      throw new Error('not a tar archive');
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const body = data.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = text(body, 0, body.length);
      continue;
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type !== '0' && type !== '\0' && type !== '7') continue; // links, folders, devices: no content
    if (++budget.entries > budget.limits.entries) throw new LimitReached(`more than ${budget.limits.entries} members`);
    if (size > budget.limits.memberBytes) throw new LimitReached(`a member larger than ${budget.limits.memberBytes >> 20} MiB`);
    out.push({ name, bytes: Buffer.from(body) });
  }
  return out;
}

/** The members of an archive by its name: a single one for a plain `.gz`. */
function members(name: string, data: Buffer, budget: Budget): Array<{ name: string; bytes: Buffer }> {
  const lower = name.toLowerCase();
  if (/\.(zip|jar|war|ear)$/.test(lower)) return unzip(data, budget);
  if (/\.(tgz|tar\.gz)$/.test(lower)) return untar(gunzip(data, budget), budget);
  if (lower.endsWith('.tar')) return untar(data, budget);
  if (lower.endsWith('.gz')) {
    if (++budget.entries > budget.limits.entries) throw new LimitReached(`more than ${budget.limits.entries} members`);
    return [{ name: name.replace(/^.*\//, '').replace(/\.gz$/i, ''), bytes: gunzip(data, budget) }];
  }
  return [];
}

/**
 * Open an archive held in memory and scan its members (archives in it too, down to
 * `limits.depth` levels). Members' paths are relative to the archive; a nested archive's
 * members read `inner.zip!/path`.
 */
export async function scanArchive(
  data: Buffer,
  name: string,
  scanner: ContentScanner,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveScan> {
  const scan: ArchiveScan = { members: [], entries: 0, bytes: 0, problems: [] };
  const budget: Budget = { limits, compressed: data.length, inflated: 0, entries: 0 };
  const open = async (bytes: Buffer, archiveName: string, prefix: string, level: number): Promise<void> => {
    let list: Array<{ name: string; bytes: Buffer }>;
    try {
      list = members(archiveName, bytes, budget);
    } catch (error) {
      const limit = error instanceof LimitReached;
      scan.problems.push({
        code: limit ? 'ArchiveLimit' : 'ArchiveUnreadable',
        message: `${prefix || name}: ${limit ? `stopped reading: ${error.message}; the rest was not scanned` : `could not be opened (${error instanceof Error ? error.message : String(error)})`}`,
      });
      return;
    }
    for (const member of list) {
      const path = `${prefix}${member.name}`;
      scan.entries++;
      scan.bytes += member.bytes.length;
      if (ARCHIVE_NAME.test(member.name)) {
        if (level < limits.depth) await open(member.bytes, member.name, `${path}!/`, level + 1);
        else scan.problems.push({ code: 'ArchiveLimit', message: `${path}: an archive ${limits.depth} levels down, not opened` });
        continue;
      }
      let content = scanner.scanBytes(member.bytes, member.name);
      if (content instanceof Promise) content = await content;
      if (content.wideText) scan.problems.push({ code: 'ArchiveUnreadable', message: `${path}: ${content.wideText} text, not scanned` });
      if (content.keyIds.length || content.privateKeys.length || content.secretKeys.length || content.bedrockKeys.length)
        scan.members.push({ path, content });
    }
  };
  await open(data, name, '', 1);
  return scan;
}
