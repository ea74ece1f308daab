import { describeStatement, normaliseStatements, parsePolicyDocument } from '../../services/iam/policy/document.js';
import { isPublicStatement } from '../../services/iam/policy/public.js';
import type { JsonObject, JsonValue } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { CloudTrailRecord } from '../records.js';
import type { EventFactModule } from './types.js';
import { requestOf, text } from './record-fields.js';

/**
 * `resourcePolicy`: a call that sets the resource policy of a KMS key, SQS queue, SNS topic, ECR
 * repository, Secrets Manager secret, OpenSearch domain or Lambda function, read as the policy it
 * sets: `{ service, target, open, openStatements, summary }`. `open` is true when a statement
 * lets anyone use the resource (src/services/iam/policy/public.ts, the analysis the scanned
 * buckets and functions get, over the one policy parser), false when none does, and null when the record does
 * not hold a readable policy (CloudTrail leaves out request parameters it finds too large).
 * Lambda's AddPermission is read as the statement it adds (principal, source ARN, source account,
 * organisation and function-URL auth type become its principal and conditions); a function URL
 * created or changed with auth type NONE is open to anyone who knows its address.
 */

interface Read {
  service: string;
  target: string;
  /** The policy document (text or object); undefined when the call sets none. */
  document?: unknown;
  /** A verdict without a document (function URLs). */
  open?: { summary: string } | null;
}

type Reader = (rp: Record<string, unknown>, record: CloudTrailRecord) => Read | undefined;

const lambdaTarget = (rp: Record<string, unknown>) => text(rp.functionName) ?? 'a function';

const READERS: Record<string, Reader> = {
  PutKeyPolicy: (rp) => ({ service: 'KMS key', target: text(rp.keyId) ?? 'a key', document: rp.policy }),
  // A key created without a policy gets the default one (the account only).
  CreateKey: (rp, record) =>
    rp.policy === undefined
      ? undefined
      : { service: 'KMS key', target: keyIdOf(record.responseElements) ?? 'a new key', document: rp.policy },
  SetQueueAttributes: (rp) => queue(rp),
  CreateQueue: (rp) => queue(rp),
  SetTopicAttributes: (rp) =>
    rp.attributeName === 'Policy'
      ? { service: 'SNS topic', target: text(rp.topicArn) ?? 'a topic', document: rp.attributeValue }
      : undefined,
  SetRepositoryPolicy: (rp) => ({ service: 'ECR repository', target: text(rp.repositoryName) ?? 'a repository', document: rp.policyText }),
  PutResourcePolicy: (rp, record) =>
    record.eventSource === 'secretsmanager.amazonaws.com'
      ? { service: 'Secrets Manager secret', target: text(rp.secretId) ?? 'a secret', document: rp.resourcePolicy }
      : undefined,
  UpdateDomainConfig: (rp) => domain(rp),
  CreateDomain: (rp) => domain(rp),
  CreateElasticsearchDomain: (rp) => domain(rp),
  UpdateElasticsearchDomainConfig: (rp) => domain(rp),
  AddPermission20150331v2: (rp) => ({ service: 'Lambda function', target: lambdaTarget(rp), document: permissionStatement(rp) }),
  AddPermission20150331: (rp) => ({ service: 'Lambda function', target: lambdaTarget(rp), document: permissionStatement(rp) }),
  CreateFunctionUrlConfig20211031: (rp) => functionUrl(rp),
  UpdateFunctionUrlConfig20211031: (rp) => functionUrl(rp),
};

function queue(rp: Record<string, unknown>): Read | undefined {
  const attributes = rp.attributes;
  if (!isPlainObject(attributes) || attributes.Policy === undefined) return undefined;
  return { service: 'SQS queue', target: text(rp.queueUrl) ?? text(rp.queueName) ?? 'a queue', document: attributes.Policy };
}

function domain(rp: Record<string, unknown>): Read | undefined {
  if (rp.accessPolicies === undefined) return undefined;
  return { service: 'OpenSearch domain', target: text(rp.domainName) ?? 'a domain', document: rp.accessPolicies };
}

function functionUrl(rp: Record<string, unknown>): Read | undefined {
  const auth = text(rp.authType);
  if (auth === undefined) return undefined;
  return {
    service: 'Lambda function URL',
    target: lambdaTarget(rp),
    open:
      auth.toUpperCase() === 'NONE'
        ? { summary: 'the function URL has auth type NONE: anyone who has its address can invoke it' }
        : undefined,
  };
}

function keyIdOf(response: unknown): string | undefined {
  return isPlainObject(response) && isPlainObject(response.keyMetadata) ? text(response.keyMetadata.keyId) : undefined;
}

/** The statement AddPermission adds to a function's policy, as Lambda writes it. */
function permissionStatement(rp: Record<string, unknown>): JsonObject | undefined {
  const principal = text(rp.principal);
  if (principal === undefined) return undefined;
  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: unknown) => {
    const v = text(value);
    if (v !== undefined) (condition[operator] ??= {})[key] = v;
  };
  add('ArnLike', 'AWS:SourceArn', rp.sourceArn);
  add('StringEquals', 'AWS:SourceAccount', rp.sourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', rp.principalOrgID);
  add('StringEquals', 'lambda:FunctionUrlAuthType', rp.functionUrlAuthType);
  const who: JsonValue = principal === '*' ? '*' : /\.amazonaws\.com$/.test(principal) ? { Service: principal } : { AWS: principal };
  const statement: JsonObject = {
    Effect: 'Allow',
    Principal: who,
    Action: text(rp.action) ?? 'lambda:InvokeFunction',
    Resource: text(rp.functionName) ?? '*',
  };
  if (text(rp.statementId)) statement.Sid = text(rp.statementId)!;
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return { Version: '2012-10-17', Statement: [statement] };
}

function factsOf(record: CloudTrailRecord): JsonObject | undefined {
  const reader = READERS[record.eventName];
  const read = reader?.(requestOf(record), record);
  if (!read) return undefined;
  let open: boolean | null;
  let summaries: string[];
  if ('open' in read) {
    open = read.open !== undefined && read.open !== null;
    summaries = read.open ? [read.open.summary] : [];
  } else {
    const readable = read.document !== undefined && parsePolicyDocument(read.document) !== undefined;
    const open_ = readable ? normaliseStatements(read.document).filter(isPublicStatement) : [];
    open = readable ? open_.length > 0 : null;
    summaries = open_.map(
      (st) =>
        `${describeStatement(st, '').replace(/^policy +/, '')} allows ${st.actions.join(', ') || 'every action but its NotAction'} to any principal ("*")`,
    );
  }
  return {
    resourcePolicy: {
      service: read.service,
      target: read.target,
      open,
      openStatements: summaries,
      summary: summaries.join('; '),
    },
  };
}

export const resourcePolicyFacts: EventFactModule = {
  topic: 'resource-policy',
  facts: ['resourcePolicy'],
  eventNames: Object.keys(READERS),
  compute: factsOf,
};
