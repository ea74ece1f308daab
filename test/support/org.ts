// An AWS Organizations organisation in moto, for the --org tests and bench/org.mjs: the
// management account is moto's default (123456789012, the `testing` keys), each member is
// created with CreateAccount and is reached only through AssumeRole into its
// OrganizationAccountAccessRole (moto gives an assumed role the resources of the role's
// account, and nothing of the others).
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AllocateAddressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { sdkConfig } from './moto.js';

export const MANAGEMENT_ACCOUNT = '123456789012';
export const MEMBER_ROLE = 'OrganizationAccountAccessRole';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface SeededOrganization {
  id: string;
  rootId: string;
  /** The OU the members with `inOu` were moved into. */
  ouId: string;
  members: Array<{ id: string; name: string; inOu: boolean }>;
}

/** Create the organisation, one OU under its root, and the member accounts (those with `inOu` moved into the OU). */
export async function createOrganization(
  endpoint: string,
  members: ReadonlyArray<{ name: string; inOu?: boolean }>,
): Promise<SeededOrganization> {
  const org = new OrganizationsClient(sdkConfig(endpoint, 'us-east-1'));
  try {
    const { Organization } = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const { Roots } = await org.send(new ListRootsCommand({}));
    const rootId = Roots![0]!.Id!;
    const { OrganizationalUnit } = await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'workloads' }));
    const ouId = OrganizationalUnit!.Id!;
    const out: SeededOrganization['members'] = [];
    for (const [i, m] of members.entries()) {
      const { CreateAccountStatus } = await org.send(new CreateAccountCommand({ AccountName: m.name, Email: `member-${i}@example.com` }));
      const id = CreateAccountStatus!.AccountId!;
      if (m.inOu) await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ouId }));
      out.push({ id, name: m.name, inOu: m.inOu ?? false });
    }
    return { id: Organization!.Id!, rootId, ouId, members: out };
  } finally {
    org.destroy();
  }
}

/** The member's credentials, as its role gives them to the management account. */
export async function assumeInto(endpoint: string, account: string, role = MEMBER_ROLE): Promise<Credentials> {
  const sts = new STSClient(sdkConfig(endpoint, 'us-east-1'));
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${role}`, RoleSessionName: 'seed' }),
    );
    return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
  } finally {
    sts.destroy();
  }
}

/**
 * Seeds one account (through `credentials`, or the caller's) with what the org tests look for: a
 * security group with SSH open to the internet and an unattached Elastic IP. Returns the group id.
 */
export async function seedOpenGroupAndAddress(
  endpoint: string,
  region: string,
  credentials: Credentials | undefined,
  name: string,
): Promise<string> {
  const ec2 = new EC2Client({ ...sdkConfig(endpoint, region), ...(credentials ? { credentials } : {}) });
  try {
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `org-${name}`, Description: `ssh open in ${name}` }));
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    return GroupId!;
  } finally {
    ec2.destroy();
  }
}
