// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const METRIC_FILTER = ['aws.logs.metric-filter'] as const;
export const LOG_GROUP = ['aws.logs.log-group'] as const;
