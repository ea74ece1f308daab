import type { JsonObject } from '../../../util/json.js';
import { ask, grantText, type AnalysedPolicy, type Grant, type StatementHit } from './evaluate.js';

/**
 * What a principal's identity policies let it do, as a whole: administrator access, data
 * access to every S3 bucket, decryption with every KMS key, and the well-known ways to make
 * itself more powerful (privilege escalation). Permissions boundaries, service control
 * policies and resource policies are not applied here (see `boundary` in principal.ts).
 */

/**
 * Administrator access is every action on every resource. Checking `*` alone would miss the
 * `NotAction` form (Allow everything except a few services); checking every action is not
 * possible. These stand for the whole: IAM writes (which can grant anything else), a service
 * no policy names (only `*` or NotAction reach it), and the data and compute services.
 */
const ADMIN_PROBES = [
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:CreateAccessKey',
  'iam:PassRole',
  'sts:AssumeRole',
  'ec2:RunInstances',
  's3:GetObject',
  's3:PutBucketPolicy',
  'kms:Decrypt',
  'lambda:CreateFunction',
  'secretsmanager:GetSecretValue',
  'awsaudit-probe:AnyActionOfAnyService',
] as const;

export interface AdminGrant {
  conditional: boolean;
  grants: Grant[];
}

/** Administrator access (every probe allowed on every resource), or null. */
export function adminAccess(policies: readonly AnalysedPolicy[]): AdminGrant | null {
  const grants: Grant[] = [];
  for (const action of ADMIN_PROBES) {
    const grant = ask(policies, { action, resource: '*' });
    if (!grant) return null;
    grants.push(grant);
  }
  return { conditional: grants.some((g) => g.conditional), grants };
}

/** The statements behind an admin grant, named once each, in the order of the principal's policies. */
export function adminText(admin: AdminGrant, policies: readonly AnalysedPolicy[]): string {
  const hits = new Map<string, StatementHit>();
  for (const g of admin.grants) for (const h of g.allows) hits.set(`${h.policy.name}\u0000${h.statement.index}`, h);
  const order = (h: StatementHit) => policies.indexOf(h.policy) * 10_000 + h.statement.index;
  const sorted = [...hits.values()].sort((a, b) => order(a) - order(b));
  return grantText({ allows: sorted, limits: [], conditional: admin.conditional }, 4);
}

const EVERY_OBJECT = 'arn:aws:s3:::*/*';

/** s3:GetObject / s3:PutObject on every object of every bucket. */
export function allBucketsAccess(policies: readonly AnalysedPolicy[]): JsonObject | null {
  const read = ask(policies, { action: 's3:GetObject', resource: EVERY_OBJECT });
  const write = ask(policies, { action: 's3:PutObject', resource: EVERY_OBJECT });
  if (!read && !write) return null;
  const parts: string[] = [];
  if (read) parts.push(`read (s3:GetObject) through ${grantText(read)}${read.conditional ? ' (conditional)' : ''}`);
  if (write) parts.push(`write (s3:PutObject) through ${grantText(write)}${write.conditional ? ' (conditional)' : ''}`);
  return {
    read: read !== null,
    write: write !== null,
    conditional: (read?.conditional ?? true) && (write?.conditional ?? true),
    summary: parts.join('; '),
  };
}

/** FSBP KMS.1 / KMS.2: kms:Decrypt or kms:ReEncryptFrom allowed on every key of the account. */
export function allKeysDecrypt(policies: readonly AnalysedPolicy[], account: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const action of ['kms:Decrypt', 'kms:ReEncryptFrom']) {
    const grant = ask(policies, { action, resource: `arn:aws:kms:*:${account}:key/*` });
    if (grant) out.push({ action, conditional: grant.conditional, summary: `${action} on every key through ${grantText(grant)}` });
  }
  return out;
}

interface Step {
  action: string;
  /** Only an Allow that can reach another user than the principal itself counts. */
  otherUsers?: boolean;
}

interface Method {
  id: string;
  steps: Step[];
  /** Only for these principal kinds (default: all). */
  for?: ReadonlyArray<'user' | 'role' | 'group'>;
  how: string;
}

const PASS = { action: 'iam:PassRole' };

/**
 * The well-known escalation methods (after Rhino Security Labs' published list): each is a
 * set of actions that together let a principal gain permissions it was not given.
 */
const METHODS: readonly Method[] = [
  {
    id: 'CreatePolicyVersion',
    steps: [{ action: 'iam:CreatePolicyVersion' }],
    how: 'publish a new default version of a managed policy it holds',
  },
  {
    id: 'SetDefaultPolicyVersion',
    steps: [{ action: 'iam:SetDefaultPolicyVersion' }],
    how: 'switch a policy back to a broader old version',
  },
  { id: 'AttachUserPolicy', steps: [{ action: 'iam:AttachUserPolicy' }], how: 'attach AdministratorAccess to a user' },
  { id: 'AttachGroupPolicy', steps: [{ action: 'iam:AttachGroupPolicy' }], how: 'attach AdministratorAccess to a group' },
  {
    id: 'AttachRolePolicy',
    steps: [{ action: 'iam:AttachRolePolicy' }],
    for: ['role'],
    how: 'attach AdministratorAccess to a role (itself)',
  },
  {
    id: 'AttachRolePolicy+AssumeRole',
    steps: [{ action: 'iam:AttachRolePolicy' }, { action: 'sts:AssumeRole' }],
    for: ['user', 'group'],
    how: 'attach AdministratorAccess to a role and assume it',
  },
  { id: 'PutUserPolicy', steps: [{ action: 'iam:PutUserPolicy' }], how: 'write an inline admin policy on a user' },
  { id: 'PutGroupPolicy', steps: [{ action: 'iam:PutGroupPolicy' }], how: 'write an inline admin policy on a group' },
  { id: 'PutRolePolicy', steps: [{ action: 'iam:PutRolePolicy' }], for: ['role'], how: 'write an inline admin policy on a role (itself)' },
  {
    id: 'PutRolePolicy+AssumeRole',
    steps: [{ action: 'iam:PutRolePolicy' }, { action: 'sts:AssumeRole' }],
    for: ['user', 'group'],
    how: 'write an inline admin policy on a role and assume it',
  },
  { id: 'AddUserToGroup', steps: [{ action: 'iam:AddUserToGroup' }], how: 'join a more powerful group' },
  {
    // Within one account a trust policy that names the principal is enough to assume the role.
    id: 'UpdateAssumeRolePolicy',
    steps: [{ action: 'iam:UpdateAssumeRolePolicy' }],
    how: 'rewrite a powerful role’s trust policy to name itself, then assume the role',
  },
  { id: 'CreateAccessKey', steps: [{ action: 'iam:CreateAccessKey', otherUsers: true }], how: 'create access keys for another user' },
  {
    id: 'CreateLoginProfile',
    steps: [{ action: 'iam:CreateLoginProfile', otherUsers: true }],
    how: 'set a console password for another user',
  },
  {
    id: 'UpdateLoginProfile',
    steps: [{ action: 'iam:UpdateLoginProfile', otherUsers: true }],
    how: 'change another user’s console password',
  },
  {
    id: 'PassRole+RunInstances',
    steps: [PASS, { action: 'ec2:RunInstances' }],
    how: 'start an instance with a powerful role and use its credentials',
  },
  {
    id: 'PassRole+Lambda',
    steps: [PASS, { action: 'lambda:CreateFunction' }, { action: 'lambda:InvokeFunction' }],
    how: 'create and invoke a function that runs as a powerful role',
  },
  {
    id: 'PassRole+LambdaEventSource',
    steps: [PASS, { action: 'lambda:CreateFunction' }, { action: 'lambda:CreateEventSourceMapping' }],
    how: 'create a function that runs as a powerful role and trigger it from an event source',
  },
  {
    id: 'UpdateFunctionCode',
    steps: [{ action: 'lambda:UpdateFunctionCode' }],
    how: 'replace the code of a function that runs as a more powerful role',
  },
  {
    id: 'PassRole+GlueDevEndpoint',
    steps: [PASS, { action: 'glue:CreateDevEndpoint' }],
    how: 'create a Glue development endpoint with a powerful role and log in to it',
  },
  {
    id: 'UpdateDevEndpoint',
    steps: [{ action: 'glue:UpdateDevEndpoint' }],
    how: 'add its SSH key to an existing Glue development endpoint',
  },
  {
    id: 'PassRole+CloudFormation',
    steps: [PASS, { action: 'cloudformation:CreateStack' }],
    how: 'create a stack that runs as a powerful role',
  },
  {
    id: 'PassRole+DataPipeline',
    steps: [PASS, { action: 'datapipeline:CreatePipeline' }, { action: 'datapipeline:PutPipelineDefinition' }],
    how: 'create a data pipeline that runs commands as a powerful role',
  },
];

/** An ARN pattern that names only the principal itself (`…:user/${aws:username}` or its own ARN). */
function onlySelf(pattern: string, selfArn: string | undefined): boolean {
  return /\$\{aws:username\}|\$\{aws:userid\}/i.test(pattern) || (selfArn !== undefined && pattern === selfArn);
}

export function escalationPaths(
  policies: readonly AnalysedPolicy[],
  kind: 'user' | 'role' | 'group',
  selfArn: string | undefined,
): JsonObject[] {
  const out: JsonObject[] = [];
  const cache = new Map<string, Grant | null>();
  const step = (s: Step): Grant | null => {
    const key = `${s.action}${s.otherUsers ? '+other' : ''}`;
    if (cache.has(key)) return cache.get(key)!;
    const grant = ask(
      policies,
      { action: s.action, resource: '*' },
      {
        whole: false,
        accept: s.otherUsers
          ? (hit) => hit.statement.notResources !== null || hit.statement.resources.some((r) => !onlySelf(r, selfArn))
          : undefined,
      },
    );
    cache.set(key, grant);
    return grant;
  };
  for (const method of METHODS) {
    if (method.for && !method.for.includes(kind)) continue;
    const grants = method.steps.map(step);
    if (grants.some((g) => g === null)) continue;
    const granted = grants as Grant[];
    const conditional = granted.some((g) => g.conditional);
    const parts = method.steps.map((s, i) => `${s.action} (${grantText(granted[i]!, 2)})`);
    out.push({
      method: method.id,
      conditional,
      summary: `${parts.join(' + ')}: can ${method.how}${conditional ? ' (conditional)' : ''}`,
    });
  }
  return out;
}
