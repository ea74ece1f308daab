import type { AccountClient } from '@aws-sdk/client-account';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import { sdkClient } from '../../aws/client.js';
import type { CommandSpec } from '../../collect/types.js';
import { listOf, object, orNull, string, type JsonSchema } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { accountEnricher } from './enrich.js';
import { ACCOUNT, CONTACTS } from './produces.js';

const ALTERNATE_CONTACT: JsonSchema = orNull(object({ Name: string, EmailAddress: string, PhoneNumber: string }));

const TYPES = {
  'aws.account': {
    scope: 'global',
    title: 'AWS account (account-wide settings and derived facts)',
    id: 'account id',
    data: '`{ AccountId, Partition, Regions: [scanned regions], Alias?: string\\|null }`. Always collected (from `sts:GetCallerIdentity`); `Alias` (from `ListAccountAliases`, `null` when none) is filled when a rule targets `aws.account`. Account-wide facts are computed from other resources by its enricher (rules over it declare `requires`).',
    facts:
      '`supportRoles` (roles with the AWS-managed `AWSSupportAccess` policy attached; null when roles were not collected or their read had a gap), `cloudShellFullAccessPrincipals` (users, groups and roles with `AWSCloudShellFullAccess` attached, as `user/NAME`, `group/NAME`, `role/NAME`; null when one of the three was not collected or had a gap); `multiRegionTrailLogging` (a multi-region trail of this account is logging every management event, reads and writes: true/false, null when trails were not collected or a gap or an unreadable status leaves it open), `multiRegionTrails`, `trailNames`; `anyTrailLogging` (some trail is logging: true/false/null), `loggingTrails`; `s3ObjectWriteEvents` / `s3ObjectReadEvents` (a logging multi-region trail records the object-level write / read events of every S3 bucket, by its basic or advanced event selectors: true/false/null), `s3ObjectWriteEventTrails` / `s3ObjectReadEventTrails`; `regionsWithoutConfigRecorder` (scanned regions with no recorder of this account; regions whose recorders could not be read are left out), `configRecorderRegionsUnknown`; `monitoring.<change>` for each change the CIS monitoring recommendations watch (`unauthorizedApiCalls`, `consoleSignInWithoutMfa`, `rootUsage`, `iamPolicyChanges`, `cloudtrailChanges`, `consoleAuthFailures`, `cmkDisableOrDeletion`, `s3BucketPolicyChanges`, `configChanges`, `securityGroupChanges`, `naclChanges`, `networkGatewayChanges`, `routeTableChanges`, `vpcChanges`, `organizationsChanges`): `{ monitored, problem, via }` — monitored is true when a logging multi-region trail sends to a log group with a metric filter whose pattern matches every event of the change, an alarm on its metric notifies an SNS topic, and the topic has a confirmed subscriber; false with the furthest link missing as `problem`; null when a link could not be read (`monitoring` is null unless trails, metric filters, alarms and subscriptions were collected)',
    factsReadsNote:
      'each rule over the account requires the types it needs: trails, recorders, IAM roles, users or groups, or (monitoring) trails, metric filters, alarms and SNS subscriptions',
    // Regions is required: the recorder facts are about these regions, and none is not "all covered".
    dataSchema: object({ AccountId: string, Partition: string, Regions: listOf(string), Alias: orNull(string) }, ['AccountId', 'Regions']),
  },
  'aws.account.contacts': {
    scope: 'global',
    title: 'Account contacts (primary and alternate)',
    id: 'account id',
    data: '`{ AccountId, ContactInformation, AlternateContacts: { SECURITY, BILLING, OPERATIONS } }`: `GetContactInformation` (only `FullName`, `CompanyName`, `PhoneNumber`, `CountryCode`, `WebsiteUrl`: the postal address is not stored) and `GetAlternateContact` per type (`Name`, `Title`, `EmailAddress`, `PhoneNumber`). A contact never set (`ResourceNotFoundException`) is `null`; one whose call failed is absent (a gap).',
    dataSchema: object(
      {
        AccountId: string,
        ContactInformation: orNull(object({ FullName: string, PhoneNumber: string })),
        AlternateContacts: object({ SECURITY: ALTERNATE_CONTACT, BILLING: ALTERNATE_CONTACT, OPERATIONS: ALTERNATE_CONTACT }),
      },
      ['AccountId', 'AlternateContacts'],
    ),
  },
} as const satisfies ResourceTypeTable;

const CLIENTS = {
  // Identity (GetCallerIdentity) and the SDK's own region resolution.
  sts: sdkClient('@aws-sdk/client-sts', async () => (await import('@aws-sdk/client-sts')).STSClient),
  // Contacts (the Account API; a global endpoint).
  account: sdkClient('@aws-sdk/client-account', async () => (await import('@aws-sdk/client-account')).AccountClient),
};

/**
 * Calls a scan makes whatever rules run: who the credentials belong to (account id and
 * partition), and, with --all-regions, which regions the account has enabled.
 */
export const CORE_COMMANDS: readonly CommandSpec<never, 'sts' | 'ec2'>[] = [
  { command: 'GetCallerIdentityCommand', service: 'sts', action: 'sts:GetCallerIdentity', for: [] },
  { command: 'DescribeRegionsCommand', service: 'ec2', action: 'ec2:DescribeRegions', for: [] },
];

/** The code of the core calls, each imported when it is made (with the SDK package it sends through). */
export const loadIdentityCall = () => import('./identity.js');
export const loadRegionsCall = () => import('./regions.js');

/**
 * The account itself: its id, partition and alias, and the account-wide facts computed from the
 * rest of the snapshot (its collector reads the alias through the IAM service's client); and the
 * account's contacts, through the Account API.
 */
export const account: Service<typeof TYPES, { sts: STSClient; account: AccountClient }, { iam: IAMClient; account: AccountClient }> = {
  name: 'account',
  resourceTypes: TYPES,
  clients: CLIENTS,
  collectors: [
    {
      descriptor: {
        id: 'aws.account',
        service: 'iam',
        scope: 'account',
        produces: ACCOUNT,
        commands: [
          { command: 'ListAccountAliasesCommand', action: 'iam:ListAccountAliases', for: ACCOUNT, fills: { 'aws.account': ['Alias'] } },
        ],
      },
      load: async () => (await import('./collect.js')).collectAccount,
    },
    {
      descriptor: {
        id: 'aws.account.contacts',
        service: 'account',
        scope: 'account',
        produces: CONTACTS,
        commands: [
          {
            command: 'GetContactInformationCommand',
            action: 'account:GetContactInformation',
            for: CONTACTS,
            fills: { 'aws.account.contacts': ['ContactInformation'] },
          },
          // One call per contact type: SECURITY, BILLING, OPERATIONS.
          { command: 'GetAlternateContactCommand', action: 'account:GetAlternateContact', for: CONTACTS },
        ],
      },
      load: async () => (await import('./collect-contacts.js')).collectContacts,
    },
  ],
  enrichers: [accountEnricher],
};
