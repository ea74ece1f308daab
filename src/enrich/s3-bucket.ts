import type { JsonObject, JsonValue } from '../util/json.js';
import { isPlainObject } from '../util/json.js';
import type { Enricher } from './types.js';

const BPA_FIELDS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

export const PUBLIC_GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers',
};

/**
 * Condition keys that, in an Allow statement with Principal "*", restrict who can use it
 * to a known network, organisation or account, so the statement does not make the bucket public.
 * (Same spirit as S3's own "public" evaluation for Block Public Access.)
 */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceIp', 'aws:SourceVpc', 'aws:SourceVpce', 'aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOwner',
    'aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:userid',
    'aws:username', 's3:DataAccessPointAccount', 's3:DataAccessPointArn',
  ].map((k) => k.toLowerCase()),
);

/** Effective Block Public Access: a setting is on when either the account or the bucket turns it on. */
function effectiveBlock(bucket: unknown, account: unknown): JsonObject {
  const out: JsonObject = {};
  for (const field of BPA_FIELDS) {
    const b = isPlainObject(bucket) && bucket[field] === true;
    const a = isPlainObject(account) && account[field] === true;
    out[field] = a || b;
  }
  out.source = isPlainObject(account) || isPlainObject(bucket) ? [isPlainObject(account) ? 'account' : '', isPlainObject(bucket) ? 'bucket' : ''].filter(Boolean).join('+') : 'none';
  return out;
}

function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (isPlainObject(principal)) {
    const aws = principal.AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}

function hasRestrictingCondition(condition: unknown): boolean {
  if (!isPlainObject(condition)) return false;
  return Object.values(condition).some((block) => isPlainObject(block) && Object.keys(block).some((k) => RESTRICTING_KEYS.has(k.toLowerCase())));
}

function parsePolicy(policy: unknown): { Statement?: unknown } | undefined {
  if (typeof policy === 'string') {
    try {
      return JSON.parse(policy) as { Statement?: unknown };
    } catch {
      return undefined;
    }
  }
  return isPlainObject(policy) ? policy : undefined;
}

export const s3BucketEnricher: Enricher = {
  type: 'aws.s3.bucket',
  reads: ['aws.s3.account-public-access-block'],
  enrich(resource, ctx) {
    const account = ctx.index.accountLevel('aws.s3.account-public-access-block', resource.account);
    const block = effectiveBlock(resource.data.PublicAccessBlock, account?.data);
    const grants = isPlainObject(resource.data.Acl) && Array.isArray(resource.data.Acl.Grants) ? resource.data.Acl.Grants : [];
    const aclPublicGrants: JsonValue[] = [];
    for (const grant of grants) {
      const uri = isPlainObject(grant) && isPlainObject(grant.Grantee) ? grant.Grantee.URI : undefined;
      if (typeof uri === 'string' && PUBLIC_GROUPS[uri] && isPlainObject(grant)) {
        aclPublicGrants.push({ group: PUBLIC_GROUPS[uri]!, permission: (grant.Permission as string) ?? 'unknown' });
      }
    }
    const statements = parsePolicy(resource.data.Policy)?.Statement;
    const policyPublicStatements: JsonValue[] = [];
    for (const [i, st] of (Array.isArray(statements) ? statements : statements ? [statements] : []).entries()) {
      if (isPlainObject(st) && st.Effect === 'Allow' && isWildcardPrincipal(st.Principal) && !hasRestrictingCondition(st.Condition)) {
        policyPublicStatements.push({ index: i, sid: typeof st.Sid === 'string' ? st.Sid : null, action: (st.Action as JsonValue) ?? null });
      }
    }
    const publicViaAcl = aclPublicGrants.length > 0 && block.IgnorePublicAcls !== true;
    const publicViaPolicy = policyPublicStatements.length > 0 && block.RestrictPublicBuckets !== true;
    const reasons: string[] = [];
    if (publicViaAcl) reasons.push(...aclPublicGrants.map((g) => `ACL grants ${(g as JsonObject).permission} to ${(g as JsonObject).group}`));
    if (publicViaPolicy) reasons.push(`bucket policy allows Principal "*" without a restricting condition (${policyPublicStatements.length} statement(s))`);
    return {
      publicAccessBlock: block,
      aclPublicGrants,
      policyPublicStatements,
      publicViaAcl,
      publicViaPolicy,
      public: publicViaAcl || publicViaPolicy,
      publicReasons: reasons,
    };
  },
};
