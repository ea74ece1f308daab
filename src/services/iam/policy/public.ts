import { describeStatement, normaliseStatements, parsePolicyDocument, type ConditionTest, type NormalisedStatement } from './document.js';

/**
 * Is a resource policy (a KMS key policy, a queue, topic, repository, secret, domain or function
 * policy: they share IAM's grammar) open to anyone? A statement is open when it is an `Allow`
 * whose principal is everyone (`"*"`, `{"AWS": "*"}`, or a `NotPrincipal`, which allows everyone
 * but those it names) and no condition pins the caller to known accounts, an organisation, known
 * principals, sources or a network. Read from the one parser (document.ts), so every grammar
 * alternative (one statement or a list, a string or a list, JSON text) is settled once.
 *
 * What pins the caller: a restricting key (below) tested with a positive operator (not negated,
 * not `…IfExists`, which lets a request without the key through) and only fixed values (a value
 * with `*` or `?` matches anyone). A condition on anything else (`aws:SecureTransport`,
 * `kms:ViaService`, `aws:CurrentTime`) leaves the statement open: any caller can meet it.
 */
const RESTRICTING_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalArn',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:userid',
    'aws:username',
    'kms:CallerAccount',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn',
  ].map((k) => k.toLowerCase()),
);

const POSITIVE_OPERATOR = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/i;

function pins(test: ConditionTest): boolean {
  return (
    RESTRICTING_KEYS.has(test.key) &&
    POSITIVE_OPERATOR.test(test.operator) &&
    test.values.length > 0 &&
    test.values.every((v) => v !== '' && !/[*?]/.test(v)) &&
    // An IP range that is the whole internet pins nothing.
    !test.values.some((v) => v === '0.0.0.0/0' || v === '::/0')
  );
}

export interface OpenStatement {
  index: number;
  sid: string | null;
  actions: string[];
  /** `policy statement "Sid" allows … to anyone`, for a message. */
  summary: string;
}

/** The Allow statements of `statements` open to anyone (see above). */
export function openStatementsOf(statements: readonly NormalisedStatement[]): OpenStatement[] {
  const out: OpenStatement[] = [];
  for (const st of statements) {
    if (st.effect !== 'Allow') continue;
    const everyone = st.principal?.any === true || st.notPrincipal !== null;
    if (!everyone || st.conditions.some(pins)) continue;
    const actions = st.notActions !== null ? st.notActions.map((a) => `all but ${a}`) : st.actions;
    const who = st.notPrincipal !== null ? 'everyone but its NotPrincipal' : 'any principal ("*")';
    const when = st.hasCondition ? ' (its condition does not pin an account, organisation, source or network)' : '';
    out.push({
      index: st.index,
      sid: st.sid,
      actions,
      summary: `${describeStatement(st, '').replace(/^policy  /, '')} allows ${actions.join(', ') || 'no action'} to ${who}${when}`,
    });
  }
  return out;
}

/**
 * The open statements of a policy document (an object, JSON text or URL-encoded JSON text), or
 * undefined when it is not a policy document at all (unknown, not "private").
 */
export function openStatements(document: unknown): OpenStatement[] | undefined {
  if (parsePolicyDocument(document) === undefined) return undefined;
  return openStatementsOf(normaliseStatements(document));
}
