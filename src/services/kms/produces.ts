// What this service's collectors produce: the resource types (and the calls that read them)
// that both its declaration (index.ts) and its collectors' code (collect.ts) name. collect.ts
// cannot take them from index.ts, which imports it (lazily): that would be an import cycle.

export const KEY = 'aws.kms.key' as const;
/** Rotation status of each customer-managed symmetric key: one GetKeyRotationStatus per key, only when wanted. */
export const KEY_ROTATION = 'aws.kms.key-rotation' as const;
/** Key policy of each customer-managed key: one GetKeyPolicy per key, only when wanted. */
export const KEY_POLICY = 'aws.kms.key-policy' as const;

export const KMS_TYPES = [KEY, KEY_ROTATION, KEY_POLICY] as const;
export type KmsType = (typeof KMS_TYPES)[number];
