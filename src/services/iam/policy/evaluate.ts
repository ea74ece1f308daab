import { describeStatement, normaliseStatements, type NormalisedStatement } from './document.js';
import { actionMatches, covers } from './wildcard.js';

/**
 * "Does this set of identity policies allow action A on resource R?", with IAM's logic: an
 * explicit Deny wins over any Allow; `NotAction` allows every action but those listed;
 * `NotResource` every resource but those listed; wildcards in actions (`iam:*`, `s3:Get*`,
 * case-insensitive) and in ARNs. A condition is never assumed true: a grant whose every
 * Allow is conditional, or that a conditional Deny may cut, is returned as `conditional`.
 *
 * R is a pattern too (`*` for every resource, `arn:aws:s3:::*\/*` for every object of
 * every bucket): a statement grants R when its resources cover all of it.
 *
 * Work is cached per policy document and per question, so a managed policy attached to a
 * thousand roles is matched once per question, not a thousand times.
 */

/** A policy as a principal holds it. */
export interface PolicySource {
  /** How reports name it: the policy name, with where it comes from (`AdministratorAccess (group ops)`). */
  name: string;
  /** Managed policy ARN, or null for an inline policy. */
  arn: string | null;
  document: unknown;
}

export interface AnalysedPolicy {
  name: string;
  arn: string | null;
  statements: readonly NormalisedStatement[];
  /** question key -> statements of this policy that speak to it (shared by renamed copies) */
  readonly memo: Map<string, readonly Match[]>;
}

export function analysePolicy(source: PolicySource): AnalysedPolicy {
  return { name: source.name, arn: source.arn, statements: normaliseStatements(source.document), memo: new Map() };
}

/** The same analysed policy under another name (a group's policy as one of its members sees it); shares the cache. */
export function renamed(policy: AnalysedPolicy, name: string): AnalysedPolicy {
  return { ...policy, name };
}

/** A statement that speaks to a question. */
interface Match {
  statement: NormalisedStatement;
  effect: 'Allow' | 'Deny';
  /** The statement's resources cover the whole of the question's resource. */
  whole: boolean;
  conditional: boolean;
}

export interface StatementHit extends Match {
  policy: AnalysedPolicy;
}

export interface Question {
  action: string;
  /** A resource pattern: `*` for every resource. */
  resource: string;
}

function statementActionMatches(st: NormalisedStatement, action: string): boolean {
  if (st.notActions !== null) return !st.notActions.some((p) => actionMatches(p, action));
  return st.actions.some((p) => actionMatches(p, action));
}

/** Whole: the statement applies to every resource the pattern stands for (NotResource: unless one exclusion covers all of it). */
function wholeResource(st: NormalisedStatement, resource: string): boolean {
  if (st.notResources !== null) return !st.notResources.some((p) => covers(p, resource));
  return st.resources.some((p) => covers(p, resource));
}

const NO_HITS: readonly Match[] = Object.freeze([]);

function matchesOf(policy: AnalysedPolicy, q: Question): readonly Match[] {
  const key = `${q.action}\u0000${q.resource}`;
  let hits = policy.memo.get(key);
  if (hits) return hits;
  const found: Match[] = [];
  for (const st of policy.statements) {
    if (st.effect !== 'Allow' && st.effect !== 'Deny') continue;
    if (!statementActionMatches(st, q.action)) continue;
    found.push({ statement: st, effect: st.effect, whole: wholeResource(st, q.resource), conditional: st.hasCondition });
  }
  hits = found.length ? found : NO_HITS;
  policy.memo.set(key, hits);
  return hits;
}

export interface Grant {
  /** The Allow statements that grant it (unconditional ones first). */
  allows: StatementHit[];
  /** Deny statements that may cut it (conditional, or on part of the resource). */
  limits: StatementHit[];
  /** True when the grant holds only under a condition (every Allow is conditional, or a conditional Deny applies). */
  conditional: boolean;
}

export interface AskOptions {
  /** Require an Allow that covers the whole resource (default). False: any Allow of the action, on any resource, will do. */
  whole?: boolean;
  /** For `whole: false`: keep only the Allow statements this accepts (e.g. not only on the principal itself). */
  accept?: (hit: StatementHit) => boolean;
}

/** Does the policy set allow the question? Null when it does not (no Allow, or an unconditional Deny covers it). */
export function ask(policies: readonly AnalysedPolicy[], q: Question, options: AskOptions = {}): Grant | null {
  const whole = options.whole ?? true;
  const allows: StatementHit[] = [];
  const limits: StatementHit[] = [];
  for (const policy of policies) {
    for (const match of matchesOf(policy, q)) {
      const hit: StatementHit = { ...match, policy };
      if (hit.effect === 'Deny') {
        // A Deny that covers the whole resource without a condition settles it.
        if (hit.whole && !hit.conditional) return null;
        limits.push(hit);
      } else if (whole ? hit.whole : options.accept === undefined || options.accept(hit)) {
        allows.push(hit);
      }
    }
  }
  if (allows.length === 0) return null;
  allows.sort((a, b) => Number(a.conditional) - Number(b.conditional));
  const conditional = allows[0]!.conditional || limits.some((d) => d.whole);
  return { allows, limits, conditional };
}

/** `policy X statement "Sid"` for each Allow of a grant (at most `max`, then "and N more"). */
export function grantText(grant: Grant, max = 3): string {
  const names = [...new Set(grant.allows.map((h) => describeStatement(h.statement, h.policy.name)))];
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
