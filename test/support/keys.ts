// Key-shaped strings for tests, assembled at run time so that no key id + secret pair is ever
// committed as a literal (and so that a scan of this repository finds none).
import { randomBytes, randomInt } from 'node:crypto';
import { isPlausibleSecretKey } from '../../src/secrets/secret-key.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomBase32(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[randomInt(32)];
  return out;
}

/**
 * A new-format key id that encodes `account`, built the way AWS lays it out (and the way
 * moto's generator does): 40 account bits after a "new format" bit, then random characters.
 */
export function keyIdFor(account: string, prefix = 'AKIA'): string {
  const n = BigInt(account);
  const withFlag = (1n << 39n) + n / 2n; // 5 bytes: the format bit, then the account shifted by one
  let bits = withFlag;
  let part = '';
  for (let i = 0; i < 8; i++) {
    part = BASE32[Number(bits & 31n)] + part;
    bits >>= 5n;
  }
  const middle = n % 2n === 1n ? BASE32.slice(16) : BASE32.slice(0, 16); // the account's last bit
  return prefix + part + middle[randomInt(16)] + randomBase32(7);
}

/** A random 12-digit account id. */
export function randomAccount(): string {
  return String(randomInt(1, 999_999_999_999)).padStart(12, '0');
}

/** A random 40-character secret access key (as random as AWS's). */
export function randomSecret(): string {
  for (;;) {
    const secret = randomBytes(30).toString('base64');
    if (isPlausibleSecretKey(secret)) return secret;
  }
}

/** Parts of a string, to build literals such as IAM ids without writing them whole. */
export function join(...parts: string[]): string {
  return parts.join('');
}
