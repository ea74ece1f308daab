// End to end against moto_server: the notes' account is seeded through the SDK in two
// regions, and the built CLI binary scans it like a real account.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_FACTORIES, type ServiceName } from '../src/services/index.js';
import { dataProblem } from '../src/snapshot/check-data.js';
import { runCliInProcess as runCli, spawnCli } from './support/cli.js';
import { sarifProblems } from './support/sarif.js';
import { startDenyProxy, type DenyProxy } from './support/deny-proxy.js';
import { MOTO_CLI_ENV, startMoto, type MotoServer } from './support/moto.js';
import { seedNotesScenario, type Scenario } from './support/notes-scenario.js';
import type { TwinPlace } from './support/scenario/index.js';
import { committedFingerprints, expectedFingerprint, type FingerprintedFinding } from './support/fingerprints.js';

const REGIONS = ['us-east-1', 'ap-northeast-2'];
// The notes' rules. New rules are covered by their own cases; listing these keeps this
// scenario's expected findings exact while the rule set grows.
const NOTES_RULES = [
  'ec2-security-group-admin-ports-open',
  'ec2-security-group-nonweb-port-open',
  'ec2-elastic-ip-unattached',
  's3-bucket-public-acl',
  'rds-instance-not-multi-az',
  'iam-access-key-too-old',
  'iam-user-full-access-policy',
];
// 200 days on: the keys created by the seeding are then past the 90-day rotation period.
const LATER = new Date(Date.now() + 200 * 86_400_000).toISOString();

const MOTO_ENV = MOTO_CLI_ENV;

const MOTO_ENV_DEFINED = Object.fromEntries(Object.entries(MOTO_ENV).filter(([, v]) => v !== undefined)) as Record<string, string>;

interface ReportFinding {
  ruleId: string;
  severity: string;
  severityReason?: string;
  resource: { id: string; region: string; type: string };
  fingerprint: string;
  /** Folded into a broader finding of the same cause (a rule's `subsumes`). */
  foldedInto?: string;
}
interface ReportRule {
  ruleId: string;
  status: string;
  complete: boolean;
  evaluated: number;
  failed: number;
  gaps: unknown[];
}
interface Report {
  findings: ReportFinding[];
  rules: ReportRule[];
  gaps: Array<{ service: string; region: string; operation: string; errorCode: string; resourceTypes: string[]; message: string }>;
  scan: { regions: string[]; accounts: string[]; source: string };
  summary: { findings: number; suppressed: number; folded: number };
}

let moto: MotoServer | undefined;
let scenario: Scenario;

beforeAll(async () => {
  moto = await startMoto();
  scenario = await seedNotesScenario(moto.endpoint, REGIONS);
}, 180_000);

afterAll(async () => {
  await moto?.stop();
});

const endpoint = () => moto!.endpoint;
const scanArgs = (ep: string, extra: string[] = []) => [
  'scan',
  '--endpoint-url',
  ep,
  '--regions',
  REGIONS.join(','),
  '--only',
  NOTES_RULES.join(','),
  '--now',
  LATER,
  '--format',
  'json',
  '--output',
  'json=-',
  ...extra,
];
const key = (f: ReportFinding) => `${f.ruleId} ${f.resource.region} ${f.resource.id}`;

function expectedFindings(s: Scenario): string[] {
  return [
    ...s.regions.flatMap((r) => [
      `ec2-security-group-admin-ports-open ${r.region} ${r.openGroup}`,
      `ec2-security-group-nonweb-port-open ${r.region} ${r.openGroup}`,
      `ec2-elastic-ip-unattached ${r.region} ${r.unattachedEip}`,
      `s3-bucket-public-acl ${r.region} ${r.publicBucket}`,
      `rds-instance-not-multi-az ${r.region} ${r.singleAzDb}`,
    ]),
    ...s.djangoKeys.map((k) => `iam-access-key-too-old global ${k}`),
    'iam-user-full-access-policy global django-board',
    // The breadth scenario's SMB group open to the internet (CIS 6.1.2's twin) also opens a non-web port.
    ...s.twins
      .filter((t) => t.rule === 'ec2-security-group-cifs-port-open' && t.fail)
      .map((t) => `ec2-security-group-nonweb-port-open ${t.fail!.region ?? s.regions[0]!.region} ${t.fail!.id}`),
  ].sort();
}

describe('awsaudit scan against a seeded account (moto)', () => {
  let result: Awaited<ReturnType<typeof runCli>>;
  let report: Report;
  beforeAll(async () => {
    result = await runCli(scanArgs(endpoint()), { env: MOTO_ENV });
    report = JSON.parse(result.stdout) as Report;
  }, 120_000);

  it("reports exactly the notes' mistakes in both regions, and nothing for the compliant twins", () => {
    expect(result.code, result.stderr).toBe(1);
    expect(report.findings.map(key).sort()).toEqual(expectedFindings(scenario));
    expect(report.scan).toMatchObject({ accounts: [scenario.account], regions: REGIONS, source: 'aws' });
    expect(report.gaps).toEqual([]);
  });

  it('counts the twins as passes: every rule complete, nothing left unchecked', () => {
    const byRule = Object.fromEntries(report.rules.map((r) => [r.ruleId, r]));
    for (const id of NOTES_RULES) expect(byRule[id], id).toMatchObject({ status: 'fail', complete: true });
    expect(byRule['rds-instance-not-multi-az']).toMatchObject({ evaluated: 4, failed: 2 });
    expect(byRule['ec2-elastic-ip-unattached']).toMatchObject({ failed: 2 });
    expect(byRule['iam-access-key-too-old']).toMatchObject({ evaluated: 3, failed: 2 });
  });

  it('SSH open on a group used by an instance reachable from the internet is critical; without a route to an internet gateway it stays high', () => {
    const ssh = report.findings.filter((f) => f.ruleId === 'ec2-security-group-admin-ports-open');
    const reachable = scenario.regions.find((r) => r.internetRoute)!;
    const isolated = scenario.regions.find((r) => !r.internetRoute)!;
    expect(ssh.find((f) => f.resource.id === reachable.openGroup)).toMatchObject({
      severity: 'critical',
      severityReason: expect.stringContaining('internet gateway'),
    });
    expect(ssh.find((f) => f.resource.id === isolated.openGroup)).toMatchObject({ severity: 'high' });
  });

  it('prints no progress or notice on stderr when stderr is not a terminal', () => {
    expect(result.stderr).toBe('');
  });
});

describe('reports of the moto scan are accepted by their consumers', () => {
  it('SARIF for every rule (cloud findings in two regions) passes the multitool with GitHub rules; HTML is written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-moto-reports-'));
    const r = await runCli(
      [
        'scan',
        '--endpoint-url',
        endpoint(),
        '--regions',
        REGIONS.join(','),
        '--now',
        LATER,
        '--format',
        'sarif,html,json',
        '--output-dir',
        dir,
      ],
      { env: MOTO_ENV },
    );
    expect(r.code, r.stderr).toBe(1);
    const sarifFile = path.join(dir, 'awsaudit.sarif');
    expect(sarifProblems(sarifFile)).toEqual([]);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as {
      runs: Array<{ automationDetails: { id: string }; results: Array<{ locations: unknown[] }> }>;
    };
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.automationDetails.id).toBe(`awsaudit/${scenario.account}/`);
    const json = JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8')) as Report;
    // One SARIF result per cause: the findings folded into a broader one are listed in JSON only
    // (every finding stays there), and the shown count falls by exactly them.
    const folded = json.findings.filter((f) => f.foldedInto !== undefined);
    expect(sarif.runs[0]!.results.length).toBe(json.findings.length - folded.length);
    expect(json.summary.findings + json.summary.suppressed + json.summary.folded).toBe(json.findings.length);
    expect(json.summary.folded).toBe(folded.length);
    const fingerprints = new Set(json.findings.map((f) => f.fingerprint));
    for (const f of folded) expect(fingerprints.has(f.foldedInto!)).toBe(true);
    expect(readFileSync(path.join(dir, 'awsaudit.html'), 'utf8')).toContain(scenario.regions[0]!.publicBucket);
  }, 180_000);
});

/**
 * Ids moto makes up (and the scenario's random suffix) differ from run to run: each known one is
 * named by where the scenario keeps it, any other AWS-style id by its prefix.
 */
function scenarioNames(s: Scenario): (id: string) => string {
  const names: Array<[string, string]> = [];
  const visit = (value: unknown, at: string): void => {
    // Account ids are no names of the scenario's own, even where a twin names an account-level resource by one.
    if (typeof value === 'string' && value.length > 3 && !/^\d{12}$/.test(value)) names.push([value, `<${at}>`]);
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${at}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, at ? `${at}.${k}` : k);
  };
  visit({ ...s, twins: undefined, compliant: undefined }, '');
  // Twins are named by rule and side, not by their place in the list (which moves as seeders are added).
  for (const t of s.twins) {
    for (const side of ['fail', 'pass'] as const) {
      const id = t[side]?.id;
      if (id && id.length > 3 && !/^\d{12}$/.test(id)) names.push([id, `<${t.rule}.${side}>`]);
    }
  }
  names.sort((a, b) => b[0].length - a[0].length);
  return (id) => {
    for (const [value, name] of names) id = id.split(value).join(name);
    // UUIDs first: one whose fourth group is letters only (`…-afdf-0123…`) would read as a prefixed id.
    return id
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
      .replace(/\b([a-z]+)-[0-9a-f]{8,17}\b/g, '<$1>')
      .replace(/\/[0-9a-f]{16}(?=\/|$)/g, '/<hex>');
  };
}

/** A scan of both regions with every default rule, JSON on stdout. */
const fullScanArgs = () => [
  'scan',
  '--endpoint-url',
  endpoint(),
  '--regions',
  REGIONS.join(','),
  '--now',
  LATER,
  '--format',
  'json',
  '--output',
  'json=-',
  '--quiet',
];

describe('fingerprints of the moto scenario (every default rule)', () => {
  it('are computed as they always were, on the same findings as in the committed list', async () => {
    const r = await runCli(fullScanArgs(), { env: MOTO_ENV });
    expect(r.code, r.stderr).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: FingerprintedFinding[] }).findings;
    for (const f of findings) expect(f.fingerprint, `${f.ruleId} ${f.resource.id}`).toBe(expectedFingerprint(f));
    const rename = scenarioNames(scenario);
    const lines = findings
      .map((f) => [f.ruleId, f.resource.type, f.resource.account, f.resource.region, rename(f.resource.id)].join(' '))
      .sort();
    const { original, all } = committedFingerprints('moto-scenario');
    if (process.env.AWSAUDIT_PRINT_MOTO_FINGERPRINTS) console.log(lines.join('\n'));
    expect(
      original.filter((l) => !lines.includes(l)),
      'findings that disappeared',
    ).toEqual([]);
    // As sets: moto's ids are renamed to their prefix (<vol>, <subnet>), so distinct resources of one
    // kind make one line, which the committed lists hold once.
    expect([...new Set(lines)]).toEqual([...new Set(all)]);
  }, 180_000);
});

describe('the breadth rules against their failing and compliant twins (test/support/scenario/)', () => {
  const findingsOf = async (env: Record<string, string | undefined>): Promise<ReportFinding[]> => {
    const r = await runCli(fullScanArgs(), { env });
    expect([0, 1], r.stderr).toContain(r.code);
    return (JSON.parse(r.stdout) as Report).findings;
  };
  let main: ReportFinding[];
  let compliant: ReportFinding[];
  beforeAll(async () => {
    const { accessKeyId, secretAccessKey, sessionToken } = scenario.compliant.credentials;
    [main, compliant] = await Promise.all([
      findingsOf(MOTO_ENV),
      findingsOf({ ...MOTO_ENV, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken }),
    ]);
  }, 180_000);

  const has = (findings: ReportFinding[], rule: string, place: TwinPlace) =>
    findings.some((f) => f.ruleId === rule && f.resource.id === place.id && f.resource.region === (place.region ?? REGIONS[0]));

  it('every failing twin gives its finding; no compliant twin does', () => {
    const wrong: string[] = [];
    for (const t of scenario.twins) {
      if (t.fail && !has(t.fail.account === 'compliant' ? compliant : main, t.rule, t.fail))
        wrong.push(`no ${t.rule} finding for ${t.fail.id}`);
      if (t.pass && has(t.pass.account === 'compliant' ? compliant : main, t.rule, t.pass))
        wrong.push(`a ${t.rule} finding for compliant ${t.pass.id}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('awsaudit collect', () => {
  let snapshot: {
    meta: { resourceTypes: string[]; regions: string[] };
    resources: Array<{ type: string; id: string; region: string; data: Record<string, unknown>; facts?: Record<string, unknown> }>;
    gaps: unknown[];
  };
  let text: string;
  let file: string;
  beforeAll(async () => {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'awsaudit-collect-')), 'snap.json');
    const r = await runCli(['collect', '--endpoint-url', endpoint(), '--regions', REGIONS.join(','), '--types', 'all', '--out', file], {
      env: MOTO_ENV,
    });
    expect(r.code, r.stderr).toBe(0);
    text = readFileSync(file, 'utf8');
    snapshot = JSON.parse(text) as typeof snapshot;
  }, 120_000);
  const ofType = (type: string) => snapshot.resources.filter((r) => r.type === type);

  it('--types all collects every type, with no gaps, into a file `evaluate` accepts', async () => {
    expect(snapshot.gaps).toEqual([]);
    for (const type of snapshot.meta.resourceTypes) expect(ofType(type).length, type).toBeGreaterThan(0);
    expect(snapshot.meta.resourceTypes).toContain('aws.lambda.function');
    const evaluated = await runCli([
      'evaluate',
      '--snapshot',
      file,
      '--only',
      NOTES_RULES.join(','),
      '--now',
      LATER,
      '--format',
      'json',
      '--output',
      'json=-',
    ]);
    expect(evaluated.code).toBe(1);
    const report = JSON.parse(evaluated.stdout) as Report;
    expect(report.findings.map(key).sort()).toEqual(expectedFindings(scenario));
  });

  it('collects data in the shape each type declares (src/services/<service>/index.ts `dataSchema`)', () => {
    const problems = snapshot.resources.flatMap((r, i) => {
      const p = dataProblem(r.type, r.data);
      return p ? [`/resources/${i}/data${p.pointer} (${r.type} ${r.id}): ${p.message}`] : [];
    });
    expect(snapshot.resources.length).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it('never stores a Lambda environment value; names and masked detections only', () => {
    for (const secret of scenario.lambda.secretValues) expect(text).not.toContain(secret);
    const fn = ofType('aws.lambda.function').find((r) => r.id === scenario.lambda.name)!;
    expect(fn.data.EnvironmentVariableNames).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'LOG_LEVEL']);
    expect(fn.data.Environment).toBeUndefined();
    // Masked as everywhere else (the file scanner, CloudTrail): prefix, an ellipsis, the last four.
    const masked = `${scenario.lambda.keyId.slice(0, 4)}…${scenario.lambda.keyId.slice(-4)}`;
    // What the collector found is data (awsaudit's own field); its enricher makes it the fact rules read.
    expect(fn.facts).toBeUndefined();
    expect(fn.data.awsauditEnvironmentSecrets).toEqual([
      { variable: 'AWS_ACCESS_KEY_ID', kind: 'aws-access-key-id', keyIdMasked: masked, keyPrefix: 'AKIA', keyKind: 'access-key' },
      { variable: 'AWS_SECRET_ACCESS_KEY', kind: 'aws-secret-access-key' },
      { variable: 'DB_PASSWORD', kind: 'secret-named-variable' },
    ]);
  });

  it('a multi-region trail is one resource in its home region, with status and event selectors', () => {
    const trails = ofType('aws.cloudtrail.trail');
    expect(trails).toHaveLength(1);
    expect(trails[0]).toMatchObject({
      id: 'account-trail',
      region: REGIONS[0],
      data: { TrailARN: scenario.trailArn, IsMultiRegionTrail: true, Status: { IsLogging: true }, EventSelectors: [] },
    });
  });

  it('IAM: users with their credential report row, keys with status, attached AWS-managed policies with documents, root', () => {
    const user = ofType('aws.iam.user').find((r) => r.id === 'django-board')!;
    expect(user.data.CredentialReport).toMatchObject({ user: 'django-board', access_key_1_active: true, access_key_2_active: true });
    const keys = Object.fromEntries(ofType('aws.iam.access-key').map((k) => [k.id, k.data]));
    expect(keys[scenario.deployerKey]).toMatchObject({ UserName: 'deployer', Status: 'Inactive' });
    for (const k of scenario.djangoKeys) expect(keys[k]).toMatchObject({ UserName: 'django-board', Status: 'Active' });
    const policies = ofType('aws.iam.policy').map((p) => p.id);
    expect(policies).toEqual(
      expect.arrayContaining(['arn:aws:iam::aws:policy/AmazonEC2FullAccess', 'arn:aws:iam::123456789012:policy/deploy-django-board']),
    );
    const ec2Full = ofType('aws.iam.policy').find((p) => p.id.endsWith('/AmazonEC2FullAccess'))!;
    expect(ec2Full.data.Document).toMatchObject({ Statement: expect.any(Array) });
    expect(ofType('aws.iam.role').find((r) => r.id === 'django-board-lambda')!.data.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }],
    });
    expect(ofType('aws.iam.root-user')[0]!.data).toHaveProperty('AccountSummary.Users', 2);
  });

  it('S3: bucket settings merged in, "not configured" as null, each bucket in its own region', () => {
    for (const r of scenario.regions) {
      const open = ofType('aws.s3.bucket').find((b) => b.id === r.publicBucket)!;
      expect(open.region).toBe(r.region);
      expect(open.data).toMatchObject({ Policy: null, PublicAccessBlock: null, Website: null, Logging: null, Tags: [], Versioning: {} });
      expect(JSON.stringify(open.data.Acl)).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
      const closed = ofType('aws.s3.bucket').find((b) => b.id === r.privateBucket)!;
      expect(closed.data.PublicAccessBlock).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
    }
    expect(ofType('aws.s3.account-public-access-block')).toEqual([
      expect.objectContaining({ id: scenario.account, region: 'global', data: {} }),
    ]);
  });

  it('ELBv2, Config, NAT, account: the other collectors', () => {
    const lb = ofType('aws.elbv2.load-balancer')[0]!;
    expect(lb.data).toMatchObject({ LoadBalancerName: 'django-board-alb', Listeners: [{ Port: 80, Protocol: 'HTTP' }] });
    expect(ofType('aws.elbv2.listener')[0]!.data).toMatchObject({ LoadBalancerName: 'django-board-alb', Scheme: 'internet-facing' });
    expect(ofType('aws.config.recorder')[0]).toMatchObject({ id: 'default', region: REGIONS[0], data: { Status: { recording: true } } });
    expect(ofType('aws.ec2.nat-gateway')).toHaveLength(1);
    expect(ofType('aws.account')[0]!.data).toEqual({ AccountId: scenario.account, Partition: 'aws', Regions: REGIONS, Alias: null });
  });
});

describe('progress display', () => {
  // `script` (util-linux) runs the CLI on a pseudo-terminal, as a person would see it.
  const run = async (quiet: boolean) => {
    const { execFile } = await import('node:child_process');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'awsaudit-tty-')), 'snap.json');
    const cli = [
      'node',
      path.join(__dirname, '..', 'dist', 'cli', 'main.js'),
      'collect',
      '--endpoint-url',
      endpoint(),
      '--regions',
      REGIONS.join(','),
      '--only',
      'rds-instance-not-multi-az',
      '--out',
      file,
      ...(quiet ? ['--quiet'] : []),
    ];
    return new Promise<string>((resolve, reject) =>
      execFile('script', ['-qec', cli.join(' '), '/dev/null'], { env: { ...process.env, ...MOTO_ENV_DEFINED } }, (error, stdout) =>
        // ExecFileException's type (built with Omit) no longer says it is an Error: reject with one that is.
        error ? reject(new Error(error.message, { cause: error })) : resolve(stdout),
      ),
    );
  };

  it('on a terminal: one line redrawn in place, then a summary; nothing with --quiet', async () => {
    const shown = await run(false);
    // eslint-disable-next-line no-control-regex -- the line is redrawn with CR and ESC [K (erase line)
    expect(shown).toMatch(/\r\x1b\[Kcollecting: \d\/2 service-regions · \d+ API calls · \d+ resources/);
    expect(shown).toMatch(/collected 5 resource\(s\) from 2 region\(s\) with \d+ API call\(s\) in [\d.]+s/);
    const quiet = await run(true);
    expect(quiet).not.toContain('collecting');
    expect(quiet.trim()).toBe('');
  });
});

describe("--only one rule makes only that rule's calls", () => {
  it('collect --only rds-instance-not-multi-az attempts only the account and DB instances', async () => {
    const r = await runCli(
      ['collect', '--endpoint-url', endpoint(), '--regions', REGIONS.join(','), '--only', 'rds-instance-not-multi-az', '--out=-'],
      { env: MOTO_ENV },
    );
    expect(r.code, r.stderr).toBe(0);
    const snap = JSON.parse(r.stdout) as { meta: { resourceTypes: string[] }; resources: Array<{ type: string }> };
    expect(snap.meta.resourceTypes).toEqual(['aws.account', 'aws.rds.db-instance']);
    expect(new Set(snap.resources.map((x) => x.type))).toEqual(new Set(['aws.account', 'aws.rds.db-instance']));
  });
});

describe('--all-regions', () => {
  it("scans the enabled regions of the account's partition only", async () => {
    const r = await runCli(
      [
        'collect',
        '--endpoint-url',
        endpoint(),
        '--region',
        'us-east-1',
        '--all-regions',
        '--only',
        'rds-instance-not-multi-az',
        '--out=-',
        '--quiet',
      ],
      { env: MOTO_ENV },
    );
    expect(r.code, r.stderr).toBe(0);
    const { meta, resources } = JSON.parse(r.stdout) as { meta: { regions: string[] }; resources: Array<{ type: string; region: string }> };
    expect(meta.regions).toEqual(expect.arrayContaining(['us-east-1', 'ap-northeast-2', 'eu-west-1']));
    // moto lists China and GovCloud regions too, and marks some opt-in regions not-opted-in.
    expect(meta.regions.filter((x) => /^(cn-|us-gov-)/.test(x))).toEqual([]);
    expect(meta.regions).not.toContain('ap-east-1');
    expect(
      resources
        .filter((x) => x.type === 'aws.rds.db-instance')
        .map((x) => x.region)
        .sort(),
    ).toEqual(['ap-northeast-2', 'ap-northeast-2', 'us-east-1', 'us-east-1']);
  });
});

describe('coverage gaps: S3 answers AccessDenied', () => {
  let proxy: DenyProxy;
  let json: Report;
  let text: string;
  let code: number;
  beforeAll(async () => {
    proxy = await startDenyProxy(endpoint(), (service) => service === 's3');
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'awsaudit-gaps-')), 'report.json');
    const r = await runCli([...scanArgs(proxy.endpoint).slice(0, -4), '--format', 'text,json', '--output', `json=${out}`], {
      env: MOTO_ENV,
    });
    code = r.code;
    text = r.stdout;
    json = JSON.parse(readFileSync(out, 'utf8')) as Report;
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
  });

  it("the other services' findings are still reported, with exit code 1 (not 2)", () => {
    expect(code).toBe(1);
    expect(proxy.denied.get('s3')).toBeGreaterThan(0);
    const expected = expectedFindings(scenario).filter((f) => !f.startsWith('s3-'));
    expect(json.findings.map(key).sort()).toEqual(expected);
  });

  it('names the gaps in JSON: service, region, call, error', () => {
    const s3 = json.gaps.filter((g) => g.service === 's3');
    expect(s3.map((g) => `${g.region} ${g.operation} ${g.errorCode}`).sort()).toEqual(
      REGIONS.map((r) => `${r} ListBuckets AccessDenied`).sort(),
    );
    expect(s3[0]!.resourceTypes).toEqual(['aws.s3.bucket']);
    expect(json.gaps.find((g) => g.service === 's3control')).toMatchObject({
      region: 'global',
      operation: 'GetPublicAccessBlock',
      errorCode: 'AccessDenied',
      resourceTypes: ['aws.s3.account-public-access-block'],
    });
    expect(json.gaps.every((g) => g.service === 's3' || g.service === 's3control')).toBe(true);
  });

  it('the S3 rule is incomplete, never a clean pass; the text report says so', () => {
    const rule = json.rules.find((r) => r.ruleId === 's3-bucket-public-acl')!;
    expect(rule).toMatchObject({ complete: false, evaluated: 0 });
    expect(rule.gaps.length).toBeGreaterThan(0);
    expect(text).toContain('Coverage gaps');
    expect(text).toMatch(/s3 us-east-1 ListBuckets: AccessDenied/);
    expect(text).toMatch(/Incomplete \(not a clean result\):[^\n]*s3-bucket-public-acl/);
    // The other rules are complete.
    expect(json.rules.filter((r) => !r.complete).map((r) => r.ruleId)).toEqual(['s3-bucket-public-acl']);
  });
});

describe('exit code 2', () => {
  it('when nothing at all could be collected', async () => {
    const proxy = await startDenyProxy(endpoint(), (service) => service !== 'sts');
    try {
      const r = await runCli(['scan', '--endpoint-url', proxy.endpoint, '--region', 'us-east-1', '--only', 's3-bucket-public-acl'], {
        env: MOTO_ENV,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^awsaudit: nothing could be collected: .*AccessDenied/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await proxy.stop();
    }
  });

  // Credential resolution in a process of its own: the SDK keeps what it read of the config files per process.
  it('when no credentials can be found: one clear line on how to provide them', async () => {
    const r = await spawnCli(['scan', '--endpoint-url', endpoint(), '--region', 'us-east-1'], {
      env: {
        ...MOTO_ENV,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^awsaudit: no AWS credentials found: pass --profile NAME or set AWS_PROFILE .*export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.*\n$/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("when a named profile does not exist: the SDK's reason, in one line", async () => {
    const r = await spawnCli(['scan', '--endpoint-url', endpoint(), '--region', 'us-east-1', '--profile', 'no-such-profile'], {
      env: { ...MOTO_ENV, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^awsaudit: no AWS credentials for profile no-such-profile: .+\n$/);
  });

  it('when the region is missing, or the flags contradict each other', async () => {
    const none = await runCli(['scan', '--endpoint-url', endpoint()], { env: MOTO_ENV });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no AWS region');
    const both = await runCli(['scan', '--regions', 'us-east-1', '--all-regions'], { env: MOTO_ENV });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--regions and --all-regions cannot be used together');
  });
});

// ---------------------------------------------------------------------------------------
// Read-only proof: every command a collector can send is a read, is declared, and needs
// exactly one action of the `awsaudit permissions` policy, which holds nothing else.

const READ_ONLY = /^(Describe|List|Get|Lookup|Select)[A-Z]\w*Command$|^GenerateCredentialReportCommand$/;

describe('read-only proof', () => {
  let declared: Array<{ service: string; command: string; action: string }>;
  let policyActions: string[];
  beforeAll(async () => {
    const { COLLECTORS, CORE_COMMANDS } = await import('../src/collect/registry.js');
    declared = [
      ...CORE_COMMANDS.map((c) => ({ service: c.service!, command: c.command, action: c.action })),
      ...COLLECTORS.flatMap((col) =>
        col.descriptor.commands.map((c) => ({ service: c.service ?? col.descriptor.service, command: c.command, action: c.action })),
      ),
    ];
    const r = await runCli(['permissions', '--types', 'all']);
    expect(r.code, r.stderr).toBe(0);
    const policy = JSON.parse(r.stdout) as { Statement: Array<{ Effect: string; Action: string[]; Resource: string }> };
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: '*' });
    policyActions = policy.Statement[0]!.Action;
  });

  it('every declared command is a Describe/List/Get/Lookup/Select call (or GenerateCredentialReport) that exists in its SDK client', async () => {
    expect(declared.length).toBeGreaterThan(30);
    for (const c of declared) {
      expect(c.command, c.command).toMatch(READ_ONLY);
      const sdk = (await import(CLIENT_FACTORIES[c.service as ServiceName].package)) as Record<string, unknown>;
      expect(typeof sdk[c.command], `${c.service} ${c.command}`).toBe('function');
      // The action is the call's own read action in the service's IAM namespace.
      expect(c.action, c.command).toMatch(/^[a-z0-9-]+:(Describe|List|Get|Generate)[A-Za-z]+$/);
    }
  });

  it('permissions follows the rule selection: one RDS rule needs three actions', async () => {
    const r = await runCli(['permissions', '--only', 'rds-instance-not-multi-az']);
    expect(JSON.parse(r.stdout).Statement[0].Action).toEqual(['ec2:DescribeRegions', 'rds:DescribeDBInstances', 'sts:GetCallerIdentity']);
    const all = await runCli(['permissions']);
    const actions = JSON.parse(all.stdout).Statement[0].Action as string[];
    expect(actions).toEqual(
      expect.arrayContaining([
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeRouteTables',
        's3:GetBucketAcl',
        's3:GetAccountPublicAccessBlock',
        'iam:GetAccountAuthorizationDetails',
      ]),
    );
  });

  it('the permissions policy holds exactly the declared actions, and no write action', () => {
    expect([...policyActions].sort()).toEqual([...new Set(declared.map((c) => c.action))].sort());
    for (const action of policyActions) expect(action).toMatch(/^[a-z0-9-]+:(Describe|List|Get|GenerateCredentialReport)/);
  });

  it('the source sends no SDK command that no descriptor declares', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = path.join(__dirname, '..', 'src', 'services');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const used = new Set<string>();
    for (const f of files) {
      const source = readFileSync(path.join(dir, f), 'utf8');
      for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-[a-z0-9-]+'/g)) {
        for (const spec of m[1]!.split(',')) {
          const name = spec
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!;
          if (/Command$/.test(name)) used.add(name);
          if (/^paginate[A-Z]/.test(name)) used.add(`${name.slice('paginate'.length)}Command`);
        }
      }
    }
    expect(used.size).toBeGreaterThan(20);
    const names = new Set(declared.map((c) => c.command));
    expect([...used].filter((n) => !names.has(n))).toEqual([]);
  });

  it('every command actually sent during a full scan, seen by our own SDK middleware, is declared and allowed by the policy', async () => {
    const { collectSnapshot } = await import('../src/collect/collect.js');
    const { collectableTypes } = await import('../src/collect/plan.js');
    const sent = new Set<string>();
    const env = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      const { snapshot } = await collectSnapshot({
        types: collectableTypes(),
        regions: REGIONS,
        endpoint: endpoint(),
        maxConcurrency: 4,
        maxAttempts: 2,
        retryMode: 'standard',
        progress: false,
        instrument: (client, service) => {
          const stack = client.middlewareStack as unknown as { add(m: unknown, o: { step: string; name: string }): void };
          stack.add(
            (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
              sent.add(`${service} ${context.commandName}`);
              return next(args);
            },
            { step: 'initialize', name: 'testCommandSpy' },
          );
        },
      });
      expect(snapshot.gaps).toEqual([]);
    } finally {
      process.env = env;
    }
    const byKey = new Map(declared.map((c) => [`${c.service} ${c.command}`, c.action]));
    // A full scan of the seeded account exercises nearly every declared command.
    expect(sent.size).toBeGreaterThan(30);
    for (const call of sent) {
      expect(byKey.has(call), `${call} is not declared`).toBe(true);
      expect(policyActions).toContain(byKey.get(call));
    }
  });
});
