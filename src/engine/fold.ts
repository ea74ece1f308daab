import { SEVERITY_RANK } from '../model/severity.js';
import type { Finding } from './findings.js';

/**
 * One cause, one finding. A rule that declares `subsumes: [narrower rule ids]` reports, on a
 * resource, a cause that those rules see more narrowly (a security group open on every port
 * also has its admin ports open). When both fail on the same resource, the narrower finding is
 * folded into the broader one: `foldedInto` is set to the broader finding's fingerprint. Nothing
 * is removed and no fingerprint changes (baselines and suppressions match folded findings as
 * before); summaries count the broader finding only, and reports show the narrower inside it.
 *
 * A narrower finding is folded only into a finding at least as severe (a cause is never shown at
 * a lower severity than a finding it stands for); when several broader findings can take it, the
 * first in report order does. Chains fold into the broadest (no-trail-logging ⊃ no-multi-region-
 * trail ⊃ no-alarm-…): a finding is never folded into one that is itself folded. A cycle of
 * declarations folds nothing in it.
 *
 * `subsumes` maps rule id -> the rule ids it subsumes. `findings` are in report order; their
 * `foldedInto` is set in place (and cleared where an earlier fold no longer holds).
 */
export function foldFindings(findings: Finding[], subsumes: ReadonlyMap<string, readonly string[]>): void {
  if (subsumes.size === 0) return;
  // rule \0 resource -> finding (one per rule and resource: results are deduplicated by fingerprint)
  const byRuleResource = new Map<string, Finding>();
  // The resource as a fingerprint names it (results.ts resourceKey; not imported: results.ts imports this), and a file finding's place.
  const keyOf = (ruleId: string, f: Finding) => {
    const r = f.resource;
    const place = f.location ? `\u0000${f.location.path}\u0000${f.location.line ?? 0}` : '';
    return `${ruleId}\u0000${r.account}\u0000${r.region}\u0000${r.type}\u0000${r.id}${place}`;
  };
  for (const f of findings) {
    delete f.foldedInto;
    if (!byRuleResource.has(keyOf(f.ruleId, f))) byRuleResource.set(keyOf(f.ruleId, f), f);
  }
  const into = new Map<Finding, Finding>();
  for (const broad of findings) {
    const narrower = subsumes.get(broad.ruleId);
    if (!narrower) continue;
    for (const ruleId of narrower) {
      const narrow = byRuleResource.get(keyOf(ruleId, broad));
      if (!narrow || narrow === broad || into.has(narrow)) continue;
      if (SEVERITY_RANK[broad.severity] < SEVERITY_RANK[narrow.severity]) continue;
      into.set(narrow, broad);
    }
  }
  for (const [narrow, broad] of into) {
    // Follow the chain to the broadest finding; a cycle leaves the finding unfolded.
    let root = broad;
    const seen = new Set<Finding>([narrow]);
    while (into.has(root) && !seen.has(root)) {
      seen.add(root);
      root = into.get(root)!;
    }
    if (seen.has(root)) continue;
    narrow.foldedInto = root.fingerprint;
  }
}

/** fingerprint -> the findings folded into it, in report order. */
export function foldedByFingerprint<F extends Finding>(findings: readonly F[]): Map<string, F[]> {
  const out = new Map<string, F[]>();
  for (const f of findings) {
    if (f.foldedInto === undefined) continue;
    const list = out.get(f.foldedInto) ?? [];
    list.push(f);
    out.set(f.foldedInto, list);
  }
  return out;
}
