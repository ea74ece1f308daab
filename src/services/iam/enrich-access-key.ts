import type { Enricher } from '../../enrich/types.js';
import { daysSince } from '../../enrich/types.js';

export const iamAccessKeyEnricher: Enricher = {
  type: 'aws.iam.access-key',
  enrich(resource, ctx) {
    const lastUsed = resource.data.LastUsedDate;
    return {
      ageDays: daysSince(resource.data.CreateDate, ctx.now),
      lastUsedDaysAgo: daysSince(lastUsed, ctx.now),
      neverUsed: lastUsed === undefined || lastUsed === null,
    };
  },
};
