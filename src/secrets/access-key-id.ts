/**
 * AWS access key ids: which prefixes are credentials, how to mask them, and how to read the
 * owning account out of them — without ever calling AWS.
 *
 * Prefixes are from the IAM User Guide ("Unique identifier prefixes"). Only four of them
 * name something that signs requests; the others (AIDA user, AROA role, AGPA group, AIPA
 * instance profile, ANPA/ANVA managed policy and version, APKA public key, ASCA
 * certificate) are identifiers that are not secret and are not findings.
 */

export const ACCESS_KEY_KINDS = {
  AKIA: 'access-key',
  // Long-term keys issued before the AKIA prefix (three letters, then any key-id character).
  A3T: 'access-key',
  ASIA: 'temporary',
  ABIA: 'sts-bearer-token',
  ACCA: 'context-specific',
} as const;

export type AccessKeyPrefix = keyof typeof ACCESS_KEY_KINDS;
export type AccessKeyKind = (typeof ACCESS_KEY_KINDS)[AccessKeyPrefix];

export const ACCESS_KEY_PREFIXES = Object.keys(ACCESS_KEY_KINDS) as AccessKeyPrefix[];

/** Prefixes of IAM unique ids that look like key ids but grant nothing. */
export const NON_CREDENTIAL_ID_PREFIXES = ['AIDA', 'AROA', 'AGPA', 'AIPA', 'ANPA', 'ANVA', 'APKA', 'ASCA'] as const;

/** Characters in a key id, prefix included. */
export const ACCESS_KEY_ID_LENGTH = 20;
/** The characters a key id is made of, prefix included (a regular-expression class body). */
export const ACCESS_KEY_ID_CHARS = 'A-Z0-9';

/**
 * A key id as it appears in text: a prefix and 16 upper-case letters or digits, not part of a
 * longer word. (AWS uses base32 letters A-Z2-7, but emulators and old keys use 0-9 as well.)
 * So in bytes a key id is a run of exactly ACCESS_KEY_ID_LENGTH bytes of A-Z0-9, which is what
 * the file scanner looks for before it runs this pattern (key-id-runs.ts).
 */
export const ACCESS_KEY_ID_SOURCE = `(?<![A-Za-z0-9])(?:${ACCESS_KEY_PREFIXES.map((p) => (p.length === 4 ? p : `${p}[${ACCESS_KEY_ID_CHARS}]`)).join('|')})[${ACCESS_KEY_ID_CHARS}]{${ACCESS_KEY_ID_LENGTH - 4}}(?![A-Za-z0-9])`;

export function isAccessKeyId(text: string): boolean {
  return new RegExp(`^${ACCESS_KEY_ID_SOURCE}$`).test(text);
}

/** The prefix that says what a key id is: its first four characters, or `A3T` for the oldest keys. */
export function keyPrefixOf(keyId: string): AccessKeyPrefix | undefined {
  const prefix = keyId.startsWith('A3T') ? 'A3T' : keyId.slice(0, 4);
  return prefix in ACCESS_KEY_KINDS ? (prefix as AccessKeyPrefix) : undefined;
}

export function keyKindOf(keyId: string): AccessKeyKind | undefined {
  const prefix = keyPrefixOf(keyId);
  return prefix && ACCESS_KEY_KINDS[prefix];
}

/** First 4 and last 4 characters: enough to recognise a key in the IAM console, useless to an attacker. */
export function maskKeyId(keyId: string): string {
  return `${keyId.slice(0, 4)}…${keyId.slice(-4)}`;
}

const PLACEHOLDER_WORDS = /EXAMPLE|SAMPLE|XXXX|DUMMY|FAKE|PLACEHOLDER|YOUR|KEYID|ACCESSKEY|REDACTED|CHANGEME|ABCDEFGH|12345678|0{6}|1{6}/;

/**
 * AWS's documented example keys (AKIAIOSFODNN7EXAMPLE, AKIAI44QH8DHBEXAMPLE, ...) and obvious
 * placeholders (AKIAXXXXXXXXXXXXXXXX, AKIAYOURACCESSKEYID1, runs of one character, very few
 * distinct characters) are not leaks.
 */
export function isPlaceholderKeyId(keyId: string): boolean {
  const body = keyId.slice(4);
  if (PLACEHOLDER_WORDS.test(body)) return true;
  if (/(.)\1{5}/.test(body)) return true;
  return new Set(body).size <= 5;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The AWS account that owns a key id, or null when the id does not encode one.
 *
 * Not documented by AWS; established by Aidan Steele (2020), Tal Be'ery (2021) and WithSecure
 * Labs' bitwise analysis of 3000+ ids: after the 4-character prefix the id is base32; of the
 * first 48 bits, bit 0 marks the "new generation" format (ids issued since about 2019, whose
 * fifth character is Q-Z or 2-7), and the next 40 bits (mask 0x7fffffffff80, shifted right by 7)
 * are the account number. Old-generation ids (fifth character A-P, e.g. AKIAI...) do not carry the
 * account; for those this returns null rather than a wrong number. Checked in the tests against a
 * published key/account pair and against user ids printed next to their account in the notes.
 */
export function accountFromKeyId(keyId: string): string | null {
  // The account encoding is known for four-letter prefixes only.
  if (keyId.startsWith('A3T')) return null;
  const body = keyId.slice(4, 14);
  if (body.length < 10) return null;
  let bits = 0n;
  for (const ch of body) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return null;
    bits = (bits << 5n) | BigInt(v);
  }
  const first48 = bits >> 2n; // 10 characters are 50 bits; the account sits in the first 48
  if ((first48 & 0x800000000000n) === 0n) return null;
  const account = (first48 & 0x7fffffffff80n) >> 7n;
  return account.toString().padStart(12, '0');
}
