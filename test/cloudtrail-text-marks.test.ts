// One pass of one expression marks the records each pattern's own expression would (text-marks.ts).
import { isAscii } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { DeliveredRecord } from '../src/cloudtrail/delivered-file.js';
import { deliveredParts, recordAt, scanDelivered, scanDeliveredFile, scanDeliveredPart } from '../src/cloudtrail/delivered-file.js';
import { deliveredCaseRecords, inFile } from './support/delivered.js';
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
    const records = await deliveredCaseRecords();
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

  it('a file read in parts (deliveredParts) gives the records, fields and marks of the whole text, and is refused when the whole is', async () => {
    const records = await deliveredCaseRecords();
    const next = seededRandom(13);
    let read = 0;
    let refused = 0;
    let cut = 0;
    for (let round = 0; round < 400; round++) {
      const chosen = Array.from({ length: 1 + Math.floor(next() * 30) }, () =>
        structuredClone(records[Math.floor(next() * records.length)]!),
      );
      const odd = next();
      // Objects nested in a record that start as a record does (a boundary's text inside a record), and a space between two records.
      if (odd < 0.1)
        chosen[Math.floor(next() * chosen.length)]!.requestParameters = { items: [{ eventVersion: '1' }, { eventVersion: '2' }] };
      let text = JSON.stringify({ Records: chosen });
      if (odd >= 0.1 && odd < 0.15) text = text.replace('},{"eventVersion"', '}, {"eventVersion"');
      const bytes = Buffer.from(text, 'latin1');
      // Parts are read from ASCII files only (event-evaluator.ts processBytes).
      if (!isAscii(bytes) || bytes.toString('latin1') !== text) continue;
      const set = PATTERNS.filter(() => next() < 0.5);
      const whole = scanDelivered(text, new TextMarks(set));
      const parts = deliveredParts(bytes, 1 + Math.floor(next() * 4000))!;
      expect(parts.map((p) => p.text).join('')).toBe(text);
      if (parts.length > 1) cut++;
      // The parts' records with their offsets in the file, and their marks, one after the other.
      let offset = 0;
      const got = { records: [] as DeliveredRecord[], marked: [] as number[] };
      let refusedPart = false;
      parts.forEach((part, k) => {
        const scanned = scanDeliveredPart(part.text, new TextMarks(set), k === 0, k === parts.length - 1);
        if (!scanned) refusedPart = true;
        else {
          got.records.push(...inFile(scanned, offset));
          got.marked.push(...scanned.marked);
        }
        offset += part.text.length;
      });
      if (!whole) {
        expect(refusedPart, text).toBe(true);
        refused++;
        continue;
      }
      expect(refusedPart).toBe(false);
      expect(got.records).toEqual(whole.records);
      expect(got.marked).toEqual([...whole.marked]);
      read++;
    }
    expect(read).toBeGreaterThan(250);
    expect(refused).toBeGreaterThan(30);
    expect(cut).toBeGreaterThan(200);
    // What does not start as a delivered file is not cut.
    expect(deliveredParts(Buffer.from('{"Records": [{"eventVersion":"1"}]}'), 4)).toBeUndefined();
  });

  it('marks nothing without patterns', () => {
    const records = [{ start: 0 } as DeliveredRecord];
    const marked = new Uint8Array(1);
    new TextMarks([]).mark('"type":"Root"', records, marked);
    expect([...marked]).toEqual([0]);
  });
});
