// The engine compiles common JMESPath shapes to closures; they must give exactly what the
// JMESPath interpreter gives (or throw what it throws) on every input.
import { TreeInterpreter, compile } from '@jmespath-community/jmespath';
import { describe, expect, it } from 'vitest';
import { compilePath } from '../src/engine/path.js';

const EXPRESSIONS = [
  'a',
  'a.b',
  'a.b.c',
  '@',
  '`true`',
  "'text'",
  '`null`',
  '`[1, 2]`',
  '[fromPort, toPort]',
  '[a.b, c]',
  'a[0]',
  'a[-1]',
  'a[0].b',
  'a[5]',
  'a && b',
  'a || b',
  '!a',
  'a && b || c',
  "a == 'x'",
  'a != `null`',
  'a == b',
  'n > `1`',
  'n <= m',
  'a < `1`',
  'keys(a)',
  'keys(@)',
  'length(a)',
  "join(', ', a)",
  "join(', ', list)",
  'to_string(n)',
  'to_string(a)',
  'to_string(s)',
  "a.b && join('', ['x', s]) || 'none'",
  "a[0].b || 'ObjectWriter'",
  // supported nodes around interpreted ones, and type errors deep inside
  "length(a) || 'none'",
  '[a, a[].b]',
  'a && keys(@)',
  'a.length(@)',
  "c && join('-', list) || to_string(n)",
  "s || a[?b == 'first'].b",
  '[c, length(n)]',
  "b.join(', ', @)",
  'a[0].keys(@)',
  '!a[].b',
  // projections, flatten, filters
  'a[].b',
  'a[*].b',
  'a[]',
  '[a, c][][]',
  '[a, list][]',
  "a[?b == 'second'].b",
  'a[?b].b',
  'c[?@ > `1`]',
  'list[].length(@)',
  "join(', ', a[].b)",
  'a[0:1].b',
  'a[*].y[].z',
  'a.*.b',
  '[a[].b, list][][]',
  "contains(keys(@), 'a')",
  "contains(keys(a), 'b')",
  "contains(keys(list), 'x')",
  "contains(list, 'x')",
  "contains(s, 'e')",
  'contains(c, `2`)',
  "contains(n, 'x')",
];
const INPUTS: unknown[] = [
  null,
  {},
  [],
  'str',
  3,
  { a: { b: { c: 1 } }, c: 2, fromPort: 22, toPort: 22, s: 'yes', n: 5, m: 5, list: ['x', 'y'] },
  { a: [{ b: 'first' }, { b: 'second' }], b: [], c: '', n: 'five', list: ['x', 3] },
  { a: '', b: 'B', c: 'C', fromPort: null, s: '' },
  { a: 'héllo', b: false, c: {}, n: 0, m: -1 },
  { a: { b: null }, c: [1, 2], list: [] },
  { a: { x: 1, y: [1, { z: 2 }] }, b: { y: [1, { z: 2 }], x: 1 } },
];

function reference(expression: string, input: unknown): { value?: unknown; error?: string } {
  try {
    return { value: TreeInterpreter.search(compile(expression), input as never) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function direct(expression: string, input: unknown): { value?: unknown; error?: string } {
  try {
    return { value: compilePath(expression)(input) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('compiled JMESPath paths', () => {
  for (const expression of EXPRESSIONS) {
    it(`${expression} matches the interpreter on every input`, () => {
      for (const input of INPUTS) expect(direct(expression, input), JSON.stringify(input)).toEqual(reference(expression, input));
    });
  }
  it('fields named like Object.prototype members are own fields only (the interpreter would return a function)', () => {
    for (const expression of ['constructor', 'a.toString', 'a.hasOwnProperty']) {
      expect(compilePath(expression)({ a: {} })).toBeNull();
      expect(compilePath(expression)({ constructor: 1, a: { toString: 2, hasOwnProperty: 3 } })).not.toBeNull();
    }
  });
  it('unsupported shapes (projections, filters, let) still work through the interpreter', () => {
    const input = { options: { ports: [22, 3389] }, match: { fromPort: 0, toPort: 1000 }, a: [{ b: 1 }, { b: 2 }] };
    expect(compilePath('a[].b')(input)).toEqual([1, 2]);
    expect(compilePath('let $m = match in options.ports[?@ >= $m.fromPort && @ <= $m.toPort]')(input)).toEqual([22]);
  });
});

describe('operator fast paths', () => {
  it('in / notIn: primitives by identity, objects and lists as JSON', async () => {
    const { OPERATORS } = await import('../src/engine/operators.js');
    const op = (name: 'in' | 'notIn', actual: unknown, list: unknown[]) => {
      const o = OPERATORS[name] as unknown as {
        prepare: (e: unknown) => unknown;
        test: (a: unknown, e: unknown, c: { now: number }) => boolean;
      };
      return o.test(actual, o.prepare(list), { now: 0 });
    };
    expect(op('in', 'tcp', ['all', 'tcp'])).toBe(true);
    expect(op('in', 1, ['1'])).toBe(false);
    expect(op('in', null, [null, 'x'])).toBe(true);
    expect(op('in', { a: [1] }, [{ a: [1] }])).toBe(true);
    expect(op('in', [1, 2], [[1, 2]])).toBe(true);
    expect(op('in', { a: 1 }, ['a'])).toBe(false);
    expect(op('notIn', 'udp', ['all', 'tcp'])).toBe(true);
    expect(op('notIn', undefined, [null])).toBe(true);
  });
});
