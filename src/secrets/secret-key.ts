/**
 * AWS secret access keys: 40 characters of base64's alphabet (A-Z a-z 0-9 / +), standing
 * alone (not part of a longer run of those characters). Near a key id, such a string is the
 * key's secret unless it is a documented example or an obvious placeholder.
 */

/**
 * Exactly 40 characters; a 39- or 41-character run is not a secret key. A following `=` makes
 * it part of a longer base64 value (padding); a preceding one is an assignment (`KEY=...`).
 */
export const SECRET_KEY_SOURCE = '(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])';
/** Characters in a secret access key (a regular-expression class body), and how many. */
export const SECRET_KEY_CHARS = 'A-Za-z0-9/+';
export const SECRET_KEY_LENGTH = 40;

// Words are matched in any case: a random secret holds a given 4-letter word with odds of about 1 in 30,000.
const PLACEHOLDER_WORDS = /example|sample|placeholder|redacted|changeme|dummy|fake|your|secret|xxxx|abcdefgh|12345678/i;
const RUN = /(.)\1{5}/;

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Could this 40-character run be a real secret key? Real keys are random over 64 symbols:
 * both letter cases, about 4.8 bits of entropy per character. This turns away hex digests
 * (git commit ids, SHA-1 sums: one case only), upper-case identifiers, paths and words,
 * AWS's documented example secret (…EXAMPLEKEY) and placeholders.
 */
export function isPlausibleSecretKey(candidate: string): boolean {
  if (candidate.length !== 40) return false;
  if (!/[a-z]/.test(candidate) || !/[A-Z]/.test(candidate)) return false;
  if (PLACEHOLDER_WORDS.test(candidate) || RUN.test(candidate)) return false;
  return entropy(candidate) >= 4;
}

/** Every plausible secret key in a piece of text, with its offset. */
export function findSecretKeys(text: string): Array<{ index: number }> {
  const out: Array<{ index: number }> = [];
  for (const m of text.matchAll(new RegExp(SECRET_KEY_SOURCE, 'g'))) {
    if (isPlausibleSecretKey(m[0])) out.push({ index: m.index });
  }
  return out;
}
