import { displayText } from '../../util/json.js';
import type { JsonObject, JsonValue } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { Enricher } from '../../enrich/types.js';
import { derived, wasCollected } from '../../enrich/types.js';
import { normaliseStatements, parsePolicyDocument } from '../iam/policy/document.js';
import { isPublicStatement, RESTRICTING_CONDITION_KEYS } from '../iam/policy/public.js';
import { aclAccess, highest, statementAccess, type AccessLevel } from './public-access.js';

const BPA_FIELDS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

export const PUBLIC_GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers',
};

/** Effective Block Public Access: a setting is on when either the account or the bucket turns it on. */
function effectiveBlock(bucket: unknown, account: unknown): JsonObject {
  const out: JsonObject = {};
  for (let i = 0; i < BPA_FIELDS.length; i++) {
    const field = BPA_FIELDS[i]!;
    const b = isPlainObject(bucket) && bucket[field] === true;
    const a = isPlainObject(account) && account[field] === true;
    out[field] = a || b;
  }
  const fromAccount = isPlainObject(account);
  const fromBucket = isPlainObject(bucket);
  out.source = fromAccount && fromBucket ? 'account+bucket' : fromAccount ? 'account' : fromBucket ? 'bucket' : 'none';
  return out;
}

export function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (isPlainObject(principal)) {
    const aws = principal.AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}

/** A condition block that pins the caller (policy/public.ts decides which keys do). */
export function hasRestrictingCondition(condition: unknown): boolean {
  if (!isPlainObject(condition)) return false;
  return Object.values(condition).some(
    (block) => isPlainObject(block) && Object.keys(block).some((k) => RESTRICTING_CONDITION_KEYS.has(k.toLowerCase())),
  );
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/**
 * Does the bucket policy refuse plain-HTTP requests? That takes a Deny statement for
 * everyone (Principal "*") on every S3 action ("s3:*" or "*") with the condition
 * `Bool`/`BoolIfExists` `aws:SecureTransport = false` — the form AWS documents and
 * Security Hub S3.5 checks. An Allow conditioned on SecureTransport "true" does not count:
 * other grants (IAM policies, ACLs) would still work over HTTP.
 */
export function deniesInsecureTransport(statements: unknown): boolean {
  return asList(statements).some((st) => {
    if (!isPlainObject(st) || st.Effect !== 'Deny' || !isWildcardPrincipal(st.Principal)) return false;
    const actions = asList(st.Action)
      .filter((a): a is string => typeof a === 'string')
      .map((a) => a.toLowerCase());
    if (!actions.includes('s3:*') && !actions.includes('*')) return false;
    if (!isPlainObject(st.Condition)) return false;
    return Object.entries(st.Condition).some(
      ([operator, block]) =>
        /^bool(ifexists)?$/i.test(operator) &&
        isPlainObject(block) &&
        Object.entries(block).some(([key, value]) => key.toLowerCase() === 'aws:securetransport' && asList(value).some(isFalse)),
    );
  });
}

/**
 * Actions on a bucket that change who can reach it or how it is protected: Security Hub S3.6
 * does not let a bucket policy grant them to other AWS accounts.
 */
const ADMIN_ACTIONS = [
  's3:DeleteBucketPolicy',
  's3:PutBucketAcl',
  's3:PutBucketPolicy',
  's3:PutEncryptionConfiguration',
  's3:PutObjectAcl',
];

/** An IAM action pattern (`s3:Put*`, `*`) as a case-insensitive regular expression. */
function actionPattern(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The ADMIN_ACTIONS a statement grants, by its Action or NotAction. */
function grantedAdminActions(st: Record<string, unknown>): string[] {
  if ('NotAction' in st) {
    const not = asList(st.NotAction)
      .filter((a): a is string => typeof a === 'string')
      .map(actionPattern);
    return ADMIN_ACTIONS.filter((a) => !not.some((re) => re.test(a)));
  }
  const patterns = asList(st.Action)
    .filter((a): a is string => typeof a === 'string')
    .map(actionPattern);
  return ADMIN_ACTIONS.filter((a) => patterns.some((re) => re.test(a)));
}

/**
 * The AWS accounts other than `own` that a statement's Principal names (an account id or an
 * IAM ARN), and "*" for Principal "*" without a condition that pins the caller.
 */
function otherAccounts(st: Record<string, unknown>, own: string): string[] {
  if (isWildcardPrincipal(st.Principal)) return hasRestrictingCondition(st.Condition) ? [] : ['*'];
  if (!isPlainObject(st.Principal)) return [];
  const out = new Set<string>();
  for (const p of asList(st.Principal.AWS)) {
    if (typeof p !== 'string') continue;
    const account = /^\d{12}$/.test(p) ? p : /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(p)?.[1];
    if (account && account !== own) out.add(account);
  }
  return [...out];
}

/** Allow statements that grant ADMIN_ACTIONS to another account (S3.6). */
export function crossAccountAdminStatements(statements: unknown, own: string): JsonObject[] {
  const out: JsonObject[] = [];
  asList(statements).forEach((st, index) => {
    if (!isPlainObject(st) || st.Effect !== 'Allow') return;
    const accounts = otherAccounts(st, own);
    if (accounts.length === 0) return;
    const actions = grantedAdminActions(st);
    if (actions.length === 0) return;
    out.push({ index, sid: typeof st.Sid === 'string' ? st.Sid : null, accounts, actions });
  });
  return out;
}

/**
 * The public statements of a resource policy (policy/public.ts), each `{ index, sid, action }`
 * with `action` as written; none when the document cannot be read. Shared by S3 buckets,
 * Lambda function policies and CloudTrail events that write a bucket policy.
 */
export function publicStatementFacts(document: Record<string, unknown> | undefined): JsonValue[] {
  if (!document) return [];
  const raw = document.Statement;
  const list: unknown[] = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const out: JsonValue[] = [];
  for (const st of normaliseStatements(document)) {
    if (!isPublicStatement(st)) continue;
    const written = list[st.index] as Record<string, unknown>;
    out.push({ index: st.index, sid: st.sid, action: (written.Action as JsonValue) ?? null, access: statementAccess(written) });
  }
  return out;
}

/** Bucket names that CloudTrail trails deliver to (any account in the snapshot: bucket names are global). */
function trailBuckets(index: Parameters<Enricher['enrich']>[1]['index']): Map<string, string[]> {
  return derived(index, 'cloudtrail-buckets', () => {
    const map = new Map<string, string[]>();
    for (const trail of index.ofType('aws.cloudtrail.trail')) {
      const bucket = trail.data.S3BucketName;
      if (typeof bucket === 'string') map.set(bucket, [...(map.get(bucket) ?? []), trail.id]);
    }
    return map;
  });
}

const NO_TRAILS: string[] = Object.freeze([]) as unknown as string[];
/** Most buckets have no public grant, statement or reason: one shared, frozen empty list. */
const NO_ITEMS: JsonValue[] = Object.freeze([]) as unknown as JsonValue[];

export const s3BucketEnricher: Enricher = {
  type: 'aws.s3.bucket',
  reads: ['aws.s3.account-public-access-block'],
  fields: ['Acl', 'Policy', 'PublicAccessBlock'],
  enrich(resource, ctx) {
    const account = ctx.index.accountLevel('aws.s3.account-public-access-block', resource.account);
    const block = effectiveBlock(resource.data.PublicAccessBlock, account?.data);
    const grants = isPlainObject(resource.data.Acl) && Array.isArray(resource.data.Acl.Grants) ? resource.data.Acl.Grants : [];
    const aclPublicGrants: JsonValue[] = [];
    for (let i = 0; i < grants.length; i++) {
      const grant: unknown = grants[i];
      const uri = isPlainObject(grant) && isPlainObject(grant.Grantee) ? grant.Grantee.URI : undefined;
      if (typeof uri === 'string' && PUBLIC_GROUPS[uri] && isPlainObject(grant)) {
        aclPublicGrants.push({
          group: PUBLIC_GROUPS[uri],
          permission: (grant.Permission as string) ?? 'unknown',
          access: aclAccess(grant.Permission),
        });
      }
    }
    // The one policy parser (object, JSON text or URL-encoded text) and the one public-ness test.
    const document = parsePolicyDocument(resource.data.Policy);
    const statements = document?.Statement;
    const policyPublicStatements = publicStatementFacts(document);
    const publicViaAcl = aclPublicGrants.length > 0 && block.IgnorePublicAcls !== true;
    const publicViaPolicy = policyPublicStatements.length > 0 && block.RestrictPublicBuckets !== true;
    const reasons: string[] = [];
    if (publicViaAcl)
      reasons.push(
        ...aclPublicGrants.map((g) => `ACL grants ${displayText((g as JsonObject).permission)} to ${displayText((g as JsonObject).group)}`),
      );
    if (publicViaPolicy)
      reasons.push(`bucket policy allows Principal "*" without a restricting condition (${policyPublicStatements.length} statement(s))`);
    // Unknown (null) when trails were not collected: a bucket cannot be told apart as a trail bucket then.
    const trailsCollected = wasCollected(ctx.index, 'aws.cloudtrail.trail');
    const trails = trailsCollected ? (trailBuckets(ctx.index).get(resource.id) ?? NO_TRAILS) : NO_TRAILS;
    return {
      cloudTrailLogBucket: trailsCollected ? trails.length > 0 : null,
      cloudTrailTrails: trails,
      // null when the policy could not be read (the field is absent): unknown, not "no".
      secureTransportEnforced: 'Policy' in resource.data ? deniesInsecureTransport(statements) : null,
      // null when the policy could not be read; [] when the bucket has none.
      crossAccountAdminStatements: 'Policy' in resource.data ? crossAccountAdminStatements(statements, resource.account) : null,
      publicAccessBlock: block,
      aclPublicGrants: aclPublicGrants.length > 0 ? aclPublicGrants : NO_ITEMS,
      policyPublicStatements: policyPublicStatements.length > 0 ? policyPublicStatements : NO_ITEMS,
      publicViaAcl,
      publicViaPolicy,
      // What the public grants that take effect let anyone do: read < list < write < control (null: not public that way).
      publicAclAccess: publicViaAcl ? highest(aclPublicGrants.map((g) => (g as { access: AccessLevel }).access))! : null,
      publicPolicyAccess: publicViaPolicy ? highest(policyPublicStatements.map((s) => (s as { access: AccessLevel }).access))! : null,
      public: publicViaAcl || publicViaPolicy,
      publicReasons: reasons.length > 0 ? reasons : NO_ITEMS,
    };
  },
};
