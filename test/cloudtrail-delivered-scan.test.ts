// The WebAssembly scan of delivered files (delivered-scan.ts) gives what the TypeScript scan
// (delivered-file.ts scanDeliveredPart) gives: the same records, fields, marks and refusals.
import { readFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliveredParts, scanDeliveredPart } from '../src/cloudtrail/delivered-file.js';
import { DeliveredScanner, keyValuePattern } from '../src/cloudtrail/delivered-scan.js';
import { eventKey } from '../src/cloudtrail/event-key.js';
import { agentPlain, lightSpans, LightSpans, lightSpansFrom } from '../src/cloudtrail/light-records.js';
import { keyValueSource, requiredTextOf } from '../src/cloudtrail/rule-prefilters.js';
import { TextMarks, type Mark } from '../src/cloudtrail/text-marks.js';
import { loadRuleFiles } from '../src/ruleset/load.js';
import { compileDeliveredScan } from '../scripts/build-wasm.mjs';
import { ROOT } from './support/cli.js';
import { deliveredCaseRecords, inFile } from './support/delivered.js';
import { seededRandom } from './support/random.js';

const kv = (key: string, value: string, mark: Mark) => ({ source: keyValueSource(key, value), mark });

/** Key-value patterns (as requiredTextOf writes them), some on keys the scan looks for itself. */
const PATTERNS: Array<{ source: string; mark: Mark }> = [
  kv('type', 'Root', 1),
  kv('type', 'AssumedRole', 1),
  kv('type', 'IAMUser', 2),
  kv('userName', 'bob', 2),
  kv('userName', 'bob', 1),
  kv('eventName', 'ConsoleLogin', 2),
  kv('eventName', 'CreateAccessKey', 1),
  kv('eventTime', '2026-05-20T09:00:00Z', 1),
  kv('awsRegion', 'us-east-1', 2),
  kv('recipientAccountId', '123456789012', 1),
  kv('eventVersion', '1.09', 2),
  kv('invokedBy', 'signin.amazonaws.com', 1),
  kv('sourceIPAddress', '203.0.113.10', 2),
  kv('accessKeyId', 'AKIAIOSFODNN7EXAMPLE', 1),
  kv('principalId', 'AIDACKCEVSQ6C2EXAMPLE', 2),
  // Patterns of other forms (a leaked key id, a resource id, a pattern with groups) are searched
  // apart; they ask for a record read whole.
  { source: '"AKIAIOSFODNN7EXAMPLE"', mark: 1 },
  { source: 'IAMUser"', mark: 1 },
  { source: '"type"\\s*:\\s*"IAM', mark: 1 },
  { source: 'Name"', mark: 1 },
  { source: '"eventName"\\s*:\\s*"(Create|Delete)Trail"', mark: 1 },
  { source: 'Records', mark: 1 },
];

/** Texts that are valid JSON but bend what the scan relies on, each applied now and then. */
const BENDS: Array<(text: string, next: () => number) => string> = [
  // Objects nested in a record that start as a record does, and a space between two records: refused.
  (t) => t.replace('"requestParameters":null', '"requestParameters":{"items":[{"eventVersion":"1"},{"eventVersion":"2"}]}'),
  (t) => t.replace('},{"eventVersion"', '}, {"eventVersion"'),
  // A second eventTime or eventName key in a record (nested): refused.
  (t) => t.replace('"requestParameters":null', '"requestParameters":{"eventTime":"x"}'),
  (t) => t.replace('"responseElements":null', '"responseElements":{"eventName":"x"}'),
  // Values written with escapes: the record's field is then unknown, or the file refused.
  (t) => t.replace(/"eventID":"([0-9a-f]{8})-/, '"eventID":"$1\\u002d'),
  (t) => t.replace('"awsRegion":"us-east-1"', '"awsRegion":"us\\u002deast-1"'),
  (t) => t.replace('"recipientAccountId":"123456789012"', '"recipientAccountId":"1234567890\\u00312"'),
  (t) => t.replace(/"eventName":"([A-Za-z]+)"/, '"eventName":"$1\\u0041"'),
  (t) => t.replace(/"eventTime":"([^"]+)"/, '"eventTime":"\\u0032$1"'),
  (t) => t.replace(/"eventSource":"([a-z0-9]+)\./, '"eventSource":"$1\\u002e'),
  // Fields missing, or moved: eventSource after eventName, a region before the name.
  (t) => t.replace(/"recipientAccountId":"\d+",?/, ''),
  (t) => t.replace(/"eventID":"[^"]+",?/, ''),
  (t) => t.replace(/,"awsRegion":"[^"]+"/, ''),
  (t) => t.replace(/,"eventSource":"([^"]+)","eventName":"([^"]+)"/, ',"eventName":"$2","eventSource":"$1"'),
  (t) => t.replace(/,"eventName":"([^"]+)","awsRegion":"([^"]+)"/, ',"awsRegion":"$2","eventName":"$1"'),
  // The same keys in nested objects (a later recipientAccountId or eventID is the one read), and in values.
  (t) => t.replace('"responseElements":null', '"responseElements":{"recipientAccountId":"999999999999","eventID":"nested"}'),
  (t) =>
    t.replace('"requestParameters":null', '"requestParameters":{"awsRegion":"eu-west-1","note":"\\"eventTime\\" \\"type\\":\\"Root\\""}'),
  // White space where a pattern allows it: around a colon, a tab, a line break.
  (t) => t.replace('"type":"IAMUser"', '"type" :\n\t "IAMUser"'),
  (t) => t.replace('"userName":"bob"', '"userName"\r\n:"bob"'),
  (t) => t.replace('"type":"Root"', '"type":  "Root"'),
  // A pattern's value as a prefix of a longer value, and a key as a suffix of a longer key.
  (t) => t.replace('"userName":"bob"', '"userName":"bobby"'),
  (t) => t.replace('"type":"IAMUser"', '"xtype":"IAMUser","type":"Other"'),
  // A record whose light fields (light-records.ts lightSpans) are not where CloudTrail writes them,
  // or hold escapes: a field between eventVersion and userIdentity, or between awsRegion and
  // sourceIPAddress; its eventType before its eventID, or gone; its own eventTime gone and a nested
  // one in its place; a user agent or an address written with escapes.
  (t) => t.replace('","userIdentity":', '","x":1,"userIdentity":'),
  (t) => t.replace(/("awsRegion":"[^"]+")(,"sourceIPAddress")/, '$1,"x":1$2'),
  (t) => t.replace(/("eventID":"[^"]+",)(.*?)("eventType":"[A-Za-z]+",)/, '$3$1$2'),
  (t) => t.replace(/"eventType":"[A-Za-z]+",?/, ''),
  (t) =>
    t
      .replace(/,"eventTime":"([^"]+)"/, ',"eventTimes":"$1"')
      .replace('"requestParameters":null', '"requestParameters":{"eventTime":"2026"}'),
  (t) => t.replace(/"userAgent":"([^"]*)"/, '"userAgent":"$1 \\"quoted\\""'),
  (t) => t.replace(/"userAgent":"([^"]*)"/, '"userAgent":"$1\\\\x"'),
  (t) => t.replace(/"sourceIPAddress":"([^"]*)"/, '"sourceIPAddress":"$1\\u002e"'),
  // The last record followed by white space before the file's end.
  (t) => `${t}\n  `,
  // Random bytes of the text changed to a quote or a letter a key starts with.
  (t, next) => {
    const at = Math.floor(next() * t.length);
    return t.slice(0, at) + '"ear'[Math.floor(next() * 4)]! + t.slice(at + 1);
  },
];

describe('the WebAssembly scan of delivered files', () => {
  it('runs on the bytes of delivered-scan.wat as compiled (scripts/build-wasm.mjs)', async () => {
    const embedded = /const WASM = '([^']*)'/.exec(readFileSync(path.join(ROOT, 'src', 'cloudtrail', 'delivered-scan.ts'), 'utf8'))?.[1];
    expect(embedded).toBe(await compileDeliveredScan());
  });

  it("gives the TypeScript scan's records, fields, marks and refusals, part by part, over random files", async () => {
    const records = await deliveredCaseRecords();
    expect(records.length).toBeGreaterThan(100);
    const next = seededRandom(17);
    let compared = 0;
    let refused = 0;
    let marked = 0;
    let light = 0;
    for (let round = 0; round < 1500; round++) {
      const chosen = Array.from({ length: 1 + Math.floor(next() * 25) }, () => records[Math.floor(next() * records.length)]!);
      let text = JSON.stringify({ Records: chosen });
      for (const bend of BENDS) if (next() < 0.06) text = bend(text, next);
      const bytes = Buffer.from(text, 'latin1');
      if (!isAscii(bytes) || bytes.toString('latin1') !== text) continue;
      const patterns = PATTERNS.filter(() => next() < 0.3);
      const scanner = DeliveredScanner.for(patterns);
      const marks = new TextMarks(patterns);
      const parts = deliveredParts(bytes, 1 + Math.floor(next() * 3000));
      if (!parts) continue;
      let offset = 0;
      parts.forEach(({ bytes: part, text: partText }, k) => {
        // Where the part starts in the file.
        const from = offset;
        offset += partText.length;
        const first = k === 0;
        const last = k === parts.length - 1;
        const want = scanDeliveredPart(partText, marks, first, last);
        const got = scanner.scan(part, partText, first, last);
        compared++;
        if (!want) {
          expect(got, partText).toBeUndefined();
          refused++;
          return;
        }
        expect(got, partText).toBeDefined();
        expect(inFile(got!, from)).toEqual(inFile(want, from));
        expect([...got!.marked], `${partText} with ${JSON.stringify(patterns)}`).toEqual([...want.marked]);
        if (want.marked.some((m) => m !== 0)) marked++;
        // What it works out besides: each record's event key, and a light record's spans.
        want.records.forEach((r, i) => {
          const key = r.eventID !== undefined && r.recipientAccountId !== undefined && r.awsRegion !== undefined;
          expect(got!.keys![i]).toBe(key ? eventKey(r.eventID!, r.recipientAccountId!, r.awsRegion!) : -1);
          // (Read only for a record marked for a light read.)
          if (want.marked[i] !== 2) return;
          const spans = new LightSpans();
          const found = lightSpansFrom(got!.light!, i, r, spans);
          const reference = new LightSpans();
          expect(found, partText.slice(r.start, r.end)).toBe(lightSpans(partText, r, reference, false));
          if (!found) return;
          light++;
          expect({ ...spans, agentPlain: agentPlain(partText, spans) }).toEqual({
            ...reference,
            agentPlain: agentPlain(partText, reference),
          });
        });
      });
    }
    expect(compared).toBeGreaterThan(3000);
    expect(refused).toBeGreaterThan(200);
    expect(marked).toBeGreaterThan(1000);
    expect(light).toBeGreaterThan(1000);
  });

  it('one scanner reads parts of any size one after another (its memory grows; what an earlier part left is not read)', () => {
    const scanner = DeliveredScanner.for([kv('type', 'IAMUser', 2)]);
    const record = (i: number, type: string) =>
      `{"eventVersion":"1.09","userIdentity":{"type":"${type}"},"eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"E${i}","awsRegion":"us-east-1","eventID":"id-${i}","recipientAccountId":"123456789012"}`;
    for (const n of [1, 3000, 2, 40_000, 1]) {
      const text = `{"Records":[${Array.from({ length: n }, (_, i) => record(i, i % 2 ? 'IAMUser' : 'AWSService')).join(',')}]}`;
      const got = scanner.scan(Buffer.from(text, 'latin1'), text, true, true)!;
      const want = scanDeliveredPart(text, new TextMarks([kv('type', 'IAMUser', 2)]), true, true)!;
      expect(got.records).toEqual(want.records);
      expect(got.marked).toEqual(want.marked);
      expect(got.records).toHaveLength(n);
      expect(got.records[n - 1]!.eventID).toBe(`id-${n - 1}`);
    }
  });

  it('reads every pattern the CloudTrail rules ask for in its own pass, and leaves other forms to a regular expression', async () => {
    const { rules } = await loadRuleFiles([`${ROOT}/rules/cloudtrail`]);
    const sources = new Set<string>();
    for (const r of rules) {
      const required = requiredTextOf(r.definition.condition, {}, []);
      if (Array.isArray(required)) for (const s of required) sources.add(s);
    }
    expect(sources.size).toBeGreaterThan(2);
    for (const source of sources) expect(keyValuePattern(source, 1), source).toBeDefined();
    expect(keyValuePattern('"type"\\s*:\\s*"Root"', 2)).toEqual({ key: '"type"', value: '"Root"', mark: 2 });
    expect(keyValuePattern('"eventSource"\\s*:\\s*"s3\\.amazonaws\\.com"', 1)).toEqual({
      key: '"eventSource"',
      value: '"s3.amazonaws.com"',
      mark: 1,
    });
    for (const other of [
      'IAMUser"',
      '"type"\\s*:\\s*"IAM',
      '"eventName"\\s*:\\s*"(Create|Delete)Trail"',
      '"type"\\s*:\\s*"Ro.t"',
      '"AKIAIOSFODNN7EXAMPLE"',
      'i-0123456789abcdef0',
      '"type"\\s*:\\s*"a\\"b"',
    ])
      expect(keyValuePattern(other, 1), other).toBeUndefined();
    // Patterns of other forms, or more than its tables hold, are searched apart (the random files above check what they mark).
    const scanner = DeliveredScanner.for([
      kv('type', 'Root', 1),
      { source: 'i-0123', mark: 1 },
      ...['b', 'c', 'd', 'f', 'g'].map((c) => kv(`${c}x`, 'v', 1)),
    ]) as unknown as { patterns: unknown[]; rest?: TextMarks };
    // Four first letters besides e, a and r (t, b, c, d): f and g do not fit its vector test.
    expect(scanner.patterns).toHaveLength(4);
    expect(scanner.rest?.patterns.map((p) => p.source)).toEqual(['i-0123', '"fx"\\s*:\\s*"v"', '"gx"\\s*:\\s*"v"']);
  });
});
