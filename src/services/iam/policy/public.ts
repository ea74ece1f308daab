import type { ConditionTest, NormalisedStatement, Principals } from './document.js';

/**
 * Who a resource policy lets in, decided once for every service that has one (S3 bucket
 * policies, Lambda function policies, CloudTrail events that write such a policy): a statement
 * is public when it allows Principal "*" (or {"AWS": "*"}) without a condition that pins the
 * caller to a known network, organisation or account — the same spirit as S3's own "public"
 * evaluation for Block Public Access. A condition on anything else (`aws:SecureTransport`,
 * `aws:CurrentTime`, `s3:prefix`) does not narrow who can call, so it leaves the statement public.
 */
export const RESTRICTING_CONDITION_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:SourceIp',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:userid',
    'aws:username',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn',
  ].map((k) => k.toLowerCase()),
);

/** Principal "*" or {"AWS": "*"} (alone or in a list). */
export function isAnyPrincipal(principal: Principals | null): boolean {
  return principal !== null && principal.any;
}

/** A condition that pins the caller (keys compared case-insensitively, as IAM does). */
export function restrictsCaller(conditions: readonly ConditionTest[]): boolean {
  return conditions.some((c) => RESTRICTING_CONDITION_KEYS.has(c.key));
}

/** Allow, to anyone, with no condition that pins the caller. */
export function isPublicStatement(st: NormalisedStatement): boolean {
  return st.effect === 'Allow' && isAnyPrincipal(st.principal) && !restrictsCaller(st.conditions);
}
