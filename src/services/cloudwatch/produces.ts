// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code name. The collectors cannot take
// them from index.ts, which imports them (lazily): that would be an import cycle.
export const ALARM = ['aws.cloudwatch.alarm'] as const;
export const NAT_TRAFFIC = ['aws.cloudwatch.nat-gateway-traffic'] as const;

/** The NAT gateway metrics whose daily sums say whether a gateway moved any bytes. */
export const NAT_METRICS = ['BytesOutToDestination', 'BytesOutToSource'] as const;
/** How many whole days of traffic decide "idle". */
export const NAT_IDLE_DAYS = 14;
