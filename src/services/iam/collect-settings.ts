import {
  GetAccountPasswordPolicyCommand,
  paginateListServerCertificates,
  paginateListVirtualMFADevices,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import { PASSWORD_POLICY, SERVER_CERTIFICATE, VIRTUAL_MFA_DEVICE, type IamSettingsType } from './produces.js';

/**
 * Account-wide IAM settings, each read only when a selected rule needs it: the password
 * policy (one call; `NoSuchEntity` means the account has none, which is itself the finding),
 * the server certificates and the virtual MFA devices (one paginated list each).
 */
export const collectIamSettings: CollectFunction<IamSettingsType, { iam: IAMClient }> = async (ctx) => {
  const client = ctx.client('iam');
  const work: Promise<void>[] = [];

  if (ctx.wants(PASSWORD_POLICY)) {
    work.push(
      (async () => {
        const got = await ctx.call(
          'GetAccountPasswordPolicy',
          [PASSWORD_POLICY],
          () => client.send(new GetAccountPasswordPolicyCommand({})),
          { absent: ['NoSuchEntity', 'NoSuchEntityException'] },
        );
        if (got.status === 'failed') return;
        ctx.add({
          type: PASSWORD_POLICY,
          id: ctx.account,
          region: 'global',
          // null: the account has no password policy (AWS then applies its default rules).
          data: { PasswordPolicy: got.status === 'ok' ? toJsonObject(got.value.PasswordPolicy ?? {}) : null },
        });
      })(),
    );
  }

  if (ctx.wants(SERVER_CERTIFICATE)) {
    work.push(
      (async () => {
        const listed = await ctx.call('ListServerCertificates', [SERVER_CERTIFICATE], () =>
          allItems(paginateListServerCertificates({ client, pageSize: 1000 }, {}), (p) => p.ServerCertificateMetadataList),
        );
        if (listed.status !== 'ok') return;
        for (const cert of listed.value) {
          const data = toJsonObject(cert);
          if (typeof data.ServerCertificateName !== 'string') continue;
          ctx.add({
            type: SERVER_CERTIFICATE,
            id: data.ServerCertificateName,
            region: 'global',
            arn: typeof data.Arn === 'string' ? data.Arn : undefined,
            data,
          });
        }
      })(),
    );
  }

  if (ctx.wants(VIRTUAL_MFA_DEVICE)) {
    work.push(
      (async () => {
        const listed = await ctx.call('ListVirtualMFADevices', [VIRTUAL_MFA_DEVICE], () =>
          allItems(paginateListVirtualMFADevices({ client, pageSize: 1000 }, { AssignmentStatus: 'Any' }), (p) => p.VirtualMFADevices),
        );
        if (listed.status !== 'ok') return;
        for (const device of listed.value) {
          const data = toJsonObject(device);
          // The seed and QR code are only returned when a device is created; never keep them if an endpoint sends them.
          delete data.Base32StringSeed;
          delete data.QRCodePNG;
          if (typeof data.SerialNumber !== 'string') continue;
          ctx.add({ type: VIRTUAL_MFA_DEVICE, id: data.SerialNumber, region: 'global', arn: data.SerialNumber, data });
        }
      })(),
    );
  }

  await Promise.all(work);
};
