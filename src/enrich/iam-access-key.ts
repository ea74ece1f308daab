import type { Enricher } from './types.js';
import { daysSince } from './types.js';

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
