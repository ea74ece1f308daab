// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const FUNCTION = 'aws.lambda.function';
/** One GetPolicy per function, sent only when this type is wanted. */
export const FUNCTION_POLICY = 'aws.lambda.function-policy';
export const FN = [FUNCTION, FUNCTION_POLICY] as const;
