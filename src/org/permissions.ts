import { UserError } from '../util/errors.js';
import { ORG_COMMANDS } from './commands.js';

/**
 * The statements `awsaudit permissions --org` adds for the caller of `scan --org`: the
 * organisation's reads (they take no resource-level condition: Resource "*") and AssumeRole,
 * only on the member accounts' role (any account: the organisation decides which exist).
 */
export function orgStatements(
  partition: string,
  roleArnTemplate: string | undefined,
  roleName: string | undefined,
): Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: string }> {
  if (roleArnTemplate !== undefined && roleName !== undefined)
    throw new UserError('--role-name and --role-arn-template cannot be used together');
  const template = roleArnTemplate ?? `arn:{partition}:iam::{accountId}:role/${roleName ?? 'OrganizationAccountAccessRole'}`;
  if (!template.includes('{accountId}')) throw new UserError(`--role-arn-template ${template}: expected {accountId} in the account field`);
  const role = template.replaceAll('{partition}', partition).replaceAll('{accountId}', '*');
  const actions = (service: string) =>
    ORG_COMMANDS.filter((c) => c.service === service)
      .map((c) => c.action)
      .sort();
  return [
    { Sid: 'AwsauditOrganizationRead', Effect: 'Allow', Action: actions('organizations'), Resource: '*' },
    { Sid: 'AwsauditAssumeMemberRole', Effect: 'Allow', Action: actions('sts'), Resource: role },
  ];
}
