/**
 * Private key material in text: PEM blocks (PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY",
 * PKCS#8 "PRIVATE KEY" and "ENCRYPTED PRIVATE KEY", OpenSSH's "OPENSSH PRIVATE KEY", PGP's
 * "PGP PRIVATE KEY BLOCK") and PuTTY .ppk files. A header counts only when key data follows
 * it, so documentation and code that merely mention "BEGIN RSA PRIVATE KEY" are not findings.
 */
import { splitLines } from './lines.js';

/**
 * The headers that start a private key: each begins with a fixed `literal`, and `rest` is the
 * pattern after it. `needle` is a part of the literal that is rare in ordinary text: the file
 * scanner searches the bytes for it (a native search) and runs the pattern only where the
 * whole literal is found (scan-content.ts), so a header added here is searched for too.
 */
export const PRIVATE_KEY_HEADERS = [
  { literal: '-----BEGIN ', needle: 'BEGIN', rest: '(?<pemWords>(?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----' },
  { literal: 'PuTTY-User-Key-File-', needle: 'User-Key-File-', rest: '[0-9]+: *(?<putty>[A-Za-z0-9@.-]+)' },
] as const;

// `-` is left alone: special only inside a class, and `\-` is an error under the `u` flag.
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Matches the start of a private key; group `pemWords`: the words before PRIVATE KEY; group `putty`: PuTTY's key algorithm. */
export const PRIVATE_KEY_HEADER_SOURCE = PRIVATE_KEY_HEADERS.map((h) => escapeRegExp(h.literal) + h.rest).join('|');

export interface PrivateKeyInfo {
  /** RSA, EC, DSA, OpenSSH, PKCS8, PGP, PuTTY (or the PEM label's words). */
  keyType: string;
  /** true/false when the file says; null when it cannot be told without the passphrase tooling. */
  encrypted: boolean | null;
}

const BASE64_LINE = /^[A-Za-z0-9+/=]{16,}\s*$/;

/** The key type of a PEM label's words ("RSA ", "OPENSSH ", "", "ENCRYPTED ", "PGP "). */
function pemKeyType(words: string): string {
  const w = words.trim();
  if (w === '' || w === 'ENCRYPTED') return 'PKCS8';
  if (w === 'OPENSSH') return 'OpenSSH';
  return w;
}

/** OpenSSH's own format names its cipher right after the magic: "none" means no passphrase. */
function openSshEncrypted(body: string): boolean | null {
  try {
    const bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    const magic = 'openssh-key-v1\0';
    if (bytes.toString('latin1', 0, magic.length) !== magic) return null;
    const len = bytes.readUInt32BE(magic.length);
    const cipher = bytes.toString('latin1', magic.length + 4, magic.length + 4 + len);
    return cipher.length === 0 ? null : cipher !== 'none';
  } catch {
    return null;
  }
}

/**
 * Judge a header match given the lines that follow it (a few are enough). Returns undefined
 * when no key data follows: a mention, not a key.
 */
export function describePrivateKey(match: RegExpExecArray | RegExpMatchArray, following: string): PrivateKeyInfo | undefined {
  const lines = splitLines(following).slice(0, 6);
  if (match.groups?.putty !== undefined) {
    // PuTTY: "Encryption: none" or a cipher name, then "Comment:", "Public-Lines:", ...
    const enc = lines.find((l) => l.startsWith('Encryption:'));
    if (!enc) return undefined;
    return { keyType: 'PuTTY', encrypted: !/^Encryption:\s*none\s*$/.test(enc) };
  }
  const words = match.groups?.pemWords ?? '';
  const procType = lines.some((l) => /^Proc-Type:\s*4,ENCRYPTED/.test(l));
  const firstData = lines.find((l) => BASE64_LINE.test(l));
  if (!procType && firstData === undefined) return undefined;
  const keyType = pemKeyType(words);
  let encrypted: boolean | null = words.includes('ENCRYPTED') || procType;
  if (keyType === 'OpenSSH') encrypted = openSshEncrypted(lines.filter((l) => BASE64_LINE.test(l)).join(''));
  else if (keyType === 'PGP') encrypted = null;
  return { keyType, encrypted };
}

/** File names that conventionally hold private keys (reported in the data; detection is by content). */
export function nameLooksLikePrivateKey(fileName: string): boolean {
  return /\.(pem|key|ppk|p8)$/i.test(fileName) || /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(fileName);
}
