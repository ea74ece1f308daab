// IAM beyond policy names: roles whose trust policies let anyone, another account without an
// external ID, or any GitHub repository assume them; a role whose AWS-managed policy (moto
// loads AWS's documents) reads every bucket; an administrator by NotAction and one that a
// quarantine policy disarms; an escalating role; policies that decrypt with every KMS key.
// Each next to a compliant twin in the main account (IAM is global: region `global`).
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { BreadthSeeder, Twin } from './index.js';

const MAIN = '123456789012';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const assume = (principal: object, condition?: object) =>
  doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) });
const LAMBDA = assume({ Service: 'lambda.amazonaws.com' });
const GITHUB = 'token.actions.githubusercontent.com';

export const seedIamPolicy: BreadthSeeder = async (ctx) => {
  const iam = new IAMClient(ctx.main('us-east-1'));
  const s = ctx.suffix;
  const name = (base: string) => `awsaudit-${base}-${s}`;
  const role = async (base: string, trust: string, inline?: object[], attached?: string[]) => {
    const RoleName = name(base);
    await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust }));
    if (inline) await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'inline', PolicyDocument: doc(...inline) }));
    for (const PolicyArn of attached ?? []) await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
    return RoleName;
  };
  const place = (id: string) => ({ id, region: 'global' });
  const twin = (rule: string, fail: string, pass: string): Twin => ({ rule, fail: place(fail), pass: place(pass) });
  try {
    const provider = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${GITHUB}`,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    );
    const gh = (condition: object) =>
      doc({
        Effect: 'Allow',
        Principal: { Federated: provider.OpenIDConnectProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      });
    const narrow = [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }];
    const twins: Twin[] = [];

    // Trust policies.
    twins.push(
      twin(
        'iam-role-trust-allows-anyone',
        await role('trust-anyone', assume({ AWS: '*' }), narrow),
        await role('trust-org', assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), narrow),
      ),
      twin(
        'iam-role-trust-other-account-unrestricted',
        await role('trust-partner', assume({ AWS: 'arn:aws:iam::444455556666:root' }), narrow),
        await role(
          'trust-partner-extid',
          assume({ AWS: 'arn:aws:iam::444455556666:root' }, { StringEquals: { 'sts:ExternalId': `x-${s}` } }),
          narrow,
        ),
      ),
      twin(
        'iam-role-trust-web-identity-unrestricted',
        await role('github-any-repo', gh({ StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } }), narrow),
        await role(
          'github-one-repo',
          gh({
            StringEquals: {
              [`${GITHUB}:aud`]: 'sts.amazonaws.com',
              [`${GITHUB}:sub`]: 'repo:example-org/django-board:ref:refs/heads/main',
            },
          }),
          narrow,
        ),
      ),
    );

    // Data access through an AWS-managed policy read by its document.
    twins.push(
      twin(
        'iam-role-data-access-all-buckets',
        await role('s3-reader', LAMBDA, undefined, ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']),
        await role('s3-reader-scoped', LAMBDA, [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::reports-${s}/*` }]),
      ),
    );

    // An administrator through NotAction; the same grant disarmed by AWSDenyAll (a quarantine).
    const notAction = [{ Effect: 'Allow', NotAction: ['organizations:*', 'account:*'], Resource: '*' }];
    twins.push(
      twin(
        'iam-role-effective-admin',
        await role('notaction-admin', LAMBDA, notAction),
        await role('quarantined-admin', LAMBDA, notAction, ['arn:aws:iam::aws:policy/AWSDenyAll']),
      ),
    );

    // Privilege escalation: PassRole on every role with RunInstances, against a role that may only
    // write its own logs. (Roles, not users: the notes' scenario counts its users.)
    twins.push(
      twin(
        'iam-role-privilege-escalation',
        await role('escalating', LAMBDA, [
          { Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${MAIN}:role/*` },
          { Sid: 'Run', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
        ]),
        await role('logs-only', LAMBDA, [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }]),
      ),
    );

    // KMS.1 (customer-managed policy) and KMS.2 (inline).
    const decryptAll = await iam.send(
      new CreatePolicyCommand({
        PolicyName: name('decrypt-all'),
        PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }),
      }),
    );
    const decryptOne = await iam.send(
      new CreatePolicyCommand({
        PolicyName: name('decrypt-one'),
        PolicyDocument: doc({
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: `arn:aws:kms:us-east-1:${MAIN}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        }),
      }),
    );
    twins.push(twin('iam-policy-allows-decrypt-all-kms-keys', decryptAll.Policy!.Arn!, decryptOne.Policy!.Arn!));
    twins.push(
      twin(
        'iam-role-inline-decrypt-all-kms-keys',
        await role('inline-decrypt-all', LAMBDA, [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:ReEncrypt*'], Resource: '*' }]),
        await role('inline-encrypt-only', LAMBDA, [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }]),
      ),
    );
    return twins;
  } finally {
    iam.destroy();
  }
};
