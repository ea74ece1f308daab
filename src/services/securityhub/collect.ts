import { DescribeHubCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import { HUB } from './produces.js';

/**
 * Security Hub in one region: one DescribeHub call. An account that is not subscribed in the
 * region gets InvalidAccessException ("Account … is not subscribed to AWS Security Hub"), which
 * is "not enabled"; a denied or failed call is a gap.
 */
export const collectHub: CollectFunction<(typeof HUB)[number], { securityhub: SecurityHubClient }> = async (ctx) => {
  const client = ctx.client('securityhub');
  const hub = await ctx.call('DescribeHub', HUB, () => client.send(new DescribeHubCommand({})), { absent: ['InvalidAccessException'] });
  if (hub.status === 'failed') return;
  const data = hub.status === 'ok' ? toJsonObject(hub.value) : { HubArn: null };
  const arn = typeof data.HubArn === 'string' ? data.HubArn : undefined;
  ctx.add({ type: 'aws.securityhub.hub', id: ctx.account, arn, data: { ...data, HubArn: arn ?? null } });
};
