// The IAM policy analyzer (src/services/iam/policy/): one parser for every document form,
// IAM's evaluation logic (explicit Deny, NotAction, NotResource, wildcards, conditions),
// trust policies, escalation paths, and the principal facts built from a whole snapshot.
import { describe, expect, it } from 'vitest';
import { enrichResource } from '../src/enrich/index.js';
import { adminAccess, allBucketsAccess, allKeysDecrypt, escalationPaths } from '../src/services/iam/policy/access.js';
import { normaliseStatements, parsePolicyDocument } from '../src/services/iam/policy/document.js';
import { analysePolicy, ask, type AnalysedPolicy } from '../src/services/iam/policy/evaluate.js';
import { trustFacts } from '../src/services/iam/policy/trust.js';
import { actionMatches, covers, resourceMatches } from '../src/services/iam/policy/wildcard.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Resource, type Snapshot } from '../src/snapshot/types.js';
import type { JsonObject } from '../src/util/json.js';

const ACCOUNT = '123456789012';
let n = 0;
function policy(...statements: JsonObject[]): AnalysedPolicy {
  return analysePolicy({ name: `p${++n}`, arn: null, document: { Version: '2012-10-17', Statement: statements } });
}
const allow = (action: string | string[], resource: string | string[] = '*', extra: JsonObject = {}): JsonObject => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
const deny = (action: string | string[], resource: string | string[] = '*', extra: JsonObject = {}): JsonObject => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
});

describe('wildcards', () => {
  it('match actions case-insensitively and ARNs case-sensitively', () => {
    expect(actionMatches('s3:Get*', 's3:getobject')).toBe(true);
    expect(actionMatches('s3:Get*', 's3:PutObject')).toBe(false);
    expect(actionMatches('iam:*', 'iam:PassRole')).toBe(true);
    expect(actionMatches('s3:?etObject', 's3:GetObject')).toBe(true);
    expect(resourceMatches('arn:aws:s3:::Prod-*', 'arn:aws:s3:::prod-a')).toBe(false);
    expect(resourceMatches('arn:aws:s3:::*', 'arn:aws:s3:::b/key/with/slashes')).toBe(true);
  });
  it('cover a pattern only when they match all it stands for', () => {
    expect(covers('*', 'arn:aws:s3:::*/*')).toBe(true);
    expect(covers('arn:aws:s3:::*', 'arn:aws:s3:::*/*')).toBe(true);
    expect(covers('arn:aws:s3:::*/*', 'arn:aws:s3:::*/*')).toBe(true);
    expect(covers('arn:aws:s3:::prod-*/*', 'arn:aws:s3:::*/*')).toBe(false);
    expect(covers('arn:aws:s3:::b/*', 'arn:aws:s3:::*/*')).toBe(false);
    expect(covers('arn:aws:kms:*:123456789012:key/*', 'arn:aws:kms:*:123456789012:key/*')).toBe(true);
    expect(covers('arn:aws:kms:us-east-1:123456789012:key/*', 'arn:aws:kms:*:123456789012:key/*')).toBe(false);
    expect(covers('arn:aws:s3:::?', 'arn:aws:s3:::*')).toBe(false);
    expect(covers('arn:aws:s3:::*', '*')).toBe(false);
  });
});

describe('parsing', () => {
  const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
  it('reads objects, JSON text and URL-encoded JSON text alike', () => {
    const object = { Statement: statement };
    const json = JSON.stringify(object);
    for (const form of [object, json, encodeURIComponent(json)]) {
      expect(parsePolicyDocument(form)).toEqual(object);
      expect(normaliseStatements(form)).toHaveLength(1);
      expect(normaliseStatements(form)[0]).toMatchObject({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'], notActions: null });
    }
    expect(parsePolicyDocument('not a policy')).toBeUndefined();
    expect(normaliseStatements(42)).toEqual([]);
  });
  it('settles string-or-list fields, principals and conditions', () => {
    const [st] = normaliseStatements({
      Statement: [
        {
          Sid: 'T',
          Effect: 'Allow',
          Principal: { AWS: ['*', 'arn:aws:iam::444455556666:root'], Federated: 'cognito-identity.amazonaws.com' },
          NotAction: 'iam:*',
          NotResource: ['arn:aws:s3:::x'],
          Condition: { Bool: { 'aws:SecureTransport': false }, StringLike: { 'Token.Actions.GithubUserContent.com:Sub': ['repo:o/*'] } },
        },
      ],
    });
    expect(st).toMatchObject({
      sid: 'T',
      notActions: ['iam:*'],
      notResources: ['arn:aws:s3:::x'],
      principal: { any: true, aws: ['arn:aws:iam::444455556666:root'], federated: ['cognito-identity.amazonaws.com'] },
      conditions: [
        { operator: 'Bool', key: 'aws:securetransport', values: ['false'] },
        { operator: 'StringLike', key: 'token.actions.githubusercontent.com:sub', values: ['repo:o/*'] },
      ],
      hasCondition: true,
    });
    expect(normaliseStatements({ Statement: { Effect: 'Allow', Principal: '*' } })[0]!.principal!.any).toBe(true);
  });
});

describe('allow / deny evaluation', () => {
  const q = { action: 's3:GetObject', resource: 'arn:aws:s3:::*/*' };
  it('an explicit Deny wins, a conditional Deny makes the grant conditional', () => {
    expect(ask([policy(allow('s3:*'))], q)).not.toBeNull();
    expect(ask([policy(allow('s3:*')), policy(deny('s3:Get*'))], q)).toBeNull();
    const limited = ask(
      [policy(allow('s3:*')), policy(deny('s3:GetObject', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))],
      q,
    );
    expect(limited?.conditional).toBe(true);
    // A Deny on one bucket does not take away "every bucket" wholesale (it is noted, not decisive).
    expect(ask([policy(allow('s3:*')), policy(deny('*', 'arn:aws:s3:::secret/*'))], q)?.conditional).toBe(false);
  });
  it('NotAction allows every other action; NotResource every other resource', () => {
    const notAction = policy({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' });
    expect(ask([notAction], q)).not.toBeNull();
    expect(ask([notAction], { action: 'iam:PassRole', resource: '*' })).toBeNull();
    const notResource = policy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::audit/*' });
    expect(ask([notResource], q)).not.toBeNull();
    const excludesAll = policy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::*' });
    expect(ask([excludesAll], q)).toBeNull();
  });
  it('a grant under a condition is conditional; an unconditional Allow beside it is not', () => {
    const mfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    expect(ask([policy(allow('s3:GetObject', '*', mfa))], q)?.conditional).toBe(true);
    expect(ask([policy(allow('s3:GetObject', '*', mfa)), policy(allow('s3:Get*'))], q)?.conditional).toBe(false);
  });
  it('an Effect other than exactly "Allow" grants nothing', () => {
    expect(ask([policy(allow('s3:*', '*', { Effect: 'allow' }))], q)).toBeNull();
  });
});

describe('administrator access', () => {
  it('is * on *, or NotAction leaving IAM and every other service', () => {
    expect(adminAccess([policy(allow('*'))])).not.toBeNull();
    expect(adminAccess([policy(allow('*:*'))])).not.toBeNull();
    expect(adminAccess([policy({ Effect: 'Allow', NotAction: 'organizations:*', Resource: '*' })])).not.toBeNull();
    // PowerUserAccess: everything but IAM.
    expect(adminAccess([policy({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })])).toBeNull();
    // Service wildcards never reach a service no policy names.
    expect(adminAccess([policy(allow(['iam:*', 's3:*', 'ec2:*', 'sts:*', 'kms:*', 'lambda:*', 'secretsmanager:*']))])).toBeNull();
    // Two policies that together cover everything.
    expect(adminAccess([policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), policy(allow('iam:*'))])).not.toBeNull();
  });
  it('a quarantine policy (Deny * on *) is never an admin grant', () => {
    expect(adminAccess([policy(deny('*'))])).toBeNull();
    expect(adminAccess([policy(allow('*')), policy(deny('*'))])).toBeNull();
    expect(adminAccess([policy(allow('*'), deny('iam:*'))])).toBeNull();
  });
  it('says when it holds only under a condition', () => {
    expect(adminAccess([policy(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))])?.conditional).toBe(
      true,
    );
  });
});

describe('data and key access', () => {
  it('every bucket: read and write told apart, prefixes are not every bucket', () => {
    expect(allBucketsAccess([policy(allow(['s3:Get*', 's3:List*']))])).toMatchObject({ read: true, write: false });
    expect(allBucketsAccess([policy(allow('s3:PutObject', 'arn:aws:s3:::*/*'))])).toMatchObject({ read: false, write: true });
    expect(allBucketsAccess([policy(allow('s3:GetObject', 'arn:aws:s3:::prod-*/*'))])).toBeNull();
  });
  it('every KMS key of the account (KMS.1/KMS.2)', () => {
    expect(allKeysDecrypt([policy(allow('kms:Decrypt'))], ACCOUNT).map((g) => g.action)).toEqual(['kms:Decrypt']);
    expect(allKeysDecrypt([policy(allow('kms:*', `arn:aws:kms:*:${ACCOUNT}:key/*`))], ACCOUNT)).toHaveLength(2);
    expect(allKeysDecrypt([policy(allow('kms:Decrypt', 'arn:aws:kms:*:444455556666:key/*'))], ACCOUNT)).toEqual([]);
  });
});

describe('privilege escalation', () => {
  const methods = (p: AnalysedPolicy[], kind: 'user' | 'role' | 'group' = 'user') =>
    escalationPaths(p, kind, `arn:aws:iam::${ACCOUNT}:user/me`).map((x) => x.method);
  it('needs every step of a method, and names the statements of each', () => {
    expect(methods([policy(allow('iam:PassRole'))])).toEqual([]);
    const paths = escalationPaths(
      [policy({ Sid: 'Pass', ...allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/*`) }), policy(allow('ec2:RunInstances'))],
      'role',
      undefined,
    );
    expect(paths.map((p) => p.method)).toEqual(['PassRole+RunInstances']);
    expect(paths[0]!.summary).toMatch(/^iam:PassRole \(policy p\d+ statement "Pass"\) \+ ec2:RunInstances \(policy p\d+ statement #1\)/);
  });
  it('credential actions count only on users other than itself', () => {
    expect(methods([policy(allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}'))])).toEqual([]);
    expect(methods([policy(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/me`))])).toEqual([]);
    expect(methods([policy(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/*`))])).toEqual(['CreateAccessKey']);
  });
  it('a role can attach to itself; a user must also assume the role', () => {
    expect(methods([policy(allow('iam:AttachRolePolicy'))], 'role')).toEqual(['AttachRolePolicy']);
    expect(methods([policy(allow('iam:AttachRolePolicy'))], 'user')).toEqual([]);
    expect(methods([policy(allow(['iam:AttachRolePolicy', 'sts:AssumeRole']))], 'user')).toEqual(['AttachRolePolicy+AssumeRole']);
  });
  it('a Deny on the action removes the path', () => {
    expect(methods([policy(allow('iam:CreatePolicyVersion')), policy(deny('iam:*'))])).toEqual([]);
  });
});

describe('trust policies', () => {
  const trust = (...statements: JsonObject[]) => trustFacts({ Statement: statements }, ACCOUNT);
  const assume = (principal: JsonObject | string, condition?: JsonObject): JsonObject => ({
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  });
  it('anyone: * and any account, unless an organisation or account condition pins it', () => {
    expect(trust(assume('*')).trustAnyone).toHaveLength(1);
    expect(trust(assume({ AWS: 'arn:aws:iam::*:root' })).trustAnyone).toHaveLength(1);
    expect(trust(assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } })).trustAnyone).toHaveLength(0);
    expect(trust(assume({ AWS: '*' }, { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } })).trustAnyone).toHaveLength(1);
    expect(trust(assume({ AWS: '*' }, { StringNotEquals: { 'aws:PrincipalAccount': '123456789012' } })).trustAnyone).toHaveLength(1);
    expect(trust({ ...assume('*'), Effect: 'Deny' }).trustAnyone).toHaveLength(0);
    expect(
      trust({ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }).trustAnyone,
    ).toHaveLength(1);
    expect(trust({ Effect: 'Allow', Principal: '*', Action: 'sts:TagSession' }).trustAnyone).toHaveLength(0);
  });
  it('other accounts: not the account itself; ExternalId or organisation restrict', () => {
    const facts = trust(
      assume({ AWS: ['arn:aws:iam::123456789012:root', 'arn:aws:iam::444455556666:role/ci', '111122223333'] }),
      assume({ AWS: 'arn:aws:iam::555566667777:root' }, { StringEquals: { 'sts:ExternalId': 'x' } }),
    );
    expect(facts.trustOtherAccounts.map((t) => [t.account, t.restricted])).toEqual([
      ['444455556666', false],
      ['111122223333', false],
      ['555566667777', true],
    ]);
  });
  it('web identity: GitHub needs a sub with a fixed owner', () => {
    const gh = (condition?: JsonObject) =>
      trust({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition ? { Condition: condition } : {}),
      }).trustWebIdentity[0]!;
    expect(gh()).toMatchObject({ subject: 'missing', audience: false, public: true });
    expect(gh({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } }).subject).toBe('open');
    expect(gh({ StringLike: { 'token.actions.githubusercontent.com:sub': '*' } }).subject).toBe('open');
    expect(gh({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org*/x:*' } }).subject).toBe('open');
    expect(gh({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/*' } }).subject).toBe('pinned');
    expect(gh({ StringLikeIfExists: { 'token.actions.githubusercontent.com:sub': 'repo:org/*' } }).subject).toBe('missing');
    expect(
      gh({
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main',
        },
      }),
    ).toMatchObject({ subject: 'pinned', audience: true });
  });
});

describe('principal facts from a snapshot', () => {
  function res(type: string, id: string, data: JsonObject): Resource {
    return { type, id, account: ACCOUNT, region: 'global', data };
  }
  function facts(resources: Resource[], target: Resource, types = ['aws.iam.user', 'aws.iam.group', 'aws.iam.role', 'aws.iam.policy']) {
    const snapshot: Snapshot = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      meta: {
        accounts: [ACCOUNT],
        regions: ['us-east-1'],
        collectedAt: '2026-06-01T00:00:00Z',
        tool: { name: 'awsaudit', version: 'test' },
        source: 'test',
        resourceTypes: types,
      },
      resources,
      gaps: [],
    };
    return enrichResource(target, { now: Date.parse('2026-06-01T00:00:00Z'), index: new SnapshotIndex(snapshot) }).facts!;
  }
  const managed = (name: string, document: JsonObject, aws = false) => {
    const arn = aws ? `arn:aws:iam::aws:policy/${name}` : `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    return res('aws.iam.policy', arn, { Arn: arn, PolicyName: name, AttachmentCount: 1, Document: document });
  };
  const readOnly = managed('AmazonS3ReadOnlyAccess', { Statement: [allow(['s3:Get*', 's3:List*'])] }, true);

  it('reads AWS-managed policies by their documents, and a user through its groups', () => {
    const group = res('aws.iam.group', 'analysts', {
      GroupName: 'analysts',
      GroupPolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: readOnly.id }],
    });
    const user = res('aws.iam.user', 'ana', { UserName: 'ana', UserPolicyList: [], AttachedManagedPolicies: [], GroupList: ['analysts'] });
    const f = facts([readOnly, group, user], user);
    expect(f.allBucketsDataAccess).toMatchObject({ read: true, write: false, reportedElsewhere: true });
    expect((f.allBucketsDataAccess as JsonObject).summary).toContain('AmazonS3ReadOnlyAccess (group analysts)');
    expect(f.unreadPolicies).toEqual([]);
    // The group itself carries the finding.
    expect(facts([readOnly, group, user], group).allBucketsDataAccess).toMatchObject({ read: true, reportedElsewhere: false });
  });
  it('a permissions boundary caps the grant; an unreadable one leaves it unknown', () => {
    const boundary = managed('boundary', { Statement: [allow('ec2:*')] });
    const role = (b?: string) =>
      res('aws.iam.role', 'r', {
        RoleName: 'r',
        RolePolicyList: [
          { PolicyName: 'all', PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'organizations:*', Resource: '*' }] } },
        ],
        AttachedManagedPolicies: [],
        ...(b ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: b } } : {}),
      });
    expect(facts([], role()).effectiveAdmin).toMatchObject({ reportedElsewhere: false });
    const capped = facts([boundary], role(boundary.id));
    expect(capped.effectiveAdmin).toBeNull();
    expect(capped.escalationPaths).toEqual([]);
    const unknown = facts([], role(`arn:aws:iam::${ACCOUNT}:policy/gone`));
    expect(unknown).toMatchObject({ effectiveAdmin: null, escalationPaths: null, unreadPolicies: ['permissions boundary gone'] });
  });
  it('policies not collected: null facts, never "no access"', () => {
    const role = res('aws.iam.role', 'r', { RoleName: 'r', RolePolicyList: [], AttachedManagedPolicies: [] });
    expect(facts([role], role, ['aws.iam.role'])).toMatchObject({ effectiveAdmin: null, escalationPaths: null, unreadPolicies: null });
  });
  it('stays linear: thousands of roles sharing a large managed policy', () => {
    const actions = Array.from({ length: 3000 }, (_, i) => `svc${i % 300}:Get${i}*`);
    const big = managed('ReadOnlyAccess', { Statement: [allow(actions)] }, true);
    const roles = Array.from({ length: 3000 }, (_, i) =>
      res('aws.iam.role', `r${i}`, {
        RoleName: `r${i}`,
        RolePolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: big.id }],
      }),
    );
    const snapshot: Snapshot = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      meta: {
        accounts: [ACCOUNT],
        regions: ['us-east-1'],
        collectedAt: '2026-06-01T00:00:00Z',
        tool: { name: 'awsaudit', version: 'test' },
        source: 'test',
        resourceTypes: ['aws.iam.role', 'aws.iam.policy'],
      },
      resources: [big, ...roles],
      gaps: [],
    };
    const ctx = { now: 0, index: new SnapshotIndex(snapshot) };
    const started = performance.now();
    for (const r of roles) enrichResource(r, ctx);
    // Matched once per question for the shared policy: well under a second on a slow machine.
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
