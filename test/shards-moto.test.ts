// End to end against moto_server: the notes' account, seeded in three regions, scanned whole
// and as three shards (`--shard 1/3`, `2/3`, `3/3`); `awsaudit merge` of the shards' JSON
// reports must give the unsharded scan's findings, fingerprints, counts, rule results and gaps,
// and a missing or duplicated shard must show in every format. Reports also go to and come
// from an S3 bucket (`--output-dir s3://…`, `merge s3://…`).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './support/cli.js';
import { MOTO_CLI_ENV, sdkConfig, startMoto, type MotoServer } from './support/moto.js';
import { seedNotesScenario } from './support/notes-scenario.js';
import { credentialScope, forwardRequest } from './support/proxy-http.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-2'];
// 200 days on: ages (keys, snapshots) are past their thresholds, the same clock for every run.
const LATER = new Date(Date.now() + 200 * 86_400_000).toISOString();

interface Report {
  scan: {
    accounts: string[];
    regions: string[];
    resourceCount: number;
    notes: string[];
    units?: Array<{ account: string; region: string; ms: number }>;
  };
  summary: unknown;
  rules: Array<{ ruleId: string; status: string; complete: boolean; evaluated: number; failed: number; passed: number }>;
  findings: Array<{
    fingerprint: string;
    ruleId: string;
    message: string;
    severity: string;
    resource: { id: string; region: string; account: string };
  }>;
  gaps: Array<{ service: string; region: string; operation: string; errorCode: string; resourceTypes: string[]; message: string }>;
  shard?: { index: number; count: number; units: string[]; universe: string[]; assignment: string };
  merge?: { missingShards: string[]; missingUnits: string[]; leftOut: Array<{ label: string; reason: string }> };
  snapshot?: { resources: unknown[] };
}

let moto: MotoServer | undefined;
const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-shards-'));
const out = (name: string) => path.join(dir, name);
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;
const run = (args: string[]) => spawnCli(args, { env: MOTO_CLI_ENV });
const scanArgs = (extra: string[]) => [
  'scan',
  '--endpoint-url',
  moto!.endpoint,
  '--regions',
  REGIONS.join(','),
  '--now',
  LATER,
  '--quiet',
  ...extra,
];

let whole: Report;
const shards: Report[] = [];

beforeAll(async () => {
  moto = await startMoto();
  await seedNotesScenario(moto.endpoint, REGIONS);
  const runs = await Promise.all([
    run(scanArgs(['-f', 'json', '-o', out('whole')])),
    ...[1, 2, 3].map((i) => run(scanArgs(['--shard', `${i}/3`, '-f', 'json', '-o', out(`shard-${i}`)]))),
  ]);
  for (const r of runs) expect(r.code, r.stderr).toBe(1);
  whole = read(out('whole/awsaudit.json'));
  for (const i of [1, 2, 3]) shards.push(read(out(`shard-${i}/awsaudit.json`)));
}, 600_000);

afterAll(async () => {
  await moto?.stop();
});

/** What must be equal between the unsharded scan and the merge. */
function comparable(report: Report) {
  return {
    findings: report.findings,
    summary: report.summary,
    rules: report.rules,
    gaps: report.gaps,
    accounts: report.scan.accounts,
    regions: report.scan.regions,
    resourceCount: report.scan.resourceCount,
  };
}

describe('--shard i/n and awsaudit merge (moto, one account, three regions)', () => {
  it('each shard report records its index, count and units; together they cover every unit once', () => {
    const universe = shards[0]!.shard!.universe;
    // The account's global unit and one per region.
    expect(universe).toHaveLength(REGIONS.length + 1);
    expect(universe).toContain(`${whole.scan.accounts[0]}/global`);
    const all = shards.flatMap((s) => s.shard!.units);
    expect([...all].sort()).toEqual([...universe].sort());
    shards.forEach((s, i) => {
      expect(s.shard).toMatchObject({ index: i + 1, count: 3, assignment: 'hash', universe });
      expect(s.shard!.units.length).toBeGreaterThan(0);
      expect(s.snapshot!.resources.length).toBeGreaterThan(0);
      // A shard's own report does not call other shards' units clean: they are gaps there.
      expect(s.gaps.some((g) => g.errorCode === 'OtherShard')).toBe(true);
    });
    // The unsharded report records each unit's collection time, for balancing the next run.
    expect(whole.scan.units!.map((u) => `${u.account}/${u.region}`).sort()).toEqual([...universe].sort());
  });

  it('the merge of the three shards equals the unsharded scan: findings, fingerprints, counts, rules, gaps', async () => {
    const r = await run([
      'merge',
      out('shard-1/awsaudit.json'),
      out('shard-2'),
      out('shard-3/awsaudit.json'),
      '--now',
      LATER,
      '-f',
      'json,sarif,html,text',
      '-o',
      out('merged'),
    ]);
    expect(r.code, r.stderr).toBe(1);
    const merged = read(out('merged/awsaudit.json'));
    expect(whole.findings.length).toBeGreaterThan(20);
    expect(comparable(merged)).toEqual(comparable(whole));
    expect(merged.merge).toMatchObject({ missingShards: [], missingUnits: [], leftOut: [] });
    expect(merged.scan.units).toHaveLength(REGIONS.length + 1);
    // The shards' own findings differ from the whole scan's (account-wide facts read every region): merging snapshots is what makes them equal.
    expect(new Set(whole.findings.map((f) => f.fingerprint))).toEqual(new Set(merged.findings.map((f) => f.fingerprint)));
  });

  it('a missing shard is a coverage gap in every format, never a clean bill', async () => {
    const r = await run(['merge', out('shard-1'), out('shard-3'), '--now', LATER, '-f', 'json,sarif,html,text', '-o', out('missing')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/missing: shard 2\/3/);
    const merged = read(out('missing/awsaudit.json'));
    expect(merged.merge!.missingShards).toEqual(['2/3']);
    expect(merged.merge!.missingUnits).toEqual(shards[1]!.shard!.units);
    const gaps = merged.gaps.filter((g) => g.errorCode === 'ShardMissing');
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((g) => g.resourceTypes.length > 0)).toBe(true);
    // Rules that passed in the whole scan over a type the missing units hold are no longer a pass.
    const missingTypes = new Set(gaps.flatMap((g) => g.resourceTypes));
    const wholeRules = new Map(whole.rules.map((x) => [x.ruleId, x]));
    const touched = merged.rules.filter((x) => wholeRules.get(x.ruleId)?.status === 'pass' && x.evaluated >= 0);
    expect(touched.some((x) => x.status === 'incomplete')).toBe(true);
    expect(merged.rules.filter((x) => x.status === 'pass').length).toBeLessThan(whole.rules.filter((x) => x.status === 'pass').length);
    expect(missingTypes.size).toBeGreaterThan(0);
    // Findings of the shards that were merged are all in the whole scan's.
    const wholeFp = new Set(whole.findings.map((f) => f.fingerprint));
    expect(merged.findings.every((f) => wholeFp.has(f.fingerprint))).toBe(true);
    // Every format says so.
    expect(r.stdout).toMatch(/ShardMissing|shard 2\/3/);
    const sarif = readFileSync(out('missing/awsaudit.sarif'), 'utf8');
    expect(sarif).toContain('ShardMissing');
    const html = readFileSync(out('missing/awsaudit.html'), 'utf8');
    expect(html).toMatch(/shard 2\/3/);
  });

  it('a shard given twice is merged once and said so', async () => {
    cpSync(out('shard-2'), out('shard-2-again'), { recursive: true });
    const r = await run([
      'merge',
      out('shard-1'),
      out('shard-2'),
      out('shard-2-again'),
      out('shard-3'),
      '--now',
      LATER,
      '-f',
      'json,text',
      '-o',
      out('dup'),
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/given twice/);
    const merged = read(out('dup/awsaudit.json'));
    expect(comparable(merged)).toEqual(comparable(whole));
    expect(merged.scan.notes.some((n) => /given twice/.test(n))).toBe(true);
    expect(r.stdout).toMatch(/given twice/);
  });

  it('clear errors: an unsharded report, a file that is no report', async () => {
    const a = await run(['merge', out('whole/awsaudit.json')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/whole scan, not of a shard/);
    const b = await run(['merge', path.join(__dirname, '..', 'package.json')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/not an awsaudit JSON report or snapshot/);
    const c = await run(scanArgs(['--shard', '4/3']));
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--shard 4\/3: the shard index must be from 1 to 3/);
  });

  it('--output-dir s3://bucket/prefix uploads the reports; merge reads shard reports from s3://', async () => {
    const s3 = new S3Client(sdkConfig(moto!.endpoint, 'us-east-1'));
    const bucket = `awsaudit-reports-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // The shard jobs' reports, as a Kubernetes Job would leave them.
    for (const i of [1, 2, 3]) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `run-1/shard-${i}/awsaudit.json`,
          Body: readFileSync(out(`shard-${i}/awsaudit.json`)),
        }),
      );
    }
    const r = await run([
      'merge',
      `s3://${bucket}/run-1/`,
      '--endpoint-url',
      moto!.endpoint,
      '--region',
      'us-east-1',
      '--now',
      LATER,
      '-f',
      'json,sarif',
      '--output-dir',
      `s3://${bucket}/run-1/merged`,
    ]);
    expect(r.code, r.stderr).toBe(1);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'run-1/merged/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(['run-1/merged/awsaudit.json', 'run-1/merged/awsaudit.sarif']);
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'run-1/merged/awsaudit.json' }))
    ).Body!.transformToString();
    expect(comparable(JSON.parse(body) as Report)).toEqual(comparable(whole));
    s3.destroy();
  });

  it('scan --output-dir s3://… uploads after every read, with ExpectedBucketOwner; a bucket of another owner is refused', async () => {
    // S3 checks x-amz-expected-bucket-owner; moto does not, so this proxy does it the way S3 answers.
    const owner = whole.scan.accounts[0]!;
    const seen: Array<{ service: string; put: boolean; expected?: string }> = [];
    const upstream = new URL(moto!.endpoint);
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const put = req.method === 'PUT' && credentialScope(req).service === 's3' && /x-id=PutObject/.test(req.url ?? '');
        const expected = req.headers['x-amz-expected-bucket-owner'] as string | undefined;
        seen.push({ service: credentialScope(req).service ?? '?', put, ...(expected ? { expected } : {}) });
        if (put && expected !== undefined && expected !== owner) {
          res.writeHead(403, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
          return;
        }
        forwardRequest(upstream, req, res, Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const s3 = new S3Client(sdkConfig(moto!.endpoint, 'us-east-1'));
      const bucket = `awsaudit-scan-reports-${Date.now()}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const scan = (extra: string[]) =>
        run([
          'scan',
          '--endpoint-url',
          proxy,
          '--region',
          'us-east-1',
          '--only',
          'iam-access-key-too-old',
          '--now',
          LATER,
          '-f',
          'json,html',
          ...extra,
        ]);
      const ok = await scan(['--output-dir', `s3://${bucket}/weekly`]);
      expect(ok.code, ok.stderr).toBe(1);
      const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key).sort();
      expect(keys).toEqual(['weekly/awsaudit.html', 'weekly/awsaudit.json']);
      const puts = seen.filter((r) => r.put);
      expect(puts).toHaveLength(2);
      expect(puts.every((r) => r.expected === owner)).toBe(true);
      // The upload is a step of its own: once the first PutObject is sent, the scan reads nothing more.
      const first = seen.findIndex((r) => r.put);
      expect(seen.slice(0, first).filter((r) => r.service !== 'sts').length).toBeGreaterThan(0);
      expect(seen.slice(first).every((r) => r.put)).toBe(true);

      const refused = await scan(['--output-dir', `s3://${bucket}/weekly-2`, '--bucket-owner', '999999999999']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(`cannot write s3://${bucket}/weekly-2/awsaudit\\.(json|html) \\(s3 PutObject: AccessDenied\\)`),
      );
      expect(refused.stderr).toMatch(/must belong to account 999999999999/);
      const bad = await scan(['--output-dir', 's3://Not_A_Bucket/x']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--output-dir s3:\/\/Not_A_Bucket\/x: not an S3 location/);
      s3.destroy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
