// Correlation over time (issue 14, point 8) and allow-lists (point 10): sliding windows and their
// boundaries, records out of order and split between workers, the memory bound, "never seen
// before", AWS's address ranges, and what an allow-list leaves out and counts.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { compileAllowList } from '../src/cloudtrail/allow-list.js';
import { AwsIpIndex, parseAwsIpRanges } from '../src/cloudtrail/aws-ip-ranges.js';
import { placeOf } from '../src/cloudtrail/correlation/collect.js';
import { scanDeliveredFile } from '../src/cloudtrail/delivered-file.js';
import { LIGHT_FIELDS, lightRecord } from '../src/cloudtrail/light-records.js';
import { evaluateChunksInline } from '../src/cloudtrail/correlation/inline.js';
import type { Match } from '../src/cloudtrail/correlation/types.js';
import { sequenceMatches, thresholdWindows } from '../src/cloudtrail/correlation/windows.js';
import { eventKey } from '../src/cloudtrail/event-key.js';
import type { EvaluatorConfig } from '../src/cloudtrail/event-evaluator.js';
import { instanceCredentialsFact } from '../src/cloudtrail/facts/instance-credentials.js';
import { evaluateEvents } from '../src/cloudtrail/pipeline.js';
import { fileSource } from '../src/cloudtrail/sources/files.js';
import { buildResults } from '../src/engine/results.js';
import { compileRule, loadRuleFiles, type RuleFile } from '../src/ruleset/load.js';
import type { AllowEntry } from '../src/ruleset/types.js';
import type { JsonObject } from '../src/util/json.js';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';
import { seededRandom } from './support/random.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'awsaudit-ctcorr-'));
const T0 = Date.parse('2026-05-20T09:00:00Z');
const MIN = 60_000;

const match = (minutes: number, id: string, value?: string, key = 'k', account = '123456789012'): Match => ({
  t: T0 + minutes * MIN,
  id,
  event: eventKey(id, account, 'us-east-1'),
  account,
  region: 'us-east-1',
  key,
  ...(value !== undefined ? { value } : {}),
  sample: {
    eventTime: new Date(T0 + minutes * MIN).toISOString(),
    eventID: id,
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    recipientAccountId: account,
  },
});

describe('sliding windows', () => {
  it('finds a span of the window holding the threshold, wherever it starts', () => {
    // 0, 8, 9, 11, 12: the first window [0,10] holds 3, the one from 8 holds 4.
    const w = thresholdWindows(
      [0, 8, 9, 11, 12].map((m, i) => match(m, `e${i}`)),
      4,
      10 * MIN,
      false,
    );
    expect(w).toHaveLength(1);
    expect(w[0]!.events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
  });
  it('counts copies of one event once (the same key), and events of two accounts that share an id twice', () => {
    const copies = [0, 1, 1, 2, 2].map((m, i) => match(m, `e${Math.ceil(i / 2)}`));
    expect(thresholdWindows(copies, 4, 10 * MIN, false)).toHaveLength(0);
    expect(thresholdWindows(copies, 3, 10 * MIN, false)[0]!.events.map((e) => e.id)).toEqual(['e0', 'e1', 'e2']);
    const twoAccounts = [match(0, 'e0'), match(1, 'e1'), match(1, 'e1', undefined, 'k', '210987654321')];
    expect(thresholdWindows(twoAccounts, 3, 10 * MIN, false)).toHaveLength(1);
  });
  it('includes an event exactly one window after the first, not one a second later', () => {
    const at = (s: number) => ({ ...match(0, `s${s}`), t: T0 + s * 1000 });
    expect(thresholdWindows([at(0), at(300), at(600)], 3, 10 * MIN, false)).toHaveLength(1);
    expect(thresholdWindows([at(0), at(300), at(601)], 3, 10 * MIN, false)).toHaveLength(0);
  });
  it('reports an event in one window only, and starts the next window after it', () => {
    const w = thresholdWindows(
      [0, 1, 2, 3, 4, 5].map((m, i) => match(m, `e${i}`)),
      3,
      10 * MIN,
      false,
    );
    expect(w.map((x) => x.events.length)).toEqual([6]);
    const apart = thresholdWindows(
      [0, 1, 2, 30, 31, 32].map((m, i) => match(m, `e${i}`)),
      3,
      10 * MIN,
      false,
    );
    expect(apart.map((x) => x.events[0]!.id)).toEqual(['e0', 'e3']);
  });
  it('counts distinct values, and copies of one event once', () => {
    const events = [match(0, 'a', 'alice'), match(1, 'b', 'alice'), match(2, 'c', 'bob'), match(3, 'd', 'carol'), match(3, 'd', 'carol')];
    expect(thresholdWindows(events, 3, 10 * MIN, true)[0]).toMatchObject({ count: 3, values: ['alice', 'bob', 'carol'] });
    expect(thresholdWindows(events, 4, 10 * MIN, true)).toHaveLength(0);
    expect(thresholdWindows(events, 5, 10 * MIN, false)).toHaveLength(0);
  });
  it('gives the same windows whatever order the events come in', () => {
    const events = [0, 3, 4, 9, 20, 21, 22, 40].map((m, i) => match(m, `e${i}`));
    const sorted = JSON.stringify(thresholdWindows(events, 3, 5 * MIN, false));
    for (let k = 0; k < 5; k++) {
      const shuffled = [...events].sort(() => Math.random() - 0.5);
      expect(JSON.stringify(thresholdWindows(shuffled, 3, 5 * MIN, false))).toBe(sorted);
    }
  });
  it('a sequence needs B after A and within the window, with the same key', () => {
    const a = match(0, 'a', undefined, 'key1');
    const b = [match(-1, 'early', undefined, 'key1'), match(61, 'late', undefined, 'key1'), match(30, 'other', undefined, 'key2')];
    expect(sequenceMatches([a], b, 60 * MIN)).toHaveLength(0);
    expect(sequenceMatches([a], [...b, match(60, 'ok', undefined, 'key1')], 60 * MIN)[0]).toMatchObject({ then: { id: 'ok' }, count: 1 });
  });
});

describe('places', () => {
  it('reduces addresses to their network; other values stay as they are', () => {
    expect(placeOf('203.0.113.77', 24, 48)).toBe('203.0.113.0/24');
    expect(placeOf('203.0.113.77', 32, 128)).toBe('203.0.113.77');
    expect(placeOf('2001:db8:aaaa:1::10', 24, 48)).toBe('2001:db8:aaaa::/48');
    expect(placeOf('::ffff:198.51.100.9', 24, 48)).toBe('198.51.100.0/24');
    expect(placeOf('AWS Internal', 24, 48)).toBe('AWS Internal');
    expect(placeOf('', 24, 48)).toBeUndefined();
  });
});

// --------------------------------------------------------------------------- rules on records
const rulesDir = path.join(ROOT, 'rules', 'cloudtrail');
const loaded = await loadRuleFiles([rulesDir]);
const ruleFile = (id: string): RuleFile => loaded.rules.find((r) => r.definition.id === id)!;
const config = (ids: string[], extra: Partial<EvaluatorConfig> = {}, allow?: AllowEntry[]): EvaluatorConfig => ({
  rules: ids.map((id) => {
    const f = ruleFile(id);
    const c = compileRule(f, undefined, 'test').rule!;
    return { file: f.file, definition: f.definition, severity: c.severity, options: c.options, ...(allow ? { allow } : {}) };
  }),
  now: Date.parse('2026-06-01T00:00:00Z'),
  leakedKeyIds: [],
  attribution: { mode: 'off' },
  maxFindingsPerRule: 1000,
  ...extra,
});
const caseRecords = (id: string, expect: 'fail' | 'pass', i = 0): JsonObject[] => ruleFile(id).definition.tests[expect][i]!.records!;
const fingerprints = (r: { findings: Array<{ fingerprint: string }> }) => r.findings.map((f) => f.fingerprint).sort();

describe('correlation across chunks and workers', () => {
  const id = 'cloudtrail-console-brute-force';
  const records = caseRecords(id, 'fail');
  it('records split between two evaluators (two workers), in any order, give the one finding of the whole run', () => {
    const whole = evaluateChunksInline(config([id]), [records]);
    expect(whole.findings).toHaveLength(1);
    const split = evaluateChunksInline(config([id]), [records.slice(3), records.slice(0, 3)], { separateEvaluators: true });
    const single = evaluateChunksInline(
      config([id]),
      records.map((r) => [r]),
      { separateEvaluators: true },
    );
    expect(fingerprints(split)).toEqual(fingerprints(whole));
    expect(fingerprints(single)).toEqual(fingerprints(whole));
    expect(split.findings[0]!.message).toBe(whole.findings[0]!.message);
  });
  it("the fingerprint is the window's first event: the same whether later failures are read or not", () => {
    const more = [...records, { ...records[0]!, eventID: 'b7f3c2a0-0000-4000-8000-000000000099', eventTime: '2026-05-20T09:05:00Z' }];
    expect(fingerprints(evaluateChunksInline(config([id]), [more]))).toEqual(fingerprints(evaluateChunksInline(config([id]), [records])));
  });
  it('past the bound, the state is truncated and said so: a note, and the rule partial', () => {
    const r = evaluateChunksInline(config([id]), [records], { maxCorrelationEntries: 3 });
    expect(r.findings).toHaveLength(0);
    expect(r.truncated.has(0)).toBe(true);
    expect(r.notes[0]).toMatch(
      /^cloudtrail-console-brute-force: correlation state truncated: more than 3 matching events .* 2 later ones were not correlated/,
    );
  });

  it('"never seen" is judged over every worker: a place one worker saw earlier is not new in another', () => {
    const root = 'cloudtrail-root-sign-in-new-place';
    const fail = caseRecords(root, 'fail');
    // Root read the account from the new sign-in's network after the learning period, before it signed in.
    const earlier = {
      ...fail[2]!,
      eventID: '5e1d0c9a-0000-4000-8000-000000000099',
      eventTime: '2026-05-10T00:00:00Z',
      sourceIPAddress: '198.51.100.7',
    };
    expect(evaluateChunksInline(config([root]), [fail], { separateEvaluators: true }).findings).toHaveLength(1);
    for (const chunks of [
      [fail, [earlier]],
      [[earlier], fail],
    ])
      expect(evaluateChunksInline(config([root]), chunks, { separateEvaluators: true }).findings).toHaveLength(0);
    // The same network seen later than the sign-in changes nothing.
    const later = { ...earlier, eventTime: '2026-05-20T00:00:00Z' };
    const r = evaluateChunksInline(config([root]), [[later], fail], { separateEvaluators: true });
    expect(r.findings.map((f) => f.message)).toEqual([ruleFile(root).definition.tests.fail[0]!.message]);
  });
  it('places past what a worker keeps are dropped and said so: the rule partial', () => {
    const root = 'cloudtrail-root-sign-in-new-place';
    const r = evaluateChunksInline(config([root], { maxSightings: 1 }), [caseRecords(root, 'fail')]);
    expect(r.truncated.has(0)).toBe(true);
    expect(r.notes).toEqual([
      expect.stringMatching(
        /^cloudtrail-root-sign-in-new-place: correlation state truncated: more places seen than a worker keeps \(1\); 5 sighting\(s\) of places not kept were not compared/,
      ),
    ]);
  });

  it('2 worker threads over files in any order find what one thread finds (every correlation rule)', async () => {
    const ids = [
      'cloudtrail-console-brute-force',
      'cloudtrail-console-password-spraying',
      'cloudtrail-root-sign-in-new-place',
      'cloudtrail-new-access-key-used-from-new-place',
    ];
    const all = ids.flatMap((i) => caseRecords(i, 'fail'));
    // Every record in a file of its own, the files named so that they are read in reverse time order.
    const dir = tmp();
    const sorted = [...all].sort((a, b) => (a.eventTime as string).localeCompare(b.eventTime as string));
    sorted.forEach((r, k) =>
      writeFileSync(path.join(dir, `${String(sorted.length - k).padStart(3, '0')}.json`), JSON.stringify({ Records: [r] })),
    );
    const rules = ids.map((i) => compileRule(ruleFile(i), undefined, 'test').rule!);
    const run = (workers: number) =>
      evaluateEvents([fileSource([dir])], rules, {
        now: new Date('2026-06-01T00:00:00Z'),
        window: {},
        workers,
        attribution: { mode: 'off' },
      });
    const [threads, inline] = await Promise.all([run(2), run(0)]);
    const built = buildResults([threads.results]);
    expect(built.findings.map((f) => f.ruleId).sort()).toEqual([...ids].sort());
    expect(built).toEqual(buildResults([inline.results]));
    // Files as CloudTrail delivers them are read light where a rule allows it; records parsed whole find the same.
    const parsed = evaluateChunksInline(config(ids), [all]);
    expect(built.findings.map((f) => f.fingerprint).sort()).toEqual(fingerprints(parsed));
    expect(built.findings.map((f) => f.message).sort()).toEqual(parsed.findings.map((f) => f.message).sort());
  });

  it('after the deadline, what is new is not judged: the unseen rules are partial and say why', async () => {
    const root = 'cloudtrail-root-sign-in-new-place';
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ Records: caseRecords(root, 'fail') }));
    const r = await evaluateEvents([fileSource([dir])], [compileRule(ruleFile(root), undefined, 'test').rule!], {
      now: new Date('2026-06-01T00:00:00Z'),
      window: {},
      workers: 1,
      attribution: { mode: 'off' },
      deadline: { at: Date.now() - 1, flag: '--timeout 1s' },
    });
    expect(r.notes).toContain(`${root}: what was new could not be judged after --timeout 1s expired; this rule's result is partial`);
    const built = buildResults([r.results]);
    expect(built.findings).toEqual([]);
    expect(built.rules.find((x) => x.ruleId === root)).toMatchObject({ status: 'incomplete' });
  });
  it('a light record has exactly the fields of the record it was read from', () => {
    const records = caseRecords('cloudtrail-new-access-key-used-from-new-place', 'fail');
    const text = JSON.stringify({ Records: records });
    const scanned = scanDeliveredFile(text)!;
    expect(scanned).toHaveLength(records.length);
    scanned.forEach((r, k) => {
      const light = lightRecord(text, r)!;
      expect(light).toBeDefined();
      const whole = records[k]!;
      expect(light).toEqual(Object.fromEntries(Object.keys(light).map((f) => [f, whole[f]])));
      expect(Object.keys(light).sort()).toEqual([...LIGHT_FIELDS].filter((f) => f in whole).sort());
    });
    // Another field order: no light form (the record is parsed whole).
    const reordered = JSON.stringify({
      Records: [
        {
          eventVersion: '1.09',
          eventTime: '2026-05-20T09:00:00Z',
          userIdentity: {},
          eventName: 'X',
          awsRegion: 'us-east-1',
          recipientAccountId: '1',
        },
      ],
    });
    const one = scanDeliveredFile(reordered);
    expect(one === undefined || lightRecord(reordered, one[0]!) === undefined).toBe(true);
  });

  it('light records judged once per identity (light plans) find what evaluating every record whole finds', async () => {
    // A generated archive around the two "never seen" rules' cases: users, keys (long-term and
    // session), identities with and without a session, addresses of every form a place reads
    // (exact, non-canonical, IPv6, IPv4 inside IPv6, a service name), times over three days,
    // files of 40 records read in shuffled order; with and without an allow-list that reads the address.
    const ids = ['cloudtrail-new-access-key-used-from-new-place', 'cloudtrail-root-sign-in-new-place'];
    const templates = ids.flatMap((i) => [...caseRecords(i, 'fail'), ...caseRecords(i, 'pass')]);
    const rand = seededRandom(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const addresses = [
      '203.0.113.50',
      '198.51.100.7',
      '010.1.2.3',
      '2001:db8::1',
      '2001:db8::2',
      '::ffff:198.51.100.7',
      'AWS Internal',
      'iam.amazonaws.com',
    ];
    const keys = ['AKIAI44QH8DHBEXAMPLE', 'AKIAIOSFODNN7EXAMPLE', 'ASIAIOSFODNN7EXAMPLE', 'AKIAJ2QEXAMPLE7NVKXQ'];
    const records: JsonObject[] = [];
    for (let n = 0; n < 1200; n++) {
      const r = structuredClone(pick(templates)) as JsonObject & { userIdentity: Record<string, unknown> };
      const user = pick(['bob', 'alice', 'carol']);
      if (r.userIdentity.type === 'IAMUser') {
        r.userIdentity.userName = user;
        r.userIdentity.arn = `arn:aws:iam::123456789012:user/${user}`;
        r.userIdentity.accessKeyId = pick(keys);
        if (rand() < 0.3)
          r.userIdentity.sessionContext = {
            attributes: { creationDate: '2026-05-19T00:00:00Z', mfaAuthenticated: pick(['true', 'false']) },
          };
        // Calls of one service under other names: samples that differ by their name only.
        if (r.eventSource === 's3.amazonaws.com') r.eventName = pick(['ListBuckets', 'GetBucketAcl', 'ListObjects']);
      }
      r.sourceIPAddress = rand() < 0.5 ? `198.51.${Math.floor(rand() * 4)}.${Math.floor(rand() * 8)}` : pick(addresses);
      if (rand() < 0.5)
        r.userAgent = pick([
          'agent "quoted" \\ and a backslash written with escapes',
          'aws-cli/2.17.0',
          'Boto3/1.34.0',
          'console.amazonaws.com',
          'agent "quoted" \\ and a backslash written with escapes',
        ]);
      r.eventTime = new Date(Date.parse('2026-05-19T00:00:00Z') + Math.floor(rand() * 3 * 24 * 60) * MIN)
        .toISOString()
        .replace('.000Z', 'Z');
      r.eventID = `a11c3e55-0000-4000-8000-${String(n).padStart(12, '0')}`;
      records.push(r);
    }
    // And the rule's own case for a user of its own, its calls from an agent written with escapes.
    for (const r of caseRecords('cloudtrail-new-access-key-used-from-new-place', 'fail')) {
      const copy = structuredClone(r) as JsonObject & {
        userIdentity: Record<string, unknown>;
        responseElements?: { accessKey: Record<string, unknown> } | null;
      };
      if (copy.userIdentity.userName === 'bob') copy.userIdentity.userName = 'dave';
      if (copy.responseElements) copy.responseElements.accessKey.userName = 'dave';
      if (copy.eventName !== 'CreateAccessKey') copy.userAgent = 'agent "quoted" \\ and a backslash written with escapes';
      copy.eventID = `${(copy.eventID as string).slice(0, -4)}dave`;
      records.push(copy);
    }
    // The same files as CloudTrail delivers them (read light) and indented (every record parsed whole).
    const [dir, indented] = [tmp(), tmp()];
    const files = Math.ceil(records.length / 40);
    const order = Array.from({ length: files }, (_, f) => f).sort(() => rand() - 0.5);
    order.forEach((f, k) => {
      const name = `${String(k).padStart(3, '0')}.json`;
      const content = { Records: records.slice(f * 40, f * 40 + 40) };
      writeFileSync(path.join(dir, name), JSON.stringify(content));
      writeFileSync(path.join(indented, name), JSON.stringify(content, null, 1));
    });
    // And a rule whose place is not the address (the user agent): one plan fixes its place.
    const base = ruleFile('cloudtrail-new-access-key-used-from-new-place');
    const agents = structuredClone<RuleFile>(base);
    agents.definition.id = 'test-new-key-new-agent';
    agents.definition.correlate!.sequence!.unseen!.value = 'data.userAgent';
    const rules = [...ids.map((i) => compileRule(ruleFile(i), undefined, 'test').rule!), compileRule(agents, undefined, 'test').rule!];
    const run = async (from: string, workers: number, allow: AllowEntry[] | undefined, partSize?: number, byteScan?: false) =>
      buildResults([
        (
          await evaluateEvents([fileSource([from])], rules, {
            now: new Date('2026-06-01T00:00:00Z'),
            window: {},
            workers,
            attribution: { mode: 'off' },
            ...(allow ? { allow: { '*': allow } } : {}),
            ...(partSize ? { partSize } : {}),
            ...(byteScan === false ? { byteScan } : {}),
          })
        ).results,
      ]);
    for (const allow of [undefined, [{ userNames: ['alice'], sourceIps: ['198.51.1.0/24'] }, { sourceIps: ['2001:db8::2/128'] }]]) {
      const whole = await run(indented, 0, allow);
      expect(whole.findings.length).toBeGreaterThan(3);
      if (allow) expect(whole.rules.every((r) => (r.allowed ?? 0) > 0)).toBe(true);
      for (const workers of [0, 2]) expect(await run(dir, workers, allow)).toEqual(whole);
      // Files read in parts (a record each, or a few thousand characters: delivered-file.ts deliveredParts) find the same.
      for (const partSize of [1, 5000]) expect(await run(dir, 0, allow, partSize)).toEqual(whole);
      // And by the TypeScript scan of delivered files (delivered-scan.ts is the WebAssembly one, read above).
      expect(await run(dir, 0, allow, 5000, false)).toEqual(whole);
    }
  });
});

describe('the rules on their records', () => {
  it('root sign-in from a new place says what "new" is relative to', () => {
    const r = evaluateChunksInline(config(['cloudtrail-root-sign-in-new-place']), [
      caseRecords('cloudtrail-root-sign-in-new-place', 'fail'),
    ]);
    expect(r.findings[0]!.message).toContain(
      'not seen for root in the records read since 2026-05-01T08:00:00Z (the first 7 day(s) only learned)',
    );
  });
  it('a new access key used from a new place: events after the window, or signed by another key, are not', () => {
    const id = 'cloudtrail-new-access-key-used-from-new-place';
    expect(evaluateChunksInline(config([id]), [caseRecords(id, 'fail')]).findings).toHaveLength(1);
    for (let i = 0; i < ruleFile(id).definition.tests.pass.length; i++)
      expect(evaluateChunksInline(config([id]), [caseRecords(id, 'pass', i)]).findings).toHaveLength(0);
  });
});

// --------------------------------------------------------------------------- AWS address ranges
const RANGES = JSON.stringify({
  syncToken: '1',
  createDate: '2026-05-01-00-00-00',
  prefixes: [
    { ip_prefix: '3.224.0.0/12', region: 'us-east-1', service: 'AMAZON' },
    { ip_prefix: '3.5.140.0/22', region: 'ap-northeast-2', service: 'S3' },
    { ip_prefix: '3.5.142.0/23', region: 'ap-northeast-2', service: 'S3' },
  ],
  ipv6_prefixes: [{ ipv6_prefix: '2600:1f18::/33', region: 'us-east-1', service: 'EC2' }],
});

describe("AWS's address ranges", () => {
  const ranges = parseAwsIpRanges(RANGES, 'ip-ranges.json');
  const index = new AwsIpIndex(ranges);
  const session = (ip: string, arn = 'arn:aws:sts::123456789012:assumed-role/web/i-0dbc91f429e48eeed') => ({
    userIdentity: { type: 'AssumedRole', arn },
    sourceIPAddress: ip,
  });
  it('merges adjacent prefixes and finds addresses in them', () => {
    expect(ranges.v4).toHaveLength(2);
    expect(index.contains(parse('3.225.16.109'))).toBe(true);
    expect(index.contains(parse('3.5.143.255'))).toBe(true);
    expect(index.contains(parse('3.5.144.0'))).toBe(false);
    expect(index.contains(parse('2600:1f18::1'))).toBe(true);
  });
  it('tells an instance session calling from outside AWS from one inside, and says unknown without ranges', () => {
    expect(instanceCredentialsFact(session('93.184.216.34'), index)).toEqual({
      instanceId: 'i-0dbc91f429e48eeed',
      publicAddress: true,
      awsAddress: false,
    });
    expect(instanceCredentialsFact(session('3.225.16.109'), index)).toMatchObject({ awsAddress: true });
    expect(instanceCredentialsFact(session('93.184.216.34'), undefined)).toMatchObject({ awsAddress: null });
    expect(instanceCredentialsFact(session('10.0.1.5'), index)).toMatchObject({ publicAddress: false, awsAddress: null });
    expect(instanceCredentialsFact(session('ec2.amazonaws.com'), index)).toMatchObject({ publicAddress: false });
    expect(instanceCredentialsFact(session('93.184.216.34', 'arn:aws:sts::123456789012:assumed-role/admin/alice'), index)).toBeUndefined();
  });
  it('refuses a file that is not ip-ranges.json, naming it', () => {
    expect(() => parseAwsIpRanges('{"prefixes": 3}', 'x.json')).toThrow(/x.json: expected AWS's ip-ranges.json/);
    expect(() => parseAwsIpRanges('nope', 'x.json')).toThrow(/x.json: not JSON/);
  });
  it('the rule finds the session with ranges given, and leaves it undecided (the rule incomplete) without', async () => {
    const id = 'cloudtrail-instance-credentials-used-outside-aws';
    const record = ruleFile(id).definition.tests.fail[0]!.data!;
    const withRanges = evaluateChunksInline(config([id], { awsIpRanges: ranges }), [[record]]);
    expect(withRanges.findings.map((f) => f.message)).toEqual([ruleFile(id).definition.tests.fail[0]!.message]);
    const without = evaluateChunksInline(config([id]), [[record]]);
    expect(without.findings).toHaveLength(0);
    expect(without.undecided[0]).toBe(1);
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ Records: [record] }));
    const rule = compileRule(ruleFile(id), undefined, 'test').rule!;
    const result = await evaluateEvents([fileSource([dir])], [rule], { now: new Date(), window: {}, workers: 0 });
    expect(buildResults([result.results]).rules[0]).toMatchObject({ undecided: 1, status: 'incomplete', complete: false });
    expect(result.notes.join('\n')).toContain(
      "1 event(s) could not be decided (to tell AWS addresses from others, give AWS's ip-ranges.json with --aws-ip-ranges FILE)",
    );
  });
});

const parse = (ip: string) => ipaddr.parse(ip);

// --------------------------------------------------------------------------- allow-lists
describe('allow-lists', () => {
  const record = (over: Record<string, unknown> = {}) => ({
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/ci-deploy/build-42',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::123456789012:role/ci-deploy', userName: 'ci-deploy' } },
    },
    sourceIPAddress: '203.0.113.10',
    userAgent: 'Terraform/1.9.0 (+https://www.terraform.io)',
    ...over,
  });
  it('matches principal ARNs (the role of a session too), role and user names, CIDRs and agents with * wildcards', () => {
    const yes = (entries: AllowEntry[], r = record()) => compileAllowList(entries)!(r);
    expect(yes([{ principalArns: ['arn:aws:iam::*:role/ci-*'] }])).toBe(true);
    expect(yes([{ principalArns: ['arn:aws:iam::*:role/prod-*'] }])).toBe(false);
    expect(yes([{ roleNames: ['ci-deploy'] }])).toBe(true);
    expect(yes([{ userNames: ['ci-deploy'] }])).toBe(false);
    expect(
      yes(
        [{ userNames: ['ci-bot'] }],
        record({ userIdentity: { type: 'IAMUser', userName: 'ci-bot', arn: 'arn:aws:iam::123456789012:user/ci-bot' } }),
      ),
    ).toBe(true);
    expect(yes([{ sourceIps: ['203.0.113.0/24'] }])).toBe(true);
    expect(yes([{ sourceIps: ['2001:db8::/32'] }])).toBe(false);
    expect(yes([{ sourceIps: ['203.0.113.10'] }], record({ sourceIPAddress: '::ffff:203.0.113.10' }))).toBe(true);
    expect(yes([{ userAgents: ['Terraform/*'] }])).toBe(true);
    // Every field of an entry must match; any entry may.
    expect(yes([{ roleNames: ['ci-deploy'], sourceIps: ['198.51.100.0/24'] }])).toBe(false);
    expect(yes([{ roleNames: ['nope'] }, { userAgents: ['Terraform/*'] }])).toBe(true);
  });
  it('is applied before correlation counting, and the events it left out are counted', () => {
    const id = 'cloudtrail-console-brute-force';
    const records = caseRecords(id, 'fail');
    // One of the five failures comes from the office network: four remain, under the threshold.
    const shifted = records.map((r, k) => (k === 0 ? { ...r, sourceIPAddress: '198.51.100.20' } : r));
    const r = evaluateChunksInline(config([id], {}, [{ sourceIps: ['198.51.100.0/24'], reason: 'office' }]), [shifted]);
    expect(r.findings).toHaveLength(0);
    expect(r.allowed[0]).toBe(1);
  });
  it('is applied before a finding is made by an ordinary event rule', () => {
    const id = 'cloudtrail-console-login-without-mfa';
    const data = ruleFile(id).definition.tests.fail[0]!.data!;
    const r = evaluateChunksInline(config([id], {}, [{ userNames: ['stratus-red-team-*'] }]), [[data]]);
    expect(r.findings).toHaveLength(0);
    expect(r.failed[0]).toBe(0);
    expect(r.allowed[0]).toBe(1);
  });

  it('from the config file: counted in JSON and text; bad entries and allow-lists on resource rules are clear errors', async () => {
    const dir = tmp();
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(path.join(logs, 'a.json'), JSON.stringify({ Records: caseRecords('cloudtrail-console-brute-force', 'fail') }));
    const cfg = path.join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ allow: [{ userNames: ['alice'], reason: 'tests' }] }));
    const out = path.join(dir, 'out');
    const run = await runCli([
      'scan',
      '--cloudtrail',
      logs,
      '--config',
      cfg,
      '--format',
      'text,json',
      '--output-dir',
      out,
      '--fail-on',
      'none',
      '--workers',
      '0',
      '--only',
      'cloudtrail-console-brute-force',
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(
      await readFile(
        path.join(
          out,
          readdirSync(out).find((f) => f.endsWith('.json'))!,
        ),
        'utf8',
      ),
    ) as {
      rules: Array<{ ruleId: string; allowed?: number; failed: number }>;
    };
    expect(json.rules).toEqual([expect.objectContaining({ ruleId: 'cloudtrail-console-brute-force', allowed: 5, failed: 0 })]);
    writeFileSync(cfg, JSON.stringify({ allow: [{ sourceIps: ['10.0.0.0/33'] }] }));
    const bad = await runCli(['scan', '--cloudtrail', logs, '--config', cfg, '--format', 'text', '--workers', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\/allow\/0: sourceIps: "10.0.0.0\/33" is not an IP address or CIDR/);
    writeFileSync(cfg, JSON.stringify({ rules: { 'ec2-ebs-encryption-by-default-disabled': { allow: [{ userNames: ['x'] }] } } }));
    const resource = await runCli(['scan', '--demo', '--cloudtrail', logs, '--config', cfg, '--format', 'text', '--workers', '0']);
    expect(resource.code).toBe(2);
    expect(resource.stderr).toMatch(
      /rules\.ec2-ebs-encryption-by-default-disabled\.allow: allow-lists apply to CloudTrail event rules; .* is a rule on aws\.ec2\./,
    );
  });
});
