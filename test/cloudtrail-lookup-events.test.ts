// --cloudtrail api against recorded responses in AWS's wire shape (moto does not implement
// LookupEvents): a local server on 127.0.0.1 speaks CloudTrail's JSON 1.1 protocol, pages with
// NextToken, throttles some requests, and logs when each request arrived, per region.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A process of its own per run: the request pacing is timed by a server in this process, which must not share its event loop with the CLI.
import { spawnCli as runCli } from './support/cli.js';
import { allRecords, invictusFiles, stratusFiles, type RawRecord } from './support/cloudtrail.js';

const INTERESTING = new Set([
  'StopLogging',
  'DeleteTrail',
  'PutEventSelectors',
  'DeleteFlowLogs',
  'CreateAccessKey',
  'CreateUser',
  'CreateLoginProfile',
  'AuthorizeSecurityGroupIngress',
  'ConsoleLogin',
  'AttachUserPolicy',
]);

/** What each region's event history holds, newest first (as LookupEvents returns it). */
function history(records: RawRecord[], size: number, region: string): RawRecord[] {
  const chosen = [...records.filter((r) => INTERESTING.has(r.eventName)), ...records.filter((r) => !INTERESTING.has(r.eventName))].slice(
    0,
    size,
  );
  return chosen
    .map((r) => ({ ...r, awsRegion: region }))
    .sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : a.eventID < b.eventID ? 1 : -1));
}

const HISTORY: Record<string, RawRecord[]> = {
  'us-east-1': history(allRecords(invictusFiles()), 120, 'us-east-1'),
  'eu-west-1': history(allRecords(stratusFiles()), 100, 'eu-west-1'),
};
const PAGE = 50;

interface Seen {
  region: string;
  at: number;
  throttled: boolean;
  body: { StartTime?: number; EndTime?: number; MaxResults?: number; NextToken?: string };
}

let server: Server;
let endpoint: string;
let seen: Seen[] = [];

function regionOf(req: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/cloudtrail\//.exec(String(req.headers.authorization))?.[1] ?? 'unknown';
}

function wireEvent(r: RawRecord) {
  const identity = r.userIdentity as { accessKeyId?: string; userName?: string } | undefined;
  return {
    EventId: r.eventID,
    EventName: r.eventName,
    ReadOnly: String((r.readOnly as boolean | undefined) ?? false),
    ...(identity?.accessKeyId ? { AccessKeyId: identity.accessKeyId } : {}),
    EventTime: Date.parse(r.eventTime) / 1000,
    EventSource: r.eventSource,
    ...(identity?.userName ? { Username: identity.userName } : {}),
    Resources: [],
    CloudTrailEvent: JSON.stringify(r),
  };
}

function reply(res: import('node:http').ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${seen.length}` });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const region = regionOf(req);
      const body = JSON.parse(text || '{}') as Seen['body'];
      const mine = seen.filter((s) => s.region === region).length;
      // The 2nd, 5th, 8th… request of a region is throttled, as AWS does when a caller goes too fast.
      const throttled = mine % 3 === 1;
      seen.push({ region, at: performance.now(), throttled, body });
      if (req.headers['x-amz-target'] !== 'CloudTrail_20131101.LookupEvents')
        return reply(res, 400, { __type: 'UnknownOperationException', message: String(req.headers['x-amz-target']) });
      if (region === 'ap-south-1')
        return reply(res, 400, { __type: 'AccessDeniedException', message: 'User is not authorized to perform: cloudtrail:LookupEvents' });
      if (throttled) return reply(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      const since = (body.StartTime ?? 0) * 1000;
      const until = (body.EndTime ?? Infinity) * 1000;
      const events = (HISTORY[region] ?? []).filter((r) => Date.parse(r.eventTime) >= since && Date.parse(r.eventTime) <= until);
      const offset = body.NextToken ? Number(/^page:(\d+)$/.exec(body.NextToken)?.[1]) : 0;
      const size = Math.min(body.MaxResults ?? 50, PAGE);
      const page = events.slice(offset, offset + size);
      reply(res, 200, { Events: page.map(wireEvent), ...(offset + size < events.length ? { NextToken: `page:${offset + size}` } : {}) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Report {
  findings: Array<{ ruleId: string; resource: { region: string } }>;
  rules: Array<{ ruleId: string; complete: boolean; evaluated: number }>;
  gaps: Array<{ region: string; operation: string; errorCode: string; message: string }>;
  scan: { notes: string[]; cloudtrail: { events: number; chunks: number } };
}

async function lookup(regions: string, extra: string[] = []) {
  seen = [];
  const started = performance.now();
  const r = await runCli(
    [
      'scan',
      '--cloudtrail',
      'api',
      '--regions',
      regions,
      '--since',
      '2023-07-01',
      '--until',
      '2024-12-31',
      '--now',
      '2025-01-15T00:00:00Z',
      '--endpoint-url',
      endpoint,
      '--format',
      'json',
      '--output',
      'json=-',
      '--fail-on',
      'none',
      ...extra,
    ],
    {
      env: {
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: 'us-east-1',
        AWS_PROFILE: undefined,
        AWS_ENDPOINT_URL: undefined,
      },
    },
  );
  if (r.code !== 0) throw new Error(`scan failed (${r.code}): ${r.stderr}`);
  return { report: JSON.parse(r.stdout) as Report, stderr: r.stderr, seconds: (performance.now() - started) / 1000, requests: [...seen] };
}

/** The most requests of one region that arrived within any 1-second window. */
function busiestSecond(requests: Seen[], region: string): number {
  const times = requests.filter((s) => s.region === region).map((s) => s.at);
  return Math.max(0, ...times.map((t) => times.filter((u) => u <= t && u > t - 1000).length));
}

describe('--cloudtrail api (LookupEvents)', () => {
  let full: Awaited<ReturnType<typeof lookup>>;
  beforeAll(async () => {
    full = await lookup('us-east-1,eu-west-1');
  });

  it('reads every page of every region to the end of the window (NextToken), in the window asked for', () => {
    expect(full.report.scan.cloudtrail.events).toBe(220);
    const ok = full.requests.filter((s) => !s.throttled);
    expect(ok.filter((s) => s.region === 'us-east-1').map((s) => s.body.NextToken ?? null)).toEqual([null, 'page:50', 'page:100']);
    expect(ok.filter((s) => s.region === 'eu-west-1').map((s) => s.body.NextToken ?? null)).toEqual([null, 'page:50']);
    for (const s of full.requests) {
      expect(s.body).toMatchObject({
        StartTime: Date.parse('2023-07-01T00:00:00Z') / 1000,
        EndTime: Date.parse('2025-01-01T00:00:00Z') / 1000,
        MaxResults: 50,
      });
    }
    expect(full.report.gaps).toEqual([]);
  });

  it('retries throttled requests with backoff until the pages come', () => {
    expect(full.requests.filter((s) => s.throttled).length).toBeGreaterThanOrEqual(2);
    expect(full.requests.filter((s) => s.region === 'us-east-1' && !s.throttled)).toHaveLength(3);
  });

  it('never sends more than 2 requests in any second to a region (counted where they arrive)', () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(full.requests.filter((s) => s.region === region).length).toBeGreaterThanOrEqual(3);
      expect(busiestSecond(full.requests, region), region).toBeLessThanOrEqual(2);
    }
    // 4+ requests to us-east-1 at 2 per second cannot take less than a second.
    const us = full.requests.filter((s) => s.region === 'us-east-1').map((s) => s.at);
    expect(Math.max(...us) - Math.min(...us)).toBeGreaterThanOrEqual(1000);
  });

  it('evaluates the events: tampering, credentials, SSH opened and the login without MFA, per region', () => {
    const records = [...HISTORY['us-east-1']!, ...HISTORY['eu-west-1']!];
    const count = (rule: string) => full.report.findings.filter((f) => f.ruleId === rule).length;
    expect(count('cloudtrail-logging-tampered')).toBe(
      records.filter((r) => ['StopLogging', 'DeleteTrail', 'PutEventSelectors', 'DeleteFlowLogs'].includes(r.eventName)).length,
    );
    expect(count('cloudtrail-logging-tampered')).toBe(13);
    expect(count('cloudtrail-iam-credentials-created')).toBe(12);
    expect(count('cloudtrail-console-login-without-mfa')).toBe(2);
    expect(new Set(full.report.findings.map((f) => f.resource.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
  });

  it('notes that the API keeps only 90 days when the window reaches further back', () => {
    expect(full.report.scan.notes.join('\n')).toContain('LookupEvents keeps 90 days');
  });

  it('says where the window was cut when --max-events stops a region early, in the report and on stderr', async () => {
    const cut = await lookup('us-east-1', ['--max-events', '60']);
    expect(cut.report.scan.cloudtrail.events).toBe(100);
    const note = cut.report.scan.notes.find((n) => n.includes('window cut'));
    expect(note).toMatch(
      /^LookupEvents us-east-1: window cut \(--max-events 60 reached\): read 100 event\(s\) back to 2023-07-10T\d\d:\d\d:\d\dZ; events from 2023-07-01T00:00:00Z to 2023-07-10T\d\d:\d\d:\d\dZ were not read$/,
    );
    expect(cut.stderr).toContain(`awsaudit: note: ${note}`);
    expect(cut.report.gaps).toEqual([expect.objectContaining({ region: 'us-east-1', operation: 'LookupEvents', errorCode: 'WindowCut' })]);
    expect(cut.report.rules.every((r) => !r.complete)).toBe(true);
  });

  it('a region that refuses (AccessDenied) is a gap; the other regions are still read', async () => {
    const denied = await lookup('ap-south-1,eu-west-1');
    expect(denied.report.scan.cloudtrail.events).toBe(100);
    expect(denied.report.gaps).toEqual([
      expect.objectContaining({ region: 'ap-south-1', operation: 'LookupEvents', errorCode: 'AccessDeniedException' }),
    ]);
    expect(denied.requests.filter((s) => s.region === 'ap-south-1')).toHaveLength(1);
  });
});
