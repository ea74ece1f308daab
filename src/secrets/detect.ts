/**
 * Finding credentials in text that awsaudit must never store: Lambda environment variable
 * values today, local files and EC2 user data next. Callers keep only what `maskKeyId`
 * returns and the kinds found; raw key ids and secrets stay in memory for the time of
 * the scan (a file scanner may compare a raw key id with the account's keys, then drop it).
 */

export type SecretKind = 'aws-access-key-id' | 'aws-secret-access-key' | 'secret-named-variable';

/** AKIA: a long-term key of an IAM user (or root); ASIA: temporary STS credentials. */
export type AccessKeyKind = 'long-term' | 'temporary';

export interface AccessKeyIdMatch {
  /** The raw key id. Never write it anywhere: mask it with `maskKeyId`. */
  keyId: string;
  keyPrefix: 'AKIA' | 'ASIA';
  keyKind: AccessKeyKind;
  /** Offset of the match in the text. */
  index: number;
}

// Key ids are 20 characters: a 4-letter prefix and 16 upper-case letters or digits.
const ACCESS_KEY_ID = /(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;
// A secret access key is 40 characters of base64 (without padding). Git SHA-1s and other
// hex digests are 40 characters too, so a candidate must mix upper case, lower case and a
// digit or / or +, which a random 40-character base64 string does with near certainty.
const SECRET_ACCESS_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Names of variables that hold a secret by convention (DB_PASSWORD, GITHUB_TOKEN, STRIPE_API_KEY...). */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
// ...unless the name says the value only points at a secret (its ARN, name, path, file) or describes it.
const REFERENCE_NAME = /(_ARN|_NAME|_ID|_URL|_URI|_PATH|_FILE|_PARAM|_PARAMETER|_TTL|_EXPIRY|_EXPIRES|_LENGTH|_ENDPOINT|_REGION|_HEADER)$/i;
// ...or the value is a reference to a secret store rather than the secret itself.
const REFERENCE_VALUE = /^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\/aws\/reference\/|ssm:|secretsmanager:)/i;

function keyKind(prefix: string): AccessKeyKind {
  return prefix === 'ASIA' ? 'temporary' : 'long-term';
}

/** Every AWS access key id (AKIA/ASIA) in a text. */
export function findAccessKeyIds(text: string): AccessKeyIdMatch[] {
  const out: AccessKeyIdMatch[] = [];
  for (const m of text.matchAll(ACCESS_KEY_ID)) {
    const prefix = m[1] as 'AKIA' | 'ASIA';
    out.push({ keyId: m[0], keyPrefix: prefix, keyKind: keyKind(prefix), index: m.index });
  }
  return out;
}

/** Offsets of strings shaped like an AWS secret access key. */
export function findSecretAccessKeys(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(SECRET_ACCESS_KEY)) {
    const s = m[0];
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9/+]/.test(s)) out.push(m.index);
  }
  return out;
}

/**
 * The masked form of a key id, safe to store and print: the prefix (which says what kind of
 * key it is) and the last four characters (which tell keys apart), e.g. AKIA************MPLE.
 */
export function maskKeyId(keyId: string): string {
  if (keyId.length <= 8) return '*'.repeat(keyId.length);
  return `${keyId.slice(0, 4)}${'*'.repeat(keyId.length - 8)}${keyId.slice(-4)}`;
}

/** Whether a variable of this name with this value holds a secret by naming convention. */
export function isSecretNamedVariable(name: string, value: string): boolean {
  if (value.trim() === '') return false;
  if (!SECRET_NAME.test(name) || REFERENCE_NAME.test(name)) return false;
  return !REFERENCE_VALUE.test(value.trim());
}

/** What was found in one variable. Holds no part of the value except a masked key id. */
export interface VariableSecret {
  variable: string;
  kind: SecretKind;
  keyIdMasked?: string;
  keyPrefix?: string;
  keyKind?: AccessKeyKind;
}

/**
 * Scan name=value pairs (environment variables) for credentials. Each variable gives at most
 * one entry per kind; the values themselves are not returned.
 */
export function detectVariableSecrets(variables: Readonly<Record<string, string>>): VariableSecret[] {
  const out: VariableSecret[] = [];
  for (const name of Object.keys(variables).sort()) {
    const value = variables[name] ?? '';
    const seenIds = new Set<string>();
    for (const key of findAccessKeyIds(value)) {
      if (seenIds.has(key.keyId)) continue;
      seenIds.add(key.keyId);
      out.push({ variable: name, kind: 'aws-access-key-id', keyIdMasked: maskKeyId(key.keyId), keyPrefix: key.keyPrefix, keyKind: key.keyKind });
    }
    if (findSecretAccessKeys(value).length > 0) out.push({ variable: name, kind: 'aws-secret-access-key' });
    else if (seenIds.size === 0 && isSecretNamedVariable(name, value)) out.push({ variable: name, kind: 'secret-named-variable' });
  }
  return out;
}
