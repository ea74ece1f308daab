import type { JsonValue } from '../../util/json.js';
import { parsePolicy } from '../../services/iam/policy/document.js';
import { adminAccess, adminText } from '../../services/iam/policy/access.js';
import { analysePolicy } from '../../services/iam/policy/evaluate.js';
import { onEveryResource, serviceWildcards } from '../../services/iam/enrich-policy-documents.js';
import { publicStatementFacts } from '../../services/s3/enrich-bucket.js';

/**
 * What a policy document written by an event grants, decided by the code that decides it for
 * resources (src/services/iam/policy/): for the event rules and the fact modules of other topics
 * (resource policies of KMS, SQS, SNS… made public) to reuse.
 */

export type GrantLevel = 'admin' | 'broad' | 'none' | 'unparseable';

export interface PolicyGrant {
  /**
   * `admin`: every action on every resource (the analyzer's administrator test: `Action: "*"`,
   * or any form that allows every probe, unless a Deny in the same document takes it back);
   * `broad`: not that, but an Allow on every resource of every action but a few (`NotAction`,
   * e.g. everything but `iam:*`) or of every action of a service (`s3:*`); `none`: neither (a
   * `Deny` quarantine policy grants nothing); `unparseable`: the document could not be read.
   */
  policyGrant: GrantLevel;
  /** Which statements, in words (`policy x statement #1 allows every action except iam:* on every resource`), or why it could not be read. */
  policyGrantSummary: string | null;
  /** The grant holds only under a condition (MFA, source network…). */
  policyGrantConditional: boolean;
}

const NONE: PolicyGrant = Object.freeze({ policyGrant: 'none', policyGrantSummary: null, policyGrantConditional: false });

export function policyGrantOf(document: unknown, name: string): PolicyGrant {
  const parsed = parsePolicy(document);
  if (!parsed.ok) return { policyGrant: 'unparseable', policyGrantSummary: parsed.reason, policyGrantConditional: false };
  const policy = analysePolicy({ name, arn: null, document: parsed.document });
  const admin = adminAccess([policy]);
  if (admin) {
    return {
      policyGrant: 'admin',
      policyGrantSummary: `${adminText(admin, [policy])} allows every action on every resource`,
      policyGrantConditional: admin.conditional,
    };
  }
  const broad: string[] = [];
  let conditional = true;
  for (const st of policy.statements) {
    if (st.effect !== 'Allow' || !onEveryResource(st)) continue;
    const where = `policy ${name} statement ${st.sid ? `"${st.sid}"` : `#${st.index + 1}`}`;
    if (st.notActions !== null) broad.push(`${where} allows every action except ${st.notActions.join(', ') || 'none'} on every resource`);
    else {
      const services = serviceWildcards(st);
      if (services.length === 0) continue;
      broad.push(`${where} allows ${services.join(', ')} on every resource`);
    }
    conditional &&= st.hasCondition;
  }
  if (broad.length === 0) return NONE;
  return { policyGrant: 'broad', policyGrantSummary: broad.join('; '), policyGrantConditional: conditional };
}

export interface PolicyExposure {
  /** The document lets anyone in (policy/public.ts); null when it could not be read. */
  policyPublic: boolean | null;
  /** The statements that do, `{ index, sid, action }` (as the S3 and Lambda enrichers list them). */
  publicStatements: JsonValue[];
  /** Why the document could not be read, else null. */
  policyProblem: string | null;
}

/** Is a resource policy written by an event public? The test S3 buckets and Lambda functions get. */
export function policyExposureOf(document: unknown): PolicyExposure {
  const parsed = parsePolicy(document);
  if (!parsed.ok) return { policyPublic: null, publicStatements: [], policyProblem: parsed.reason };
  const publicStatements = publicStatementFacts(parsed.document);
  return { policyPublic: publicStatements.length > 0, publicStatements, policyProblem: null };
}
