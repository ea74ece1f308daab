import { TreeInterpreter, compile as compileJmespath, type JSONValue } from '@jmespath-community/jmespath';

export type PathGetter = (value: unknown) => unknown;

const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Compile a JMESPath expression into a getter. Plain dotted field paths (the vast majority
 * in rules) get a direct property walk: same result as JMESPath (null for anything
 * missing), without the interpreter's per-call overhead, which dominates evaluation time
 * on large snapshots. Everything else goes through the JMESPath interpreter.
 * Throws the parser's error for an invalid expression.
 */
export function compilePath(expression: string): PathGetter {
  const ast = compileJmespath(expression);
  if (SIMPLE.test(expression)) {
    const keys = expression.split('.');
    if (keys.length === 1) {
      const key = keys[0]!;
      return (value) => (isObject(value) && Object.hasOwn(value, key) ? value[key] : null) ?? null;
    }
    return (value) => {
      let current: unknown = value;
      for (const key of keys) {
        if (!isObject(current) || !Object.hasOwn(current, key)) return null;
        current = current[key];
      }
      return current ?? null;
    };
  }
  return (value) => TreeInterpreter.search(ast, (value ?? null) as JSONValue);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
