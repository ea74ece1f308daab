import type { Enricher } from '../../enrich/types.js';
import { isPlainObject } from '../../util/json.js';
import { PASSWORD_POLICY } from './produces.js';

const CHARACTER_CLASSES: ReadonlyArray<[string, string]> = [
  ['RequireUppercaseCharacters', 'an uppercase letter'],
  ['RequireLowercaseCharacters', 'a lowercase letter'],
  ['RequireNumbers', 'a number'],
  ['RequireSymbols', 'a symbol'],
];

/**
 * The character classes the password policy does not require, in words (`an uppercase letter`,
 * …); all four when the account has no password policy.
 */
export const iamPasswordPolicyEnricher: Enricher = {
  type: PASSWORD_POLICY,
  enrich(resource) {
    const policy = resource.data.PasswordPolicy;
    const notRequired = CHARACTER_CLASSES.filter(([field]) => !isPlainObject(policy) || policy[field] !== true).map(([, words]) => words);
    return { characterClassesNotRequired: notRequired };
  },
};
