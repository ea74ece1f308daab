import { isPlainObject, type JsonObject, type JsonValue } from '../../util/json.js';
import { PUBLIC_GROUPS } from '../../services/s3/enrich-bucket.js';
import type { EventFactModule } from './types.js';
import { policyExposureOf } from './policy.js';

/** Canned ACLs that open a bucket to everyone (or to every AWS account). */
const PUBLIC_CANNED: Record<string, string> = {
  'public-read': 'AllUsers',
  'public-read-write': 'AllUsers',
  'authenticated-read': 'AuthenticatedUsers',
};

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** The public grants of a PutBucketAcl request: ACL grants to AllUsers/AuthenticatedUsers (as the S3 enricher reads them) and canned ACLs. */
function aclPublicGrants(params: Record<string, unknown>): JsonValue[] {
  const out: JsonValue[] = [];
  const acl = isPlainObject(params.AccessControlPolicy) ? params.AccessControlPolicy.AccessControlList : undefined;
  for (const grant of asList(isPlainObject(acl) ? acl.Grant : undefined)) {
    const uri = isPlainObject(grant) && isPlainObject(grant.Grantee) ? grant.Grantee.URI : undefined;
    if (typeof uri === 'string' && PUBLIC_GROUPS[uri] && isPlainObject(grant))
      out.push({ group: PUBLIC_GROUPS[uri], permission: typeof grant.Permission === 'string' ? grant.Permission : 'unknown' });
  }
  for (const canned of asList(params['x-amz-acl'])) {
    if (typeof canned === 'string' && PUBLIC_CANNED[canned]) out.push({ group: PUBLIC_CANNED[canned], permission: canned });
  }
  return out;
}

/**
 * A bucket opened by an event, decided as for bucket resources. `PutBucketPolicy`:
 * `bucketPolicyPublic` (Principal "*" without a condition that pins the caller — a condition on
 * `aws:SecureTransport` alone does not; null when the policy cannot be read),
 * `publicStatements`, `policyProblem`. `PutBucketAcl`: `bucketAclPublic`, `aclPublicGrants`.
 */
export const bucketExposureFacts: EventFactModule = {
  topic: 'bucket-exposure',
  facts: ['bucketPolicyPublic', 'publicStatements', 'policyProblem', 'bucketAclPublic', 'aclPublicGrants'],
  eventNames: ['PutBucketPolicy', 'PutBucketAcl'],
  compute(record): JsonObject | undefined {
    const params = record.requestParameters;
    if (!isPlainObject(params)) return undefined;
    if (record.eventName === 'PutBucketAcl') {
      const grants = aclPublicGrants(params);
      return { bucketAclPublic: grants.length > 0, aclPublicGrants: grants };
    }
    if (!('bucketPolicy' in params)) return undefined;
    const exposure = policyExposureOf(params.bucketPolicy);
    return {
      bucketPolicyPublic: exposure.policyPublic,
      publicStatements: exposure.publicStatements,
      policyProblem: exposure.policyProblem,
    };
  },
};
