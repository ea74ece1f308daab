import { TreeInterpreter, compile as compileJmespath, type JSONValue } from '@jmespath-community/jmespath';

export type PathGetter = (value: unknown) => unknown;

/**
 * Compile a JMESPath expression into a getter. The interpreter's per-call overhead dominates
 * evaluation time on large snapshots (conditions run for every resource, message templates
 * for every finding), so the node types rules use most — fields, literals, `@`, `[a, b]`
 * lists, `&&` / `||` / `!`, comparisons, `a[0]`, `a[].b` and `a[?cond].b` projections, and
 * the functions `keys`, `contains`, `length`, `join`, `to_string` — are compiled to plain closures that
 * give the interpreter's result. Other nodes (`let`, slices, other functions, ...) are
 * interpreted where they sit. One deliberate difference: a field is an own property only
 * (`constructor` of a JSON object is null, not Object's constructor function).
 * Throws the parser's error for an invalid expression.
 */
export function compilePath(expression: string): PathGetter {
  const ast = compileJmespath(expression) as unknown as AstNode;
  const interpret: PathGetter = (value) => TreeInterpreter.search(ast as never, (value ?? null) as JSONValue);
  // `$` (the root) means the whole input; a sub-expression interpreted on its own would see
  // its own input as the root, so expressions using it are interpreted whole.
  if (mentionsRoot(ast)) return interpret;
  return compileDirect(ast);
}

/**
 * For `[a, b]` of plain fields (e.g. `[fromPort, toPort]`): a getter that fills one reused
 * array instead of allocating one per call. Only for callers that do not keep the result
 * (condition tests); undefined for any other expression.
 */
export function compileScratchPath(expression: string): PathGetter | undefined {
  let ast: AstNode;
  try {
    ast = compileJmespath(expression);
  } catch {
    return undefined;
  }
  if (ast.type !== 'MultiSelectList' || !ast.children?.length || !ast.children.every(isFieldPath)) return undefined;
  const getters = ast.children.map((c) => compileDirect(c));
  const scratch = new Array<unknown>(getters.length);
  return (value) => {
    for (let i = 0; i < getters.length; i++) scratch[i] = getters[i]!(value);
    return scratch;
  };
}

function isFieldPath(node: AstNode): boolean {
  return (
    node.type === 'Field' ||
    (node.type === 'Subexpression' && !!node.left && !!node.right && isFieldPath(node.left) && isFieldPath(node.right))
  );
}

function mentionsRoot(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(mentionsRoot);
  if (typeof node !== 'object' || node === null) return false;
  if ((node as AstNode).type === 'Root') return true;
  return Object.values(node).some((v) => typeof v === 'object' && v !== null && mentionsRoot(v));
}

interface AstNode {
  type: string;
  name?: string;
  value?: unknown;
  left?: AstNode;
  right?: AstNode;
  child?: AstNode;
  condition?: AstNode;
  children?: AstNode[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JMESPath falsiness: null, false, "", [] and {}. */
function isFalse(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return (
    ak.length === Object.keys(bo).length && ak.every((k) => Object.hasOwn(bo, k) && deepEqual((a as Record<string, unknown>)[k], bo[k]))
  );
}

function fieldNames(node: AstNode): string[] {
  return node.type === 'Field' ? [node.name!] : [...fieldNames(node.left!), ...fieldNames(node.right!)];
}

/**
 * `a` or `a.b.c` of plain fields as one generated function with property loads of its own
 * (one function per path), not one shared closure per step: a load in a shared closure sees
 * every shape of every resource type and rule (megamorphic, a hash look-up per read), while a
 * load of its own sees the few shapes that carry that name. Each step is
 * `(isObject(x) ? x[key] : null) ?? null` (with an own-property check for names that
 * Object.prototype has), and a null step ends the path with null, as the Subexpression
 * closure does. Names are written as JSON string literals (valid JavaScript for any string).
 */
const fieldChains = new Map<string, PathGetter>();
function fieldChainGetter(names: readonly string[]): PathGetter {
  const cacheKey = JSON.stringify(names);
  let getter = fieldChains.get(cacheKey);
  if (!getter) {
    const steps = names.map((name, i) => {
      const key = JSON.stringify(name);
      const load =
        name in Object.prototype
          ? `(isObject(x) && Object.hasOwn(x, ${key}) ? x[${key}] : null) ?? null`
          : `(isObject(x) ? x[${key}] : null) ?? null`;
      return i < names.length - 1 ? `x = ${load};\n  if (x === null) return null;` : `return ${load};`;
    });
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = new Function('isObject', `return (value) => {\n  let x = value;\n  ${steps.join('\n  ')}\n};`) as (
      isObject: (value: unknown) => boolean,
    ) => PathGetter;
    getter = make(isObject);
    if (fieldChains.size < 10_000) fieldChains.set(cacheKey, getter);
  }
  return getter;
}

/**
 * A closure for the node. Supported node types become plain code; any other node (with all
 * below it) is handed to the interpreter with the current value as its input, which is what
 * the interpreter itself does at that point (there is no `$` in the expression, and a `let`
 * is always interpreted whole, its variables included). A supported function whose
 * arguments have the wrong types is handed to the interpreter the same way, so the error is
 * the interpreter's.
 */
function compileDirect(node: AstNode): PathGetter {
  const sub = (n: AstNode | undefined) => (n ? compileDirect(n) : undefined);
  switch (node.type) {
    case 'Field':
      return fieldChainGetter([node.name!]);
    case 'Current':
      return (value) => value ?? null;
    case 'Literal': {
      const literal = node.value ?? null;
      return () => literal;
    }
    case 'Subexpression': {
      // `a.b.c` of plain fields (the most common paths): one generated function.
      if (isFieldPath(node)) return fieldChainGetter(fieldNames(node));
      const left = sub(node.left);
      const right = sub(node.right);
      if (!left || !right) return interpretNode(node);
      return (value) => {
        const inner = left(value);
        return inner === null || inner === undefined ? null : (right(inner) ?? null);
      };
    }
    case 'IndexExpression': {
      const left = sub(node.left);
      if (!left || node.right?.type !== 'Index' || typeof node.right.value !== 'number') return interpretNode(node);
      const index = node.right.value;
      return (value) => {
        const list = left(value);
        if (!Array.isArray(list)) return null;
        return (list as unknown[])[index < 0 ? list.length + index : index] ?? null;
      };
    }
    case 'MultiSelectList': {
      const children = (node.children ?? []).map((c) => compileDirect(c));
      return (value) => children.map((c) => c(value));
    }
    case 'AndExpression':
    case 'OrExpression': {
      const left = sub(node.left);
      const right = sub(node.right);
      if (!left || !right) return interpretNode(node);
      return node.type === 'AndExpression'
        ? (value) => {
            const l = left(value);
            return isFalse(l) ? l : right(value);
          }
        : (value) => {
            const l = left(value);
            return isFalse(l) ? right(value) : l;
          };
    }
    case 'NotExpression': {
      const child = sub(node.child);
      return child ? (value) => isFalse(child(value)) : interpretNode(node);
    }
    case 'Comparator': {
      const left = sub(node.left);
      const right = sub(node.right);
      if (!left || !right) return interpretNode(node);
      const name = node.name;
      if (name === 'EQ') return (value) => deepEqual(left(value), right(value));
      if (name === 'NE') return (value) => !deepEqual(left(value), right(value));
      const order: Record<string, (a: number, b: number) => boolean> = {
        GT: (a, b) => a > b,
        GTE: (a, b) => a >= b,
        LT: (a, b) => a < b,
        LTE: (a, b) => a <= b,
      };
      const cmp = name ? order[name] : undefined;
      if (!cmp) return interpretNode(node);
      return (value) => {
        const a = left(value);
        const b = right(value);
        return typeof a === 'number' && typeof b === 'number' ? cmp(a, b) : null;
      };
    }
    case 'Identity':
      return (value) => value ?? null;
    case 'Flatten': {
      const child = sub(node.child);
      if (!child) return interpretNode(node);
      return (value) => {
        const list = child(value);
        return Array.isArray(list) ? list.flat() : null;
      };
    }
    case 'Projection':
    case 'FilterProjection': {
      // A projection over a slice also projects strings in the interpreter; leave that to it.
      if (!node.left || !node.right || (node.left.type === 'IndexExpression' && node.left.right?.type === 'Slice'))
        return interpretNode(node);
      const left = compileDirect(node.left);
      const right = compileDirect(node.right);
      const condition = node.type === 'FilterProjection' ? (node.condition ? compileDirect(node.condition) : undefined) : undefined;
      if (node.type === 'FilterProjection' && !condition) return interpretNode(node);
      return (value) => {
        const base = left(value);
        if (!Array.isArray(base)) return null;
        const collected: unknown[] = [];
        for (let i = 0; i < base.length; i++) {
          const elem: unknown = base[i];
          if (condition && isFalse(condition(elem))) continue;
          const current = right(elem);
          if (current !== null) collected.push(current);
        }
        return collected;
      };
    }
    case 'Function':
      return compileFunction(node, sub) ?? interpretNode(node);
    default:
      return interpretNode(node);
  }
}

function interpretNode(node: AstNode): PathGetter {
  return (value) => TreeInterpreter.search(node as never, (value ?? null) as JSONValue);
}

function compileFunction(node: AstNode, sub: (n: AstNode | undefined) => PathGetter | undefined): PathGetter | undefined {
  const interpret = interpretNode(node);
  const args = (node.children ?? []).map((c) => sub(c));
  if (!args.every((a): a is PathGetter => a !== undefined)) return undefined;
  if (node.name === 'keys' && args.length === 1) {
    const [arg] = args as [PathGetter];
    return (value) => {
      const target = arg(value);
      return isObject(target) ? Object.keys(target) : interpret(value);
    };
  }
  if (node.name === 'contains' && args.length === 2) {
    const subjectNode = node.children![0]!;
    const [subject, search] = args as [PathGetter, PathGetter];
    // contains(keys(obj), 'name'): "was this field read?" on every resource; a property
    // check instead of building the key list.
    if (subjectNode.type === 'Function' && subjectNode.name === 'keys' && subjectNode.children?.length === 1) {
      const target = compileDirect(subjectNode.children[0]!);
      return (value) => {
        const obj = target(value);
        const name = search(value);
        return isObject(obj) && typeof name === 'string' ? Object.hasOwn(obj, name) : interpret(value);
      };
    }
    return (value) => {
      const s = subject(value);
      const x = search(value);
      if (Array.isArray(s)) return s.some((item) => deepEqual(item, x));
      return typeof s === 'string' && typeof x === 'string' ? s.includes(x) : interpret(value);
    };
  }
  if (node.name === 'length' && args.length === 1) {
    // Strings count code points in the interpreter; leave them (and type errors) to it.
    const [arg] = args as [PathGetter];
    return (value) => {
      const target = arg(value);
      if (Array.isArray(target)) return target.length;
      return isObject(target) ? Object.keys(target).length : interpret(value);
    };
  }
  if (node.name === 'join' && args.length === 2) {
    const [sep, list] = args as [PathGetter, PathGetter];
    return (value) => {
      const s = sep(value);
      const l = list(value);
      return typeof s === 'string' && Array.isArray(l) && l.every((x) => typeof x === 'string') ? l.join(s) : interpret(value);
    };
  }
  if (node.name === 'to_string' && args.length === 1) {
    const [arg] = args as [PathGetter];
    return (value) => {
      const target = arg(value);
      return typeof target === 'string' ? target : JSON.stringify(target ?? null);
    };
  }
  return undefined;
}
