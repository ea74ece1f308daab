// CloudWatch Logs filter patterns (the `filterPattern` of a metric filter), parsed and evaluated
// against log events. awsaudit decides whether a metric filter catches the CloudTrail events a
// monitoring recommendation asks for by running the pattern over representative events, never by
// comparing the pattern's text: `{($.eventName=X)||($.eventName=Y)}` and
// `{ $.eventName = "Y" || $.eventName = "X" }` are the same filter.
//
// No maintained JavaScript library parses this syntax, hence this small recursive-descent parser.
// Supported: JSON patterns (`{ ... }`) with `&&`, `||`, parentheses, `=`, `!=`, `<`, `<=`, `>`,
// `>=`, quoted or bare values with `*` wildcards, `%regex%` values, `IS NULL`, `NOT EXISTS`,
// `IS TRUE`, `IS FALSE`, selectors `$.a.b` and `$.a[0].b`; term patterns (words and "quoted
// phrases", `?term` alternatives, `-term` exclusions) and the empty pattern (every event). A pattern
// outside that (space-delimited `[...]` patterns, say) is reported as unsupported: the caller
// treats the filter as undecided, never as catching or missing an event.
import { regexProblem } from '../../engine/regex-safety.js';

/** A JSON value as a parsed log event holds it. */
export type LogValue = string | number | boolean | null | LogValue[] | { [key: string]: LogValue };

type Selector = Array<string | number>;

type Comparison =
  | { kind: 'compare'; selector: Selector; op: '=' | '!='; value: PatternValue }
  | { kind: 'numeric'; selector: Selector; op: '<' | '<=' | '>' | '>='; value: number }
  | { kind: 'test'; selector: Selector; test: 'IS NULL' | 'NOT EXISTS' | 'IS TRUE' | 'IS FALSE' };

type PatternValue = { kind: 'text'; text: string; quoted: boolean } | { kind: 'regex'; source: string };

type Expr = Comparison | { kind: 'and' | 'or'; items: Expr[] };

/** A compiled filter pattern. */
export type FilterPattern =
  | { kind: 'all' }
  | { kind: 'json'; expr: Expr; leftToRight?: Expr }
  | { kind: 'terms'; required: string[]; anyOf: string[]; excluded: string[] };

export type ParseResult = { ok: true; pattern: FilterPattern } | { ok: false; error: string };

class PatternError extends Error {}

/** Parse a filter pattern. Never throws: a pattern it cannot read comes back with the reason. */
export function parseFilterPattern(text: string): ParseResult {
  const source = text.trim();
  try {
    if (source === '' || source === '""') return { ok: true, pattern: { kind: 'all' } };
    if (source.startsWith('{')) {
      const parser = new JsonPatternParser(source);
      const expr = parser.parse();
      // `a || b && c` without parentheses: AWS does not document whether && binds tighter or the
      // chain is read left to right, so both readings are kept and an event they disagree on is undecided.
      if (!parser.mixed) return { ok: true, pattern: { kind: 'json', expr } };
      return { ok: true, pattern: { kind: 'json', expr, leftToRight: new JsonPatternParser(source, true).parse() } };
    }
    if (source.startsWith('[')) return { ok: false, error: 'space-delimited patterns ([...]) are not supported' };
    return { ok: true, pattern: parseTerms(source) };
  } catch (e) {
    return { ok: false, error: e instanceof PatternError ? e.message : String(e) };
  }
}

function parseTerms(source: string): FilterPattern {
  const required: string[] = [];
  const anyOf: string[] = [];
  const excluded: string[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/gu;
  for (const m of source.matchAll(re)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/gu, '$1') : m[3]!;
    if (m[1] === '?') anyOf.push(term);
    else if (m[1] === '-') excluded.push(term);
    else required.push(term);
  }
  return { kind: 'terms', required, anyOf, excluded };
}

class JsonPatternParser {
  private pos = 0;
  /** Did some level chain && and || without parentheses? */
  mixed = false;
  constructor(
    private readonly src: string,
    private readonly leftToRight = false,
  ) {}

  parse(): Expr {
    this.expect('{');
    const expr = this.parseOr();
    this.skipSpace();
    this.expect('}');
    this.skipSpace();
    if (this.pos < this.src.length) throw new PatternError(`unexpected text after the closing brace at ${this.pos}`);
    return expr;
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/u.test(this.src[this.pos]!)) this.pos++;
  }

  private peek(s: string): boolean {
    this.skipSpace();
    return this.src.startsWith(s, this.pos);
  }

  private expect(s: string): void {
    if (!this.peek(s)) throw new PatternError(`expected "${s}" at ${this.pos}`);
    this.pos += s.length;
  }

  // `&&` binds tighter than `||`, as in the languages the syntax borrows from (or, for the second
  // reading, each operator applies to everything on its left).
  private parseOr(): Expr {
    if (this.leftToRight) return this.parseChain();
    const items = [this.parseAnd()];
    while (this.peek('||')) {
      this.pos += 2;
      items.push(this.parseAnd());
    }
    if (items.length > 1 && items.some((i) => i.kind === 'and' && !this.grouped.has(i))) this.mixed = true;
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  /** And-expressions written in parentheses: `(a && b) || c` is not ambiguous. */
  private readonly grouped = new WeakSet<Expr>();

  private parseChain(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const op = this.peek('&&') ? 'and' : this.peek('||') ? 'or' : undefined;
      if (!op) return left;
      this.pos += 2;
      left = { kind: op, items: [left, this.parseUnary()] };
    }
  }

  private parseAnd(): Expr {
    const items = [this.parseUnary()];
    while (this.peek('&&')) {
      this.pos += 2;
      items.push(this.parseUnary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private parseUnary(): Expr {
    if (this.peek('(')) {
      this.pos++;
      const inner = this.parseOr();
      this.expect(')');
      this.grouped.add(inner);
      return inner;
    }
    return this.parseComparison();
  }

  private parseSelector(): Selector {
    this.expect('$');
    const path: Selector = [];
    for (;;) {
      const c = this.src[this.pos];
      if (c === '.') {
        this.pos++;
        const m = /^[A-Za-z0-9_@:-]+/u.exec(this.src.slice(this.pos));
        if (!m) throw new PatternError(`expected a field name at ${this.pos}`);
        path.push(m[0]);
        this.pos += m[0].length;
      } else if (c === '[') {
        const m = /^\[(\d+)\]/u.exec(this.src.slice(this.pos));
        if (!m) throw new PatternError(`expected an array index at ${this.pos}`);
        path.push(Number(m[1]));
        this.pos += m[0].length;
      } else break;
    }
    if (path.length === 0) throw new PatternError(`expected a selector such as $.eventName at ${this.pos}`);
    return path;
  }

  private parseComparison(): Comparison {
    const selector = this.parseSelector();
    this.skipSpace();
    const rest = this.src.slice(this.pos);
    const keyword = /^(IS\s+NULL|NOT\s+EXISTS|IS\s+TRUE|IS\s+FALSE)\b/iu.exec(rest);
    if (keyword) {
      this.pos += keyword[0].length;
      const test = keyword[1]!.toUpperCase().replace(/\s+/gu, ' ') as 'IS NULL' | 'NOT EXISTS' | 'IS TRUE' | 'IS FALSE';
      return { kind: 'test', selector, test };
    }
    const op = /^(!=|<=|>=|=|<|>)/u.exec(rest)?.[1];
    if (!op) throw new PatternError(`expected an operator (=, !=, <, >, IS NULL, NOT EXISTS) at ${this.pos}`);
    this.pos += op.length;
    const value = this.parseValue();
    if (op === '=' || op === '!=') return { kind: 'compare', selector, op, value };
    const n = value.kind === 'text' ? Number(value.text) : Number.NaN;
    if (Number.isNaN(n) || value.kind !== 'text' || value.text.trim() === '') throw new PatternError(`${op} needs a number at ${this.pos}`);
    return { kind: 'numeric', selector, op: op as '<' | '<=' | '>' | '>=', value: n };
  }

  private parseValue(): PatternValue {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === '"') {
      let out = '';
      this.pos++;
      while (this.pos < this.src.length && this.src[this.pos] !== '"') {
        if (this.src[this.pos] === '\\' && this.pos + 1 < this.src.length) this.pos++;
        out += this.src[this.pos];
        this.pos++;
      }
      if (this.src[this.pos] !== '"') throw new PatternError('unterminated quoted value');
      this.pos++;
      return { kind: 'text', text: out, quoted: true };
    }
    if (c === '%') {
      const end = this.src.indexOf('%', this.pos + 1);
      if (end < 0) throw new PatternError('unterminated %regex% value');
      const source = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      // The pattern comes from the scanned account. A regex that can backtrack exponentially could
      // stall the scan; one that is merely polynomial is harmless on the short values it is run on.
      const problem = regexProblem(source);
      if (problem && !/(?:quadratic|polynomial) time on long values/u.test(problem)) throw new PatternError(problem);
      return { kind: 'regex', source };
    }
    // A bare value runs to the next `)`, `}`, `&&` or `||` (it may hold spaces: `Failed authentication`).
    const m = /^(?:(?!&&|\|\|)[^)}])+/u.exec(this.src.slice(this.pos));
    const text = m?.[0].trim() ?? '';
    if (text === '') throw new PatternError(`expected a value at ${this.pos}`);
    this.pos += m![0].length;
    return { kind: 'text', text, quoted: false };
  }
}

function lookup(event: LogValue, selector: Selector): { found: boolean; value?: LogValue } {
  let current: LogValue | undefined = event;
  for (const step of selector) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return { found: false };
      current = current[step];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, step))
        return { found: false };
      current = current[step];
    }
  }
  return { found: true, value: current };
}

function wildcardRegex(text: string): RegExp {
  const escaped = text
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/gu, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'su');
}

function equals(actual: LogValue | undefined, value: PatternValue): boolean {
  if (actual === undefined || (actual !== null && typeof actual === 'object')) return false;
  if (value.kind === 'regex') {
    if (actual === null) return false;
    try {
      return new RegExp(value.source, 'u').test(String(actual));
    } catch {
      return false;
    }
  }
  if (actual === null) return !value.quoted && value.text.toUpperCase() === 'NULL';
  if (typeof actual === 'number' && !value.quoted && value.text.trim() !== '' && !Number.isNaN(Number(value.text))) {
    return actual === Number(value.text);
  }
  if (typeof actual === 'boolean') return !value.quoted && value.text.toLowerCase() === String(actual);
  return value.text.includes('*') ? wildcardRegex(value.text).test(String(actual)) : String(actual) === value.text;
}

function evaluate(expr: Expr, event: LogValue): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.items.every((e) => evaluate(e, event));
    case 'or':
      return expr.items.some((e) => evaluate(e, event));
    case 'test': {
      const { found, value } = lookup(event, expr.selector);
      if (expr.test === 'NOT EXISTS') return !found;
      if (expr.test === 'IS NULL') return found && value === null;
      return found && value === (expr.test === 'IS TRUE');
    }
    case 'numeric': {
      const { found, value } = lookup(event, expr.selector);
      if (!found || typeof value !== 'number') return false;
      if (expr.op === '<') return value < expr.value;
      if (expr.op === '<=') return value <= expr.value;
      if (expr.op === '>') return value > expr.value;
      return value >= expr.value;
    }
    case 'compare': {
      // A comparison needs the field: an event without it matches neither `=` nor `!=`.
      const { found, value } = lookup(event, expr.selector);
      if (!found) return false;
      const eq = equals(value, expr.value);
      return expr.op === '=' ? eq : !eq;
    }
  }
}

/**
 * Does a compiled pattern match one log event (a parsed JSON record)? null when the pattern mixes
 * && and || without parentheses and its two possible readings disagree on this event.
 */
export function matchesEvent(pattern: FilterPattern, event: LogValue): boolean | null {
  if (pattern.kind === 'all') return true;
  if (pattern.kind === 'json') {
    const matched = evaluate(pattern.expr, event);
    if (pattern.leftToRight && evaluate(pattern.leftToRight, event) !== matched) return null;
    return matched;
  }
  const text = JSON.stringify(event);
  return (
    pattern.required.every((t) => text.includes(t)) &&
    (pattern.anyOf.length === 0 || pattern.anyOf.some((t) => text.includes(t))) &&
    !pattern.excluded.some((t) => text.includes(t))
  );
}
