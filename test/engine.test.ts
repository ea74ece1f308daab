import { describe, expect, it } from 'vitest';
import { compileCondition, type ExplainState } from '../src/engine/condition.js';
import { OPERATORS } from '../src/engine/operators.js';
import { compilePath } from '../src/engine/path.js';
import { compileTemplate } from '../src/engine/template.js';
import type { Problem } from '../src/util/schema.js';

const ctx = { now: Date.parse('2026-06-01T00:00:00Z') };
const op = (name: keyof typeof OPERATORS, actual: unknown, expected?: unknown) => {
  const o = OPERATORS[name] as { test: (a: unknown, e: unknown, c: typeof ctx) => boolean; prepare?: (e: unknown) => unknown };
  return o.test(actual, o.prepare ? o.prepare(expected) : expected, ctx);
};

describe('operators', () => {
  it('CIDR tests: internet, IPv6, containment, public', () => {
    expect(op('cidrIsInternet', '0.0.0.0/0')).toBe(true);
    expect(op('cidrIsInternet', '::/0')).toBe(true);
    expect(op('cidrIsInternet', '0.0.0.0/1')).toBe(false);
    expect(op('cidrIsInternet', 'not-a-cidr')).toBe(false);
    expect(op('cidrContains', '10.0.0.0/8', '10.1.2.3')).toBe(true);
    expect(op('cidrContains', '10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(op('cidrContains', '2001:db8::/32', '2001:db8::1')).toBe(true);
    expect(op('cidrWithin', '10.1.0.0/16', '10.0.0.0/8')).toBe(true);
    expect(op('cidrWithin', '10.0.0.0/8', '10.1.0.0/16')).toBe(false);
    expect(op('cidrIsPublic', '8.8.8.0/24')).toBe(true);
    expect(op('cidrIsPublic', '192.168.0.0/16')).toBe(false);
  });

  it('port ranges: inclusive bounds, -1 and missing mean all', () => {
    expect(op('rangeIncludesAny', [20, 30], [22])).toBe(true);
    expect(op('rangeIncludesAny', [22, 22], [22])).toBe(true);
    expect(op('rangeIncludesAny', [23, 30], [22])).toBe(false);
    expect(op('rangeIncludesAny', [-1, -1], [3389])).toBe(true);
    expect(op('rangeIncludesAny', [null, null], [22])).toBe(true);
    expect(op('rangeIncludesOtherThan', [80, 80], [80, 443])).toBe(false);
    expect(op('rangeIncludesOtherThan', [80, 443], [80, 443])).toBe(true);
    expect(op('rangeIncludesOtherThan', [8000, 8000], [80, 443])).toBe(true);
  });

  it('dates are judged against the evaluation clock, not the wall clock', () => {
    expect(op('olderThanDays', '2026-02-01T00:00:00Z', 90)).toBe(true);
    expect(op('olderThanDays', '2026-05-01T00:00:00Z', 90)).toBe(false);
    expect(op('newerThanDays', '2026-05-25T00:00:00Z', 30)).toBe(true);
    expect(op('olderThanDays', 'garbage', 1)).toBe(false);
    expect(op('olderThanDays', null, 1)).toBe(false);
  });

  it('equality and membership are JSON equality; missing values are handled', () => {
    expect(op('eq', { a: [1, 2] }, { a: [1, 2] })).toBe(true);
    expect(op('ne', null, true)).toBe(true);
    expect(op('in', 'b', ['a', 'b'])).toBe(true);
    expect(op('notIn', null, ['a'])).toBe(true);
    expect(op('contains', ['x', 'y'], 'y')).toBe(true);
    expect(op('contains', 'hello', 'ell')).toBe(true);
    expect(op('containsAny', ['a'], ['b', 'a'])).toBe(true);
    expect(op('exists', 0)).toBe(true);
    expect(op('absent', undefined)).toBe(true);
    expect(op('empty', [])).toBe(true);
    expect(op('notEmpty', { a: 1 })).toBe(true);
    expect(op('gt', '5', 1)).toBe(false);
    expect(op('lengthGte', [1, 2], 2)).toBe(true);
    expect(op('lengthLte', null, 0)).toBe(true);
    expect(op('matches', 'AmazonEC2FullAccess', 'FullAccess$')).toBe(true);
    expect(op('notMatches', null, 'x')).toBe(true);
  });
});

describe('JMESPath paths', () => {
  it('simple dotted paths and full expressions give JMESPath results', () => {
    const data = { a: { b: [{ c: 1 }, { c: 2 }] }, 'x-y': 3 };
    expect(compilePath('a.b')(data)).toEqual([{ c: 1 }, { c: 2 }]);
    expect(compilePath('a.missing.deeper')(data)).toBeNull();
    expect(compilePath('a.b[].c')(data)).toEqual([1, 2]);
    expect(compilePath('"x-y"')(data)).toBe(3);
    expect(compilePath('length(a.b)')(data)).toBe(2);
  });
  it('an invalid expression throws', () => {
    expect(() => compilePath('a..b')).toThrow();
  });
});

describe('conditions', () => {
  const compile = (node: unknown, options: Record<string, unknown> = {}) => {
    const problems: Problem[] = [];
    const c = compileCondition(node, '/condition', options, problems);
    expect(problems).toEqual([]);
    return c;
  };

  it('some/every quantify over lists, with paths relative to the element', () => {
    const c = compile({ some: 'items', where: { path: 'n', op: 'gt', value: 2 } });
    expect(c.test({ items: [{ n: 1 }, { n: 3 }] }, ctx)).toBe(true);
    expect(c.test({ items: [{ n: 1 }] }, ctx)).toBe(false);
    expect(c.test({}, ctx)).toBe(false);
    const e = compile({ every: 'items', where: { path: 'n', op: 'gt', value: 0 } });
    expect(e.test({ items: [{ n: 1 }, { n: 3 }] }, ctx)).toBe(true);
    expect(e.test({ items: [] }, ctx)).toBe(false);
  });

  it('explain returns the evidence of the branch that made it true, with full paths', () => {
    const c = compile(
      {
        all: [
          { path: 'name', op: 'eq', value: 'x' },
          {
            any: [
              { path: 'missing', op: 'exists' },
              { some: 'items', where: { path: 'n', op: 'gt', value: { $option: 'min' } } },
            ],
          },
        ],
      },
      { min: 2 },
    );
    const state: ExplainState = { evidence: [], matches: [] };
    expect(c.explain({ name: 'x', items: [{ n: 1 }, { n: 5 }] }, ctx, '', state)).toBe(true);
    expect(state.evidence).toEqual([
      { path: 'name', op: 'eq', expected: 'x', actual: 'x' },
      { path: 'items[1].n', op: 'gt', expected: 2, actual: 5 },
    ]);
    expect(state.matches).toEqual([{ path: 'items[1]', value: { n: 5 } }]);
  });

  it('not: evidence records what the negated test saw', () => {
    const c = compile({ not: { path: 'MultiAZ', op: 'eq', value: true } });
    const state: ExplainState = { evidence: [], matches: [] };
    expect(c.explain({ MultiAZ: false }, ctx, '', state)).toBe(true);
    expect(state.evidence).toEqual([{ path: 'MultiAZ', op: 'eq', expected: true, actual: false, negated: true }]);
  });

  it('reports problems with JSON pointers instead of throwing', () => {
    const problems: Problem[] = [];
    compileCondition(
      {
        any: [
          { path: 'a[', op: 'exists' },
          { path: 'b', op: 'gt', value: 'x' },
          { path: 'c', op: 'eq', value: { $option: 'nope' } },
        ],
      },
      '/condition',
      {},
      problems,
    );
    expect(problems.map((p) => p.pointer)).toEqual(['/condition/any/0/path', '/condition/any/1/value', '/condition/any/2/value/$option']);
  });
});

describe('message templates', () => {
  it('render JMESPath placeholders; lists are joined; missing is "unknown"', () => {
    const t = compileTemplate('{{name}} has {{ tags[].Key }} and {{nothing}}');
    expect(t({ name: 'sg-1', tags: [{ Key: 'a' }, { Key: 'b' }] })).toBe('sg-1 has a, b and unknown');
  });
  it('an invalid placeholder throws when compiled', () => {
    expect(() => compileTemplate('{{ a[ }}')).toThrow(/placeholder/);
  });
});

describe('remediation command templates', async () => {
  const { compileShellTemplate } = await import('../src/engine/template.js');
  it('insert safe values as they are', () => {
    expect(compileShellTemplate('aws s3api x --bucket {{id}}')({ id: 'my-bucket.logs' })).toBe('aws s3api x --bucket my-bucket.logs');
  });
  it('single-quote unsafe values outside quotes, so they stay one argument', () => {
    expect(compileShellTemplate('chmod 600 {{p}}')({ p: "keys/a b; rm -rf ~'x" })).toBe(`chmod 600 'keys/a b; rm -rf ~'\\''x'`);
  });
  it('refuse to render when an unsafe value sits inside a quoted part of the template', () => {
    expect(compileShellTemplate(`aws x --json '{"g":"{{id}}"}'`)({ id: "a'; touch /tmp/pwned; '" })).toBeUndefined();
    expect(compileShellTemplate(`aws x --json '{"g":"{{id}}"}'`)({ id: 'sg-123' })).toBe(`aws x --json '{"g":"sg-123"}'`);
  });
  it('refuse control characters anywhere', () => {
    expect(compileShellTemplate('echo {{v}}')({ v: 'a\nb' })).toBeUndefined();
  });
});

describe('three-valued conditions (a field a failed call left unfilled is unknown)', () => {
  const compile = (node: unknown) => {
    const problems: Problem[] = [];
    const c = compileCondition(node, '', {}, problems);
    expect(problems).toEqual([]);
    return c;
  };
  const v = { data: { A: true, B: false }, facts: { f: 1 } };
  const unknownB = new Set(['B']);
  const A = { path: 'data.A', op: 'eq', value: true };
  const notA = { path: 'data.A', op: 'eq', value: false };
  const B = { path: 'data.B', op: 'eq', value: true };

  it('all is false when a known child is false, whatever the unknown one; true only when every child is', () => {
    expect(compile({ all: [notA, B] }).tri(v, ctx, unknownB)).toBe(0);
    expect(compile({ all: [A, B] }).tri(v, ctx, unknownB)).toBe(2);
    expect(compile({ all: [A, A] }).tri(v, ctx, unknownB)).toBe(1);
  });

  it('any is true when a known child is true, whatever the unknown one', () => {
    expect(compile({ any: [A, B] }).tri(v, ctx, unknownB)).toBe(1);
    expect(compile({ any: [notA, B] }).tri(v, ctx, unknownB)).toBe(2);
    expect(compile({ not: { any: [notA, B] } }).tri(v, ctx, unknownB)).toBe(2);
    expect(compile({ not: { all: [notA, B] } }).tri(v, ctx, unknownB)).toBe(1);
  });

  it('a quantifier over an unknown list is unknown; facts are unknown when computed from an unknown field', () => {
    expect(compile({ some: 'data.B', where: { path: '@', op: 'eq', value: 1 } }).tri(v, ctx, unknownB)).toBe(2);
    expect(compile({ path: 'facts.f', op: 'eq', value: 1 }).tri(v, ctx, unknownB)).toBe(1);
    expect(compile({ path: 'facts.f', op: 'eq', value: 1 }).tri(v, ctx, new Set(['B', '#facts']))).toBe(2);
  });
});
