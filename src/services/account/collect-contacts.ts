import { GetAlternateContactCommand, GetContactInformationCommand, type AccountClient } from '@aws-sdk/client-account';
import type { CollectFunction } from '../../collect/types.js';
import type { JsonObject } from '../../util/json.js';
import { ALTERNATE_CONTACT_TYPES, CONTACTS } from './produces.js';

/** `ResourceNotFoundException`: the contact was never set. */
const NOT_SET = ['ResourceNotFoundException'];

/** Only what tells who AWS reaches: the postal address is left out of the snapshot. */
const PRIMARY_FIELDS = ['FullName', 'CompanyName', 'PhoneNumber', 'CountryCode', 'WebsiteUrl'] as const;
const ALTERNATE_FIELDS = ['Name', 'Title', 'EmailAddress', 'PhoneNumber'] as const;

function pick(source: object | undefined, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    const value = (source as Record<string, unknown> | undefined)?.[field];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}

/**
 * The account's contacts (Account API, account-wide): the primary contact and the SECURITY,
 * BILLING and OPERATIONS alternate contacts, four calls. A contact that was never set is null;
 * one whose call failed is left out (a gap).
 */
export const collectContacts: CollectFunction<(typeof CONTACTS)[number], { account: AccountClient }> = async (ctx) => {
  const client = ctx.client('account');
  const [primary, ...alternates] = await Promise.all([
    ctx.call('GetContactInformation', CONTACTS, () => client.send(new GetContactInformationCommand({})), { absent: NOT_SET }),
    ...ALTERNATE_CONTACT_TYPES.map((AlternateContactType) =>
      ctx.call('GetAlternateContact', CONTACTS, () => client.send(new GetAlternateContactCommand({ AlternateContactType })), {
        absent: NOT_SET,
        subject: AlternateContactType,
      }),
    ),
  ]);
  const data: JsonObject = { AccountId: ctx.account };
  if (primary.status !== 'failed')
    data.ContactInformation = primary.status === 'ok' ? pick(primary.value.ContactInformation, PRIMARY_FIELDS) : null;
  const contacts: JsonObject = {};
  ALTERNATE_CONTACT_TYPES.forEach((type, i) => {
    const got = alternates[i];
    if (!got || got.status === 'failed') return;
    contacts[type] = got.status === 'ok' ? pick(got.value.AlternateContact, ALTERNATE_FIELDS) : null;
  });
  data.AlternateContacts = contacts;
  ctx.add({ type: 'aws.account.contacts', id: ctx.account, region: 'global', data });
};
