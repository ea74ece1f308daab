import { compilePath, compileScratchPath } from './path.js';
import { OPERATORS, checkOperatorValue, isOperator, type OperatorContext } from './operators.js';
import type { Problem } from '../util/schema.js';
import { isPlainObject } from '../util/json.js';
import { UNRENDERABLE } from './template.js';
import { dataFieldsRead } from './data-paths.js';

/** One value that made a condition true (or, under `not`, that the negated test looked at). */
export interface Evidence {
  path: string;
  op: string;
  expected?: unknown;
  actual: unknown;
  negated?: boolean;
}

export interface Match {
  path: string;
  value: unknown;
}

export interface ExplainState {
  evidence: Evidence[];
  matches: Match[];
}

/**
 * A compiled condition. `test` is the hot path (no allocation beyond what paths need);
 * `explain` runs only for resources that failed, to collect the evidence.
 */
/** Plain functions, not methods: they are passed around on their own (no `this`). */
export interface CompiledCondition {
  test: (value: unknown, ctx: OperatorContext) => boolean;
  explain: (value: unknown, ctx: OperatorContext, prefix: string, state: ExplainState) => boolean;
  /** Record what the leaves see, whatever the outcome (used under `not`). */
  observe: (value: unknown, prefix: string, state: ExplainState) => void;
  /**
   * The test in three-valued logic, for a resource some of whose top-level `data` fields are
   * unknown (a call that fills them failed): a leaf or quantifier that reads one of them is
   * UNKNOWN; `all` is FALSE when a child is FALSE and `any` TRUE when a child is TRUE, whatever
   * the unknown siblings; `not` keeps UNKNOWN. TRUE or FALSE is then the verdict whatever the
   * missing values are (the same answer `test` gives on the data as it is); UNKNOWN is undecided.
   */
  tri: (value: unknown, ctx: OperatorContext, unknown: ReadonlySet<string>) => Tri;
}

/** A three-valued truth value (see `CompiledCondition.tri`). */
export type Tri = 0 | 1 | 2;
export const FALSE: Tri = 0;
export const TRUE: Tri = 1;
export const UNKNOWN: Tri = 2;

/** A child's three-valued result; an error (a value of the wrong type) counts as UNKNOWN unless a sibling decides. */
function triOf(c: CompiledCondition, v: unknown, ctx: OperatorContext, unknown: ReadonlySet<string>, errors: unknown[]): Tri {
  try {
    return c.tri(v, ctx, unknown);
  } catch (error) {
    errors.push(error);
    return UNKNOWN;
  }
}

function allTri(children: readonly CompiledCondition[]): CompiledCondition['tri'] {
  return (v, ctx, unknown) => {
    const errors: unknown[] = [];
    let out: Tri = TRUE;
    for (let i = 0; i < children.length; i++) {
      const t = triOf(children[i]!, v, ctx, unknown, errors);
      if (t === FALSE) return FALSE;
      if (t === UNKNOWN) out = UNKNOWN;
    }
    if (out === UNKNOWN && errors.length) throw errors[0];
    return out;
  };
}

function anyTri(children: readonly CompiledCondition[]): CompiledCondition['tri'] {
  return (v, ctx, unknown) => {
    const errors: unknown[] = [];
    let out: Tri = FALSE;
    for (let i = 0; i < children.length; i++) {
      const t = triOf(children[i]!, v, ctx, unknown, errors);
      if (t === TRUE) return TRUE;
      if (t === UNKNOWN) out = UNKNOWN;
    }
    if (out === UNKNOWN && errors.length) throw errors[0];
    return out;
  };
}

/** A leaf's or quantifier's three-valued test: UNKNOWN when its path reads an unknown field, else its test. */
function pathTri(path: string, test: Test): CompiledCondition['tri'] {
  // Worked out on first use: only resources with unknown fields are tested this way.
  let reads: ReturnType<typeof dataFieldsRead> | undefined;
  return (v, ctx, unknown) => {
    reads ??= dataFieldsRead(path);
    if (unknown.size > 0 && (reads.whole || reads.fields.some((f) => unknown.has(f)))) return UNKNOWN;
    return test(v, ctx) ? TRUE : FALSE;
  };
}

export type OptionValues = Readonly<Record<string, unknown>>;

/**
 * Evidence paths ("facts.internetIngress[1].protocol") are the same few strings for every
 * finding of a rule: made once per (node, prefix) and shared, rather than concatenated again
 * and kept by every finding. Bounded, for pathological inputs.
 */
function pathCache(join: (prefix: string) => string): (prefix: string) => string {
  const cache = new Map<string, string>();
  return (prefix) => {
    let joined = cache.get(prefix);
    if (joined === undefined) {
      joined = join(prefix);
      if (cache.size < 1000) cache.set(prefix, joined);
    }
    return joined;
  };
}

function itemPathCache(listPath: string): (prefix: string, i: number) => string {
  const lists = pathCache((prefix) => joinPath(prefix, listPath));
  const items = new Map<string, string[]>();
  return (prefix, i) => {
    let paths = items.get(prefix);
    if (!paths) {
      paths = [];
      if (items.size < 1000) items.set(prefix, paths);
    }
    return (paths[i] ??= `${lists(prefix)}[${i}]`);
  };
}

function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (path === '@') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function asList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A function made from `body` with `bindings` in scope, compiled anew for every call: each
 * condition node gets test code of its own, so the calls in it (a child's test, a path, an
 * operator) always reach the same functions and the engine can inline them. One closure
 * shared by every node would see every rule's children at the same call site instead
 * (megamorphic: no inlining, an indirect call each), and tests run for every (resource, rule).
 * The bodies are fixed code written here; no rule text is placed in them.
 */
function specialize<F>(bindings: Record<string, unknown>, body: string): F {
  const names = Object.keys(bindings);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...names, body) as (...values: unknown[]) => F;
  return factory(...names.map((n) => bindings[n]));
}

type Test = CompiledCondition['test'];

const NEVER: CompiledCondition = { test: () => false, explain: () => false, observe: () => undefined, tri: () => FALSE };

/**
 * How deep conditions may nest. Every level is a call when a condition runs (and when rule files
 * are checked), so a rule nested thousands deep would overflow the stack at run time; no real rule
 * needs more than a handful of levels.
 */
export const MAX_CONDITION_DEPTH = 64;

/**
 * The first condition in a rule definition that nests deeper than MAX_CONDITION_DEPTH, as a
 * located problem; undefined when none does. Walks with an explicit stack: it runs before the
 * schema check, whose validator recurses once per level and would overflow the stack on a rule
 * nested thousands deep (so such a rule is reported here, and not checked further).
 */
export function conditionDepthProblem(definition: unknown): Problem | undefined {
  if (!isPlainObject(definition)) return undefined;
  const roots: Array<[unknown, string]> = [
    [definition.condition, '/condition'],
    [definition.unknownWhen, '/unknownWhen'],
    ...(Array.isArray(definition.severityOverrides)
      ? definition.severityOverrides.map((o, i): [unknown, string] => [
          isPlainObject(o) ? o.when : undefined,
          `/severityOverrides/${i}/when`,
        ])
      : []),
    ...(Array.isArray(definition.remediationOverrides)
      ? definition.remediationOverrides.map((o, i): [unknown, string] => [
          isPlainObject(o) ? o.when : undefined,
          `/remediationOverrides/${i}/when`,
        ])
      : []),
  ];
  for (const [root, pointer] of roots) {
    const stack: Array<[unknown, string, number]> = [[root, pointer, 0]];
    while (stack.length) {
      const [node, at, depth] = stack.pop()!;
      if (!isPlainObject(node)) continue;
      if (depth >= MAX_CONDITION_DEPTH) return { pointer: at, message: depthMessage };
      for (const key of ['all', 'any'] as const) {
        const list = node[key];
        if (Array.isArray(list)) for (let i = list.length - 1; i >= 0; i--) stack.push([list[i], `${at}/${key}/${i}`, depth + 1]);
      }
      if ('not' in node) stack.push([node.not, `${at}/not`, depth + 1]);
      if ('where' in node) stack.push([node.where, `${at}/where`, depth + 1]);
    }
  }
  return undefined;
}

const depthMessage = `conditions nest more than ${MAX_CONDITION_DEPTH} levels deep here: flatten them (all/any take any number of children)`;

/**
 * `all` / `any` with more children than this test them in a loop rather than in one generated
 * expression (see `specialize`): a generated function with 100,000 terms would not compile.
 */
const MAX_SPECIALIZED_CHILDREN = 32;

function allTest(children: readonly CompiledCondition[]): Test {
  if (children.length > MAX_SPECIALIZED_CHILDREN) {
    const tests = children.map((c) => c.test);
    return (v, ctx) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i]!(v, ctx)) return false;
      return true;
    };
  }
  const tests = Object.fromEntries(children.map((c, i) => [`t${i}`, c.test]));
  // `t0(v, ctx) && t1(v, ctx) && ...`: no loop, no closure per call (see `specialize`).
  return specialize<Test>(tests, `return (v, ctx) => ${children.map((_, i) => `t${i}(v, ctx)`).join(' && ') || 'true'};`);
}

function anyTest(children: readonly CompiledCondition[]): Test {
  if (children.length > MAX_SPECIALIZED_CHILDREN) {
    const tests = children.map((c) => c.test);
    return (v, ctx) => {
      for (let i = 0; i < tests.length; i++) if (tests[i]!(v, ctx)) return true;
      return false;
    };
  }
  const tests = Object.fromEntries(children.map((c, i) => [`t${i}`, c.test]));
  return specialize<Test>(tests, `return (v, ctx) => ${children.map((_, i) => `t${i}(v, ctx)`).join(' || ') || 'false'};`);
}

/**
 * Compile a schema-valid condition node. Semantic problems (bad JMESPath, bad regex,
 * wrong value for the operator, undeclared option) are pushed to `problems` with the
 * JSON pointer of the mistake; the returned condition is then not to be used.
 */
export function compileCondition(node: unknown, pointer: string, options: OptionValues, problems: Problem[], depth = 0): CompiledCondition {
  if (!isPlainObject(node)) {
    problems.push({ pointer, message: 'must be a condition object' });
    return NEVER;
  }
  if (depth >= MAX_CONDITION_DEPTH) {
    problems.push({ pointer, message: depthMessage });
    return NEVER;
  }
  const below = depth + 1;
  if (Array.isArray(node.all)) {
    const children = node.all.map((child, i) => compileCondition(child, `${pointer}/all/${i}`, options, problems, below));
    return {
      test: allTest(children),
      explain: (v, ctx, prefix, state) => {
        const mark = state.evidence.length;
        const matchMark = state.matches.length;
        for (let i = 0; i < children.length; i++) {
          if (!children[i]!.explain(v, ctx, prefix, state)) {
            state.evidence.length = mark;
            state.matches.length = matchMark;
            return false;
          }
        }
        return true;
      },
      observe: (v, prefix, state) => children.forEach((c) => c.observe(v, prefix, state)),
      tri: allTri(children),
    };
  }
  if (Array.isArray(node.any)) {
    const children = node.any.map((child, i) => compileCondition(child, `${pointer}/any/${i}`, options, problems, below));
    return {
      test: anyTest(children),
      explain: (v, ctx, prefix, state) => children.some((c) => c.explain(v, ctx, prefix, state)),
      observe: (v, prefix, state) => children.forEach((c) => c.observe(v, prefix, state)),
      tri: anyTri(children),
    };
  }
  if ('not' in node) {
    const child = compileCondition(node.not, `${pointer}/not`, options, problems, below);
    return {
      test: (v, ctx) => !child.test(v, ctx),
      explain: (v, ctx, prefix, state) => {
        if (child.test(v, ctx)) return false;
        const mark = state.evidence.length;
        child.observe(v, prefix, state);
        for (let i = mark; i < state.evidence.length; i++) state.evidence[i]!.negated = !state.evidence[i]!.negated;
        return true;
      },
      observe: (v, prefix, state) => child.observe(v, prefix, state),
      tri: (v, ctx, unknown) => {
        const t = child.tri(v, ctx, unknown);
        return t === UNKNOWN ? UNKNOWN : t === TRUE ? FALSE : TRUE;
      },
    };
  }
  const quantifier = typeof node.some === 'string' ? 'some' : typeof node.every === 'string' ? 'every' : undefined;
  if (quantifier) {
    const listPath = node[quantifier] as string;
    const get = compileGetter(listPath, `${pointer}/${quantifier}`, problems);
    const where = compileCondition(node.where, `${pointer}/where`, options, problems, below);
    const itemPathOf = itemPathCache(listPath);
    if (quantifier === 'some') {
      return withPathTri(listPath, {
        test: specialize<Test>(
          { asList, get, where: where.test },
          `return (v, ctx) => {
            const list = asList(get(v));
            for (let i = 0; i < list.length; i++) if (where(list[i], ctx)) return true;
            return false;
          };`,
        ),
        explain: (v, ctx, prefix, state) => {
          const list = asList(get(v));
          for (let i = 0; i < list.length; i++) {
            // Explaining (paths, evidence) only the elements that match: the test is cheap.
            if (!where.test(list[i], ctx)) continue;
            const itemPath = itemPathOf(prefix, i);
            const matchMark = state.matches.length;
            state.matches.push({ path: itemPath, value: list[i] });
            if (where.explain(list[i], ctx, itemPath, state)) return true;
            state.matches.length = matchMark;
          }
          return false;
        },
        observe: (v, prefix, state) => {
          state.evidence.push({ path: joinPath(prefix, listPath), op: 'some', actual: itemCount(get, v) });
        },
      });
    }
    return withPathTri(listPath, {
      test: specialize<Test>(
        { asList, get, where: where.test },
        `return (v, ctx) => {
          const list = asList(get(v));
          if (list.length === 0) return false;
          for (let i = 0; i < list.length; i++) if (!where(list[i], ctx)) return false;
          return true;
        };`,
      ),
      explain: (v, ctx, prefix, state) => {
        const list = asList(get(v));
        if (list.length === 0) return false;
        const mark = state.evidence.length;
        for (let i = 0; i < list.length; i++) {
          if (!where.explain(list[i], ctx, itemPathOf(prefix, i), state)) {
            state.evidence.length = mark;
            return false;
          }
        }
        return true;
      },
      observe: (v, prefix, state) => {
        state.evidence.push({ path: joinPath(prefix, listPath), op: 'every', actual: itemCount(get, v) });
      },
    });
  }
  return compileLeaf(node, pointer, options, problems);
}

/** A quantifier or leaf with its three-valued test, from the path it reads. */
function withPathTri(path: string, c: Omit<CompiledCondition, 'tri'>): CompiledCondition {
  return { ...c, tri: pathTri(path, c.test) };
}

function compileGetter(path: string, pointer: string, problems: Problem[]): (v: unknown) => unknown {
  try {
    return compilePath(path);
  } catch (error) {
    problems.push({
      pointer,
      message: `invalid JMESPath expression ${JSON.stringify(path)}: ${error instanceof Error ? error.message : String(error)}`,
    });
    return () => null;
  }
}

function compileLeaf(node: Record<string, unknown>, pointer: string, options: OptionValues, problems: Problem[]): CompiledCondition {
  const path = node.path as string;
  const opName = node.op as string;
  if (!isOperator(opName)) {
    problems.push({ pointer: `${pointer}/op`, message: `unknown operator "${opName}"` });
    return NEVER;
  }
  const get = compileGetter(path, `${pointer}/path`, problems);
  // Tests may read a [a, b] path into one reused array: operators never keep their input.
  const testGet = problems.length ? get : (compileScratchPath(path) ?? get);
  const hasValue = 'value' in node;
  let expected: unknown = node.value;
  let valuePointer = `${pointer}/value`;
  if (isPlainObject(expected) && typeof expected.$option === 'string') {
    const name = expected.$option;
    valuePointer = `${pointer}/value/$option`;
    if (!Object.hasOwn(options, name)) {
      problems.push({ pointer: valuePointer, message: `option "${name}" is not declared in "options"` });
      return NEVER;
    }
    expected = options[name];
  }
  const valueProblem = checkOperatorValue(opName, expected, hasValue);
  if (valueProblem) {
    problems.push({ pointer: hasValue ? valuePointer : pointer, message: valueProblem });
    return NEVER;
  }
  const operator = OPERATORS[opName] as (typeof OPERATORS)[keyof typeof OPERATORS] & {
    prepare?: (e: unknown) => unknown;
  };
  const prepared = operator.prepare ? operator.prepare(expected) : expected;
  const test = operator.test;
  const evidenceExpected = hasValue ? expected : undefined;
  const evidencePath = pathCache((prefix) => joinPath(prefix, path));
  return withPathTri(path, {
    test: specialize<Test>({ test, get: testGet, prepared }, 'return (v, ctx) => test(get(v), prepared, ctx);'),
    explain: (v, ctx, prefix, state) => {
      const actual = get(v);
      if (!test(actual, prepared, ctx)) return false;
      state.evidence.push(makeEvidence(evidencePath(prefix), opName, evidenceExpected, actual));
      return true;
    },
    observe: (v, prefix, state) => {
      state.evidence.push(makeEvidence(evidencePath(prefix), opName, evidenceExpected, observed(get, v)));
    },
  });
}

/**
 * What a leaf under `not` saw. The test never ran some of these leaves (it stopped at the first
 * that decided), so one may meet a value of the wrong type for its path: the evidence says so
 * rather than losing the finding.
 */
function observed(get: (v: unknown) => unknown, v: unknown): unknown {
  try {
    return get(v);
  } catch {
    return UNRENDERABLE;
  }
}

function itemCount(get: (v: unknown) => unknown, v: unknown): string {
  try {
    return `${asList(get(v)).length} item(s)`;
  } catch {
    return UNRENDERABLE;
  }
}

function makeEvidence(path: string, op: string, expected: unknown, actual: unknown): Evidence {
  const value = boundedDepth(actual ?? null);
  // Built whole (same key order as before): a property added later costs a backing store.
  return expected !== undefined ? { path, op, actual: value, expected } : { path, op, actual: value };
}

/**
 * Evidence is copied into every report and across threads, by code that recurses (JSON and
 * structured cloning overflow the stack a few thousand levels down). A value nested deeper than
 * this is kept down to this depth; below it, a marker says what was left out.
 */
export const MAX_EVIDENCE_DEPTH = 32;
const TOO_DEEP = `(nested more than ${MAX_EVIDENCE_DEPTH} levels deep: not shown)`;

/** The value itself when it nests at most MAX_EVIDENCE_DEPTH levels (nearly always), else a copy cut there. */
export function boundedDepth(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !nestsDeeperThan(value, MAX_EVIDENCE_DEPTH)) return value;
  return cutAt(value, MAX_EVIDENCE_DEPTH);
}

/** Walks with an explicit stack (the value may nest deeper than the call stack allows), stopping at the limit. */
function nestsDeeperThan(value: object, limit: number): boolean {
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child as object, depth + 1]);
    }
  }
  return false;
}

function cutAt(value: unknown, levels: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (levels === 0) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => cutAt(v, levels - 1));
  const out: Record<string, unknown> = {};
  // defineProperty: a key named "__proto__" stays a key (assignment would set the prototype).
  for (const [k, v] of Object.entries(value))
    Object.defineProperty(out, k, { value: cutAt(v, levels - 1), enumerable: true, writable: true, configurable: true });
  return out;
}
