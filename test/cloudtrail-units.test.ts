// The CloudTrail building blocks, each against real records where there are any.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { attributeFindings, isSuccessfulWrite, resourceKey, touchedResources } from '../src/cloudtrail/attribution.js';
import { AllocationTracker, addressEventOf, type AddressEvent } from '../src/cloudtrail/eip-allocations.js';
import { eventFacts, maskKeyId } from '../src/cloudtrail/event-facts.js';
import { leakedKeyFacts } from '../src/cloudtrail/facts/leaked-key.js';
import { EventEvaluator, capHits, type AttributionMode, type RuleHit } from '../src/cloudtrail/event-evaluator.js';
import { eventNamesOf } from '../src/cloudtrail/rule-prefilters.js';
import { backoffDelay, RateLimiter, type Clock } from '../src/cloudtrail/rate-limit.js';
import { FileProblem, decodeBytes, eventMs, parseItems, textOf, type CloudTrailRecord } from '../src/cloudtrail/records.js';
import { sampleOf } from '../src/cloudtrail/correlation/sample.js';
import { ipv4At, ipv4Number, iso, sameAsIso, SightingStore } from '../src/cloudtrail/correlation/sightings.js';
import { HeldRows, PlaceTable } from '../src/cloudtrail/correlation/place-table.js';
import { ItemSplitter, type SplitBatch } from '../src/cloudtrail/split.js';
import { parseTimeArg, resolveWindow } from '../src/cloudtrail/window.js';
import { daysOf, parseS3Url } from '../src/cloudtrail/sources/s3.js';
import type { Finding } from '../src/engine/findings.js';
import { BUILTIN_RULES_DIR, compileRule, loadRuleFiles } from '../src/ruleset/load.js';
import { seededRandom } from './support/random.js';
import { allRecords, invictusFiles, stratusFiles, type RawRecord } from './support/cloudtrail.js';

const invictus = invictusFiles();
const stratus = stratusFiles();
const records = [...allRecords(invictus), ...allRecords(stratus)];
const biggest = [...invictus].sort((a, b) => b.records.length - a.records.length)[0]!;
const byId = (id: string) => records.find((r) => r.eventID === id)!;
/** A hit of one rule on one event (the fingerprint stands for account, region and event id). */
const hit = (rule: number, t: string, id: string): RuleHit => ({
  rule,
  eventTime: t,
  finding: { fingerprint: `${rule}/${id}`, resource: { id } } as Finding,
});
const hitIds = (h: RuleHit[]) => h.map((x) => x.finding.resource.id).sort();

function problemOf(fn: () => unknown): FileProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof FileProblem) return error;
    throw error;
  }
  throw new Error('expected a FileProblem');
}

/** Read a whole file as the pipeline does when it is not one clean document: gunzip, split, parse each item. */
function readAll(bytes: Uint8Array, chunkSize = 1 << 20) {
  const decoded = decodeBytes(bytes);
  const splitter = new ItemSplitter(2000);
  const batches: SplitBatch[] = [];
  for (let i = 0; i < decoded.length; i += chunkSize) batches.push(...splitter.push(decoded.subarray(i, i + chunkSize)));
  batches.push(...splitter.end());
  const items = batches.flatMap((b) => [...parseItems(b.bytes, b.layout)].map((item) => ({ ...item, unit: b.layout.unit })));
  return {
    records: items.flatMap((i) => ('record' in i ? [i.record] : [])),
    unreadable: items.flatMap((i) => ('reason' in i ? [`${i.unit} ${i.n}: ${i.reason}${i.cut ? ' (cut)' : ''}`] : [])),
    problem: splitter.problem,
    count: splitter.count,
  };
}

describe('reading records: three layouts, gzip or not', () => {
  const layouts = {
    'Records object': JSON.stringify({ Records: biggest.records }),
    'pretty Records object': JSON.stringify({ Records: biggest.records }, null, 2),
    'Records after other keys': JSON.stringify({ digest: { a: [1, { b: '"Records"' }] }, Records: biggest.records, after: [] }),
    'JSON array': JSON.stringify(biggest.records),
    'one record per line': biggest.records.map((r) => JSON.stringify(r)).join('\n') + '\n',
    'one record per line, CRLF and blank lines': biggest.records.map((r) => JSON.stringify(r)).join('\r\n\r\n'),
  };
  for (const [name, text] of Object.entries(layouts)) {
    it(`${name}, plain and gzipped, gives every record of the real file`, () => {
      for (const bytes of [Buffer.from(text), gzipSync(text)]) {
        const read = readAll(bytes);
        expect(read.problem).toBeUndefined();
        expect(read.unreadable).toEqual([]);
        expect(read.records.map((r) => r.eventID)).toEqual(biggest.records.map((r) => r.eventID));
      }
    });
  }

  it('a truncated gzip file, a file that is not gzip or JSON, and JSON that is not CloudTrail are told apart', () => {
    const gz = gzipSync(JSON.stringify({ Records: biggest.records }));
    expect(problemOf(() => decodeBytes(gz.subarray(0, gz.length / 2))).code).toBe('TruncatedFile');
    expect(readAll(Buffer.from('PK\u0003\u0004 this is a zip, not a log')).problem?.code).toBe('InvalidFile');
    const digest = readAll(Buffer.from('{"awsAccountId":"123456789012","digestStartTime":"2023-07-10T11:00:00Z"}'));
    expect([digest.records.length, digest.unreadable, digest.problem]).toEqual([0, ['record 1: eventName missing or not text'], undefined]);
    const cut = readAll(Buffer.from(JSON.stringify({ Records: biggest.records }).slice(0, 5000)));
    expect(cut.problem?.code).toBe('TruncatedFile');
    expect(cut.problem?.message).toBe(
      `the file ends inside record ${cut.records.length + 1} (truncated); ${cut.records.length} record(s) before it were read`,
    );
    expect(readAll(Buffer.from('  \n')).problem?.code).toBe('NotCloudTrail');
  });

  it('keeps what it can, and names what it could not read by its place: a cut last line, items that are not records', () => {
    const lines = biggest.records.slice(0, 5).map((r) => JSON.stringify(r));
    const cut = readAll(Buffer.from(lines.join('\n').slice(0, -40)));
    expect(cut.records).toHaveLength(4);
    expect(cut.unreadable).toEqual(['line 5: not valid JSON (cut)']);
    const mixed = readAll(
      Buffer.from(
        JSON.stringify([
          biggest.records[0],
          { hello: 'world' },
          42,
          'x',
          null,
          [biggest.records[1]],
          { ...biggest.records[2], eventTime: 'redacted' },
        ]),
      ),
    );
    expect(mixed.records).toHaveLength(1);
    expect(mixed.unreadable).toEqual([
      'record 2: eventName missing or not text',
      'record 3: not a JSON object',
      'record 4: not a JSON object',
      'record 5: not a JSON object',
      'record 6: not a JSON object',
      'record 7: eventTime is not a date and time',
    ]);
  });
});

describe('the text of a file', () => {
  it('is what UTF-8 decoding gives, ASCII or not (multi-byte characters, a BOM, invalid bytes)', () => {
    const samples = [
      Buffer.from('{"Records":[{"eventName":"ConsoleLogin"}]}'),
      Buffer.from('{"Records":[{"userName":"jos\u00e9 \u5f20\u4f1f \u{1f600}"}]}'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"Records":[]}')]),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x80, 0x22, 0x7d]),
      Buffer.alloc(0),
    ];
    for (const b of samples) expect(textOf(b)).toBe(b.toString('utf8'));
    expect(textOf(samples[1]!)).toContain('\u5f20');
  });
});

describe('the stream splitter (files too large to parse whole)', () => {
  const tricky: CloudTrailRecord = {
    eventName: 'Odd',
    eventTime: '2023-07-10T00:00:00Z',
    eventID: 'x',
    note: 'braces } { ] [ and "quotes" and a backslash \\ and \u001f and \u001e',
  };
  const sample = [...biggest.records.slice(0, 40), tricky];
  for (const [name, text] of Object.entries({
    'Records object (pretty-printed: records span lines)': JSON.stringify({ Records: sample }, null, 2),
    'JSON array': JSON.stringify(sample),
    'JSON lines': sample.map((r) => JSON.stringify(r)).join('\n'),
    'JSON lines with a junk line': [
      ...sample.slice(0, 3).map((r) => JSON.stringify(r)),
      '{"junk": [1, 2',
      ...sample.slice(3).map((r) => JSON.stringify(r)),
    ].join('\n'),
    'Records of mixed values': JSON.stringify({ Records: [...sample.slice(0, 5), 1, 'two', [3], null, true, ...sample.slice(5)] }),
  })) {
    it(`${name}: the same records and places whatever the chunk size`, () => {
      const reference = readAll(Buffer.from(text), 1 << 30);
      expect(reference.records).toEqual(sample);
      for (const size of [1, 7, 1000]) expect(readAll(Buffer.from(text), size)).toEqual(reference);
    });
  }
  it('a stream cut inside a record is a TruncatedFile, after the records before it', () => {
    const text = JSON.stringify({ Records: sample });
    const splitter = new ItemSplitter(1 << 30);
    splitter.push(Buffer.from(text.slice(0, Math.floor(text.length * 0.6))));
    splitter.end();
    expect(splitter.problem?.code).toBe('TruncatedFile');
    expect(splitter.count).toBeGreaterThan(5);
  });
  it('content after the document is named as such, not as a cut file; the document itself is read', () => {
    for (const [text, records] of [
      [JSON.stringify({ Records: sample.slice(0, 3) }) + ' garbage', 3],
      [JSON.stringify(sample.slice(0, 3)) + ']]', 3],
      [JSON.stringify(sample[0], null, 2) + '\n' + JSON.stringify(sample[1], null, 2), 1],
    ] as const) {
      const read = readAll(Buffer.from(text));
      expect(read.problem?.code).toBe('TrailingData');
      expect(read.problem?.message).toMatch(/^unexpected content after the end of the JSON document \(at byte \d+\): it was not read$/);
      expect(read.records).toHaveLength(records);
    }
  });
  it('a record larger than the limit is counted as unreadable, and reading goes on after it', () => {
    const text = JSON.stringify({ Records: [sample[0], { ...sample[1], big: 'x'.repeat(5000) }, sample[2]] });
    const splitter = new ItemSplitter(1 << 20, 4000);
    const batches = [...splitter.push(Buffer.from(text)), ...splitter.end()];
    expect(batches.flatMap((b) => [...parseItems(b.bytes, b.layout)]).map((i) => i.n)).toEqual([1, 3]);
    expect(splitter.takeSkipped()).toEqual([{ unit: 'record', n: 2, reason: expect.stringMatching(/^larger than /) }]);
  });
});

describe('the time window', () => {
  const now = new Date('2023-07-31T12:00:00Z');
  it('ISO dates and times, relative durations; a date alone as --until is the end of that day', () => {
    expect(parseTimeArg('2023-07-01', now, '--since').toISOString()).toBe('2023-07-01T00:00:00.000Z');
    expect(parseTimeArg('2023-07-31', now, '--until').toISOString()).toBe('2023-08-01T00:00:00.000Z');
    expect(parseTimeArg('2023-07-10T12:30:00Z', now, '--since').toISOString()).toBe('2023-07-10T12:30:00.000Z');
    expect(parseTimeArg('7d', now, '--since').toISOString()).toBe('2023-07-24T12:00:00.000Z');
    expect(parseTimeArg('12h', now, '--since').toISOString()).toBe('2023-07-31T00:00:00.000Z');
    expect(() => parseTimeArg('last tuesday', now, '--since')).toThrow(/not a date or a duration/);
  });
  it('defaults to the last 7 days for remote sources, open for files; since must precede until', () => {
    expect(resolveWindow({}, now, 7)).toEqual({ since: new Date('2023-07-24T12:00:00Z'), until: now });
    expect(resolveWindow({}, now)).toEqual({});
    expect(() => resolveWindow({ since: '2023-08-01', until: '2023-07-01' }, now)).toThrow(/not before/);
  });
  it('S3: lists the day folders of the window, and the day after it (delivery follows the event)', () => {
    expect(daysOf({ since: new Date('2023-07-09T23:00:00Z'), until: new Date('2023-07-11T00:00:00Z') }, now)).toEqual([
      '2023/07/09/',
      '2023/07/10/',
      '2023/07/11/',
    ]);
    expect(parseS3Url('s3://my-trail-bucket/some/prefix')).toEqual({ bucket: 'my-trail-bucket', prefix: 'some/prefix/' });
    expect(parseS3Url('s3://my-trail-bucket')).toEqual({ bucket: 'my-trail-bucket', prefix: '' });
    expect(() => parseS3Url('s3://')).toThrow(/not an S3 location/);
  });
});

describe('the event-name prefilter', async () => {
  it('reads eq/in leaves, intersects under all, unites under any, gives up elsewhere', () => {
    expect(eventNamesOf({ path: 'data.eventName', op: 'eq', value: 'A' })).toEqual(new Set(['A']));
    expect(
      eventNamesOf({
        all: [
          { path: 'data.eventName', op: 'in', value: ['A', 'B'] },
          { path: 'data.eventName', op: 'in', value: ['B', 'C'] },
        ],
      }),
    ).toEqual(new Set(['B']));
    expect(
      eventNamesOf({
        any: [
          { path: 'data.eventName', op: 'eq', value: 'A' },
          { path: 'data.eventName', op: 'eq', value: 'B' },
        ],
      }),
    ).toEqual(new Set(['A', 'B']));
    expect(
      eventNamesOf({
        any: [
          { path: 'data.eventName', op: 'eq', value: 'A' },
          { path: 'data.userIdentity.type', op: 'eq', value: 'Root' },
        ],
      }),
    ).toBeNull();
    expect(eventNamesOf({ not: { path: 'data.eventName', op: 'eq', value: 'A' } })).toBeNull();
    expect(eventNamesOf({ path: 'data.eventName', op: 'in', value: { $option: 'names' } }, { names: ['X'] })).toEqual(new Set(['X']));
  });

  const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);
  const eventRules = rules
    .filter((r) => r.definition.resource === 'aws.cloudtrail.event')
    .map((r) => compileRule(r, undefined, 'test').rule!);
  it('is sound for every shipped event rule over every real record: a record it skips never matches', () => {
    expect(eventRules.length).toBeGreaterThanOrEqual(9);
    let skipped = 0;
    for (const rule of eventRules) {
      const names = eventNamesOf(rule.definition.condition, rule.options);
      for (const r of records) {
        if (names === null || names.has(r.eventName)) continue;
        skipped++;
        const view = {
          type: 'aws.cloudtrail.event',
          id: r.eventID,
          account: 'a',
          region: 'r',
          data: r as never,
          facts: { leakedAccessKey: true },
        };
        expect(rule.condition.test(view, { now: 0 }), `${rule.id} on ${r.eventName}`).toBe(false);
      }
    }
    expect(skipped).toBeGreaterThan(20_000);
  });
});

describe('the rate limiter', () => {
  function fakeClock(): Clock & { t: number } {
    const clock = {
      t: 0,
      now: () => clock.t,
      sleep: async (ms: number) => {
        clock.t += ms;
      },
    };
    return clock;
  }
  it('never lets more than 2 calls into any 1-second window, and is not slower than that', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(2, 1000, clock);
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let i = 0; i < 4; i++) {
          const release = await limiter.acquire();
          times.push(clock.now());
          release();
        }
      }),
    );
    times.sort((a, b) => a - b);
    expect(times).toEqual([0, 0, 1000, 1000, 2000, 2000, 3000, 3000, 4000, 4000, 5000, 5000]);
    for (const t of times) expect(times.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(2);
  });
  it('counts a call from when it finished: a slow call holds its slot, then a full second', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(2, 1000, clock);
    const starts: number[] = [];
    const slow = await limiter.acquire(); // finishes at 700
    starts.push(clock.now());
    const fast = await limiter.acquire(); // finishes at 0
    starts.push(clock.now());
    fast();
    const third = limiter.acquire().then((release) => {
      starts.push(clock.now());
      release();
    });
    await clock.sleep(700);
    slow();
    await third;
    // The third call waits for the fast one's second (0 + 1000), not for the slow one's.
    expect(starts).toEqual([0, 0, 1000]);
    // Finished: the third at 1000, the slow one at 1700: the next may start at 2000.
    const fourth = await limiter.acquire();
    expect(clock.now()).toBe(2000);
    fourth();
  });
  it('backoff doubles per attempt, with jitter in its upper half, capped', () => {
    expect(backoffDelay(0, 500, 20_000, () => 0)).toBe(250);
    expect(backoffDelay(3, 500, 20_000, () => 1)).toBe(4000);
    expect(backoffDelay(10, 500, 20_000, () => 1)).toBe(20_000);
  });
});

describe('attribution: which resources a real event changed, and the last change of each', () => {
  const find = (name: string, pred: (r: RawRecord) => boolean = () => true) => records.find((r) => r.eventName === name && pred(r))!;
  it('maps real write events to the resources they touched', () => {
    expect(touchedResources(find('PutBucketPolicy'))).toEqual([{ type: 'aws.s3.bucket', id: 'stratus-red-team-ctes-bucket-qyxyekjbtk' }]);
    expect(touchedResources(find('AuthorizeSecurityGroupIngress'))).toContainEqual({
      type: 'aws.ec2.security-group',
      id: 'sg-04cfb7a4712d75b00',
    });
    expect(touchedResources(byId('8c282c0b-00d1-4369-95b7-cb50b6eee620'))).toEqual([
      { type: 'aws.iam.user', id: 'malicious-iam-user' },
      { type: 'aws.iam.access-key', id: 'AKIATFQR7NSCQLA2F4OD' },
    ]);
    expect(touchedResources(find('DeleteTrail', (r) => r.errorCode === undefined))).toEqual([
      { type: 'aws.cloudtrail.trail', id: 'stratus-red-team-ctes-trail-qyxyekjbtk' },
    ]);
    expect(touchedResources(find('AllocateAddress'))).toEqual([{ type: 'aws.ec2.elastic-ip', id: 'eipalloc-08a083beb7e83dbc0' }]);
    expect(touchedResources(find('CreateDBInstance'))).toEqual([
      { type: 'aws.rds.db-instance', id: 'terraform-20230710121504061500000001' },
    ]);
  });
  it('reads, failed calls and data events are not changes', () => {
    expect(isSuccessfulWrite(find('DescribeSecurityGroups'))).toBe(false);
    expect(isSuccessfulWrite(find('StopLogging'))).toBe(false); // TrailNotFoundException
    expect(isSuccessfulWrite(find('ConsoleLogin'))).toBe(false);
    expect(isSuccessfulWrite(find('PutBucketPolicy'))).toBe(true);
    const writes = records.filter((r) => isSuccessfulWrite(r as CloudTrailRecord));
    expect(writes.every((r) => !/^(Get|List|Describe)/.test(r.eventName) && r.errorCode === undefined)).toBe(true);
  });
  it('a finding is attributed to the latest change of its resource; event findings and untouched resources are not', () => {
    const finding = (type: string, id: string): Finding => ({
      fingerprint: id,
      ruleId: 'r',
      title: 't',
      severity: 'high',
      kind: 'security',
      resource: { type, id, account: '123456789012', region: 'eu-west-1' },
      message: 'm',
      evidence: [],
      remediation: { text: 't' },
    });
    const early = { eventName: 'PutBucketAcl', eventTime: '2023-07-10T10:00:00Z', eventID: 'a', eventSource: 's3.amazonaws.com' };
    const late = { ...early, eventName: 'PutBucketPolicy', eventTime: '2023-07-10T11:00:00Z', eventID: 'b' };
    const key = resourceKey('aws.s3.bucket', '123456789012', 'us-east-1', 'web'); // bucket events may come from another region's endpoint
    const out = attributeFindings(
      [finding('aws.s3.bucket', 'web'), finding('aws.s3.bucket', 'other'), finding('aws.cloudtrail.event', 'web')],
      new Map([[key, late]]),
    );
    expect(out[0]!.attribution).toEqual(late);
    expect(out[1]!.attribution).toBeUndefined();
    expect(out[2]!.attribution).toBeUndefined();
    expect(early.eventTime < late.eventTime).toBe(true);
  });
});

describe('event facts: leaked key ids', () => {
  it('flags a call signed with a leaked key and masks the id', () => {
    const record = byId('f4923a37-92d5-4dfd-9786-6caef2b5f33c') as CloudTrailRecord;
    const leakedOnly = [leakedKeyFacts];
    expect(eventFacts(record, { leakedKeyIds: new Set() }, leakedOnly)).toEqual({ leakedAccessKey: false });
    expect(eventFacts(record, { leakedKeyIds: new Set(['AKIATFQR7NSC8Q4X20BJ']) }, leakedOnly)).toEqual({
      leakedAccessKey: true,
      accessKeyIdMasked: 'AKIA…20BJ',
    });
    // Among every module's facts, the leaked-key facts are the same.
    expect(eventFacts(record, { leakedKeyIds: new Set(['AKIATFQR7NSC8Q4X20BJ']) })).toMatchObject({
      leakedAccessKey: true,
      accessKeyIdMasked: 'AKIA…20BJ',
    });
    expect(maskKeyId('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE');
  });
});

describe('Elastic IP allocations correlated over the stream', () => {
  const events = records
    .map((r) => addressEventOf(r as CloudTrailRecord, String(r.recipientAccountId), String(r.awsRegion)))
    .filter((e): e is AddressEvent => e !== undefined);
  it('the real data allocates 3 addresses and releases all 3: nothing is left, in any order', () => {
    expect(events.map((e) => e.kind).sort()).toEqual(['allocate', 'allocate', 'allocate', 'release', 'release', 'release']);
    for (const order of [events, [...events].reverse()]) {
      const tracker = new AllocationTracker();
      order.forEach((e) => tracker.add(e));
      const resources = tracker.resources('2023-07-31T00:00:00Z');
      expect(resources).toHaveLength(3);
      expect(resources.every((r) => r.data.releasedAt !== null && r.data.associatedAt === null)).toBe(true);
    }
  });
  it('without its release, an allocation stays unassociated; a release before the allocation does not count', () => {
    const tracker = new AllocationTracker();
    const alloc = events.find((e) => e.kind === 'allocate')!;
    tracker.add(alloc);
    tracker.add({ ...alloc, kind: 'release', eventTime: '2023-07-01T00:00:00Z', eventID: 'earlier' });
    const [resource] = tracker.resources('2023-07-10T13:55:08Z');
    expect(resource!.data).toMatchObject({
      allocationId: alloc.allocationId,
      releasedAt: null,
      associatedAt: null,
      hoursSinceAllocation: 2,
    });
  });
});

describe('the event evaluator', async () => {
  const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);
  const specs = rules
    .filter((r) => r.definition.resource === 'aws.cloudtrail.event')
    .map((r) => ({ file: r.file, definition: r.definition, severity: r.definition.severity, options: {} }));
  it('evaluates only the events inside the window', () => {
    const evaluator = new EventEvaluator({
      rules: specs,
      since: '2023-07-10T12:00:00Z',
      until: '2023-07-10T12:10:00Z',
      now: 0,
      leakedKeyIds: [],
      attribution: { mode: 'off' },
      maxFindingsPerRule: 100,
    });
    const all = allRecords(invictus) as CloudTrailRecord[];
    const result = evaluator.processRecords('x', all);
    expect(result.unreadable).toBe(0);
    expect(result.records).toBe(all.length);
    expect(result.events).toBe(all.filter((r) => r.eventTime >= '2023-07-10T12:00:00Z' && r.eventTime < '2023-07-10T12:10:00Z').length);
    expect(result.events).toBeLessThan(all.length);
  });
  it('keeps the most recent findings per rule, the same whatever the input order', () => {
    const hits = [
      hit(0, '2023-01-01T00:00:01Z', 'a'),
      hit(0, '2023-01-01T00:00:03Z', 'b'),
      hit(0, '2023-01-01T00:00:02Z', 'c'),
      hit(1, '2023-01-01T00:00:00Z', 'd'),
    ];
    expect(hitIds(capHits(hits, 2, 2))).toEqual(['b', 'c', 'd']);
    expect(hitIds(capHits([...hits].reverse(), 2, 2))).toEqual(['b', 'c', 'd']);
  });
  it('an event read twice takes one place among those kept, and both copies are kept for the results model to count once', () => {
    const hits = [
      hit(0, '2023-01-01T00:00:03Z', 'b'),
      hit(0, '2023-01-01T00:00:01Z', 'a'),
      hit(0, '2023-01-01T00:00:03Z', 'b'),
      hit(0, '2023-01-01T00:00:02Z', 'c'),
    ];
    expect(hitIds(capHits(hits, 1, 2))).toEqual(['b', 'b', 'c']);
  });
});

describe('the raw fast path for files as CloudTrail delivers them', async () => {
  const { scanDeliveredFile } = await import('../src/cloudtrail/delivered-file.js');
  const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);
  const specs = rules
    .filter((r) => r.definition.resource === 'aws.cloudtrail.event')
    .map((r) => ({
      file: r.file,
      definition: r.definition,
      severity: r.definition.severity,
      options: Object.fromEntries(Object.entries(r.definition.options ?? {}).map(([k, o]) => [k, o.default])),
    }));
  const invictusRecords = allRecords(invictus);
  // A root sign-in and a call with a given key, so the text patterns have something to find.
  const root: RawRecord = {
    ...invictusRecords.find((r) => r.eventName === 'ConsoleLogin')!,
    eventID: 'f00d0000-0000-4000-8000-000000000001',
  };
  (root as Record<string, unknown>).userIdentity = {
    type: 'Root',
    principalId: '123837392027',
    arn: 'arn:aws:iam::123837392027:root',
    accountId: '123837392027',
  };
  const records = [...invictusRecords, root];
  const delivered = JSON.stringify({ Records: records });

  it('finds every record of the real files, with the fields the parser reads', () => {
    const found = scanDeliveredFile(delivered)!;
    expect(found).toHaveLength(records.length);
    found.forEach((r, i) => {
      const record = records[i]!;
      expect(JSON.parse(delivered.slice(r.start, r.end))).toEqual(record);
      expect([r.eventTime, r.eventName, r.eventSource, r.awsRegion, r.recipientAccountId]).toEqual([
        record.eventTime,
        record.eventName,
        record.eventSource,
        record.awsRegion,
        record.recipientAccountId,
      ]);
    });
  });

  it('refuses what it cannot read exactly: another key order glued in, a nested record, pretty-printing', () => {
    const sorted = Object.fromEntries(Object.entries(invictusRecords[0]!).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(scanDeliveredFile(JSON.stringify({ Records: [invictusRecords[0], sorted, invictusRecords[1]] }))).toBeUndefined();
    const nested = { ...invictusRecords[0]!, requestParameters: { copy: invictusRecords[1] } };
    expect(scanDeliveredFile(JSON.stringify({ Records: [invictusRecords[0], nested] }))).toBeUndefined();
    expect(scanDeliveredFile(JSON.stringify({ Records: invictusRecords.slice(0, 3) }, null, 1))).toBeUndefined();
    expect(scanDeliveredFile(JSON.stringify(invictusRecords.slice(0, 3)))).toBeUndefined();
  });

  const modes: Record<string, AttributionMode> = {
    'no attribution': { mode: 'off' },
    'attribution of every change': { mode: 'all' },
    'attribution of a few resources': {
      mode: 'targets',
      keys: [
        'aws.s3.bucket\u0000123837392027\u0000*\u0000stratus-red-team-ctes-bucket-qyxyekjbtk',
        'aws.ec2.security-group\u0000123837392027\u0000us-east-1\u0000sg-04cfb7a4712d75b00',
      ],
    },
  };
  for (const [name, attribution] of Object.entries(modes)) {
    for (const leakedKeyIds of [[], ['AKIATFQR7NSC8Q4X20BJ']]) {
      it(`gives the same result as parsing everything (${name}; ${leakedKeyIds.length ? 'a leaked key' : 'no leaked key'}; a window)`, () => {
        const config = {
          rules: specs,
          now: 0,
          leakedKeyIds,
          attribution,
          maxFindingsPerRule: 1000,
          since: '2023-07-10T11:50:00Z',
          until: '2023-07-10T12:30:00Z',
        };
        const viaRaw = new EventEvaluator(config).processBytes('f', gzipSync(delivered));
        const viaParser = new EventEvaluator(config).processRecords('f', JSON.parse(delivered).Records);
        expect(viaRaw).toEqual(viaParser);
        expect(viaRaw.events).toBeGreaterThan(1000);
        expect(viaRaw.hits.length).toBeGreaterThan(10);
        if (leakedKeyIds.length)
          expect(viaRaw.hits.filter((h) => h.finding.ruleId === 'cloudtrail-leaked-access-key-used').length).toBeGreaterThan(100);
        expect(viaRaw.hits.some((h) => h.finding.ruleId === 'cloudtrail-root-user-activity')).toBe(true);
      });
    }
  }
});

describe('per-event arithmetic read by hand', () => {
  /** The canonical-IPv4 test as a regular expression reads it (the form this replaced). */
  const reference = (value: string): number => {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
    if (!m) return -1;
    const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    if (a > 255 || b > 255 || c > 255 || d > 255 || `${a}.${b}.${c}.${d}` !== value) return -1;
    return ((a * 256 + b) * 256 + c) * 256 + d;
  };
  const rand = seededRandom(5);
  it('an IPv4 address as a number: canonical forms only, as the regular expression read them', () => {
    const pieces = ['0', '1', '9', '10', '01', '255', '256', '999', '1000', '.', '..', ':', 'a', ' ', ''];
    const values = [
      '0.0.0.0',
      '255.255.255.255',
      '1.2.3.4',
      '010.1.2.3',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.4 ',
      '::ffff:1.2.3.4',
      '',
      'AWS Internal',
    ];
    for (let n = 0; n < 20000; n++) {
      let v = '';
      const parts = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < parts; i++) v += pieces[Math.floor(rand() * pieces.length)];
      values.push(v, `${Math.floor(rand() * 300)}.${Math.floor(rand() * 300)}.${Math.floor(rand() * 300)}.${Math.floor(rand() * 300)}`);
    }
    for (const v of values) expect(ipv4Number(v), v).toBe(reference(v));
    // Read inside a longer text without cutting it.
    expect(ipv4At('"198.51.100.7"', 1, 13)).toBe(reference('198.51.100.7'));
  });
  it('an event time in ms is what Date.parse reads, and a time reads as written when it is', () => {
    const times = [
      '2026-02-31T00:00:00Z',
      '2026-02-28T23:59:60Z',
      '2026-02-28T24:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T00:00:00.123Z',
      '2026-01-0xT00:00:00Z',
      '2026-01-01T0x:00:00Z',
      '2026-01-01T00:00:00+02:00',
    ];
    for (let n = 0; n < 5000; n++) {
      const t = Date.UTC(1990 + Math.floor(rand() * 60), 0, 1) + Math.floor(rand() * 366 * 86400) * 1000;
      times.push(new Date(t).toISOString().replace('.000Z', 'Z'));
    }
    for (const time of times) {
      const ms = eventMs(time);
      expect(ms, time).toBe(Date.parse(time));
      if (!Number.isNaN(ms)) expect(sameAsIso(time, ms), time).toBe(time === iso(ms));
    }
    expect(sameAsIso('2026-02-31T00:00:00Z', eventMs('2026-02-31T00:00:00Z'))).toBe(false);
    expect(sameAsIso('2026-05-20T09:00:00Z', Date.parse('2026-05-20T09:00:01Z'))).toBe(false);
  });
});

describe('place table and kept rows', () => {
  it('finds what a map finds over many places of both kinds, through growth', () => {
    const table = new PlaceTable();
    const reference = new Map<string | number, { t: number; row: number }>();
    const rand = seededRandom(3);
    for (let n = 0; n < 50000; n++) {
      const place: string | number =
        rand() < 0.9 ? Math.floor(rand() * 2 ** 32) % (rand() < 0.5 ? 4096 : 2 ** 32) : `host-${Math.floor(rand() * 500)}`;
      const t = Math.floor(rand() * 1e12);
      const i = table.find(place);
      const had = reference.get(place);
      expect(i >= 0).toBe(had !== undefined);
      if (i < 0) {
        table.insert(place, t);
        reference.set(place, { t, row: -1 });
      } else {
        expect(table.time(i)).toBe(had!.t);
        expect(table.row(i)).toBe(had!.row);
        expect(table.place(i)).toBe(place);
        table.set(i, t, n);
        reference.set(place, { t, row: n });
      }
    }
    expect(table.size).toBe(reference.size);
  });
  it('keeps ids as written, UUIDs as numbers and anything else as text', () => {
    const rows = new HeldRows();
    const ids = [
      'a11c3e55-0000-4000-8000-000000000002',
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'A11C3E55-0000-4000-8000-000000000002',
      'not-a-uuid',
      '',
    ];
    const at = ids.map((id, k) => {
      const r = rows.add();
      rows.write(r, id, k, 2 * k, -2, k % 2 ? '2026-02-31T00:00:00Z' : undefined);
      return r;
    });
    ids.forEach((id, k) => {
      expect(rows.id(at[k]!)).toBe(id);
      expect([rows.key(at[k]!), rows.context(at[k]!), rows.address(at[k]!), rows.time(at[k]!)]).toEqual([
        k,
        2 * k,
        -2,
        k % 2 ? '2026-02-31T00:00:00Z' : undefined,
      ]);
    });
    // A row rewritten with another kind of id reads as the new one.
    rows.write(at[4]!, ids[0]!, 0, 0, -1, undefined);
    rows.write(at[0]!, 'other', 0, 0, -1, undefined);
    expect([rows.id(at[4]!), rows.id(at[0]!)]).toEqual([ids[0], 'other']);
  });
});

describe('sightings kept compactly', () => {
  const event = (id: string, address: string, t: number) => ({
    id,
    key: '["k"]',
    account: '123456789012',
    region: 'us-east-1',
    data: {
      eventTime: new Date(t).toISOString().replace('.000Z', 'Z'),
      eventName: 'ConsoleLogin',
      sourceIPAddress: address,
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' },
    },
  });
  const T = Date.parse('2026-05-20T09:00:00Z');
  it("a place keeps its earliest event with that event's own address, through replaced and reused rows", () => {
    const store = new SightingStore();
    const seen = () =>
      store
        .answer({ round: 'candidates', rules: [{ rule: 0 }] })
        .candidates![0]!.map((m) => [m.value, m.id, m.sample.sourceIPAddress])
        .sort();
    // Places are networks (a /24): the address is not the place, and is kept as text.
    store.add(0, 'root', '203.0.113.0/24', T + 10_000, event('e1', '203.0.113.7', T + 10_000));
    store.add(0, 'root', '203.0.113.0/24', T + 5_000, event('e2', '203.0.113.9', T + 5_000));
    expect(seen()).toEqual([['203.0.113.0/24', 'e2', '203.0.113.9']]);
    // An earlier history event frees the row; another place's event reuses it.
    store.add(0, 'root', '203.0.113.0/24', T);
    store.add(0, 'root', '198.51.100.0/24', T + 20_000, event('e3', '198.51.100.4', T + 20_000));
    expect(seen()).toEqual([['198.51.100.0/24', 'e3', '198.51.100.4']]);
    // An exact address as its place: the place itself is the address.
    store.add(0, 'root', '192.0.2.1', T + 30_000, event('e4', '192.0.2.1', T + 30_000));
    expect(seen()).toEqual([
      ['192.0.2.1', 'e4', '192.0.2.1'],
      ['198.51.100.0/24', 'e3', '198.51.100.4'],
    ]);
    expect(store.answer({ round: 'earliest', places: [[0, 'root', '203.0.113.0/24']] }).earliest).toEqual([{ t: T, matched: false }]);
  });

  it('kept events share a context only when all but their time, id and address are the same, kept from the record or its parts', () => {
    const store = new SightingStore();
    // One identity object for all, as light records of one identity text share one.
    const identity = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/bob', userName: 'bob' };
    const variants: Array<{ account: string; region: string; data: Record<string, unknown> }> = [];
    for (const account of ['123456789012', '210987654321'])
      for (const region of ['us-east-1', 'eu-west-1'])
        for (const eventName of ['ListBuckets', 'GetCallerIdentity'])
          for (const eventSource of ['s3.amazonaws.com', undefined])
            for (const userAgent of ['aws-cli/2.17.0', 'Boto3/1.34.0', undefined])
              variants.push({
                account,
                region,
                data: { eventName, ...(eventSource ? { eventSource } : {}), ...(userAgent ? { userAgent } : {}), userIdentity: identity },
              });
    const expected = new Map<string, unknown>();
    // Twice over (the second time finding the contexts kept the first), half through parts() as a light plan's event gives them.
    for (let round = 0; round < 2; round++)
      variants.forEach(({ account, region, data }, k) => {
        const id = `e${round}-${k}`;
        const address = `192.0.2.${k}`;
        const t = T + 1000 * (round * variants.length + k);
        const record = { ...data, eventTime: iso(t), sourceIPAddress: address };
        const viaParts = k % 2 === round;
        store.add(0, `p${round}`, address, t, {
          id,
          key: '["k"]',
          account,
          region,
          data: record,
          parts: viaParts
            ? () => ({
                eventTime: iso(t),
                address,
                identity,
                eventName: data.eventName,
                eventSource: data.eventSource,
                userAgent: data.userAgent,
              })
            : undefined,
        });
        expected.set(id, sampleOf(record, id, account, region));
      });
    const kept = store.answer({ round: 'candidates', rules: [{ rule: 0 }] }).candidates![0]!;
    expect(kept).toHaveLength(2 * variants.length);
    for (const m of kept) expect(m.sample, m.id).toEqual(expected.get(m.id));
  });
});
