import { ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import type { Collector, CollectorDescriptor } from '../types.js';

const ACCOUNT = ['aws.account'] as const;

export const accountDescriptor = {
  id: 'aws.account',
  service: 'iam',
  scope: 'account',
  produces: ACCOUNT,
  commands: [{ command: 'ListAccountAliasesCommand', action: 'iam:ListAccountAliases', for: ACCOUNT }],
} as const satisfies CollectorDescriptor;

/**
 * The account itself: id and partition come from the caller identity every scan starts
 * with; this collector adds the alias (an account has at most one).
 */
export const accountCollector: Collector = {
  descriptor: accountDescriptor,
  async collect(ctx) {
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
  },
};
