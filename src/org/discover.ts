// The organisation's side of `--org`: which accounts there are, which of them the run scans.
// Imported only when --org is given (it loads @aws-sdk/client-organizations).
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
  type Account,
  type ListOrganizationalUnitsForParentCommandOutput,
} from '@aws-sdk/client-organizations';
import { errorCode, shortMessage } from '../collect/errors.js';
import { UserError } from '../util/errors.js';
import type { ClientConfig } from '../aws/client.js';
import { guardCommands } from './guard.js';
import { ORG_COMMANDS } from './commands.js';

/** The largest page the listing calls allow (ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent). */
const PAGE_SIZE = 20;

export interface OrgAccount {
  id: string;
  name: string | null;
}

export interface Organization {
  id: string | null;
  managementAccount: string | null;
  /** ACTIVE accounts, sorted by id. */
  accounts: OrgAccount[];
}

/** A 12-digit account id, an OU id (ou-…) or a root id (r-…), as --accounts / --exclude-accounts take them. */
const ACCOUNT_ID = /^\d{12}$/;
const PARENT_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** Check --accounts / --exclude-accounts values before any call. */
export function checkSelection(values: readonly string[], flag: string): string[] {
  const bad = values.filter((v) => !ACCOUNT_ID.test(v) && !PARENT_ID.test(v));
  if (bad.length)
    throw new UserError(
      `${flag}: not an account id, OU id or root id: ${bad.join(', ')}`,
      'give 12-digit account ids, OU ids (ou-ab12-34cd5678) or root ids (r-ab12), comma-separated',
    );
  return [...new Set(values)];
}

type OrgClient = Pick<OrganizationsClient, 'send'>;

/** An Organizations client with the run's settings, that can send only the declared organisation reads. */
export function organizationsClient(config: ClientConfig, onRequest: () => void): OrganizationsClient {
  const client = new OrganizationsClient(config);
  guardCommands(client, new Set(ORG_COMMANDS.filter((c) => c.service === 'organizations').map((c) => c.command)), onRequest);
  return client;
}

/**
 * The organisation and its ACTIVE accounts: DescribeOrganization, then ListAccounts page by
 * page. A caller that is not in an organisation, or may not list it, gets a UserError that
 * says which and what to do.
 */
export async function listOrganization(client: OrgClient, callerAccount: string): Promise<Organization> {
  let id: string | null;
  let managementAccount: string | null;
  try {
    const { Organization: org } = await client.send(new DescribeOrganizationCommand({}));
    id = org?.Id ?? null;
    managementAccount = org?.MasterAccountId ?? null;
  } catch (error) {
    throw orgError(error, callerAccount, 'DescribeOrganization', null);
  }
  const accounts: Account[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListAccountsCommand({ MaxResults: PAGE_SIZE, NextToken: token }));
      accounts.push(...(page.Accounts ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw orgError(error, callerAccount, 'ListAccounts', managementAccount);
  }
  return { id, managementAccount, accounts: activeAccounts(accounts) };
}

/** Accounts whose state (or, from older endpoints, status) is ACTIVE, by id. */
function activeAccounts(accounts: readonly Account[]): OrgAccount[] {
  return accounts
    .filter((a) => a.Id && (a.State ?? a.Status) === 'ACTIVE')
    .map((a) => ({ id: a.Id!, name: a.Name ?? null }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function orgError(error: unknown, caller: string, operation: string, management: string | null): UserError {
  const code = errorCode(error);
  if (code === 'AWSOrganizationsNotInUseException')
    return new UserError(
      `--org: account ${caller} is not in an organisation (AWS Organizations is not in use)`,
      'run without --org to scan this account, or with credentials of the management account',
    );
  if (code === 'AccessDeniedException' || code === 'AccessDenied')
    return new UserError(
      `--org: account ${caller} may not list the organisation's accounts (organizations:${operation}: ${code})`,
      `run from the management account${management && management !== caller ? ` (${management})` : ''} or a delegated administrator account, with the actions \`awsaudit permissions --org\` lists`,
    );
  return new UserError(`--org: cannot list the organisation's accounts (organizations:${operation}: ${code}): ${shortMessage(error)}`);
}

/**
 * The accounts under OUs or roots: each parent's accounts, and its child OUs' (recursively).
 * Called only for the OU and root ids given to --accounts / --exclude-accounts.
 */
async function accountsUnder(client: OrgClient, parents: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const queue = [...parents];
  while (queue.length) {
    const parent = queue.shift()!;
    if (seen.has(parent)) continue;
    seen.add(parent);
    try {
      let token: string | undefined;
      do {
        const page = await client.send(new ListAccountsForParentCommand({ ParentId: parent, MaxResults: PAGE_SIZE, NextToken: token }));
        for (const a of page.Accounts ?? []) if (a.Id) found.add(a.Id);
        token = page.NextToken;
      } while (token);
      token = undefined;
      do {
        const page: ListOrganizationalUnitsForParentCommandOutput = await client.send(
          new ListOrganizationalUnitsForParentCommand({ ParentId: parent, MaxResults: PAGE_SIZE, NextToken: token }),
        );
        for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) queue.push(ou.Id);
        token = page.NextToken;
      } while (token);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ParentNotFoundException' || code === 'InvalidInputException')
        throw new UserError(`--accounts/--exclude-accounts: ${parent} is not an OU or root of this organisation (${code})`);
      throw new UserError(`--org: cannot list the accounts under ${parent} (organizations: ${code}): ${shortMessage(error)}`);
    }
  }
  return found;
}

/**
 * The accounts to scan: the organisation's ACTIVE accounts, narrowed to --accounts (ids, or
 * everything under the OUs and roots named) and without --exclude-accounts.
 */
export async function selectAccounts(
  client: OrgClient,
  org: Organization,
  include: readonly string[],
  exclude: readonly string[],
): Promise<OrgAccount[]> {
  const expand = async (values: readonly string[]) => {
    const ids = new Set(values.filter((v) => ACCOUNT_ID.test(v)));
    const parents = values.filter((v) => !ACCOUNT_ID.test(v));
    if (parents.length) for (const id of await accountsUnder(client, parents)) ids.add(id);
    return ids;
  };
  let chosen = org.accounts;
  if (include.length) {
    const wanted = await expand(include);
    const known = new Set(org.accounts.map((a) => a.id));
    const unknown = include.filter((v) => ACCOUNT_ID.test(v) && !known.has(v));
    if (unknown.length)
      throw new UserError(`--accounts: not an ACTIVE account of organisation ${org.id ?? ''}: ${unknown.join(', ')}`.replace(/ :/, ':'));
    chosen = chosen.filter((a) => wanted.has(a.id));
  }
  if (exclude.length) {
    const unwanted = await expand(exclude);
    chosen = chosen.filter((a) => !unwanted.has(a.id));
  }
  if (chosen.length === 0) throw new UserError('--org: no ACTIVE account left after --accounts/--exclude-accounts');
  return chosen;
}
