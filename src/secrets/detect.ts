/**
 * Finding credentials in text that awsaudit must never store: Lambda environment variable
 * values and decoded EC2 user data. The file scanner (src/files) runs the same detectors over
 * files: this folder holds them all, so a collector never imports the file scanner.
 * Callers keep only what is returned here: kinds, names, line numbers and key ids masked by
 * `maskKeyId`. Raw key ids and secrets stay in memory for the time of the scan.
 *
 * One definition of a key id, a secret access key, a placeholder and a mask serves every
 * path (access-key-id.ts, secret-key.ts, private-key.ts, scan-content.ts here). AWS's
 * documented example keys (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY) and
 * obvious placeholders are not findings anywhere, and a masked id reads `AKIA…MPLE` everywhere.
 */
import {
  ACCESS_KEY_ID_SOURCE,
  isPlaceholderKeyId,
  keyKindOf,
  keyPrefixOf,
  maskKeyId,
  type AccessKeyKind,
  type AccessKeyPrefix,
} from './access-key-id.js';
import { PRIVATE_KEY_HEADER_SOURCE, describePrivateKey } from './private-key.js';
import { splitLines } from './lines.js';
import { scanText } from './scan-content.js';
import { SECRET_KEY_SOURCE, isPlausibleSecretKey } from './secret-key.js';

export { isPlaceholderKeyId, maskKeyId, type AccessKeyKind };

export type SecretKind = 'aws-access-key-id' | 'aws-secret-access-key' | 'private-key' | 'secret-named-variable';

export interface AccessKeyIdMatch {
  /** The raw key id. Never write it anywhere: mask it with `maskKeyId`. */
  keyId: string;
  keyPrefix: AccessKeyPrefix;
  keyKind: AccessKeyKind;
  /** Offset of the match in the text. */
  index: number;
}

const ACCESS_KEY_ID = new RegExp(ACCESS_KEY_ID_SOURCE, 'g');
const SECRET_ACCESS_KEY = new RegExp(SECRET_KEY_SOURCE, 'g');

/** Names of variables that hold a secret by convention (DB_PASSWORD, GITHUB_TOKEN, STRIPE_API_KEY...). */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
// ...unless the name says the value only points at a secret (its ARN, name, path, file) or describes it.
const REFERENCE_NAME = /(_ARN|_NAME|_ID|_URL|_URI|_PATH|_FILE|_PARAM|_PARAMETER|_TTL|_EXPIRY|_EXPIRES|_LENGTH|_ENDPOINT|_REGION|_HEADER)$/i;
// ...or the value is a reference to a secret store, or (in a script) a variable or command
// substitution that fetches it at run time, rather than the secret itself.
const REFERENCE_VALUE = /^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\/aws\/reference\/|ssm:|secretsmanager:|\$)/i;

/** Every credential key id (AKIA, ASIA, ABIA, ACCA) in a text, documented examples and placeholders left out. */
export function findAccessKeyIds(text: string): AccessKeyIdMatch[] {
  const out: AccessKeyIdMatch[] = [];
  for (const m of text.matchAll(ACCESS_KEY_ID)) {
    if (isPlaceholderKeyId(m[0])) continue;
    const prefix = keyPrefixOf(m[0])!;
    out.push({ keyId: m[0], keyPrefix: prefix, keyKind: keyKindOf(m[0])!, index: m.index });
  }
  return out;
}

/** Offsets of strings that could be a real AWS secret access key (not a digest, an example or a placeholder). */
export function findSecretAccessKeys(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(SECRET_ACCESS_KEY)) if (isPlausibleSecretKey(m[0])) out.push(m.index);
  return out;
}

/** A value that is shaped like a key or a secret but is a documented example or a placeholder. */
function isPlaceholderCredential(value: string): boolean {
  for (const m of value.matchAll(ACCESS_KEY_ID)) if (isPlaceholderKeyId(m[0])) return true;
  for (const m of value.matchAll(SECRET_ACCESS_KEY)) if (!isPlausibleSecretKey(m[0])) return true;
  return false;
}

/** Whether a variable of this name with this value holds a secret by naming convention. */
export function isSecretNamedVariable(name: string, value: string): boolean {
  const v = value.trim();
  if (v === '') return false;
  if (!SECRET_NAME.test(name) || REFERENCE_NAME.test(name)) return false;
  return !REFERENCE_VALUE.test(v) && !isPlaceholderCredential(v);
}

/** What was found. Holds no part of a secret: a kind, where, and for key ids the masked id. */
export interface DetectedSecret {
  kind: SecretKind;
  /** The environment variable, or the name assigned in a script line. */
  variable?: string;
  /** 1-based line in the text (user data). */
  line?: number;
  keyIdMasked?: string;
  keyPrefix?: string;
  keyKind?: AccessKeyKind;
  /** For private keys: RSA, EC, OPENSSH, PuTTY, ... */
  keyType?: string;
}

function keyIdEntry(keyId: string, where: Pick<DetectedSecret, 'variable' | 'line'>): DetectedSecret {
  return { ...where, kind: 'aws-access-key-id', keyIdMasked: maskKeyId(keyId), keyPrefix: keyPrefixOf(keyId)!, keyKind: keyKindOf(keyId)! };
}

/**
 * Scan name=value pairs (environment variables) for credentials. Each variable gives at most
 * one entry per kind and key id; the values themselves are not returned.
 */
export function detectVariableSecrets(variables: Readonly<Record<string, string>>): DetectedSecret[] {
  const out: DetectedSecret[] = [];
  for (const name of Object.keys(variables).sort()) {
    const value = variables[name] ?? '';
    const seenIds = new Set<string>();
    for (const key of findAccessKeyIds(value)) {
      if (seenIds.has(key.keyId)) continue;
      seenIds.add(key.keyId);
      out.push(keyIdEntry(key.keyId, { variable: name }));
    }
    if (findSecretAccessKeys(value).length > 0) out.push({ variable: name, kind: 'aws-secret-access-key' });
    else if (seenIds.size === 0 && isSecretNamedVariable(name, value)) out.push({ variable: name, kind: 'secret-named-variable' });
  }
  return out;
}

// `NAME=value`, `export NAME="value"`, `NAME: value` (YAML, cloud-config), `"NAME": "value"` (JSON).
const ASSIGNMENT = /^\s*(?:export\s+|set\s+|setx\s+|\$env:)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(.*?)\s*,?\s*$/;

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}

/**
 * Scan a text (decoded EC2 user data: a shell script, cloud-config, ...) for credentials:
 * key ids (and the secret access key next to one), as the file scanner finds them, private
 * keys, and assignments to secret-named variables (`export DB_PASSWORD=...`). Each entry
 * says which line; no part of a value is returned.
 */
export function detectTextSecrets(text: string): DetectedSecret[] {
  const out: DetectedSecret[] = [];
  const scanned = scanText(text);
  const keyLines = new Set<number>();
  const seen = new Set<string>();
  for (const hit of scanned.keyIds) {
    const key = `${hit.keyId}\u0000${hit.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(keyIdEntry(hit.keyId, { line: hit.line }));
    keyLines.add(hit.line);
    if (hit.secret) {
      out.push({ line: hit.secret.line, kind: 'aws-secret-access-key' });
      keyLines.add(hit.secret.line);
    }
  }
  for (const k of scanned.privateKeys) out.push({ line: k.line, kind: 'private-key', keyType: k.keyType });
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    if (keyLines.has(line)) continue;
    const m = ASSIGNMENT.exec(lines[i]!);
    if (!m) continue;
    const value = unquote(m[2]!);
    // A plausible secret access key assigned on its own line (aws_secret_access_key = ...).
    if (findSecretAccessKeys(value).length > 0 && /secret|key/i.test(m[1]!))
      out.push({ line, variable: m[1]!, kind: 'aws-secret-access-key' });
    else if (isSecretNamedVariable(m[1]!.replace(/[.-]/g, '_'), value)) out.push({ line, variable: m[1]!, kind: 'secret-named-variable' });
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.kind.localeCompare(b.kind));
}

/** What a report shows where a secret access key was: nothing of the secret itself. */
export const SECRET_KEY_REMOVED = '[secret access key removed]';
/** What a report shows where private key material was. */
export const PRIVATE_KEY_REMOVED = '[private key removed]';

const PRIVATE_KEY_HEADER = new RegExp(PRIVATE_KEY_HEADER_SOURCE, 'g');
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/g;
const PUTTY_END = /^Private-MAC:[^\n]*$/gm;
/** Nothing shorter holds a key id (20 characters), a secret (40) or a private key header. */
const SHORTEST_SECRET = 20;

/**
 * A text as it may be shown in a report: every key id masked (`AKIA…WXYZ`, as for keys found
 * in files) except those in `keepKeyIds`, every plausible secret access key and every private
 * key (header to footer) replaced by a marker. Documented examples and placeholders stay as
 * they are, as they are not findings anywhere.
 */
export function maskSecrets(text: string, keepKeyIds?: ReadonlySet<string>): string {
  if (text.length < SHORTEST_SECRET) return text;
  let out = text;
  if (out.includes('PRIVATE KEY') || out.includes('PuTTY-User-Key-File-')) out = removePrivateKeys(out);
  out = out.replace(SECRET_ACCESS_KEY, (m) => (isPlausibleSecretKey(m) ? SECRET_KEY_REMOVED : m));
  out = out.replace(ACCESS_KEY_ID, (m) => (isPlaceholderKeyId(m) || keepKeyIds?.has(m) ? m : maskKeyId(m)));
  return out;
}

function removePrivateKeys(text: string): string {
  let out = '';
  let from = 0;
  PRIVATE_KEY_HEADER.lastIndex = 0;
  for (let m = PRIVATE_KEY_HEADER.exec(text); m !== null; m = PRIVATE_KEY_HEADER.exec(text)) {
    const afterHeader = m.index + m[0].length;
    // A mention of a header ("BEGIN RSA PRIVATE KEY" in documentation) is not a key.
    if (!describePrivateKey(m, text.slice(afterHeader, afterHeader + 1024).replace(/^[^\r\n]*(?:\r\n|\r|\n)/, ''))) continue;
    const end = m.groups?.putty !== undefined ? PUTTY_END : PEM_END;
    end.lastIndex = afterHeader;
    const footer = end.exec(text);
    const to = footer ? footer.index + footer[0].length : text.length;
    out += text.slice(from, m.index) + PRIVATE_KEY_REMOVED;
    from = to;
    PRIVATE_KEY_HEADER.lastIndex = to;
  }
  return from === 0 ? text : out + text.slice(from);
}
