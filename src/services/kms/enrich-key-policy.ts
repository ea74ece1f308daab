import type { Enricher } from '../../enrich/types.js';
import type { JsonObject } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';

/**
 * Condition keys that, with a fixed value, limit a statement to known accounts, an
 * organisation, known principals or a network: a statement for Principal "*" with one of them
 * is not open to everyone. (`kms:ViaService` alone is not among them: any account's EC2 or
 * RDS could still call through that service.)
 */
const RESTRICTING_KEYS = new Set(
  [
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalArn',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:userid',
    'aws:username',
    'kms:CallerAccount',
  ].map((k) => k.toLowerCase()),
);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/** Principal "*", `{"AWS": "*"}` (alone or in a list). */
function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  return isPlainObject(principal) && asList(principal.AWS).includes('*');
}

/**
 * Does the condition pin the statement to someone? One block with a restricting key, an
 * operator that is neither negated (`StringNotEquals`) nor `…IfExists` (which lets a request
 * without the key through), and only values without a wildcard.
 */
export function restrictsCaller(condition: unknown): boolean {
  if (!isPlainObject(condition)) return false;
  return Object.entries(condition).some(([operator, block]) => {
    if (/not|ifexists/i.test(operator) || !isPlainObject(block)) return false;
    return Object.entries(block).some(([key, value]) => {
      if (!RESTRICTING_KEYS.has(key.toLowerCase())) return false;
      const values = asList(value);
      return values.length > 0 && values.every((v) => typeof v === 'string' && v !== '' && !v.includes('*'));
    });
  });
}

/**
 * The statements of a key policy that allow anyone: `Allow` for Principal "*" (or with
 * `NotPrincipal`, which allows everyone but the named) without a condition that pins the
 * caller. Undefined when the policy cannot be read.
 */
export function publicStatements(policy: unknown): JsonObject[] | undefined {
  let doc: unknown = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  if (!isPlainObject(doc)) return undefined;
  const out: JsonObject[] = [];
  asList(doc.Statement).forEach((st, index) => {
    if (!isPlainObject(st) || st.Effect !== 'Allow') return;
    const open = ('NotPrincipal' in st && st.NotPrincipal !== undefined) || isEveryone(st.Principal);
    if (!open || restrictsCaller(st.Condition)) return;
    out.push({
      index,
      sid: typeof st.Sid === 'string' ? st.Sid : null,
      actions: asList(st.Action).filter((a): a is string => typeof a === 'string'),
    });
  });
  return out;
}

/** Is the key policy open to anyone (KMS.5)? */
export const kmsKeyPolicyEnricher: Enricher = {
  type: 'aws.kms.key-policy',
  enrich(resource) {
    const statements = 'Policy' in resource.data ? publicStatements(resource.data.Policy) : undefined;
    return {
      // null when the policy could not be read or parsed: unknown, not "private".
      public: statements === undefined ? null : statements.length > 0,
      publicStatements: statements ?? [],
    };
  },
};
