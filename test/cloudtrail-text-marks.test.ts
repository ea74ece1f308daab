// One pass of one expression marks the records each pattern's own expression would (text-marks.ts).
import { describe, expect, it } from 'vitest';
import type { DeliveredRecord } from '../src/cloudtrail/delivered-file.js';
import { recordAt, scanDelivered, scanDeliveredFile } from '../src/cloudtrail/delivered-file.js';
import { loadRuleFiles } from '../src/ruleset/load.js';
import { ROOT } from './support/cli.js';
import { seededRandom } from './support/random.js';
import { TextMarks, type Mark } from '../src/cloudtrail/text-marks.js';

/** The marks as one regular expression per pattern gives them: light patterns, then whole ones over them. */
function reference(patterns: Array<{ source: string; mark: Mark }>, text: string, records: DeliveredRecord[]): Uint8Array {
  const marked = new Uint8Array(records.length);
  for (const wanted of [2, 1] as const) {
    for (const { source, mark } of patterns) {
      if (mark !== wanted) continue;
      const re = new RegExp(source, 'g');
      for (let m = re.exec(text); m; m = re.exec(text)) {
        marked[recordAt(records, m.index)] = mark;
        if (m[0] === '') re.lastIndex++;
      }
    }
  }
  return marked;
}

const PATTERNS: Array<{ source: string; mark: Mark }> = [
  { source: '"type"\\s*:\\s*"Root"', mark: 1 },
  { source: '"type"\\s*:\\s*"AssumedRole"', mark: 1 },
  { source: '"type"\\s*:\\s*"IAMUser"', mark: 2 },
  // Overlapping a light pattern's text: it must still mark its record whole.
  { source: 'IAMUser"', mark: 1 },
  // Matching at the very place a light pattern does.
  { source: '"type"\\s*:\\s*"IAM', mark: 1 },
  { source: '"accessKeyId"\\s*:\\s*"AKIAIOSFODNN7EXAMPLE"', mark: 1 },
  // A pattern with groups of its own, and one both light and whole.
  { source: '"eventName"\\s*:\\s*"(Create|Delete)Trail"', mark: 2 },
  { source: '"userName"\\s*:\\s*"bob"', mark: 2 },
  { source: '"userName"\\s*:\\s*"bob"', mark: 1 },
];

const PIECES = [
  '"type"',
  ':',
  ' ',
  '\n',
  '"Root"',
  '"IAMUser"',
  '"AssumedRole"',
  '"accessKeyId"',
  '"AKIAIOSFODNN7EXAMPLE"',
  '"eventName"',
  '"CreateTrail"',
  '"DeleteTrail"',
  '"userName"',
  '"bob"',
  ',',
  '{',
  '}',
  'x',
];

describe('TextMarks', () => {
  it('marks what one expression per pattern marks, over random texts and pattern sets', () => {
    const next = seededRandom(7);
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const pieces = 5 + Math.floor(next() * 60);
      for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(next() * PIECES.length)]!;
      const starts = new Set<number>([0]);
      for (let i = 0; i < 4; i++) starts.add(Math.floor(next() * text.length));
      const records = [...starts].sort((a, b) => a - b).map((start) => ({ start }) as DeliveredRecord);
      const patterns = PATTERNS.filter(() => next() < 0.6);
      const marked = new Uint8Array(records.length);
      new TextMarks(patterns).mark(text, records, marked);
      expect([...marked], `${JSON.stringify(text)} with ${JSON.stringify(patterns)}`).toEqual([...reference(patterns, text, records)]);
    }
  });

  it("found in the file scan's own pass, marks what it marks alone, and the scan finds the same records", async () => {
    // Rule cases' records are in delivery order: files of 1 to 30 of them.
    const { rules } = await loadRuleFiles([`${ROOT}/rules/cloudtrail`]);
    const records = rules
      .flatMap((r) => [...(r.definition.tests?.fail ?? []), ...(r.definition.tests?.pass ?? [])].flatMap((c) => c.records ?? []))
      .filter((r) => scanDeliveredFile(JSON.stringify({ Records: [r] })) !== undefined);
    expect(records.length).toBeGreaterThan(100);
    const patterns: Array<{ source: string; mark: Mark }> = [
      ...PATTERNS,
      // Starting where a key the scan counts starts: the key must still be counted.
      { source: '"eventName"\\s*:\\s*"ConsoleLogin"', mark: 2 },
      { source: '"eventTime"\\s*:\\s*"2026-05-20', mark: 1 },
      { source: 'Name"', mark: 1 },
    ];
    const next = seededRandom(11);
    let files = 0;
    for (let round = 0; round < 400; round++) {
      const chosen = Array.from({ length: 1 + Math.floor(next() * 30) }, () => records[Math.floor(next() * records.length)]!);
      const text = JSON.stringify({ Records: chosen });
      const set = patterns.filter(() => next() < 0.5);
      const alone = scanDeliveredFile(text);
      const together = scanDelivered(text, new TextMarks(set));
      expect(together?.records).toEqual(alone);
      if (!alone) continue;
      files++;
      const marked = new Uint8Array(alone.length);
      new TextMarks(set).mark(text, alone, marked);
      expect([...together!.marked], JSON.stringify(set)).toEqual([...marked]);
    }
    expect(files).toBeGreaterThan(300);
  });

  it('marks nothing without patterns', () => {
    const records = [{ start: 0 } as DeliveredRecord];
    const marked = new Uint8Array(1);
    new TextMarks([]).mark('"type":"Root"', records, marked);
    expect([...marked]).toEqual([0]);
  });
});
