/**
 * Rule regular expressions run on values the audited account controls (a policy document, a
 * tag, a CloudTrail record), with JavaScript's backtracking engine, which can take exponential
 * time (`^(a|aa)+$` on "aaaa…b") or quadratic time (a scan such as `\[[^\]]*"` started again
 * at every position of a long value) and cannot be interrupted. So a rule's expressions are
 * checked when the rule loads, and one whose matching time can grow faster than the length
 * of the value is refused with the part that causes it.
 *
 * The check is the one maintained ReDoS checkers use (recheck, for instance): the expression
 * becomes the automaton a backtracking matcher walks (a Glushkov automaton in which each way
 * of reaching a position is kept, so `(a*)*` has two edges where `a*` has one), and
 * - exponential time is a state with two different paths back to itself over the same text
 *   (a strongly connected component of the pair automaton holding both a pair (q, q) and a
 *   pair (p, q) with p ≠ q, or a doubled edge inside a cycle);
 * - polynomial time is two different looping states p and q with a text w that loops on p,
 *   leads from p to q, and loops on q (a path from (p, p, q) to (p, q, q) in the triple
 *   automaton). A search that is not anchored with `^` tries every start position, which is
 *   a loop over any character in front of the expression.
 * The analysis over-approximates (assertions and lookarounds count as always true, long
 * bounded repeats of a group as unbounded, `\p{…}` as any character), so it may refuse an
 * expression that is in fact safe, never the other way round. Backreferences are refused.
 *
 * Written here rather than taken from npm because it runs on every rule load: recheck, the
 * maintained checker, takes tens to hundreds of milliseconds per expression, which every run
 * would pay for every rule. recheck is the referee instead: test/regex-safety-recheck.test.ts
 * checks that this refuses everything recheck finds vulnerable, on the built-in rules'
 * expressions and on a corpus of known-vulnerable and everyday ones.
 */

type Ranges = Array<[number, number]>;

const MAX_CODE_POINT = 0x10ffff;
const ANY: Ranges = [[0, MAX_CODE_POINT]];
const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: Ranges = normalise([
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);
const LINE_TERMINATORS: Ranges = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

function normalise(ranges: Ranges): Ranges {
  const sorted = ranges.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function complement(ranges: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [a, b] of normalise(ranges)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

function intersect(x: Ranges, y: Ranges): Ranges {
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const lo = Math.max(x[i]![0], y[j]![0]);
    const hi = Math.min(x[i]![1], y[j]![1]);
    if (lo <= hi) out.push([lo, hi]);
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return out;
}

function overlaps(x: Ranges, y: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (Math.max(x[i]![0], y[j]![0]) <= Math.min(x[i]![1], y[j]![1])) return true;
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Parsing (the `u` syntax; the expression has already compiled, so it is well formed)

type Node =
  | { t: 'char'; set: Ranges; start: number; end: number }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number; start: number; end: number }
  /** A zero-width test: ^ $ \b \B, or a lookaround (whose body is checked on its own). */
  | { t: 'empty'; start: boolean };

class Unsupported extends Error {}

class Parser {
  private i = 0;
  readonly lookarounds: Node[] = [];
  constructor(private readonly s: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.s.length) throw new Unsupported(`unexpected "${this.s[this.i]}" at ${this.i + 1}`);
    return node;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const start = this.i;
      const atom = this.term();
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private quantified(atom: Node, start: number): Node {
    const c = this.s[this.i];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.s[this.i] === '?') this.i++; // lazy: the same paths, tried in another order
    return { t: 'rep', node: atom, min, max, start, end: this.i };
  }

  private term(): Node {
    const start = this.i;
    const c = this.s[this.i]!;
    if (c === '^') {
      this.i++;
      return { t: 'empty', start: true };
    }
    if (c === '$') {
      this.i++;
      return { t: 'empty', start: false };
    }
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return { t: 'char', set: complement(LINE_TERMINATORS), start, end: this.i };
    }
    if (c === '\\') {
      const escape = this.escape(false);
      if (escape === 'boundary') return { t: 'empty', start: false };
      return { t: 'char', set: escape, start, end: this.i };
    }
    const cp = this.s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { t: 'char', set: [[cp, cp]], start, end: this.i };
  }

  private group(): Node {
    this.i++;
    let look = false;
    if (this.s.startsWith('?:', this.i)) this.i += 2;
    else if (this.s.startsWith('?=', this.i) || this.s.startsWith('?!', this.i)) [this.i, look] = [this.i + 2, true];
    else if (this.s.startsWith('?<=', this.i) || this.s.startsWith('?<!', this.i)) [this.i, look] = [this.i + 3, true];
    else if (this.s.startsWith('?<', this.i)) this.i = this.s.indexOf('>', this.i) + 1;
    else if (this.s[this.i] === '?') throw new Unsupported(`group syntax "(${this.s.slice(this.i, this.i + 3)}"`);
    const inner = this.alternation();
    if (this.s[this.i] !== ')') throw new Unsupported('unclosed group');
    this.i++;
    if (look) {
      this.lookarounds.push(inner);
      return { t: 'empty', start: false };
    }
    return inner;
  }

  private charClass(): Node {
    const start = this.i;
    this.i++;
    const negate = this.s[this.i] === '^';
    if (negate) this.i++;
    const ranges: Ranges = [];
    while (this.i < this.s.length && this.s[this.i] !== ']') {
      const from = this.classAtom();
      if (
        this.s[this.i] === '-' &&
        this.s[this.i + 1] !== ']' &&
        this.i + 1 < this.s.length &&
        from.length === 1 &&
        from[0]![0] === from[0]![1]
      ) {
        this.i++;
        const to = this.classAtom();
        if (to.length === 1 && to[0]![0] === to[0]![1]) {
          ranges.push([from[0]![0], to[0]![0]]);
          continue;
        }
        ranges.push(...from, [0x2d, 0x2d], ...to);
        continue;
      }
      ranges.push(...from);
    }
    if (this.s[this.i] !== ']') throw new Unsupported('unclosed character class');
    this.i++;
    const set = normalise(ranges);
    return { t: 'char', set: negate ? complement(set) : set, start, end: this.i };
  }

  private classAtom(): Ranges {
    if (this.s[this.i] === '\\') {
      const escape = this.escape(true);
      return escape === 'boundary' ? [] : escape;
    }
    const cp = this.s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return [[cp, cp]];
  }

  /** After a backslash: the characters it stands for, or 'boundary' for \b \B outside a class. */
  private escape(inClass: boolean): Ranges | 'boundary' {
    this.i++;
    const c = this.s[this.i]!;
    this.i++;
    const one = (cp: number): Ranges => [[cp, cp]];
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 'b':
        return inClass ? one(0x08) : 'boundary';
      case 'B':
        return 'boundary';
      case 't':
        return one(0x09);
      case 'n':
        return one(0x0a);
      case 'v':
        return one(0x0b);
      case 'f':
        return one(0x0c);
      case 'r':
        return one(0x0d);
      case '0':
        return one(0);
      case 'c': {
        const letter = this.s.charCodeAt(this.i);
        this.i++;
        return one(letter % 32);
      }
      case 'x': {
        const cp = parseInt(this.s.slice(this.i, this.i + 2), 16);
        this.i += 2;
        return one(cp);
      }
      case 'u': {
        if (this.s[this.i] === '{') {
          const close = this.s.indexOf('}', this.i);
          const cp = parseInt(this.s.slice(this.i + 1, close), 16);
          this.i = close + 1;
          return one(cp);
        }
        const cp = parseInt(this.s.slice(this.i, this.i + 4), 16);
        this.i += 4;
        return one(cp);
      }
      case 'p':
      case 'P': {
        // A Unicode property: taken as any character (over-approximation, see the top).
        this.i = this.s.indexOf('}', this.i) + 1;
        return ANY;
      }
      case 'k':
        throw new Unsupported('backreference');
      default:
        if (/[1-9]/.test(c)) throw new Unsupported('backreference');
        return one(c.codePointAt(0)!);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The automaton: positions (one per character test), with edges counted up to 2

interface Position {
  set: Ranges;
  start: number;
  end: number;
}

/** Up to 2: "one way" or "more than one way". */
type Counts = Map<number, number>;

interface Fragment {
  first: Counts;
  last: Counts;
  /** Ways to match the empty text, up to 2. */
  nullable: number;
}

class TooComplex extends Error {}

const MAX_POSITIONS = 4000;
/** A group repeated at most this many times is copied out exactly; beyond, taken as unbounded. */
const EXACT_GROUP_REPEATS = 10;
/** A single character test is copied out exactly up to this count (e.g. `[0-9A-Z]{16}`). */
const EXACT_ATOM_REPEATS = 1000;

class Automaton {
  readonly positions: Position[] = [];
  /** edges[p]: target -> number of ways (1 or 2). */
  readonly edges: Counts[] = [];

  add(set: Ranges, start: number, end: number): number {
    if (this.positions.length >= MAX_POSITIONS) throw new TooComplex('too many positions');
    this.positions.push({ set, start, end });
    this.edges.push(new Map());
    return this.positions.length - 1;
  }

  link(from: Counts, to: Counts): void {
    for (const [p, a] of from) {
      const out = this.edges[p]!;
      for (const [q, b] of to) out.set(q, Math.min(2, (out.get(q) ?? 0) + a * b));
    }
  }

  build(node: Node): Fragment {
    switch (node.t) {
      case 'char': {
        const p = this.add(node.set, node.start, node.end);
        return { first: new Map([[p, 1]]), last: new Map([[p, 1]]), nullable: 0 };
      }
      case 'empty':
        return { first: new Map(), last: new Map(), nullable: 1 };
      case 'seq': {
        let acc: Fragment = { first: new Map(), last: new Map(), nullable: 1 };
        for (const item of node.items) acc = this.concat(acc, this.build(item));
        return acc;
      }
      case 'alt': {
        const out: Fragment = { first: new Map(), last: new Map(), nullable: 0 };
        for (const item of node.items) {
          const f = this.build(item);
          addInto(out.first, f.first, 1);
          addInto(out.last, f.last, 1);
          out.nullable = Math.min(2, out.nullable + f.nullable);
        }
        return out;
      }
      case 'rep':
        return this.repeat(node);
    }
  }

  private concat(a: Fragment, b: Fragment): Fragment {
    this.link(a.last, b.first);
    const first = new Map(a.first);
    addInto(first, b.first, a.nullable);
    const last = new Map(b.last);
    addInto(last, a.last, b.nullable);
    return { first, last, nullable: Math.min(2, a.nullable * b.nullable) };
  }

  private repeat(node: Extract<Node, { t: 'rep' }>): Fragment {
    const atom = node.node.t === 'char';
    const limit = atom ? EXACT_ATOM_REPEATS : EXACT_GROUP_REPEATS;
    let { min, max } = node;
    // Long bounded repeats of a group behave like unbounded ones (their ambiguity multiplies
    // with every copy): taken as such, which can only add paths.
    if (max !== Infinity && max > limit) max = Infinity;
    if (min > limit) min = limit;
    let acc: Fragment = { first: new Map(), last: new Map(), nullable: 1 };
    for (let k = 0; k < min; k++) acc = this.concat(acc, this.build(node.node));
    if (max === Infinity) return this.concat(acc, this.star(this.build(node.node)));
    // x{0,3} = (x(x(x)?)?)?: one path per number of copies, as the matcher counts them.
    let optional: Fragment = { first: new Map(), last: new Map(), nullable: 1 };
    for (let k = 0; k < max - min; k++) {
      const copy = this.concat(this.build(node.node), optional);
      optional = { first: copy.first, last: copy.last, nullable: Math.min(2, copy.nullable + 1) };
    }
    return this.concat(acc, optional);
  }

  /** Any number of non-empty iterations (the matcher refuses an iteration that matched nothing). */
  private star(body: Fragment): Fragment {
    this.link(body.last, body.first);
    return { first: body.first, last: body.last, nullable: 1 };
  }
}

function addInto(into: Counts, from: Counts, factor: number): void {
  if (factor === 0) return;
  for (const [p, c] of from) into.set(p, Math.min(2, (into.get(p) ?? 0) + c * factor));
}

/** Strongly connected components (Tarjan, iterative): component index per node. */
function components(count: number, successors: (n: number) => Iterable<number>): number[] {
  const index = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const component = new Array<number>(count).fill(-1);
  const stack: number[] = [];
  let next = 0;
  let found = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    const work: Array<{ node: number; it: Iterator<number> }> = [];
    const open = (n: number) => {
      index[n] = low[n] = next++;
      stack.push(n);
      onStack[n] = true;
      work.push({ node: n, it: successors(n)[Symbol.iterator]() });
    };
    open(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      const step = top.it.next();
      if (!step.done) {
        const m = step.value;
        if (index[m] === -1) open(m);
        else if (onStack[m]) low[top.node] = Math.min(low[top.node]!, index[m]!);
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.node;
        low[parent] = Math.min(low[parent]!, low[top.node]!);
      }
      if (low[top.node] === index[top.node]) {
        let m: number;
        do {
          m = stack.pop()!;
          onStack[m] = false;
          component[m] = found;
        } while (m !== top.node);
        found++;
      }
    }
  }
  return component;
}

// ---------------------------------------------------------------------------------------
// The checks

const MAX_STEPS = 3_000_000;

interface Verdict {
  kind: 'exponential' | 'polynomial';
  /** Positions that show the problem. */
  at: number[];
}

function analyse(a: Automaton): Verdict | undefined {
  const n = a.positions.length;
  const succ = (p: number) => a.edges[p]!.keys();
  const scc = components(n, succ);
  const size = new Map<number, number>();
  for (const c of scc) size.set(c, (size.get(c) ?? 0) + 1);
  const cyclic = (p: number) => size.get(scc[p]!)! > 1 || a.edges[p]!.has(p);
  let steps = 0;
  const tick = () => {
    if (++steps > MAX_STEPS) throw new TooComplex('too many steps');
  };

  // Exponential, first form: two ways along one edge that lies on a cycle.
  for (let p = 0; p < n; p++) {
    for (const [q, ways] of a.edges[p]!) if (ways > 1 && scc[p] === scc[q]) return { kind: 'exponential', at: [p, q] };
  }
  // Exponential, second form: in one component, pairs (q, q) and (p, r ≠ p) that reach each other.
  const members = new Map<number, number[]>();
  for (let p = 0; p < n; p++) if (cyclic(p)) (members.get(scc[p]!) ?? members.set(scc[p]!, []).get(scc[p]!)!).push(p);
  for (const group of members.values()) {
    const local = new Map(group.map((p, i) => [p, i]));
    const k = group.length;
    if (k > 300) throw new TooComplex('a repetition too large to check');
    const pairSucc = function* (pair: number): Iterable<number> {
      const u = group[Math.floor(pair / k)]!;
      const v = group[pair % k]!;
      for (const u2 of a.edges[u]!.keys()) {
        const i2 = local.get(u2);
        if (i2 === undefined) continue;
        for (const v2 of a.edges[v]!.keys()) {
          tick();
          const j2 = local.get(v2);
          if (j2 === undefined) continue;
          if (overlaps(a.positions[u2]!.set, a.positions[v2]!.set)) yield i2 * k + j2;
        }
      }
    };
    const pairScc = components(k * k, pairSucc);
    const diagonal = new Set<number>();
    for (let i = 0; i < k; i++) diagonal.add(pairScc[i * k + i]!);
    for (let pair = 0; pair < k * k; pair++) {
      const i = Math.floor(pair / k);
      const j = pair % k;
      if (i !== j && diagonal.has(pairScc[pair]!)) {
        // Only pairs that the diagonal can actually reach count: a component is closed, so it is the same.
        return { kind: 'exponential', at: [group[i]!, group[j]!] };
      }
    }
  }

  // Polynomial: looping p, looping q in another component, and one text w with
  // p -w-> p, p -w-> q, q -w-> q.
  const reach = (from: number, edges: (p: number) => Iterable<number>): Set<number> => {
    const seen = new Set([from]);
    const queue = [from];
    while (queue.length) {
      for (const q of edges(queue.pop()!)) {
        if (seen.has(q)) continue;
        seen.add(q);
        queue.push(q);
      }
    }
    return seen;
  };
  const predecessors: number[][] = Array.from({ length: n }, () => []);
  for (let p = 0; p < n; p++) for (const q of a.edges[p]!.keys()) predecessors[q]!.push(p);
  const loops = [...Array(n).keys()].filter(cyclic);
  for (const p of loops) {
    const fromP = reach(p, succ);
    for (const q of loops) {
      if (scc[q] === scc[p] || !fromP.has(q)) continue;
      const toQ = reach(q, (x) => predecessors[x]!);
      const inP = (x: number) => scc[x] === scc[p];
      const inQ = (x: number) => scc[x] === scc[q];
      const between = (x: number) => fromP.has(x) && toQ.has(x);
      const key = (x: number, y: number, z: number) => (x * n + y) * n + z;
      const seen = new Set([key(p, p, q)]);
      const queue: Array<[number, number, number]> = [[p, p, q]];
      while (queue.length) {
        const [x, y, z] = queue.pop()!;
        for (const x2 of a.edges[x]!.keys()) {
          if (!inP(x2)) continue;
          for (const y2 of a.edges[y]!.keys()) {
            if (!between(y2)) continue;
            const common = intersect(a.positions[x2]!.set, a.positions[y2]!.set);
            if (common.length === 0) continue;
            for (const z2 of a.edges[z]!.keys()) {
              tick();
              if (!inQ(z2) || !overlaps(common, a.positions[z2]!.set)) continue;
              if (x2 === p && y2 === q && z2 === q) return { kind: 'polynomial', at: [p, q] };
              const k = key(x2, y2, z2);
              if (seen.has(k)) continue;
              seen.add(k);
              queue.push([x2, y2, z2]);
            }
          }
        }
      }
    }
  }
  return undefined;
}

/** Does the expression only match at the start of the text (every alternative begins with ^)? */
function anchoredAtStart(node: Node): boolean {
  if (node.t === 'empty') return node.start;
  if (node.t === 'seq') return node.items.length > 0 && anchoredAtStart(node.items[0]!);
  if (node.t === 'alt') return node.items.every(anchoredAtStart);
  return false;
}

/** Check one expression (a rule's, or a lookaround's body) as the matcher searches with it. */
function check(root: Node, source: string): string | undefined {
  const a = new Automaton();
  const fragment = a.build(root);
  // A search that is not anchored tries every start: a loop over any character in front.
  let prefix = -1;
  if (!anchoredAtStart(root)) {
    prefix = a.add(ANY, -1, -1);
    const self = new Map([[prefix, 1]]);
    a.link(self, self);
    a.link(self, fragment.first);
  }
  const verdict = analyse(a);
  if (!verdict) return undefined;
  const part = (p: number) => (p === prefix ? undefined : source.slice(a.positions[p]!.start, a.positions[p]!.end));
  const parts = [...new Set(verdict.at.map(part).filter((x): x is string => x !== undefined))].map((x) => JSON.stringify(x));
  if (verdict.kind === 'exponential') {
    return `can take exponential time on some values: ${parts.join(' and ')} can match the same text in more than one way inside a repetition (write it so each piece of text can match only one way, e.g. (a|b)+ rather than (a|ab)+, a+ rather than (a+)+)`;
  }
  if (verdict.at.includes(prefix)) {
    return `can take quadratic time on long values: the search restarts at every position and ${parts.join(' and ')} can run over the same text again each time (anchor the expression with ^, or keep ${parts.join(' and ')} from matching the text that leads up to it)`;
  }
  return `can take polynomial time on long values: ${parts.join(' and ')} can match the same text one after the other (make them exclude each other, e.g. [^,]*,\\d+ rather than .*\\d+)`;
}

const verdicts = new Map<string, string | undefined>();

/**
 * Why `source` cannot be a rule's regular expression (JavaScript syntax, `u` flag), or
 * undefined when it can: it does not compile, or matching could take more than linear time.
 */
export function regexProblem(source: string): string | undefined {
  if (verdicts.has(source)) return verdicts.get(source);
  let problem: string | undefined;
  try {
    new RegExp(source, 'u');
    const parser = new Parser(source);
    const root = parser.parse();
    problem = check(root, source);
    for (const body of parser.lookarounds) problem ??= check(body, source);
    if (problem) problem = `regular expression ${JSON.stringify(source)} ${problem}`;
  } catch (error) {
    if (error instanceof SyntaxError) problem = error.message;
    else if (error instanceof Unsupported && error.message === 'backreference') {
      problem = `regular expression ${JSON.stringify(source)} uses a backreference (\\1, \\k<name>), which can take exponential time: rule expressions may not`;
    } else if (error instanceof Unsupported || error instanceof TooComplex) {
      problem = `regular expression ${JSON.stringify(source)} is too complex to prove that it runs in linear time (${error.message}); simplify it`;
    } else throw error;
  }
  if (verdicts.size < 10_000) verdicts.set(source, problem);
  return problem;
}
