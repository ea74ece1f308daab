import { isPlainObject } from '../../util/json.js';
import type { EventFactModule } from './types.js';
import { policyGrantOf } from './policy.js';

/**
 * `policyGrant` / `policyGrantSummary` / `policyGrantConditional` of an identity policy an event
 * writes: an inline policy (`Put{User,Group,Role}Policy`) or a managed policy's document
 * (`CreatePolicy`, `CreatePolicyVersion`). `policyDocument` arrives as JSON text, as an object
 * (log shippers that parse it), or URL-encoded; a record without one has no such facts.
 */
export const POLICY_DOCUMENT_EVENTS = ['PutUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'CreatePolicy', 'CreatePolicyVersion'] as const;

export const inlinePolicyFacts: EventFactModule = {
  topic: 'policy-grant',
  facts: ['policyGrant', 'policyGrantSummary', 'policyGrantConditional'],
  eventNames: POLICY_DOCUMENT_EVENTS,
  compute(record) {
    const params = record.requestParameters;
    if (!isPlainObject(params) || !('policyDocument' in params)) return undefined;
    const name =
      typeof params.policyName === 'string' ? params.policyName : typeof params.policyArn === 'string' ? params.policyArn : 'written';
    return { ...policyGrantOf(params.policyDocument, name) };
  },
};
