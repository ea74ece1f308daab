/**
 * IAM's wildcards: `*` any run of characters (including `:` and `/`), `?` one character.
 * Actions compare case-insensitively, ARNs case-sensitively.
 */

const compiled = new Map<string, RegExp>();

function toRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = compiled.get(cacheKey);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    // `.*` without nesting cannot backtrack exponentially; the `s` flag lets `*` cross newlines.
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (compiled.size > 50_000) compiled.clear();
    compiled.set(cacheKey, re);
  }
  return re;
}

/** Does an action pattern (`s3:Get*`, `*`) match a concrete action (`s3:GetObject`)? */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  // Most patterns name another service: compare the service part before compiling anything
  // (ReadOnlyAccess lists thousands of actions).
  const colon = pattern.indexOf(':');
  if (colon > 0 && !/[*?]/.test(pattern.slice(0, colon))) {
    if (action.length <= colon || action[colon] !== ':' || action.slice(0, colon).toLowerCase() !== pattern.slice(0, colon).toLowerCase())
      return false;
  }
  return toRegExp(pattern, true).test(action);
}

/** Does a resource pattern match a concrete ARN? */
export function resourceMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  return toRegExp(pattern, false).test(arn);
}

/**
 * Does `pattern` match every string that `target` (itself a pattern) matches? For example
 * `arn:aws:s3:::*` covers `arn:aws:s3:::*\/*` (every object of every bucket), and
 * `arn:aws:s3:::prod-*` does not. A wildcard of the target can only be absorbed by a `*` of
 * the pattern; `?` of the target by `?` or `*`. Exact for patterns made of literals, `*` and `?`.
 */
export function covers(pattern: string, target: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? target.toLowerCase() : target;
  // reach[j]: the first i characters of the pattern can absorb the first j of the target.
  let reach: boolean[] = new Array<boolean>(t.length + 1).fill(false);
  reach[0] = true;
  for (let i = 0; i < p.length; i++) {
    const pc = p[i];
    const next: boolean[] = new Array<boolean>(t.length + 1).fill(false);
    if (pc === '*') {
      let seen = false;
      for (let j = 0; j <= t.length; j++) {
        seen = seen || reach[j]!;
        next[j] = seen;
      }
    } else {
      for (let j = 0; j < t.length; j++) {
        if (!reach[j]) continue;
        const tc = t[j];
        if (tc === '*') continue;
        if (pc === '?' ? true : tc !== '?' && tc === pc) next[j + 1] = true;
      }
    }
    reach = next;
  }
  return reach[t.length]!;
}
