import { compile as compileJmespath } from '@jmespath-community/jmespath';
import { isPlainObject } from '../util/json.js';

/**
 * Which parts of a resource a rule reads, found from its JMESPath expressions without running
 * them. Used by the engine (a resource whose `data` has none of the fields a rule's condition
 * reads is not counted as passed) and by the meta-test that every `data` path a built-in rule
 * reads is declared in its type's data schema.
 *
 * A location is the list of steps from the root of what an expression is applied to: a field
 * name, `[]` for "an element of this list", `*` for "any member of this object".
 */
export type Location = readonly string[];

export const ITEM = '[]';
/** Stands for "the resource's facts" among the data fields a leaf reads (no data field has this name). */
export const FACTS = '#facts';
export const ANY_MEMBER = '*';

/** What a set of expressions reads. */
export interface PathReads {
  /** Every location read (each step of a path is a location of its own). */
  locations: Location[];
  /**
   * A location was used whole where the analysis cannot tell which of its members matter
   * (`keys(data)`, `data` compared as a value, a `let` variable): its readers may depend on
   * any field of it. Holds the locations so used.
   */
  whole: Location[];
}

interface Walk {
  seen: Set<string>;
  reads: PathReads;
}

function newWalk(): Walk {
  return { seen: new Set(), reads: { locations: [], whole: [] } };
}

function record(walk: Walk, location: Location): void {
  const key = location.join('\u0000');
  if (walk.seen.has(key)) return;
  walk.seen.add(key);
  walk.reads.locations.push(location);
}

/**
 * Values the expression uses as they are (compared, passed to a function, tested, rendered):
 * a reader of such a value may depend on any of its members.
 */
function consume(walk: Walk, locations: readonly Location[]): void {
  walk.reads.whole.push(...locations);
}

interface Node {
  type: string;
  name?: string;
  value?: unknown;
  left?: Node;
  right?: Node;
  child?: Node;
  condition?: Node;
  children?: Node[];
}

/** A node of our own, not JMESPath's: the elements a rule's quantifiers matched (a template's `match`). */
const MATCHED = 'awsaudit:matched';

const items = (locations: readonly Location[]): Location[] => locations.map((l) => [...l, ITEM]);

/**
 * The locations an expression's result may be (a value taken from the input, not computed),
 * recording every location it reads on the way. `input` is where the expression is applied.
 */
function locationsOf(node: Node | undefined, input: readonly Location[], walk: Walk): Location[] {
  if (!node) return [];
  switch (node.type) {
    case 'Field': {
      const out = input.map((l) => [...l, node.name ?? '']);
      out.forEach((l) => record(walk, l));
      return out;
    }
    case 'Subexpression':
    case 'Pipe':
      return locationsOf(node.right, locationsOf(node.left, input, walk), walk);
    case 'Current':
    case 'Identity':
      return [...input];
    case 'Root':
      return [[]];
    case 'Literal':
      return [];
    case 'Index':
      return items(input).map((l) => (record(walk, l), l));
    case 'Slice':
      return [...input];
    case 'IndexExpression': {
      const left = locationsOf(node.left, input, walk);
      if (node.right?.type === 'Index') return items(left).map((l) => (record(walk, l), l));
      return locationsOf(node.right, left, walk);
    }
    case 'Flatten':
      return locationsOf(node.child, input, walk);
    case 'Projection': {
      const elements = items(locationsOf(node.left, input, walk));
      elements.forEach((l) => record(walk, l));
      return locationsOf(node.right, elements, walk);
    }
    case 'FilterProjection': {
      const elements = items(locationsOf(node.left, input, walk));
      elements.forEach((l) => record(walk, l));
      consume(walk, locationsOf(node.condition, elements, walk));
      return locationsOf(node.right, elements, walk);
    }
    case 'ValueProjection': {
      const members = locationsOf(node.left, input, walk).map((l) => [...l, ANY_MEMBER]);
      members.forEach((l) => record(walk, l));
      return locationsOf(node.right, members, walk);
    }
    case 'OrExpression':
    case 'AndExpression': {
      // The value is one of the operands; each is also tested for truth.
      const left = locationsOf(node.left, input, walk);
      const right = locationsOf(node.right, input, walk);
      consume(walk, left);
      consume(walk, right);
      return [...left, ...right];
    }
    case 'NotExpression':
      consume(walk, locationsOf(node.child, input, walk));
      return [];
    case 'Comparator':
      consume(walk, locationsOf(node.left, input, walk));
      consume(walk, locationsOf(node.right, input, walk));
      return [];
    case 'MultiSelectList':
      for (const c of node.children ?? []) consume(walk, locationsOf(c, input, walk));
      return [];
    case 'MultiSelectHash':
      for (const c of node.children ?? []) consume(walk, locationsOf((c as { value?: Node }).value, input, walk));
      return [];
    case 'Function':
      return functionLocations(node, input, walk);
    case MATCHED:
      return node.value as Location[];
    default:
      // `let`, variables, and any node this analysis does not follow: the input may be read whole.
      consume(walk, input);
      return [];
  }
}

/** Functions whose expression argument (`&expr`) applies to the elements of a list argument, and which. */
const EXPRESSION_OVER: Readonly<Record<string, number>> = { sort_by: 0, min_by: 0, max_by: 0, group_by: 0, map: 1 };

function functionLocations(node: Node, input: readonly Location[], walk: Walk): Location[] {
  const name = node.name ?? '';
  const args = node.children ?? [];
  // `contains(keys(data), 'Versioning')`: whether one field is there, not the whole object.
  const [keysOf, key] = args;
  if (
    name === 'contains' &&
    keysOf?.type === 'Function' &&
    keysOf.name === 'keys' &&
    keysOf.children?.length === 1 &&
    key?.type === 'Literal' &&
    typeof key.value === 'string'
  ) {
    const fields = locationsOf(keysOf.children[0], input, walk).map((l) => [...l, key.value as string]);
    fields.forEach((l) => record(walk, l));
    consume(walk, fields);
    return [];
  }
  const listArg = EXPRESSION_OVER[name];
  const values: Location[][] = args.map((a) => (a.type === 'ExpressionReference' ? [] : locationsOf(a, input, walk)));
  args.forEach((a) => {
    if (a.type !== 'ExpressionReference') return;
    const elements = listArg !== undefined ? items(values[listArg] ?? []) : [...input];
    elements.forEach((l) => record(walk, l));
    consume(walk, locationsOf(a.child, elements, walk));
  });
  values.forEach((v) => consume(walk, v));
  switch (name) {
    case 'not_null':
      return values.flat();
    case 'sort':
    case 'reverse':
    case 'sort_by':
    case 'to_array':
      return values[0] ?? [];
    case 'min_by':
    case 'max_by':
      return items(values[0] ?? []);
    case 'values':
      return (values[0] ?? []).map((l) => [...l, ANY_MEMBER]);
    default:
      return [];
  }
}

/** What one JMESPath expression reads, applied at `input` (the root when not given). Undefined for an expression that does not parse. */
export function expressionReads(expression: string, input: readonly Location[] = [[]], walk: Walk = newWalk()): Location[] | undefined {
  let ast: Node;
  try {
    ast = compileJmespath(expression);
  } catch {
    return undefined;
  }
  const out = locationsOf(ast, input, walk);
  consume(walk, out);
  return out;
}

/**
 * What a condition tree (`all` / `any` / `not`, `some` / `every` with `where`, leaves with a
 * `path`) reads, with the elements of each quantifier's list as the input of its `where`.
 * Also returns the element locations of the quantifiers that are not inside another one:
 * a template's `match` is the first element such a quantifier matched.
 */
function conditionReads(node: unknown, input: readonly Location[], walk: Walk, matches: Location[], nested: boolean): void {
  const stack: Array<{ node: unknown; input: readonly Location[]; nested: boolean }> = [{ node, input, nested }];
  while (stack.length) {
    const { node: n, input: at, nested: inside } = stack.pop()!;
    if (!isPlainObject(n)) continue;
    for (const key of ['all', 'any'] as const) {
      const list = n[key];
      if (Array.isArray(list)) for (const child of list) stack.push({ node: child, input: at, nested: inside });
    }
    if ('not' in n) stack.push({ node: n.not, input: at, nested: inside });
    const quantifier = typeof n.some === 'string' ? n.some : typeof n.every === 'string' ? n.every : undefined;
    if (quantifier !== undefined) {
      const list = expressionReads(quantifier, at, walk) ?? [];
      const elements = items(list);
      elements.forEach((l) => record(walk, l));
      if (!inside && typeof n.some === 'string') matches.push(...elements);
      stack.push({ node: n.where, input: elements, nested: true });
      continue;
    }
    if (typeof n.path === 'string') expressionReads(n.path, at, walk);
  }
}

const PLACEHOLDER = /\{\{\s*(.+?)\s*\}\}/g;

/** What a message or command template reads, with `match` / `matches` standing for the elements a condition's quantifiers matched. */
function templateReads(text: string, matches: readonly Location[], walk: Walk): void {
  for (const m of text.matchAll(PLACEHOLDER)) {
    const ast = safeCompile(m[1]!);
    if (!ast) continue;
    // The template context: the resource's own fields at the root, plus `match` and `matches`.
    consume(walk, locationsOf(bindMatches(ast, matches), [[]], walk));
  }
}

function safeCompile(expression: string): Node | undefined {
  try {
    return compileJmespath(expression);
  } catch {
    return undefined;
  }
}

/** Replace the template context's `match` / `matches` fields by a node that stands for the matched elements. */
function bindMatches(node: Node, matches: readonly Location[]): Node {
  const visit = (n: Node, atRoot: boolean): Node => {
    if (atRoot && n.type === 'Field' && (n.name === 'match' || n.name === 'matches')) {
      return { type: MATCHED, value: n.name === 'matches' ? matches.map((l) => l.slice(0, -1)) : matches };
    }
    const out: Node = { ...n };
    // Only what is applied to the template's root can be its `match`: the left of a chain,
    // both sides of a comparison or `||`, a function's arguments, a list's members.
    if (n.left) out.left = visit(n.left, atRoot);
    if (n.right) out.right = visit(n.right, atRoot && ROOT_PRESERVING.has(n.type));
    if (n.child) out.child = visit(n.child, atRoot && n.type !== 'ExpressionReference');
    if (n.condition) out.condition = visit(n.condition, false);
    if (n.children)
      out.children = n.children.map((c) =>
        c.type === 'KeyValuePair' ? { ...c, value: visit((c as { value: Node }).value, atRoot) } : visit(c, atRoot),
      );
    return out;
  };
  return visit(node, true);
}

/** Nodes whose right side is applied to the same input as the left (not to the left's result). */
const ROOT_PRESERVING = new Set(['OrExpression', 'AndExpression', 'Comparator']);

/** The parts of a rule (as written) that read resources. */
export interface RuleExpressions {
  condition: unknown;
  unknownWhen?: unknown;
  severityOverrides?: ReadonlyArray<{ when: unknown }>;
  remediationOverrides?: ReadonlyArray<{ when: unknown; cli?: string }>;
  message?: string;
  remediation?: { cli?: string };
  cost?: { monthlyUsd: unknown };
}

/** What a rule's condition and `unknownWhen` read: what decides whether a resource fails, passes or is undecided. */
export function decisionReads(rule: RuleExpressions): PathReads {
  const walk = newWalk();
  conditionReads(rule.condition, [[]], walk, [], false);
  if (rule.unknownWhen !== undefined) conditionReads(rule.unknownWhen, [[]], walk, [], false);
  return walk.reads;
}

/** Everything a rule reads: its decision, severity overrides, message, fix command and cost. */
export function ruleReads(rule: RuleExpressions): PathReads {
  const walk = newWalk();
  const matches: Location[] = [];
  conditionReads(rule.condition, [[]], walk, matches, false);
  if (rule.unknownWhen !== undefined) conditionReads(rule.unknownWhen, [[]], walk, [], false);
  for (const o of rule.severityOverrides ?? []) conditionReads(o.when, [[]], walk, [], false);
  for (const o of rule.remediationOverrides ?? []) {
    conditionReads(o.when, [[]], walk, [], false);
    if (o.cli !== undefined) templateReads(o.cli, matches, walk);
  }
  if (rule.message !== undefined) templateReads(rule.message, matches, walk);
  if (rule.remediation?.cli !== undefined) templateReads(rule.remediation.cli, matches, walk);
  const monthly = rule.cost?.monthlyUsd;
  if (isPlainObject(monthly) && typeof monthly.path === 'string') {
    const ast = safeCompile(monthly.path);
    if (ast) consume(walk, locationsOf(bindMatches(ast, matches), [[]], walk));
  }
  return walk.reads;
}

/**
 * The top-level fields of `data` a rule decides on, when it decides on `data` alone. Undefined
 * when its decision also reads facts (their enrichers say "unknown" themselves when the data
 * they need is missing, and the rule's `unknownWhen` makes that undecided), or reads `data` as a
 * whole or in a way this analysis does not follow (no field list can stand for it then).
 */
export function decisionDataFields(rule: RuleExpressions): string[] | undefined {
  const reads = decisionReads(rule);
  if (reads.locations.some((l) => l[0] === 'facts')) return undefined;
  if (reads.whole.some((l) => l.length === 0 || (l.length === 1 && l[0] === 'data'))) return undefined;
  const fields = new Set<string>();
  for (const l of reads.locations) if (l[0] === 'data' && l.length >= 2 && l[1] !== ITEM && l[1] !== ANY_MEMBER) fields.add(l[1]!);
  return [...fields].sort();
}

/**
 * The top-level `data` fields one expression (applied to a resource) reads; `whole` when it
 * reads `data` (or the resource) as a whole, or in a way this analysis does not follow. Used by
 * three-valued evaluation: a leaf is unknown when it reads a field a failed call left unfilled
 * (or facts, `FACTS`, computed from such a field).
 */
export function dataFieldsRead(expression: string): { fields: string[]; whole: boolean } {
  const walk = newWalk();
  if (expressionReads(expression, [[]], walk) === undefined) return { fields: [], whole: true };
  const whole = walk.reads.whole.some((l) => l.length === 0 || (l.length === 1 && l[0] === 'data'));
  const fields = new Set<string>();
  for (const l of walk.reads.locations) if (l[0] === 'data' && l.length >= 2 && l[1] !== ITEM && l[1] !== ANY_MEMBER) fields.add(l[1]!);
  if (walk.reads.locations.some((l) => l[0] === 'facts') || walk.reads.whole.some((l) => l[0] === 'facts')) fields.add(FACTS);
  const anyField = walk.reads.locations.some((l) => l[0] === 'data' && l.length >= 2 && (l[1] === ITEM || l[1] === ANY_MEMBER));
  return { fields: [...fields].sort(), whole: whole || anyField };
}
