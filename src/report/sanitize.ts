import type { Review } from '../findings/review.js';
import type { CompiledRule } from '../ruleset/types.js';
import { maskSecrets } from '../secrets/detect.js';
import type { Formatter, ReportContext } from './types.js';

/**
 * The last step before any report is written: every string of the evaluation and of the rule
 * texts goes through the shared secret detector, whatever its source (evidence copied from a
 * CloudTrail record's policy document, a tag that names a resource, a gap's error message, a
 * note, a suppression's reason). Key ids are masked as everywhere else, secret access keys
 * and private keys are replaced by a marker. The formatters only ever see the copy.
 *
 * Object keys named `__proto__` are dropped on the way: they arrive from parsed JSON (a
 * policy document, request parameters) as ordinary keys, but a report's reader that copies
 * them into objects would set a prototype instead.
 *
 * Key ids that are the identity of an IAM access key of the scanned account (an
 * `aws.iam.access-key` finding) stay whole: they are the account's own inventory, not a leak,
 * and the fix command (`aws iam update-access-key --access-key-id …`) needs them.
 */
export function sanitizeReport(ctx: ReportContext): ReportContext {
  return { ...ctx, evaluation: sanitizedReview(ctx.evaluation), rules: sanitizedRules(ctx.rules) };
}

/** A formatter that sees only the sanitised context. */
export function sanitized(formatter: Formatter): Formatter {
  return (ctx) => formatter(sanitizeReport(ctx));
}

// One run writes several formats of the same evaluation: sanitise it once.
const reviews = new WeakMap<Review, Review>();
const ruleLists = new WeakMap<readonly CompiledRule[], readonly CompiledRule[]>();

function sanitizedReview(review: Review): Review {
  let copy = reviews.get(review);
  if (!copy) {
    copy = maskStrings(review, ownAccessKeyIds(review)) as Review;
    reviews.set(review, copy);
    reviews.set(copy, copy);
  }
  return copy;
}

function sanitizedRules(rules: readonly CompiledRule[]): readonly CompiledRule[] {
  let copy = ruleLists.get(rules);
  if (!copy) {
    // Only the definition (the rule file's text) is shown; compiled parts are kept as they are.
    copy = rules.map((rule) => ({ ...rule, definition: maskStrings(rule.definition, undefined) as CompiledRule['definition'] }));
    ruleLists.set(rules, copy);
    ruleLists.set(copy, copy);
  }
  return copy;
}

function ownAccessKeyIds(review: Review): Set<string> {
  const ids = new Set<string>();
  const add = (resource: { type: string; id: string }) => {
    if (resource.type === 'aws.iam.access-key') ids.add(resource.id);
  };
  for (const f of review.findings) add(f.resource);
  for (const f of review.baseline?.fixed ?? []) add(f.resource);
  for (const f of review.baseline?.notRechecked ?? []) add(f.resource);
  return ids;
}

/** A copy of a JSON-like value with every string (and object key) masked; other values as they are. */
function maskStrings(value: unknown, keep: ReadonlySet<string> | undefined): unknown {
  if (typeof value === 'string') return maskSecrets(value, keep);
  if (Array.isArray(value)) return value.map((item: unknown) => maskStrings(item, keep));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__') continue;
      // defineProperty rather than assignment: no key can reach a setter on the copy.
      Object.defineProperty(out, maskSecrets(key, keep), {
        value: maskStrings(value[key], keep),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
