// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const LB = 'aws.elbv2.load-balancer';
export const LISTENER = 'aws.elbv2.listener';
/** One DescribeLoadBalancerAttributes per load balancer, sent only when this type is wanted. */
export const LB_ATTRIBUTES = 'aws.elbv2.load-balancer-attributes';
/** DescribeTargetGroups (per region) and one DescribeTargetHealth per target group in use, sent only when this type is wanted. */
export const LB_TARGETS = 'aws.elbv2.load-balancer-targets';
export const ELBV2_TYPES = [LB, LISTENER, LB_ATTRIBUTES, LB_TARGETS] as const;
export type Elbv2Type = (typeof ELBV2_TYPES)[number];
