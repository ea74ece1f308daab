import type { Argv } from 'yargs';
import { UserError } from '../util/errors.js';
import { splitList } from './options.js';

const GROUP = 'Organisation (--org):';

export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';
/** Accounts scanned at once: each account already runs its services and regions in parallel (bench/org.mjs measures it). */
export const DEFAULT_MAX_ACCOUNTS_IN_FLIGHT = 8;
/** Role session length: an hour, the default maximum of a role; renewed before it ends. */
const SESSION_SECONDS = 3600;

/** --org and its companions (scan). */
export function orgOptions<T>(y: Argv<T>) {
  return y
    .option('org', {
      type: 'boolean',
      default: false,
      describe:
        "Scan every ACTIVE account of the organisation (from the management account or a delegated administrator): the caller's own account with its credentials, the others through --role-name",
      group: GROUP,
    })
    .option('role-name', {
      type: 'string',
      default: DEFAULT_ROLE_NAME,
      describe: 'Role assumed in each member account',
      group: GROUP,
    })
    .option('role-arn-template', {
      type: 'string',
      describe:
        "Role ARN with {accountId} (and optionally {partition}), for roles not at the default path, e.g. 'arn:aws:iam::{accountId}:role/audit/awsaudit'",
      group: GROUP,
    })
    .option('external-id', {
      type: 'string',
      describe: "External id the roles' trust policy requires (never written to a report)",
      group: GROUP,
    })
    .option('accounts', {
      type: 'string',
      array: true,
      describe: 'Scan only these accounts: 12-digit ids, OU ids (ou-…, nested OUs included) or root ids (r-…), comma-separated',
      group: GROUP,
    })
    .option('exclude-accounts', {
      type: 'string',
      array: true,
      describe: 'Leave out these accounts (ids, OU ids or root ids)',
      group: GROUP,
    })
    .option('max-accounts-in-flight', {
      type: 'number',
      default: DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
      describe: 'Accounts scanned at the same time (each keeps its own --max-concurrency per service and region)',
      group: GROUP,
    });
}

export interface OrgArgs {
  org: boolean;
  roleName: string;
  roleArnTemplate?: string | undefined;
  externalId?: string | undefined;
  accounts?: string[] | undefined;
  excludeAccounts?: string[] | undefined;
  maxAccountsInFlight: number;
  quiet?: boolean | undefined;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Check the --org flags before any call; undefined without --org (its companions alone are an
 * error: they would be silently ignored).
 */
export async function orgOptionsFrom(argv: OrgArgs) {
  const companions = [
    argv.roleName !== DEFAULT_ROLE_NAME && '--role-name',
    argv.roleArnTemplate !== undefined && '--role-arn-template',
    argv.externalId !== undefined && '--external-id',
    argv.accounts !== undefined && '--accounts',
    argv.excludeAccounts !== undefined && '--exclude-accounts',
    argv.maxAccountsInFlight !== DEFAULT_MAX_ACCOUNTS_IN_FLIGHT && '--max-accounts-in-flight',
  ].filter((f): f is string => typeof f === 'string');
  if (!argv.org) {
    if (companions.length) throw new UserError(`${companions.join(', ')}: only with --org`, 'add --org to scan the organisation');
    return undefined;
  }
  if (argv.roleArnTemplate !== undefined && argv.roleName !== DEFAULT_ROLE_NAME)
    throw new UserError('--role-name and --role-arn-template cannot be used together');
  if (!ROLE_NAME.test(argv.roleName)) throw new UserError(`--role-name ${argv.roleName}: not an IAM role name`);
  const template = argv.roleArnTemplate ?? `arn:{partition}:iam::{accountId}:role/${argv.roleName}`;
  if (!/^arn:[^:]+:iam::\{accountId\}:role\/\S+$/.test(template))
    throw new UserError(
      `--role-arn-template ${template}: expected an IAM role ARN with {accountId} in the account field`,
      "e.g. 'arn:aws:iam::{accountId}:role/audit/awsaudit'",
    );
  if (argv.externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(argv.externalId))
    throw new UserError('--external-id: 2 to 1224 characters of letters, digits and +=,.@:/-');
  const n = argv.maxAccountsInFlight;
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UserError(`--max-accounts-in-flight ${n}: expected a whole number from 1 to 256`);
  const { checkSelection } = await import('../org/discover.js');
  return {
    roleArnTemplate: template,
    externalId: argv.externalId,
    accounts: checkSelection(splitList(argv.accounts), '--accounts'),
    excludeAccounts: checkSelection(splitList(argv.excludeAccounts), '--exclude-accounts'),
    maxAccountsInFlight: n,
    sessionSeconds: SESSION_SECONDS,
    progress: !argv.quiet,
  };
}
