import type { JsonObject, JsonValue } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { Enricher } from '../../enrich/types.js';

/**
 * One IAM policy statement with the grammar's alternatives settled: `Statement` may be one
 * object or a list; `Action`, `NotAction`, `Resource`, `NotResource` may be a string or a
 * list; `Effect` is compared case-sensitively as IAM does ("Allow" / "Deny").
 */
export interface NormalisedStatement {
  index: number;
  sid: string | null;
  effect: string | null;
  actions: string[];
  notActions: string[] | null;
  resources: string[];
  notResources: string[] | null;
  hasCondition: boolean;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * A policy document as the snapshot holds it: parsed to an object by the collector. A
 * string (the raw or URL-encoded JSON that IAM returns) is accepted too, so a snapshot
 * written by another tool still gives facts.
 */
export function parsePolicyDocument(document: unknown): Record<string, unknown> | undefined {
  if (isPlainObject(document)) return document;
  if (typeof document !== 'string') return undefined;
  for (const text of [document, safeDecode(document)]) {
    if (text === undefined) continue;
    try {
      const parsed: unknown = JSON.parse(text);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      /* try the next form */
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function normaliseStatements(document: unknown): NormalisedStatement[] {
  const statement = parsePolicyDocument(document)?.Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined || statement === null ? [] : [statement];
  const out: NormalisedStatement[] = [];
  list.forEach((st, index) => {
    if (!isPlainObject(st)) return;
    out.push({
      index,
      sid: typeof st.Sid === 'string' ? st.Sid : null,
      effect: typeof st.Effect === 'string' ? st.Effect : null,
      actions: strings(st.Action),
      notActions: 'NotAction' in st ? strings(st.NotAction) : null,
      resources: strings(st.Resource),
      notResources: 'NotResource' in st ? strings(st.NotResource) : null,
      hasCondition: isPlainObject(st.Condition) && Object.keys(st.Condition).length > 0,
    });
  });
  return out;
}

const ADMIN_ACTIONS = new Set(['*', '*:*']);
/** `service:*` — every action of one service (IAM action names are case-insensitive). */
const SERVICE_WILDCARD = /^[a-z0-9-]+:\*$/i;

/** Resource "*", or NotResource (everything but a few resources), which is as broad in practice. */
function onEveryResource(st: NormalisedStatement): boolean {
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
