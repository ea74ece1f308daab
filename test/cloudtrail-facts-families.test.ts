// The event facts the threat-family rules read (src/cloudtrail/facts/): a resource policy that
// opens a resource to anyone, a snapshot or image shared, a role trust policy, whose console
// password a call sets. Pure functions of one record; the edge cases the rules' own cases do not
// reach are here.
import { describe, expect, it } from 'vitest';
import { eventFacts } from '../src/cloudtrail/event-facts.js';
import type { CloudTrailRecord } from '../src/cloudtrail/records.js';

const OWN = '123456789012';
function record(eventName: string, requestParameters: unknown, extra: Record<string, unknown> = {}): CloudTrailRecord {
  return {
    eventName,
    eventTime: '2026-05-12T09:41:27Z',
    eventSource: 'x.amazonaws.com',
    recipientAccountId: OWN,
    userIdentity: { type: 'IAMUser', userName: 'Alice', accountId: OWN, arn: `arn:aws:iam::${OWN}:user/Alice` },
    requestParameters,
    ...extra,
  };
}
const facts = (r: CloudTrailRecord) => eventFacts(r, { leakedKeyIds: new Set() });
const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('resourcePolicy', () => {
  const open = (r: CloudTrailRecord) => (facts(r).resourcePolicy as { open: boolean | null } | undefined)?.open;
  it('a key policy for "*" is open; with aws:PrincipalOrgID it is not; a NotAction grant for "*" is open', () => {
    expect(open(record('PutKeyPolicy', { keyId: 'k', policy: policy({ Effect: 'Allow', Principal: '*', Action: 'kms:*' }) }))).toBe(true);
    expect(
      open(
        record('PutKeyPolicy', {
          keyId: 'k',
          policy: policy({
            Effect: 'Allow',
            Principal: '*',
            Action: 'kms:*',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } },
          }),
        }),
      ),
    ).toBe(false);
    expect(
      open(
        record('PutKeyPolicy', { keyId: 'k', policy: policy({ Effect: 'Allow', Principal: { AWS: ['*'] }, NotAction: 'kms:Delete*' }) }),
      ),
    ).toBe(true);
  });
  it('a Deny for "*" opens nothing; a policy that is not JSON is unknown (null), not private', () => {
    expect(
      open(record('SetRepositoryPolicy', { repositoryName: 'r', policyText: policy({ Effect: 'Deny', Principal: '*', Action: 'ecr:*' }) })),
    ).toBe(false);
    expect(open(record('SetRepositoryPolicy', { repositoryName: 'r', policyText: '{not json' }))).toBeNull();
    expect(open(record('PutKeyPolicy', { keyId: 'k' }))).toBeNull();
  });
  it('a policy given as an object (a log shipper that parsed it) reads the same as text', () => {
    expect(
      open(
        record('SetQueueAttributes', {
          queueUrl: 'q',
          attributes: { Policy: { Statement: { Effect: 'Allow', Principal: '*', Action: 'sqs:*' } } },
        }),
      ),
    ).toBe(true);
  });
  it('calls that set no policy have no resourcePolicy fact', () => {
    expect(facts(record('SetQueueAttributes', { queueUrl: 'q', attributes: { VisibilityTimeout: '30' } })).resourcePolicy).toBeUndefined();
    expect(
      facts(record('SetTopicAttributes', { topicArn: 't', attributeName: 'DisplayName', attributeValue: 'x' })).resourcePolicy,
    ).toBeUndefined();
    expect(facts(record('CreateKey', { description: 'default policy' })).resourcePolicy).toBeUndefined();
    expect(
      facts(record('PutResourcePolicy', { resourceArn: 'arn', resourcePolicy: policy({ Effect: 'Allow', Principal: '*', Action: '*' }) }))
        .resourcePolicy,
    ).toBeUndefined();
  });
  it('Lambda AddPermission: "*" alone is open; a source ARN, source account or organisation pins it; an account principal is not "*"', () => {
    const add = (rp: Record<string, unknown>) =>
      open(record('AddPermission20150331v2', { functionName: 'f', action: 'lambda:InvokeFunction', ...rp }));
    expect(add({ principal: '*' })).toBe(true);
    expect(add({ principal: '*', sourceArn: 'arn:aws:s3:::b' })).toBe(false);
    expect(add({ principal: '*', sourceAccount: OWN })).toBe(false);
    expect(add({ principal: '*', principalOrgID: 'o-1' })).toBe(false);
    expect(add({ principal: '444455556666' })).toBe(false);
    expect(add({ principal: 's3.amazonaws.com' })).toBe(false);
  });
  it('a function URL is open with auth type NONE only', () => {
    expect(open(record('CreateFunctionUrlConfig20211031', { functionName: 'f', authType: 'NONE' }))).toBe(true);
    expect(open(record('UpdateFunctionUrlConfig20211031', { functionName: 'f', authType: 'AWS_IAM' }))).toBe(false);
    expect(facts(record('UpdateFunctionUrlConfig20211031', { functionName: 'f', cors: {} })).resourcePolicy).toBeUndefined();
  });
});

describe('sharing', () => {
  const sharing = (r: CloudTrailRecord) => facts(r).sharing as { public: boolean; accounts: string[]; added: string[] } | undefined;
  it('reads EC2 permission lists (one item as an object or several as a list) and RDS values, leaving out the own account', () => {
    expect(
      sharing(
        record('ModifySnapshotAttribute', { snapshotId: 's', createVolumePermission: { add: { items: { userId: '444455556666' } } } }),
      ),
    ).toMatchObject({ public: false, accounts: ['444455556666'] });
    expect(
      sharing(
        record('ModifyImageAttribute', {
          imageId: 'ami-1',
          launchPermission: { add: { items: [{ group: 'all' }, { userId: OWN }, { userId: '444455556666' }] } },
        }),
      ),
    ).toMatchObject({ public: true, accounts: ['444455556666'], added: ['all', '444455556666'] });
    expect(
      sharing(record('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'd', attributeName: 'restore', valuesToAdd: ['ALL'] })),
    ).toMatchObject({
      public: true,
      accounts: [],
    });
  });
  it('the older EC2 form (operationType add, userId / userGroup lists) is read too', () => {
    expect(sharing(record('ModifyImageAttribute', { imageId: 'ami-1', operationType: 'add', userGroup: ['all'] }))).toMatchObject({
      public: true,
    });
    expect(sharing(record('ModifyImageAttribute', { imageId: 'ami-1', operationType: 'remove', userGroup: ['all'] }))).toBeUndefined();
  });
  it('removals, other attributes, sharing with an organisation and with the own account only give no fact', () => {
    expect(
      sharing(record('ModifySnapshotAttribute', { snapshotId: 's', createVolumePermission: { remove: { items: [{ group: 'all' }] } } })),
    ).toBeUndefined();
    expect(
      sharing(record('ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'd', attributeName: 'restore', valuesToRemove: ['all'] })),
    ).toBeUndefined();
    expect(
      sharing(
        record('ModifyImageAttribute', {
          imageId: 'ami-1',
          launchPermission: { add: { items: [{ organizationArn: 'arn:aws:organizations::123456789012:organization/o-1' }] } },
        }),
      ),
    ).toBeUndefined();
    expect(
      sharing(record('ModifySnapshotAttribute', { snapshotId: 's', createVolumePermission: { add: { items: [{ userId: OWN }] } } })),
    ).toBeUndefined();
  });
});

describe('roleTrust and targetUser', () => {
  it('trust for another account is listed with its account; the role own account and services are not', () => {
    const doc = policy({
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::444455556666:root', `arn:aws:iam::${OWN}:root`] },
      Action: 'sts:AssumeRole',
    });
    const trust = facts(record('UpdateAssumeRolePolicy', { roleName: 'r', policyDocument: doc })).roleTrust as {
      otherAccounts: Array<{ account: string }>;
      anyone: unknown[];
    };
    expect(trust.otherAccounts.map((t) => t.account)).toEqual(['444455556666']);
    expect(trust.anyone).toEqual([]);
    const unreadable = facts(record('UpdateAssumeRolePolicy', { roleName: 'r', policyDocument: 'nope' })).roleTrust as {
      readable: boolean;
    };
    expect(unreadable.readable).toBe(false);
  });
  it('a password set for oneself is "self"; for another user, by a role session or another account\'s user with the same name, it is not', () => {
    const self = (r: CloudTrailRecord) => (facts(r).targetUser as { self: boolean }).self;
    expect(self(record('UpdateLoginProfile', { userName: 'Alice' }))).toBe(true);
    expect(self(record('UpdateLoginProfile', {}))).toBe(true);
    expect(self(record('UpdateLoginProfile', { userName: 'Bob' }))).toBe(false);
    expect(self(record('CreateLoginProfile', { userName: 'Alice' }, { userIdentity: { type: 'AssumedRole', accountId: OWN } }))).toBe(
      false,
    );
    expect(
      self(
        record(
          'UpdateLoginProfile',
          { userName: 'Alice' },
          { userIdentity: { type: 'IAMUser', userName: 'Alice', accountId: '444455556666' } },
        ),
      ),
    ).toBe(false);
  });
});
