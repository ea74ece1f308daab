// A CloudTrail file is read in one piece up to 16 MB and streamed above: both paths must give the
// same findings, counts and gaps for the same bytes, whatever is wrong with them. Every fixture
// and damaged variants of them are run through both (the threshold is injectable), and one real
// file above 16 MB is read by the CLI.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isCloudTrailRule } from '../src/cloudtrail/pipeline.js';
import { evaluateEventsOutcome as evaluateEvents, type EventsOutcome as EventsResult } from './support/cloudtrail.js';
import { WHOLE_FILE_MAX_BYTES, fileSource } from '../src/cloudtrail/sources/files.js';
import { compileRule } from '../src/ruleset/load.js';
import { loadAllRules } from '../src/ruleset/select.js';
import { runCliInProcess as runCli } from './support/cli.js';
import { CLOUDTRAIL_FIXTURES, invictusFiles, stratusFiles, type RawRecord } from './support/cloudtrail.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-paths-');
const rules = (await loadAllRules([])).map((f) => compileRule(f, undefined, 'test').rule!).filter(isCloudTrailRule);
const NOW = new Date('2024-12-01T00:00:00Z');

const run = (target: string, wholeFileMaxBytes: number, window = {}) =>
  evaluateEvents([fileSource([target], { wholeFileMaxBytes })], rules, { now: NOW, window, workers: 0, attribution: { mode: 'all' } });
/** Everything a report is made of, as text, so two results compare byte for byte. */
const comparable = (r: EventsResult) =>
  JSON.stringify({ ...r, lastChangeByResource: [...r.lastChangeByResource].sort(([a], [b]) => (a < b ? -1 : 1)) });
const whole = (target: string, window = {}) => run(target, 1 << 30, window);
const streamed = (target: string, window = {}) => run(target, 0, window);

const invictus = invictusFiles();
const biggest = [...invictus].sort((a, b) => b.records.length - a.records.length)[0]!.records;
const stratus = stratusFiles();
const lines = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const gzipMembers = (text: string, parts: number) => {
  const size = Math.ceil(text.length / parts);
  return Buffer.concat(Array.from({ length: parts }, (_, i) => gzipSync(text.slice(i * size, (i + 1) * size))));
};

/** Damaged and unusual variants of the real files, each the way a log shipper, a disk or an attacker might leave it. */
function variants(dir: string): Record<string, string> {
  const big = biggest;
  const withJunk = lines(big).split('\n');
  withJunk.splice(100, 0, '{"this line": "was cut by a log shipper"');
  const files: Record<string, Buffer | string> = {
    'junk-line.jsonl': withJunk.join('\n'),
    'non-objects.json': JSON.stringify({ Records: [1, 'two', [3], null, true] }),
    'some-non-objects.json': JSON.stringify({ Records: [...big.slice(0, 50), 42, 'x', ...big.slice(50, 100)] }),
    'trailing-bytes.json': JSON.stringify({ Records: big.slice(0, 80) }) + '\n# end of export\n',
    'cut.json': JSON.stringify({ Records: big.slice(0, 200) }).slice(0, 150_000),
    'cut.json.gz': ((gz) => gz.subarray(0, Math.floor(gz.length / 2)))(gzipSync(JSON.stringify({ Records: big }))),
    'multi-member.json.gz': gzipMembers(JSON.stringify({ Records: big }), 7),
    'multi-member-lines.jsonl.gz': gzipMembers(lines(big), 5),
    'redacted-time.json': JSON.stringify({ Records: big.slice(0, 30).map((r, i) => (i === 7 ? { ...r, eventTime: 'redacted' } : r)) }),
    'pretty-concatenated.json': JSON.stringify(big[0], null, 2) + '\n' + JSON.stringify(big[1], null, 2),
    'lines-cut-last.jsonl': lines(big.slice(0, 20)).slice(0, -300),
    'not-json.json': 'PK\u0003\u0004 a zip file',
    'empty.json': '',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  return Object.fromEntries(Object.keys(files).map((n) => [n, path.join(dir, n)]));
}

describe('the whole-file path and the stream path read the same bytes the same way', async () => {
  const dir = tmp();
  const files = variants(dir);
  const [fixturesWhole, fixturesStreamed, variantsWhole, variantsStreamed] = await Promise.all([
    whole(CLOUDTRAIL_FIXTURES),
    streamed(CLOUDTRAIL_FIXTURES),
    whole(dir),
    streamed(dir),
  ]);

  it('every fixture: identical findings, counts, attribution and gaps (none)', () => {
    expect(fixturesWhole.stats).toMatchObject({ chunks: 55 + 35, records: 3210, events: 3210, unreadable: 0, unevaluated: 0 });
    expect(fixturesWhole.gaps).toEqual([]);
    expect(fixturesWhole.findings.length).toBeGreaterThan(30);
    expect(comparable(fixturesStreamed)).toBe(comparable(fixturesWhole));
  });

  it('every damaged variant: identical findings, counts and gaps', () => {
    expect(comparable(variantsStreamed)).toBe(comparable(variantsWhole));
  });

  const gapsOf = (name: string) =>
    variantsWhole.gaps.filter((g) => g.operation.endsWith(`/${name}`)).map((g) => `${g.errorCode}: ${g.message}`);

  it('a junk line in JSON lines costs that line only, named by its number', () => {
    expect(gapsOf('junk-line.jsonl')).toEqual([
      `InvalidRecords: 1 of ${biggest.length + 1} record(s) could not be read and were skipped: line 101 (not valid JSON)`,
    ]);
  });
  it('a Records array of values that are not records is a gap, never "every rule passed"', () => {
    expect(gapsOf('non-objects.json')).toEqual([
      'NotCloudTrail: none of its 5 item(s) could be read as a CloudTrail record: record 1 (not a JSON object), record 2 (not a JSON object), record 3 (not a JSON object), record 4 (not a JSON object), record 5 (not a JSON object)',
    ]);
    expect(gapsOf('some-non-objects.json')).toEqual([
      'InvalidRecords: 2 of 102 record(s) could not be read and were skipped: record 51 (not a JSON object), record 52 (not a JSON object)',
    ]);
    expect(variantsWhole.rules.every((r) => !r.complete)).toBe(true);
  });
  it('bytes after a complete document are named as such, and the document is read', () => {
    expect(gapsOf('trailing-bytes.json')).toEqual([
      expect.stringMatching(/^TrailingData: unexpected content after the end of the JSON document \(at byte \d+\): it was not read$/),
    ]);
    expect(gapsOf('pretty-concatenated.json')).toEqual([expect.stringMatching(/^TrailingData: /)]);
  });
  it('a cut file keeps the records before the cut, plain or gzipped; a cut last line is named', () => {
    expect(gapsOf('cut.json')).toEqual([
      expect.stringMatching(/^TruncatedFile: the file ends inside record \d+ \(truncated\); \d+ record\(s\) before it were read$/),
    ]);
    expect(gapsOf('cut.json.gz')).toEqual([
      expect.stringMatching(/^TruncatedFile: gzip stream ends early \(truncated file\); [1-9]\d* record\(s\) before the cut were read$/),
    ]);
    expect(gapsOf('lines-cut-last.jsonl')).toEqual(['TruncatedFile: the last line (line 20) is cut off (truncated file)']);
  });
  it('multi-member gzip files are read whole, plain JSON or JSON lines', () => {
    expect(gapsOf('multi-member.json.gz')).toEqual([]);
    expect(gapsOf('multi-member-lines.jsonl.gz')).toEqual([]);
  });
  it('a record whose eventTime is not a time is a gap, with its place', () => {
    expect(gapsOf('redacted-time.json')).toEqual([
      'InvalidRecords: 1 of 30 record(s) could not be read and were skipped: record 8 (eventTime is not a date and time)',
    ]);
  });
  it('what is not JSON, or empty, is a gap', () => {
    expect(gapsOf('not-json.json')).toEqual(['InvalidFile: not JSON (and not gzip)']);
    expect(gapsOf('empty.json')).toEqual(['NotCloudTrail: empty file']);
  });
  it('counts add up: every item is a record read or an unreadable one', () => {
    expect(variantsWhole.stats.unreadable).toBe(1 + 5 + 2 + 1);
    expect(Object.keys(files).length).toBe(13);
  });
});

describe('an eventTime that is not a time never turns the Elastic IP rule into a pass', async () => {
  const eip = 'cloudtrail-elastic-ip-allocated-not-associated';
  const all = invictus.flatMap((f) => f.records);
  const allocate = all.find((r) => r.eventName === 'AllocateAddress')!;
  const allocationId = (allocate.responseElements as { allocationId: string }).allocationId;
  const associate: RawRecord = {
    ...allocate,
    eventName: 'AssociateAddress',
    eventID: 'assoc-1',
    eventTime: 'redacted',
    requestParameters: { allocationId },
    responseElements: { associationId: 'eipassoc-1' },
  };
  const write = (records: unknown[]) => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'eip.json'), JSON.stringify({ Records: records }));
    return dir;
  };

  it('the allocation with its time redacted: a gap, and the rule is incomplete, not passed', async () => {
    const result = await whole(write([{ ...allocate, eventTime: 'redacted' }]));
    expect(result.gaps.map((g) => `${g.errorCode}: ${g.message}`)).toEqual([
      'NotCloudTrail: none of its 1 item(s) could be read as a CloudTrail record: record 1 (eventTime is not a date and time)',
    ]);
    expect(result.rules.find((r) => r.ruleId === eip)).toMatchObject({ complete: false });
  });
  it('an association with its time redacted is not an association: the allocation is still reported, with a gap', async () => {
    const result = await whole(write([allocate, associate]), { until: new Date(Date.parse(allocate.eventTime) + 2 * 86_400_000) });
    expect(result.findings.filter((f) => f.ruleId === eip).map((f) => f.resource.id)).toEqual([allocationId]);
    expect(result.gaps.map((g) => g.message)).toEqual([
      '1 of 2 record(s) could not be read and were skipped: record 2 (eventTime is not a date and time)',
    ]);
  });
});

describe('--since never drops a record without counting it', () => {
  it('records outside the window are counted as read; a record whose time cannot be placed is a gap, not silently outside', async () => {
    const records = stratus.flatMap((f) => f.records).slice(0, 40);
    const odd = records
      .slice(0, 3)
      .map((r, i) => ({ ...r, eventID: `odd-${i}`, eventTime: ['2024-07-31 13:06:24', '1722431184', 'yesterday'][i] }));
    const dir = tmp();
    writeFileSync(path.join(dir, 'events.json'), JSON.stringify({ Records: [...records, ...odd] }));
    const since = new Date('2024-07-31T12:50:00Z');
    const inside = records.filter((r) => Date.parse(r.eventTime) >= since.getTime()).length;
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(records.length);
    for (const read of [whole, streamed]) {
      const result = await read(dir, { since });
      expect(result.stats).toMatchObject({ records: records.length, events: inside, unreadable: 3 });
      expect(result.gaps.map((g) => g.message)).toEqual([
        `3 of ${records.length + 3} record(s) could not be read and were skipped: record 41 (eventTime is not a date and time), record 42 (eventTime is not a date and time), record 43 (eventTime is not a date and time)`,
      ]);
    }
  });
});

describe('a real file above 16 MB (streamed by the CLI) reads as the same content read whole', () => {
  it('JSON lines with one junk line: every other record is read, the line is a gap, the findings are the same', async () => {
    const records = Array.from({ length: 5 }, (_, copy) =>
      invictus.flatMap((f) => f.records).map((r) => ({ ...r, eventID: `${r.eventID}-${copy}` })),
    ).flat();
    const text = lines(records).split('\n');
    text.splice(100, 0, 'junk: a line that is not JSON');
    const dir = tmp();
    const file = path.join(dir, 'export.jsonl');
    writeFileSync(file, text.join('\n'));
    expect(Buffer.byteLength(text.join('\n'))).toBeGreaterThan(WHOLE_FILE_MAX_BYTES);
    const cli = await runCli(['scan', '--cloudtrail', file, '--format', 'json', '--output', 'json=-', '--fail-on', 'none'], {
      timeoutMs: 300_000,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout) as {
      findings: Array<{ fingerprint: string }>;
      gaps: Array<{ errorCode: string; message: string }>;
      scan: { cloudtrail: { records: number; events: number } };
    };
    expect(report.scan.cloudtrail).toMatchObject({ records: records.length, events: records.length });
    expect(report.gaps.map((g) => `${g.errorCode}: ${g.message}`)).toEqual([
      `InvalidRecords: 1 of ${records.length + 1} record(s) could not be read and were skipped: line 101 (not valid JSON)`,
    ]);
    const inProcess = await whole(dir);
    expect(inProcess.findings.length).toBeGreaterThan(20);
    expect(report.findings.map((f) => f.fingerprint).sort()).toEqual(inProcess.findings.map((f) => f.fingerprint).sort());
  }, 300_000);
});
