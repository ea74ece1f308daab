import { displayText, type JsonObject } from '../util/json.js';
import { gapsOf, type Enricher } from '../enrich/types.js';
import { keyVerificationFacts } from './verify-keys.js';

function accountText(ownerAccount: unknown): string {
  return typeof ownerAccount === 'string' ? `account ${ownerAccount}` : 'an account the old-format key id does not name';
}

/**
 * How a key found in a file relates to the scanned account (src/files/verify-keys.ts), and one
 * readable sentence about it, so rule messages need no conditionals.
 */
export const fileAccessKeyEnricher: Enricher = {
  type: 'file.access-key',
  // The verification comes from the account's access keys (recorded when the scan adds the
  // files to the account's snapshot): collection lists them, and a gap on them makes the
  // file key rules incomplete.
  reads: ['aws.iam.access-key'],
  enrich(resource, ctx) {
    const d = resource.data;
    // Facts given with the resource stand when nothing was recorded: a rule case's, or a snapshot written before the check was recorded as data.
    const f =
      keyVerificationFacts(d, {
        accounts: ctx.index.snapshot.meta.accounts,
        complete: gapsOf(ctx.index, 'aws.iam.access-key').length === 0,
      }) ??
      resource.facts ??
      {};
    const scanned = Array.isArray(f.scannedAccounts) ? f.scannedAccounts.map((a) => displayText(a)).join(', ') : '';
    let summary: string;
    switch (f.verification) {
      case 'matched':
        summary =
          `${displayText(f.status, '(status not listed)')} key of IAM user ${displayText(f.owner, '(no user name)')} in the scanned account ${scanned}` +
          (typeof f.lastUsedDate === 'string' ? `, last used ${f.lastUsedDate}` : ', never used');
        break;
      case 'not-found':
        summary = `the key id belongs to the scanned account ${displayText(d.ownerAccount)}, but no IAM user there has it (deleted, or a root user key)`;
        break;
      case 'other-account':
        summary = `belongs to ${accountText(d.ownerAccount)}, not to the scanned account ${scanned}`;
        break;
      case 'not-listed':
        summary = `a ${displayText(d.keyKind)} key of the scanned account ${displayText(d.ownerAccount)}; IAM does not list these, so whether it still works is not known`;
        break;
      case 'unknown':
        summary = `belongs to ${accountText(d.ownerAccount)}; could not be checked against the scanned account ${scanned} (its access key listing was incomplete or does not have it)`;
        break;
      default:
        summary = `belongs to ${accountText(d.ownerAccount)}; not checked against an account (no account was scanned)`;
    }
    return { ...f, verificationSummary: summary, verified: f.verification === 'matched' || f.verification === 'not-found' };
  },
};

/**
 * Where in git history a secret sits, as one sentence (`historySummary`): the first commit that
 * added it, how many more did, and whether HEAD still holds it.
 */
export function historySummary(d: JsonObject): string {
  const where = `${displayText(d.path)} line ${displayText(d.line)}`;
  if (typeof d.commitShort !== 'string')
    return `in an object no commit reaches (${where}): it stays in the repository until garbage collection, and in the clones made before`;
  const date = typeof d.authorDate === 'string' ? ` (${d.authorDate.slice(0, 10)})` : '';
  const more = typeof d.commitCount === 'number' && d.commitCount > 1 ? `, and by ${d.commitCount - 1} more commit(s)` : '';
  const reach = d.reachable === false ? ' on no branch or tag any more' : '';
  const head = d.inHead === true ? 'still in HEAD' : 'no longer in HEAD, but in the history every clone holds';
  return `first committed${reach} in ${d.commitShort}${date} at ${where}${more}; ${head}`;
}

/** The account facts of file.access-key, and where in history, for a key found in git history. */
export const historyAccessKeyEnricher: Enricher = {
  ...fileAccessKeyEnricher,
  type: 'file.history-access-key',
  enrich(resource, ctx) {
    return { ...fileAccessKeyEnricher.enrich(resource, ctx), historySummary: historySummary(resource.data) };
  },
};

/** Where in history a private key was committed. */
export const historyPrivateKeyEnricher: Enricher = {
  type: 'file.history-private-key',
  enrich(resource) {
    return { historySummary: historySummary(resource.data) };
  },
};

/** Where in history a lone secret access key was committed. */
export const historySecretKeyEnricher: Enricher = { ...historyPrivateKeyEnricher, type: 'file.history-secret-key' };

/** Where in history a Bedrock API key was committed. */
export const historyBedrockKeyEnricher: Enricher = { ...historyPrivateKeyEnricher, type: 'file.history-bedrock-api-key' };
