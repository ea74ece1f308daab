// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const TOPIC = ['aws.sns.topic'] as const;
export const SUBSCRIPTION = ['aws.sns.subscription'] as const;
