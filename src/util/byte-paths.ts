import { isUtf8 } from 'node:buffer';
import path from 'node:path';

/**
 * A path as the file system knows it. On Linux a name is any bytes, not necessarily UTF-8; a
 * string path is encoded as UTF-8 when it is used, so a name read as a string (its bad bytes
 * replaced) names another file, or none. A path is a string when every name in it is valid
 * UTF-8 (nearly always) and its bytes otherwise; `node:fs` takes both.
 */
export type FsPath = string | Buffer;

/** The path of `name` (as read from a listing, in bytes) inside the folder `dir`. */
export function joinName(dir: FsPath, name: Buffer): FsPath {
  if (typeof dir === 'string' && isUtf8(name)) return path.join(dir, name.toString('utf8'));
  const base = typeof dir === 'string' ? Buffer.from(dir) : dir;
  const sep = base.length && base[base.length - 1] === path.sep.charCodeAt(0) ? Buffer.alloc(0) : Buffer.from(path.sep);
  return Buffer.concat([base, sep, name]);
}

/** The name's text for matching (extensions, patterns): invalid bytes become U+FFFD. */
export function nameText(name: FsPath): string {
  return typeof name === 'string' ? name : name.toString('utf8');
}

/**
 * A path for people and reports: the text itself when valid UTF-8, else each byte that is not
 * part of a valid UTF-8 sequence written as `\xNN` (so two different names never read the same).
 */
export function showPath(p: FsPath): string {
  if (typeof p === 'string') return p;
  if (isUtf8(p)) return p.toString('utf8');
  let out = '';
  let i = 0;
  while (i < p.length) {
    const b = p[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len > 0 && i + len <= p.length && isUtf8(p.subarray(i, i + len))) {
      out += p.toString('utf8', i, i + len);
      i += len;
    } else {
      out += `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}

/** A key that tells paths apart (a string and the same bytes give the same key). */
export function pathKey(p: FsPath): string {
  return typeof p === 'string' ? Buffer.from(p).toString('latin1') : p.toString('latin1');
}

/** Sort folder entries by their names' bytes (the same order whatever the names' encoding). */
export function compareNames(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}
