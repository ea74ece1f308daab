import type { Enricher, EnrichContext } from '../../enrich/types.js';
import { derived, wasCollected } from '../../enrich/types.js';
import type { Resource } from '../../snapshot/types.js';
import { isPlainObject, type JsonObject, type JsonValue } from '../../util/json.js';
import { adminAccess, adminText, allBucketsAccess, allKeysDecrypt, escalationPaths } from './policy/access.js';
import { analysePolicy, renamed, type AnalysedPolicy } from './policy/evaluate.js';
import { trustFacts } from './policy/trust.js';
import { isAdminStatement, serviceWildcards } from './enrich-policy-documents.js';
import { GROUP, POLICY, ROLE, USER } from './produces.js';

/**
 * Facts about what users, roles and groups can do through all their policies — inline,
 * managed (AWS-managed ones by their documents), and for users those of their groups — and
 * who can assume a role. Each managed policy and each group is analysed once per evaluation
 * and shared by every principal that holds it, so an account with thousands of roles that
 * share a few policies costs a few analyses, not thousands.
 */

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;
/** The AWS-managed policies that iam-{user,group,role}-full-access-policy report by name. */
const FULL_ACCESS_NAME = /(FullAccess|^AdministratorAccess)$/;

interface Held {
  /** Its own policies first, then (for a user) its groups'. */
  policies: AnalysedPolicy[];
  /** The principal's own policies (a prefix of `policies`). */
  own: AnalysedPolicy[];
  /** Policies (or groups) whose documents are not in the snapshot. */
  unread: string[];
}

type Kind = 'user' | 'role' | 'group';

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

/** Managed policies by account and ARN, analysed on first use. */
function managedPolicy(ctx: EnrichContext, account: string, arn: string): AnalysedPolicy | undefined {
  const cache = derived(ctx.index, 'iam-analysed-managed-policies', () => new Map<string, AnalysedPolicy | null>());
  const key = `${account}\u0000${arn}`;
  let analysed = cache.get(key);
  if (analysed === undefined) {
    const resource = ctx.index.get(POLICY, account, 'global', arn);
    const document = resource?.data.Document;
    analysed =
      resource && isPlainObject(document)
        ? analysePolicy({ name: text(resource.data.PolicyName) ?? arn.slice(arn.lastIndexOf('/') + 1), arn, document })
        : null;
    cache.set(key, analysed);
  }
  return analysed ?? undefined;
}

function inlinePolicies(value: unknown, suffix: string): AnalysedPolicy[] {
  return list(value).map((p) =>
    analysePolicy({ name: `${text(p.PolicyName) ?? '(unnamed)'}${suffix}`, arn: null, document: p.PolicyDocument }),
  );
}

function attached(ctx: EnrichContext, account: string, value: unknown, suffix: string, held: Held): void {
  for (const p of list(value)) {
    const arn = text(p.PolicyArn);
    if (!arn) continue;
    const policy = managedPolicy(ctx, account, arn);
    if (policy) held.policies.push(suffix ? renamed(policy, `${policy.name}${suffix}`) : policy);
    else held.unread.push(`${text(p.PolicyName) ?? arn}${suffix}`);
  }
}

/** A group's own policies, as its members see them (named "… (group NAME)"), once per group. */
function groupHeld(ctx: EnrichContext, account: string, name: string, asMember: boolean): Held {
  const cache = derived(ctx.index, 'iam-group-policies', () => new Map<string, Held>());
  const key = `${account}\u0000${name}\u0000${asMember ? 'm' : 'g'}`;
  let held = cache.get(key);
  if (!held) {
    held = { policies: [], own: [], unread: [] };
    const suffix = asMember ? ` (group ${name})` : '';
    const group = ctx.index.get(GROUP, account, 'global', name);
    if (!group) held.unread.push(`group ${name}`);
    else {
      held.policies.push(...inlinePolicies(group.data.GroupPolicyList, suffix));
      attached(ctx, account, group.data.AttachedManagedPolicies, suffix, held);
    }
    held.own = held.policies;
    cache.set(key, held);
  }
  return held;
}

function heldBy(resource: Resource, kind: Kind, ctx: EnrichContext): Held {
  if (kind === 'group') return groupHeld(ctx, resource.account, resource.id, false);
  const held: Held = { policies: [], own: [], unread: [] };
  held.policies.push(...inlinePolicies(kind === 'user' ? resource.data.UserPolicyList : resource.data.RolePolicyList, ''));
  attached(ctx, resource.account, resource.data.AttachedManagedPolicies, '', held);
  held.own = [...held.policies];
  if (kind === 'user' && Array.isArray(resource.data.GroupList)) {
    for (const name of resource.data.GroupList) {
      if (typeof name !== 'string') continue;
      const g = groupHeld(ctx, resource.account, name, true);
      held.policies.push(...g.policies);
      held.unread.push(...g.unread);
    }
  }
  return held;
}

/**
 * The view of a principal's policies that other rules already report: Allow statements of
 * AWS-managed …FullAccess / AdministratorAccess policies (iam-*-full-access-policy), `*` and
 * `service:*` on `*` statements of inline and customer-managed policies
 * (iam-*-inline-policy-wildcard, iam-policy-grants-*), and for a user every statement of its
 * groups (each group is reported on its own). Every Deny stays. A grant this view alone
 * gives is "reported elsewhere": one cause, one finding.
 */
const reportedCopies = new WeakMap<object, AnalysedPolicy>();
function reportedOnly(policy: AnalysedPolicy): AnalysedPolicy {
  const cached = reportedCopies.get(policy.statements);
  if (cached) return cached.name === policy.name ? cached : { ...cached, name: policy.name };
  const awsManaged = policy.arn !== null && AWS_MANAGED.test(policy.arn);
  const byName = awsManaged && FULL_ACCESS_NAME.test(policy.arn!.slice(policy.arn!.lastIndexOf('/') + 1));
  const statements = policy.statements.filter(
    (st) => st.effect !== 'Allow' || byName || (!awsManaged && (isAdminStatement(st) || serviceWildcards(st).length > 0)),
  );
  const copy: AnalysedPolicy = { name: policy.name, arn: policy.arn, statements, memo: new Map() };
  reportedCopies.set(policy.statements, copy);
  return copy;
}

const NOT_COLLECTED: JsonObject = Object.freeze({
  unreadPolicies: null,
  effectiveAdmin: null,
  allBucketsDataAccess: null,
  escalationPaths: null,
});

function boundaryArn(resource: Resource): string | undefined {
  const b = resource.data.PermissionsBoundary;
  return isPlainObject(b) ? text(b.PermissionsBoundaryArn) : undefined;
}

function dataFact(policies: readonly AnalysedPolicy[], cap: readonly AnalysedPolicy[] | undefined): JsonObject | null {
  const data = allBucketsAccess(policies);
  if (!data || !cap) return data;
  const c = allBucketsAccess(cap);
  return c && ((data.read && c.read) || (data.write && c.write)) ? data : null;
}

function pathsFact(
  policies: readonly AnalysedPolicy[],
  cap: readonly AnalysedPolicy[] | undefined,
  kind: Kind,
  self: string | undefined,
): JsonObject[] {
  const paths = escalationPaths(policies, kind, self);
  if (!cap || paths.length === 0) return paths;
  const allowed = new Set(escalationPaths(cap, kind, self).map((p) => p.method));
  return paths.filter((p) => allowed.has(p.method));
}

function accessFacts(resource: Resource, kind: Kind, ctx: EnrichContext): JsonObject {
  if (!wasCollected(ctx.index, POLICY) || (kind === 'user' && !wasCollected(ctx.index, GROUP))) return NOT_COLLECTED;
  const held = heldBy(resource, kind, ctx);
  const boundary = boundaryArn(resource);
  // A permissions boundary caps what the policies grant: a grant counts only if the boundary allows it too.
  let cap: AnalysedPolicy[] | undefined;
  const unread = [...held.unread];
  if (boundary) {
    const b = managedPolicy(ctx, resource.account, boundary);
    if (b) cap = [b];
    else unread.push(`permissions boundary ${boundary.slice(boundary.lastIndexOf('/') + 1)}`);
  }
  const unreadPolicies: JsonValue[] = unread;
  // A policy (or boundary) that could not be read may hold a Deny: nothing the others grant is certain.
  if (unread.length > 0) return { ...NOT_COLLECTED, unreadPolicies };
  const view = held.own.map(reportedOnly).concat(held.policies.slice(held.own.length));
  const admin = adminAccess(held.policies);
  if (admin && (!cap || adminAccess(cap))) {
    return {
      unreadPolicies,
      effectiveAdmin: {
        conditional: admin.conditional,
        reportedElsewhere: adminAccess(view) !== null,
        summary: `${adminText(admin, held.policies)}${admin.conditional ? ' (under a condition)' : ''}`,
      },
      allBucketsDataAccess: null,
      escalationPaths: [],
    };
  }
  const data = dataFact(held.policies, cap);
  if (data) data.reportedElsewhere = dataFact(view, cap) !== null;
  const self = resource.arn ?? text(resource.data.Arn);
  const reported = new Set(pathsFact(view, cap, kind, self).map((p) => p.method));
  const paths = pathsFact(held.policies, cap, kind, self).map((p) => ({ ...p, reportedElsewhere: reported.has(p.method as string) }));
  return { unreadPolicies, effectiveAdmin: null, allBucketsDataAccess: data, escalationPaths: paths };
}

const denyCopies = new WeakMap<object, AnalysedPolicy>();
function denyOnly(policy: AnalysedPolicy): AnalysedPolicy {
  let copy = denyCopies.get(policy.statements);
  if (!copy) {
    copy = { name: policy.name, arn: policy.arn, statements: policy.statements.filter((st) => st.effect === 'Deny'), memo: new Map() };
    denyCopies.set(policy.statements, copy);
  }
  return copy;
}

/**
 * KMS.2: the principal's own inline policies that allow decrypting with every key. The
 * Denies of all its other policies apply (a quarantine policy attached beside the inline one
 * takes the grant away); a grant while one of those policies could not be read is unknown (null).
 */
function inlineKmsFacts(resource: Resource, kind: Kind, field: string, ctx: EnrichContext): JsonObject {
  const inline = inlinePolicies(resource.data[field], '');
  if (inline.length === 0) return { inlineDecryptAllKeys: [] };
  if (!wasCollected(ctx.index, POLICY)) return { inlineDecryptAllKeys: null };
  const held = heldBy(resource, kind, ctx);
  const grants = allKeysDecrypt([...inline, ...held.policies.map(denyOnly)], resource.account);
  return { inlineDecryptAllKeys: grants.length > 0 && held.unread.length > 0 ? null : grants };
}

export const iamPrincipalAccessEnrichers: readonly Enricher[] = [
  { type: USER, enrich: (r, ctx) => ({ ...accessFacts(r, 'user', ctx), ...inlineKmsFacts(r, 'user', 'UserPolicyList', ctx) }) },
  { type: GROUP, enrich: (r, ctx) => ({ ...accessFacts(r, 'group', ctx), ...inlineKmsFacts(r, 'group', 'GroupPolicyList', ctx) }) },
  {
    type: ROLE,
    enrich: (r, ctx) => ({
      ...accessFacts(r, 'role', ctx),
      ...inlineKmsFacts(r, 'role', 'RolePolicyList', ctx),
      ...trustFacts(r.data.AssumeRolePolicyDocument, r.account),
    }),
  },
  {
    type: POLICY,
    enrich: (r) => {
      const arn = text(r.data.Arn) ?? r.id;
      const policy = analysePolicy({ name: text(r.data.PolicyName) ?? arn, arn, document: r.data.Document });
      return { decryptAllKeys: allKeysDecrypt([policy], r.account) };
    },
  },
];
