// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const LB = 'aws.elb.load-balancer';
/** One DescribeLoadBalancerAttributes per load balancer, sent only when this type is wanted. */
export const LB_ATTRIBUTES = 'aws.elb.load-balancer-attributes';
export const ELB_TYPES = [LB, LB_ATTRIBUTES] as const;
export type ElbType = (typeof ELB_TYPES)[number];
