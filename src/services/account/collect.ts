import { ListAccountAliasesCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { CollectFunction } from '../../collect/types.js';
import { ACCOUNT } from './produces.js';

/**
 * The account itself: id and partition come from the caller identity every scan starts
 * with; this collector adds the alias (an account has at most one).
 */
export const collectAccount: CollectFunction<(typeof ACCOUNT)[number], { iam: IAMClient }> = async (ctx) => {
  const result = await ctx.call('ListAccountAliases', ACCOUNT, () => ctx.client('iam').send(new ListAccountAliasesCommand({})));
  ctx.add({
    type: 'aws.account',
    id: ctx.account,
    region: 'global',
    data: {
      AccountId: ctx.account,
      Partition: ctx.partition,
      Regions: [...ctx.regions],
      ...(result.status === 'ok' ? { Alias: result.value.AccountAliases?.[0] ?? null } : {}),
    },
  });
};
