// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const SESSION = ['aws.macie.session'] as const;
/** Automated sensitive data discovery: one GetAutomatedDiscoveryConfiguration per region where Macie is on, sent only when this type is wanted. */
export const AUTOMATED_DISCOVERY = 'aws.macie.automated-discovery';
/** Both types hang on GetMacieSession: when it fails, neither is known. */
export const MACIE = [...SESSION, AUTOMATED_DISCOVERY] as const;
