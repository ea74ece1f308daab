import { GetAutomatedDiscoveryConfigurationCommand, GetMacieSessionCommand, type Macie2Client } from '@aws-sdk/client-macie2';
import { errorCode } from '../../collect/errors.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import { errorMessage } from '../../util/errors.js';
import { AUTOMATED_DISCOVERY, MACIE } from './produces.js';

// AWS answers GetMacieSession in a region where Macie is off with AccessDeniedException and
// this message, the same code as a missing permission: only the message tells them apart.
const NOT_ENABLED = /^Macie is not enabled\b/i;
const DISABLED = 'MacieNotEnabled';

/**
 * Macie in one region: one GetMacieSession call. "Not enabled" (the AccessDeniedException
 * above, or ResourceNotFoundException) is recorded as `status: null`; any other failure,
 * a real AccessDenied included, is a gap. Where Macie is on (ENABLED or PAUSED) and a selected
 * rule reads it, one GetAutomatedDiscoveryConfiguration call: where Macie is off there is
 * nothing to configure, and no resource of that type.
 */
export const collectSession: CollectFunction<(typeof MACIE)[number], { macie2: Macie2Client }> = async (ctx) => {
  const client = ctx.client('macie2');
  const session = await ctx.call(
    'GetMacieSession',
    MACIE,
    async () => {
      try {
        return await client.send(new GetMacieSessionCommand({}));
      } catch (error) {
        if (errorCode(error) === 'AccessDeniedException' && NOT_ENABLED.test(errorMessage(error)))
          throw Object.assign(new Error(errorMessage(error)), { name: DISABLED });
        throw error;
      }
    },
    { absent: ['ResourceNotFoundException', DISABLED] },
  );
  if (session.status === 'failed') return;
  const data = session.status === 'ok' ? toJsonObject(session.value) : {};
  const status = typeof data.status === 'string' ? data.status : null;
  ctx.add({ type: 'aws.macie.session', id: ctx.account, data: { ...data, status } });
  if (status === null || !ctx.wants(AUTOMATED_DISCOVERY)) return;
  const discovery = await ctx.call('GetAutomatedDiscoveryConfiguration', [AUTOMATED_DISCOVERY], () =>
    client.send(new GetAutomatedDiscoveryConfigurationCommand({})),
  );
  if (discovery.status !== 'ok') return;
  const config = toJsonObject(discovery.value);
  ctx.add({
    type: AUTOMATED_DISCOVERY,
    id: ctx.account,
    data: { ...config, status: typeof config.status === 'string' ? config.status : null },
  });
};
