import type { JsonObject, JsonValue } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { Enricher } from '../../enrich/types.js';

import { normaliseStatements, type NormalisedStatement } from './policy/document.js';

// The parser lives in policy/document.ts (one parser for every policy analysis); these names stay for existing callers.
export { normaliseStatements, type NormalisedStatement } from './policy/document.js';

const ADMIN_ACTIONS = new Set(['*', '*:*']);
/** `service:*` — every action of one service (IAM action names are case-insensitive). */
const SERVICE_WILDCARD = /^[a-z0-9-]+:\*$/i;

/** Resource "*", or NotResource (everything but a few resources), which is as broad in practice. */
export function onEveryResource(st: NormalisedStatement): boolean {
  return st.resources.includes('*') || (st.notResources !== null && st.resources.length === 0);
}

function resourceText(st: NormalisedStatement): string {
  return st.resources.includes('*') ? 'on every resource' : `on every resource except ${st.notResources!.join(', ')}`;
}

/** Allow, Action "*" (alone or in a list), Resource "*" (or NotResource): full administrator access. */
export function isAdminStatement(st: NormalisedStatement): boolean {
  return st.effect === 'Allow' && st.actions.some((a) => ADMIN_ACTIONS.has(a)) && onEveryResource(st);
}

/** Allow, some `service:*` action, Resource "*" (and not already an admin statement). */
export function serviceWildcards(st: NormalisedStatement): string[] {
  if (st.effect !== 'Allow' || !onEveryResource(st) || isAdminStatement(st)) return [];
  return st.actions.filter((a) => SERVICE_WILDCARD.test(a));
}

interface NamedDocument {
  /** How the report names the policy: the inline policy's name or the managed policy's name. */
  policy: string;
  document: unknown;
}

function describe(st: NormalisedStatement, policy: string): string {
  return `policy ${policy} statement ${st.sid ? `"${st.sid}"` : `#${st.index + 1}`}`;
}

/** The facts for a set of policy documents: statements granting everything, and `service:*` on everything. */
export function wildcardFacts(documents: readonly NamedDocument[]): JsonObject {
  const adminStatements: JsonValue[] = [];
  const serviceWildcardStatements: JsonValue[] = [];
  for (const { policy, document } of documents) {
    for (const st of normaliseStatements(document)) {
      const base = { policy, statement: st.index, sid: st.sid, hasCondition: st.hasCondition };
      if (isAdminStatement(st)) {
        adminStatements.push({
          ...base,
          actions: st.actions,
          summary: `${describe(st, policy)} allows every action ("*") ${resourceText(st)}`,
        });
        continue;
      }
      const services = serviceWildcards(st);
      if (services.length > 0) {
        serviceWildcardStatements.push({
          ...base,
          actions: services,
          summary: `${describe(st, policy)} allows ${services.join(', ')} ${resourceText(st)}`,
        });
      }
    }
  }
  return { adminStatements, serviceWildcardStatements };
}

/** Facts of a principal with no inline policy (most of them): one shared, frozen object. */
const NO_WILDCARDS: JsonObject = Object.freeze({
  adminStatements: Object.freeze([]) as unknown as JsonValue[],
  serviceWildcardStatements: Object.freeze([]) as unknown as JsonValue[],
});

function inlineFacts(list: unknown): JsonObject {
  return Array.isArray(list) && list.length > 0 ? wildcardFacts(inlineDocuments(list)) : NO_WILDCARDS;
}

function inlineDocuments(list: unknown): NamedDocument[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(isPlainObject)
    .map((p) => ({ policy: typeof p.PolicyName === 'string' ? p.PolicyName : '(unnamed)', document: p.PolicyDocument }));
}

/**
 * For users, roles and groups the facts cover their **inline** policies (managed policies are
 * resources of their own, `aws.iam.policy`, with the same facts); for a managed policy they
 * cover its default version's document.
 */
export const iamPolicyDocumentEnrichers: readonly Enricher[] = [
  { type: 'aws.iam.user', enrich: (r) => inlineFacts(r.data.UserPolicyList) },
  { type: 'aws.iam.role', enrich: (r) => inlineFacts(r.data.RolePolicyList) },
  { type: 'aws.iam.group', enrich: (r) => inlineFacts(r.data.GroupPolicyList) },
  {
    type: 'aws.iam.policy',
    enrich: (r) => wildcardFacts([{ policy: typeof r.data.PolicyName === 'string' ? r.data.PolicyName : r.id, document: r.data.Document }]),
  },
];
