// The load-time ReDoS check (src/engine/regex-safety.ts) runs on every rule load, so it must take
// microseconds; recheck, the maintained checker, takes tens to hundreds of milliseconds per
// expression. Here recheck is the referee: on every built-in rule expression and on a corpus of
// known-vulnerable and everyday expressions, the fast check must refuse everything recheck calls
// vulnerable (it may refuse more: it over-approximates, and those are listed below).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import { regexProblem } from '../src/engine/regex-safety.js';
import { ROOT } from './support/cli.js';

/** Every `matches`/`notMatches` value written in a built-in rule (conditions, overrides, unknownWhen, option defaults). */
function builtinExpressions(): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, options: Record<string, { default?: unknown }>): void => {
    if (Array.isArray(node)) for (const n of node) walk(n, options);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if ((o.op === 'matches' || o.op === 'notMatches') && o.value !== undefined) {
        const v = o.value as unknown;
        if (typeof v === 'string') found.add(v);
        else if (v && typeof v === 'object' && typeof (v as { $option?: unknown }).$option === 'string') {
          const d = options[(v as { $option: string }).$option]?.default;
          if (typeof d === 'string') found.add(d);
        }
      }
      for (const [k, v] of Object.entries(o)) if (k !== 'tests') walk(v, options);
    }
  };
  const files = readdirSync(path.join(ROOT, 'rules'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  for (const file of files.map((f) => path.join(ROOT, 'rules', f))) {
    const rule = JSON.parse(readFileSync(file, 'utf8')) as { options?: Record<string, { default?: unknown }> };
    walk(rule, rule.options ?? {});
  }
  return [...found].sort();
}

const VULNERABLE = [
  '^(a|aa)+$',
  '(a+)+b',
  '(a*)*$',
  '^(a?b?)*$',
  '^(\\w+\\s?)*$',
  '(x+x+)+y',
  '\\w+@',
  '.*foo',
  '\\s*\\s*;',
  '^(\\d+)+$',
  '(.*a){12}',
  '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
  '"Action"\\s*:\\s*("(\\*|[a-z0-9-]+:\\*)"|\\[[^\\]]*"(\\*|[a-z0-9-]+:\\*)")',
];
const EVERYDAY = [
  '^aurora',
  'AKIA[0-9A-Z]{16}',
  '^\\d{1,3}(\\.\\d{1,3}){3}$',
  '^.*foo',
  '^[^@]+@[^@]+$',
  'prod|staging',
  '^(?:sg|vpc)-[0-9a-f]+$',
  '(FullAccess|^AdministratorAccess)$',
  '^arn:aws[a-z-]*:iam::aws:policy/',
];

const recheckSays = (re: string) => checkSync(re, '', { timeout: 20_000 }).status;

describe('the load-time ReDoS check agrees with recheck', () => {
  const builtins = builtinExpressions();

  it("finds the built-in rules' expressions", () => {
    expect(builtins.length).toBeGreaterThan(5);
  });

  it('every built-in rule expression is safe by both', () => {
    for (const re of builtins) {
      expect(recheckSays(re), re).toBe('safe');
      expect(regexProblem(re), re).toBeUndefined();
    }
  }, 120_000);

  it('refuses every expression recheck finds vulnerable', () => {
    for (const re of VULNERABLE) {
      expect(recheckSays(re), re).toBe('vulnerable');
      expect(regexProblem(re), re).toBeDefined();
    }
  }, 120_000);

  it('accepts the everyday expressions recheck finds safe', () => {
    for (const re of EVERYDAY) {
      expect(recheckSays(re), re).toBe('safe');
      expect(regexProblem(re), re).toBeUndefined();
    }
  }, 120_000);
});
