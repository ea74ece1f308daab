import { isPlainObject } from '../../../util/json.js';

/**
 * The one parser of IAM policy documents (identity policies, trust policies, and resource
 * policies of other services, which share the grammar). It settles the grammar's
 * alternatives once, so the analyses never see them: `Statement` as one object or a list;
 * `Action`/`NotAction`/`Resource`/`NotResource` as a string or a list; `Principal` as `"*"`
 * or an object of string-or-list values; `Condition` as operator → key → string-or-list; a
 * document as an object, as JSON text, or as URL-encoded JSON text (what IAM returns).
 */

/** One condition test: `StringLike: { "token.actions.githubusercontent.com:sub": ["repo:o/r:*"] }`. */
export interface ConditionTest {
  /** As written, e.g. `ForAnyValue:StringLike`, `StringEqualsIfExists`. */
  operator: string;
  /** Lower-cased: IAM condition keys are case-insensitive. */
  key: string;
  values: string[];
}

/** `Principal` / `NotPrincipal` of a statement. `any` is `"*"` (or `{"AWS": "*"}`, which IAM treats alike). */
export interface Principals {
  any: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

export interface NormalisedStatement {
  /** Position in the document's statement list (0-based). */
  index: number;
  sid: string | null;
  /** Compared case-sensitively, as IAM does: anything but "Allow"/"Deny" grants nothing. */
  effect: string | null;
  actions: string[];
  notActions: string[] | null;
  resources: string[];
  notResources: string[] | null;
  principal: Principals | null;
  notPrincipal: Principals | null;
  conditions: ConditionTest[];
  hasCondition: boolean;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Condition values may be written as JSON booleans or numbers (`"aws:SecureTransport": false`). */
function conditionValues(value: unknown): string[] {
  const one = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (one(value)) return [String(value)];
  return Array.isArray(value) ? value.filter(one).map(String) : [];
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Why a policy document could not be read: said, never thrown and never read as "no statements". */
export interface UnparseablePolicy {
  ok: false;
  reason: string;
}

export interface ParsedPolicy {
  ok: true;
  /** The document as an object (parsed from text when it came as text). */
  document: Record<string, unknown>;
  statements: NormalisedStatement[];
}

/**
 * A policy document in any of the forms AWS hands it over: an object (a snapshot, CloudTrail's
 * `bucketPolicy`), JSON text (`PutUserPolicy`'s `policyDocument` in CloudTrail, S3's
 * `GetBucketPolicy`), or URL-encoded JSON text (IAM's `GetPolicyVersion`,
 * `GetAccountAuthorizationDetails`). Anything else, or a document whose `Statement` is not a
 * statement or a list of them, is `unparseable` with the reason: a caller decides what an
 * unreadable document means (an event rule says so; a resource fact becomes unknown).
 */
export function parsePolicy(input: unknown): ParsedPolicy | UnparseablePolicy {
  const document = documentObject(input);
  if (!document) {
    const what =
      typeof input === 'string'
        ? 'text that is not JSON (nor URL-encoded JSON)'
        : input === null
          ? 'null'
          : Array.isArray(input)
            ? 'a list'
            : `a ${typeof input}`;
    return { ok: false, reason: `the policy document is ${what}, not a JSON object` };
  }
  const statement = document.Statement;
  if (statement !== undefined && statement !== null && !isPlainObject(statement) && !Array.isArray(statement))
    return { ok: false, reason: 'Statement is neither a statement nor a list of statements' };
  const list: unknown[] = Array.isArray(statement) ? statement : statement === undefined || statement === null ? [] : [statement];
  const bad = list.findIndex((st) => !isPlainObject(st));
  if (bad >= 0) return { ok: false, reason: `statement #${bad + 1} is not an object` };
  return { ok: true, document, statements: normalise(list) };
}

function documentObject(document: unknown): Record<string, unknown> | undefined {
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

/**
 * A policy document as an object, or undefined when it is not one (see parsePolicy for the
 * forms accepted). For callers that keep what they cannot read as it was (the IAM collector).
 */
export function parsePolicyDocument(document: unknown): Record<string, unknown> | undefined {
  return documentObject(document);
}

function principals(value: unknown): Principals | null {
  if (value === undefined || value === null) return null;
  const out: Principals = { any: false, aws: [], service: [], federated: [], canonicalUser: [] };
  if (value === '*') {
    out.any = true;
    return out;
  }
  if (!isPlainObject(value)) return out;
  for (const [kind, v] of Object.entries(value)) {
    const list = strings(v);
    switch (kind) {
      case 'AWS':
        if (list.includes('*')) out.any = true;
        out.aws.push(...list.filter((p) => p !== '*'));
        break;
      case 'Service':
        out.service.push(...list);
        break;
      case 'Federated':
        out.federated.push(...list);
        break;
      case 'CanonicalUser':
        out.canonicalUser.push(...list);
        break;
      default:
    }
  }
  return out;
}

function conditions(value: unknown): ConditionTest[] {
  if (!isPlainObject(value)) return [];
  const out: ConditionTest[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isPlainObject(block)) continue;
    for (const [key, values] of Object.entries(block)) out.push({ operator, key: key.toLowerCase(), values: conditionValues(values) });
  }
  return out;
}

/** The statements of a document (none when it cannot be read: use parsePolicy where that must be told apart). */
export function normaliseStatements(document: unknown): NormalisedStatement[] {
  const statement = documentObject(document)?.Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined || statement === null ? [] : [statement];
  return normalise(list);
}

/** Statements that are not objects are left out (their index stays theirs). */
function normalise(list: readonly unknown[]): NormalisedStatement[] {
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
      principal: principals(st.Principal),
      notPrincipal: principals(st.NotPrincipal),
      conditions: conditions(st.Condition),
      hasCondition: isPlainObject(st.Condition) && Object.keys(st.Condition).length > 0,
    });
  });
  return out;
}

/** How a report names a statement: `policy NAME statement "Sid"` or `… statement #2`. */
export function describeStatement(st: NormalisedStatement, policy: string): string {
  return `policy ${policy} statement ${st.sid ? `"${st.sid}"` : `#${st.index + 1}`}`;
}
