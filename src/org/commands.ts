import type { CommandSpec } from '../collect/types.js';

/**
 * Every call `--org` makes besides the accounts' own collection: the organisation's reads (in
 * the management or delegated administrator account) and AssumeRole into each member account.
 * `awsaudit permissions --org` and the read-only proof (test/org-moto.test.ts) read this list;
 * at run time the clients of src/org can send nothing else.
 */
export const ORG_COMMANDS: ReadonlyArray<
  Required<Pick<CommandSpec, 'command' | 'action'>> & { service: 'organizations' | 'sts'; why: string }
> = [
  {
    command: 'DescribeOrganizationCommand',
    service: 'organizations',
    action: 'organizations:DescribeOrganization',
    why: 'the organisation id and its management account (once)',
  },
  { command: 'ListAccountsCommand', service: 'organizations', action: 'organizations:ListAccounts', why: 'the accounts (20 per page)' },
  {
    command: 'ListAccountsForParentCommand',
    service: 'organizations',
    action: 'organizations:ListAccountsForParent',
    why: 'accounts under an OU or root given to --accounts/--exclude-accounts (20 per page, per OU)',
  },
  {
    command: 'ListOrganizationalUnitsForParentCommand',
    service: 'organizations',
    action: 'organizations:ListOrganizationalUnitsForParent',
    why: 'nested OUs of an OU or root given to --accounts/--exclude-accounts (20 per page, per OU)',
  },
  {
    command: 'AssumeRoleCommand',
    service: 'sts',
    action: 'sts:AssumeRole',
    why: "into each account's role (once per account, again before the session expires)",
  },
];
