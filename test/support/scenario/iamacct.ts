// IAM account settings and account contacts: the password policy, server certificates, root's
// MFA, console users' unused passwords and setup keys, the support role, CloudShell full access,
// the security and other contacts, and instances without a role.
//
// Twins of rules over users live in the compliant account too (see below).
//
// Account-level settings have their compliant twin in the compliant account. What moto cannot
// express has no compliant twin: its server certificates always expire in 2012, and root's MFA
// cannot be turned on; a console password cannot have been used (nobody signs in to moto).
// GetContactInformation / PutContactInformation, which moto lacks, are answered by the proxy of
// test/support/moto-emulated.ts in the Account API's wire shape.
import {
  AccountClient,
  PutAlternateContactCommand,
  PutContactInformationCommand,
  type AlternateContactType,
} from '@aws-sdk/client-account';
import { CreateTagsCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
  UploadServerCertificateCommand,
} from '@aws-sdk/client-iam';
import { COMPLIANT_ACCOUNT, type BreadthSeeder, type Twin } from './index.js';

const MAIN_ACCOUNT = '123456789012';
/** An AMI moto knows (the notes' scenario uses the same). */
const AMI = 'ami-12c6146b';

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const ACCOUNT_TRUST = (account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
  });

// A self-signed certificate's shape is enough: moto does not parse it (and reports every one as expired in 2012).
const CERT_BODY = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUexample\n-----END CERTIFICATE-----';
const CERT_KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAexample\n-----END PRIVATE KEY-----';

const contact = (type: AlternateContactType) => ({
  AlternateContactType: type,
  Name: `${type.toLowerCase()} team`,
  Title: type.toLowerCase(),
  EmailAddress: `${type.toLowerCase()}@example.com`,
  PhoneNumber: '+1-206-555-0100',
});

export const seedIamAccountSettings: BreadthSeeder = async (ctx) => {
  const region = ctx.regions[0]!;
  const iam = new IAMClient(ctx.main('us-east-1'));
  const iamCompliant = new IAMClient(ctx.compliant('us-east-1'));
  const accountCompliant = new AccountClient(ctx.compliant('us-east-1'));
  const ec2 = new EC2Client(ctx.main(region));
  const s = ctx.suffix;
  try {
    // Password policy: weak in the main account, strong in the compliant one.
    await iam.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 8,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        RequireNumbers: true,
        RequireSymbols: false,
        PasswordReusePrevention: 5,
      }),
    );
    await iamCompliant.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 14,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        RequireNumbers: true,
        RequireSymbols: true,
        PasswordReusePrevention: 24,
        AllowUsersToChangePassword: true,
      }),
    );

    // A console user with a key made at setup and never used; its password is never used either
    // (the scan's clock is 200 days on). The twin is an application's user with a key and no
    // password. Both live in the compliant account: keys in the main account would change the
    // notes' own findings (their keys, too, are 200 days old).
    const setupUser = `console-setup-${s}`;
    await iamCompliant.send(new CreateUserCommand({ UserName: setupUser }));
    await iamCompliant.send(new CreateLoginProfileCommand({ UserName: setupUser, Password: `Pw-${s}-long-enough-1!` }));
    await iamCompliant.send(new CreateAccessKeyCommand({ UserName: setupUser }));
    const appUser = `app-only-${s}`;
    await iamCompliant.send(new CreateUserCommand({ UserName: appUser }));
    await iamCompliant.send(new CreateAccessKeyCommand({ UserName: appUser }));

    // A virtual MFA device, not assigned (root's MFA cannot be set up in moto).
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `spare-${s}` }));

    // An expired server certificate (moto's only kind).
    const cert = `expired-www-${s}`;
    await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: cert, CertificateBody: CERT_BODY, PrivateKey: CERT_KEY }));

    // CloudShell full access on a role of the main account; a support role in the compliant one.
    const shellRole = `cloudshell-${s}`;
    await iam.send(new CreateRoleCommand({ RoleName: shellRole, AssumeRolePolicyDocument: ACCOUNT_TRUST(MAIN_ACCOUNT) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: shellRole, PolicyArn: 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess' }));
    const supportRole = `aws-support-${s}`;
    await iamCompliant.send(new CreateRoleCommand({ RoleName: supportRole, AssumeRolePolicyDocument: ACCOUNT_TRUST(COMPLIANT_ACCOUNT) }));
    await iamCompliant.send(new AttachRolePolicyCommand({ RoleName: supportRole, PolicyArn: 'arn:aws:iam::aws:policy/AWSSupportAccess' }));

    // Contacts: none in the main account; all of them in the compliant one.
    await accountCompliant.send(
      new PutContactInformationCommand({
        ContactInformation: {
          FullName: 'Mary Major',
          AddressLine1: '123 Any Street',
          City: 'Seattle',
          PostalCode: '98101',
          CountryCode: 'US',
          PhoneNumber: '+1-206-555-0100',
        },
      }),
    );
    for (const type of ['SECURITY', 'BILLING', 'OPERATIONS'] as const)
      await accountCompliant.send(new PutAlternateContactCommand(contact(type)));

    // An instance without a role, and one with an instance profile.
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    const SubnetId = subnets.Subnets?.[0]?.SubnetId;
    const profile = `web-${s}`;
    const instanceRole = `web-${s}`;
    await iam.send(new CreateRoleCommand({ RoleName: instanceRole, AssumeRolePolicyDocument: EC2_TRUST }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: instanceRole }));
    const run = async (withRole: boolean) => {
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: AMI,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          ...(SubnetId ? { SubnetId } : {}),
          ...(withRole ? { IamInstanceProfile: { Name: profile } } : {}),
        }),
      );
      const id = out.Instances![0]!.InstanceId!;
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: withRole ? 'with-role' : 'without-role' }] }));
      return id;
    };
    const [noRole, withRole] = [await run(false), await run(true)];

    const account = (where: 'main' | 'compliant') => ({
      id: where === 'main' ? MAIN_ACCOUNT : COMPLIANT_ACCOUNT,
      region: 'global',
      account: where,
    });
    const twins: Twin[] = [
      ...['iam-password-policy-short-minimum-length', 'iam-password-policy-reuse-allowed', 'iam-password-policy-weak-complexity'].map(
        (rule) => ({ rule, fail: account('main'), pass: account('compliant') }),
      ),
      ...['iam-user-setup-access-key-unused', 'iam-user-console-password-unused'].map((rule) => ({
        rule,
        fail: { id: setupUser, region: 'global', account: 'compliant' as const },
        pass: { id: appUser, region: 'global', account: 'compliant' as const },
      })),
      { rule: 'iam-server-certificate-expired', fail: { id: cert, region: 'global' } },
      // Root's MFA cannot be set up in moto: no compliant twin.
      { rule: 'iam-root-hardware-mfa-missing', fail: account('main') },
      { rule: 'account-no-support-role', fail: account('main'), pass: account('compliant') },
      { rule: 'account-cloudshell-full-access', fail: account('main'), pass: account('compliant') },
      { rule: 'account-security-contact-missing', fail: account('main'), pass: account('compliant') },
      { rule: 'account-contact-details-incomplete', fail: account('main'), pass: account('compliant') },
      { rule: 'ec2-instance-no-iam-role', fail: { id: noRole, region }, pass: { id: withRole, region } },
    ];
    return twins;
  } finally {
    for (const c of [iam, iamCompliant, accountCompliant, ec2]) c.destroy();
  }
};
