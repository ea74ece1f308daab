/**
 * Amazon Bedrock API keys (IAM User Guide, "API keys for Amazon Bedrock").
 *
 * - Long-term keys are IAM service-specific credentials: `ABSK` followed by the base64 of
 *   `BedrockAPIKey-<id>-at-<account>:<secret>` (so every real one starts `ABSKQmVkcm9ja0FQSUtleS`,
 *   base64 of "BedrockAPIKey-"), 113 to 273 characters with padding. They work until deleted or
 *   their expiry, as the IAM user they belong to.
 * - Short-term keys are `bedrock-api-key-` followed by the base64 of a SigV4 pre-signed URL
 *   (`bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Credential=ASIA…`), valid for up to
 *   12 hours: the URL names the temporary key id, its date and expiry.
 *
 * Both are found as long runs of base64 bytes (key-id-runs.ts) and decoded here; nothing of
 * the secret is returned.
 */
import { accountFromKeyId, maskKeyId } from './access-key-id.js';

/** Base64 characters a long-term key takes at least (gitleaks: ABSK + 109 or more). */
export const BEDROCK_KEY_MIN_RUN = 113;
const LONG_TERM_PREFIX = 'ABSKQmVkcm9ja0FQSUtleS';
const SHORT_TERM_MARK = 'bedrock-api-key-';
const SHORT_TERM_PREFIX = 'YmVkcm9jay5hbWF6b25hd3MuY29t';
const PLACEHOLDER = /example|sample|placeholder|dummy|fake|xxxx|redacted|changeme|your/i;

export interface BedrockKey {
  keyKind: 'long-term' | 'short-term';
  /** The account: from the long-term key's text, from the short-term key's temporary key id. */
  ownerAccount: string | null;
  /** Long-term: the service-specific credential's user name (BedrockAPIKey-xxxx), which is not secret. */
  serviceUserName: string | null;
  /** Short-term: the temporary key id that signed it, masked. */
  keyIdMasked: string | null;
  /** Short-term: when it stops working (X-Amz-Date + X-Amz-Expires). */
  expiresAt: string | null;
}

/**
 * Judge a run of base64 bytes: `run` is its text (the first few hundred characters are
 * enough), `before` the characters before it on its line.
 */
export function describeBedrockKey(run: string, before: string): BedrockKey | undefined {
  if (run.startsWith(LONG_TERM_PREFIX)) {
    const decoded = Buffer.from(run.slice(4, 4 + 280), 'base64').toString('latin1');
    const m = /^BedrockAPIKey-([A-Za-z0-9]{1,32})-at-(\d{12}):(.{20,})/s.exec(decoded);
    if (!m || PLACEHOLDER.test(m[3]!)) return undefined;
    return { keyKind: 'long-term', ownerAccount: m[2]!, serviceUserName: `BedrockAPIKey-${m[1]!}`, keyIdMasked: null, expiresAt: null };
  }
  if (run.startsWith(SHORT_TERM_PREFIX) && before.endsWith(SHORT_TERM_MARK)) {
    const url = Buffer.from(run.slice(0, 1200), 'base64').toString('latin1');
    const credential = /X-Amz-Credential=((?:ASIA|AKIA)[A-Z0-9]{16})(?:%2F|\/)/.exec(url);
    if (!credential) return undefined;
    const keyId = credential[1]!;
    const date = /X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(url);
    const expires = /X-Amz-Expires=(\d{1,6})/.exec(url);
    let expiresAt: string | null = null;
    if (date && expires) {
      const [, y, mo, d, h, mi, s] = date.map(Number) as [number, number, number, number, number, number, number];
      expiresAt = new Date(Date.UTC(y, mo - 1, d, h, mi, s) + Number(expires[1]) * 1000).toISOString();
    }
    return {
      keyKind: 'short-term',
      ownerAccount: accountFromKeyId(keyId),
      serviceUserName: null,
      keyIdMasked: maskKeyId(keyId),
      expiresAt,
    };
  }
  return undefined;
}
