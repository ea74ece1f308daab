import { UserError } from '../util/errors.js';
import { CIS_AWS_6_0 } from './cis-aws-6.0.js';
import { FSBP } from './fsbp.js';
import { FRAMEWORK_IDS, isFrameworkId, type Framework, type FrameworkId } from './types.js';

export const FRAMEWORKS = { 'cis-aws-6.0': CIS_AWS_6_0, fsbp: FSBP } as const satisfies Record<FrameworkId, Framework>;

/** The names --compliance and the config file's `compliance` accept: each framework, or "all". */
export const COMPLIANCE_CHOICES = [...FRAMEWORK_IDS, 'all'] as const;

/** "cis-aws-6.0,fsbp", "all" (comma lists, repeatable) → frameworks, in catalogue order. */
export function parseFrameworks(values: readonly string[], where = '--compliance'): FrameworkId[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = names.filter((n) => n !== 'all' && !isFrameworkId(n));
  if (bad.length) {
    throw new UserError(`${where} ${bad.join(', ')}: unknown framework`, `choose from: ${COMPLIANCE_CHOICES.join(', ')}`);
  }
  const wanted = new Set(names.includes('all') ? FRAMEWORK_IDS : names);
  return FRAMEWORK_IDS.filter((id) => wanted.has(id));
}

export { FRAMEWORK_IDS, isFrameworkId, type Framework, type FrameworkId } from './types.js';
export * from './status.js';
export * from './mapping.js';
