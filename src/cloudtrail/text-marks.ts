/**
 * Which records of a delivered file the rules' text patterns point at (rule-prefilters.ts
 * requiredTextOf), found in one pass over the file.
 *
 * A pass of a regular expression over a whole file costs about the same whatever it looks for, and
 * several rules each ask for a pattern (`"type"\s*:\s*"Root"`, `…"AssumedRole"`, `…"IAMUser"`):
 * one regular expression per pattern was one pass each. Here every pattern is one alternative of a
 * single expression, with a capturing group telling which one matched. It marks every record each
 * pattern's own expression would: the search restarts one character after each match (an
 * alternative cannot hide another's overlapping match), and at one place the alternatives that
 * mean "parse whole" are tried first.
 */
import { KEYS_SOURCE, recordAt, type DeliveredRecord, type PassMarks } from './delivered-file.js';

/** How a record is read: 1 parsed whole, 2 read light (light-records.ts); 1 wins. */
export type Mark = 1 | 2;

/** How many capturing groups a regular-expression source has. */
function groupsIn(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

export class TextMarks implements PassMarks {
  private readonly pattern: RegExp | undefined;
  /** The same alternatives, then the delivered-file keys: marks found in the scan's own pass (delivered-file.ts). */
  readonly withKeys: RegExp;
  /** Per alternative (in order): the index of its group in a match, and its mark. */
  private readonly alternatives: Array<{ group: number; mark: Mark }> = [];
  /** The patterns, each once with its mark, those that mean "parse whole" first. */
  readonly patterns: ReadonlyArray<{ source: string; mark: Mark }>;

  constructor(patterns: ReadonlyArray<{ source: string; mark: Mark }>) {
    const marks = new Map<string, Mark>();
    for (const { source, mark } of patterns) marks.set(source, Math.min(marks.get(source) ?? 2, mark) as Mark);
    const ordered = [...marks].sort((a, b) => a[1] - b[1]);
    this.patterns = ordered.map(([source, mark]) => ({ source, mark }));
    let group = 1;
    for (const [source, mark] of ordered) {
      this.alternatives.push({ group, mark });
      group += 1 + groupsIn(source);
    }
    this.pattern = ordered.length ? new RegExp(ordered.map(([source]) => `(${source})`).join('|'), 'g') : undefined;
    this.withKeys = new RegExp([...ordered.map(([source]) => `(${source})`), KEYS_SOURCE].join('|'), 'g');
  }

  markOf(m: RegExpExecArray): Mark | 0 {
    for (const a of this.alternatives) if (m[a.group] !== undefined) return a.mark;
    return 0;
  }

  /** Marks (in `marked`, by record index) the records a pattern points at, in the text from `from` on. */
  mark(text: string, records: readonly DeliveredRecord[], marked: Uint8Array, from = 0): void {
    const pattern = this.pattern;
    if (!pattern) return;
    pattern.lastIndex = from;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const mark = this.markOf(m);
      const i = recordAt(records, m.index);
      if (mark === 1 || marked[i] !== 1) marked[i] = mark;
      pattern.lastIndex = m.index + 1;
    }
  }
}
