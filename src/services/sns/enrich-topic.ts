import type { Enricher } from '../../enrich/types.js';
import { isPlainObject } from '../../util/json.js';

/**
 * Condition keys that, in an Allow statement for everyone, narrow it to known accounts,
 * organisations, sources or networks (the default topic policy narrows to `AWS:SourceOwner`).
 */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceOwner',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:SourceIp',
    'aws:SourceVpc',
    'aws:SourceVpce',
  ].map((k) => k.toLowerCase()),
);

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  return isPlainObject(principal) && asList(principal.AWS).includes('*');
}

/** A condition restricts when one of its keys is a restricting key with only fixed values (no wildcard). */
function restricts(condition: unknown): boolean {
  if (!isPlainObject(condition)) return false;
  return Object.values(condition).some(
    (block) =>
      isPlainObject(block) &&
      Object.entries(block).some(
        ([key, values]) =>
          RESTRICTING_KEYS.has(key.toLowerCase()) &&
          asList(values).length > 0 &&
          asList(values).every((v) => typeof v === 'string' && !v.includes('*') && !v.includes('?')),
      ),
  );
}

/**
 * Does the topic's access policy let anyone (any AWS account, or anonymous callers) use it?
 * `publicPolicy` is true when an Allow statement names everyone as principal without a condition
 * that narrows it to fixed accounts, organisations, sources or networks; null when the attributes
 * were not read or the policy cannot be parsed. `publicActions` lists what those statements allow.
 */
export const topicEnricher: Enricher = {
  type: 'aws.sns.topic',
  enrich(resource) {
    const attrs = resource.data.Attributes;
    if (!isPlainObject(attrs)) return { publicPolicy: null, publicActions: null };
    if (typeof attrs.Policy !== 'string' || attrs.Policy === '') return { publicPolicy: false, publicActions: [] };
    let policy: unknown;
    try {
      policy = JSON.parse(attrs.Policy);
    } catch {
      return { publicPolicy: null, publicActions: null };
    }
    if (!isPlainObject(policy)) return { publicPolicy: null, publicActions: null };
    const open = asList(policy.Statement).filter(
      (s) => isPlainObject(s) && s.Effect === 'Allow' && isEveryone(s.Principal) && !restricts(s.Condition),
    );
    const actions = [...new Set(open.flatMap((s) => asList(isPlainObject(s) ? s.Action : undefined).filter((a) => typeof a === 'string')))];
    return { publicPolicy: open.length > 0, publicActions: actions.sort() };
  },
};
