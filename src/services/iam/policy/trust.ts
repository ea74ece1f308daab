import type { JsonObject } from '../../../util/json.js';
import { describeStatement, normaliseStatements, type ConditionTest, type NormalisedStatement } from './document.js';
import { actionMatches } from './wildcard.js';

/**
 * Who can assume a role, read from its trust policy: everyone (`*`, or any account's root),
 * other AWS accounts (and whether an `sts:ExternalId` or organisation condition restricts
 * them), and web-identity providers (and whether a `sub` condition pins the identity).
 */

/**
 * Operators that restrict to the listed values. `…IfExists` and `ForAllValues:` pass when the
 * key is absent (a principal outside any organisation has no `aws:PrincipalOrgID`), and the
 * negated operators allow everything not listed: none of those restricts.
 */
const RESTRICTING_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i;

/** Keys that pin the calling principal to an account, organisation or identity. */
const PRINCIPAL_KEYS = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
]);
const ORG_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths']);

function restricting(test: ConditionTest): boolean {
  // A value made only of wildcards matches anything.
  return RESTRICTING_OPERATOR.test(test.operator) && test.values.length > 0 && test.values.some((v) => !/^[*?]+$/.test(v));
}

function restrictingKeys(st: NormalisedStatement, keys: ReadonlySet<string>): string[] {
  return st.conditions.filter((c) => keys.has(c.key) && restricting(c)).map((c) => c.key);
}

function grantsAssume(st: NormalisedStatement, action: string): boolean {
  if (st.effect !== 'Allow') return false;
  if (st.notActions !== null) return !st.notActions.some((p) => actionMatches(p, action));
  return st.actions.some((p) => actionMatches(p, action));
}

/** The account of an AWS principal: a 12-digit id or an ARN's account field; `*` when any account. */
function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const m = /^arn:[^:]*:(?:iam|sts)::([^:]*):/.exec(principal);
  if (!m) return undefined;
  return /[*?]/.test(m[1]!) ? '*' : m[1];
}

/** A federated principal's provider host: `token.actions.githubusercontent.com`, `cognito-identity.amazonaws.com`; undefined for SAML. */
function oidcProvider(federated: string): string | undefined {
  if (/:saml-provider\//.test(federated)) return undefined;
  const m = /:oidc-provider\/(.+)$/.exec(federated);
  return (m ? m[1]! : federated).toLowerCase();
}

const GITHUB = 'token.actions.githubusercontent.com';
const COGNITO = 'cognito-identity.amazonaws.com';

/** Does a `sub` value leave the identity open? GitHub: a wildcard in the repository owner (`repo:*`, `*`); others: no fixed prefix. */
function openSubject(provider: string, value: string): boolean {
  if (provider === GITHUB) {
    const rest = value.startsWith('repo:') ? value.slice(5) : value;
    const owner = rest.split('/')[0] ?? '';
    return /[*?]/.test(owner) || (!value.startsWith('repo:') && /^[*?]/.test(value));
  }
  return /^[*?]/.test(value);
}

export interface TrustFacts extends JsonObject {
  /** Allow statements any AWS principal can use, with no condition pinning account or organisation. */
  trustAnyone: JsonObject[];
  /** Principals of other accounts, each `{ account, principal, restricted, summary }`. */
  trustOtherAccounts: JsonObject[];
  /** Web-identity (OIDC) trusts, each `{ provider, subject: 'missing'|'open'|'pinned', audience, summary }`. */
  trustWebIdentity: JsonObject[];
}

const PUBLIC_WEB_IDENTITY = new Set([GITHUB, COGNITO, 'accounts.google.com', 'graph.facebook.com', 'www.amazon.com']);

/** The trust facts of a role whose account is `account`. */
export function trustFacts(document: unknown, account: string): TrustFacts {
  const trustAnyone: JsonObject[] = [];
  const trustOtherAccounts: JsonObject[] = [];
  const trustWebIdentity: JsonObject[] = [];
  for (const st of normaliseStatements(document)) {
    const where = describeStatement(st, 'trust').replace(/^policy trust /, 'trust policy ');
    // Allow with NotPrincipal: everyone but the principals listed.
    if (st.notPrincipal && grantsAssume(st, 'sts:AssumeRole') && restrictingKeys(st, PRINCIPAL_KEYS).length === 0) {
      trustAnyone.push({
        statement: st.index,
        sid: st.sid,
        summary: `${where} lets every AWS principal but those in its NotPrincipal assume the role`,
      });
    }
    if (st.principal && grantsAssume(st, 'sts:AssumeRole')) {
      const pinned = restrictingKeys(st, PRINCIPAL_KEYS);
      const anyAccount = st.principal.any || st.principal.aws.some((p) => accountOf(p) === '*');
      if (anyAccount && pinned.length === 0) {
        trustAnyone.push({
          statement: st.index,
          sid: st.sid,
          summary: `${where} lets ${st.principal.any ? 'any AWS principal ("*")' : 'any AWS account'} assume the role${st.hasCondition ? ' (its condition does not pin an account or organisation)' : ''}`,
        });
      }
      const org = restrictingKeys(st, ORG_KEYS).length > 0;
      const externalId = restrictingKeys(st, new Set(['sts:externalid'])).length > 0;
      for (const principal of st.principal.aws) {
        const other = accountOf(principal);
        if (other === undefined || other === '*' || other === account) continue;
        const restricted = org || externalId;
        trustOtherAccounts.push({
          account: other,
          principal,
          restricted,
          externalId,
          organisation: org,
          summary: `${where} trusts ${principal} (account ${other})${restricted ? '' : ' without an sts:ExternalId or organisation condition'}`,
        });
      }
    }
    if (st.principal && grantsAssume(st, 'sts:AssumeRoleWithWebIdentity')) {
      for (const federated of st.principal.federated) {
        const provider = oidcProvider(federated);
        if (provider === undefined) continue;
        // Cognito names the identity pool in `aud`; other providers name the identity in `sub`.
        const subjectKey = provider === COGNITO ? `${COGNITO}:aud` : `${provider}:sub`;
        // Any positive operator counts here (even a value of only wildcards): openSubject judges the values.
        const subjectTests = st.conditions.filter(
          (c) => c.key === subjectKey && RESTRICTING_OPERATOR.test(c.operator) && c.values.length > 0,
        );
        const subject =
          subjectTests.length === 0
            ? 'missing'
            : subjectTests.every((c) => c.values.some((v) => openSubject(provider, v)))
              ? 'open'
              : 'pinned';
        const audience = st.conditions.some((c) => c.key === `${provider}:aud` && restricting(c));
        const key = subjectKey.slice(provider.length + 1);
        const problem =
          subject === 'missing'
            ? `has no ${key} condition, so any ${provider === GITHUB ? 'GitHub Actions workflow of any repository' : `identity of ${provider}`} can assume the role`
            : subject === 'open'
              ? `allows ${subjectTests.flatMap((c) => c.values).join(', ')} as ${key}, which ${provider === GITHUB ? 'any repository owner on GitHub' : 'any identity'} matches`
              : `pins ${key}`;
        trustWebIdentity.push({
          provider,
          public: PUBLIC_WEB_IDENTITY.has(provider),
          subject,
          audience,
          summary: `${where} (${provider}) ${problem}${audience || provider === COGNITO ? '' : '; no aud condition either'}`,
        });
      }
    }
  }
  return { trustAnyone, trustOtherAccounts, trustWebIdentity };
}
