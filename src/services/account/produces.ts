// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.
export const ACCOUNT = ['aws.account'] as const;
export const CONTACTS = ['aws.account.contacts'] as const;

/** The alternate contact types the Account API knows. */
export const ALTERNATE_CONTACT_TYPES = ['SECURITY', 'BILLING', 'OPERATIONS'] as const;
