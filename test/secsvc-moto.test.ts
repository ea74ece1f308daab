// Detection services (GuardDuty, Security Hub, IAM Access Analyzer, Macie) end to end against
// moto. moto lacks Access Analyzer and writes Macie's timestamps in a form the SDK refuses: the
// shims in front of moto (support/moto-shims.ts) answer those in AWS's wire shape, and the other
// moto tests read through them. Here the same scans also run against moto without the shims, to
// show what a scan does with a service it cannot read: a coverage gap, never a clean result.
// (The twins of these rules are checked with all the others in collect-moto.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { MOTO_CLI_ENV, sdkConfig, startMoto, type MotoServer } from './support/moto.js';
import { compliantAccess, type Twin } from './support/scenario/index.js';
import { seedSecurityServices } from './support/scenario/secsvc.js';

const REGIONS = ['us-east-1', 'ap-northeast-2'];
const RULES = [
  'guardduty-not-enabled',
  'guardduty-s3-protection-off',
  'guardduty-eks-audit-logs-off',
  'guardduty-lambda-protection-off',
  'guardduty-malware-protection-off',
  'guardduty-rds-protection-off',
  'guardduty-runtime-monitoring-off',
  'guardduty-eks-runtime-monitoring-off',
  'guardduty-ecs-runtime-monitoring-off',
  'guardduty-ec2-runtime-monitoring-off',
  'securityhub-not-enabled',
  'accessanalyzer-no-external-access-analyzer',
  'macie-not-enabled',
];

interface Report {
  findings: Array<{ ruleId: string; resource: { id: string; region: string; type: string } }>;
  rules: Array<{ ruleId: string; status: string; complete: boolean; evaluated: number; failed: number }>;
  gaps: Array<{ service: string; region: string; operation: string; errorCode: string; resourceTypes: string[] }>;
}

let moto: MotoServer | undefined;
let twins: Twin[];
let compliantEnv: Record<string, string | undefined>;

beforeAll(async () => {
  moto = await startMoto();
  const compliant = await compliantAccess(moto.endpoint);
  twins = await seedSecurityServices({
    endpoint: moto.endpoint,
    regions: REGIONS,
    suffix: 'secsvc',
    roleArn: 'arn:aws:iam::123456789012:role/unused',
    main: (region) => sdkConfig(moto!.endpoint, region),
    compliant: (region) => ({ ...sdkConfig(moto!.endpoint, region), credentials: compliant.credentials }),
  });
  const { accessKeyId, secretAccessKey, sessionToken } = compliant.credentials;
  compliantEnv = {
    ...MOTO_CLI_ENV,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: sessionToken,
  };
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

async function scan(endpoint: string, env: Record<string, string | undefined> = MOTO_CLI_ENV): Promise<Report> {
  const r = await runCli(
    [
      'scan',
      '--endpoint-url',
      endpoint,
      '--regions',
      REGIONS.join(','),
      '--only',
      RULES.join(','),
      '--format',
      'json',
      '--output',
      'json=-',
    ],
    { env },
  );
  expect([0, 1], r.stderr).toContain(r.code);
  return JSON.parse(r.stdout) as Report;
}

describe('through the shims (what the other moto tests read)', () => {
  let main: Report;
  let compliant: Report;
  beforeAll(async () => {
    [main, compliant] = await Promise.all([scan(moto!.endpoint), scan(moto!.endpoint, compliantEnv)]);
  }, 120_000);

  it('reads all four services in both regions, with no gaps, every rule complete', () => {
    for (const report of [main, compliant]) {
      expect(report.gaps).toEqual([]);
      for (const rule of report.rules) expect(rule, rule.ruleId).toMatchObject({ complete: true });
    }
  });

  it('every failing twin gives its finding; no compliant twin does', () => {
    const has = (report: Report, rule: string, id: string, region: string) =>
      report.findings.some((f) => f.ruleId === rule && f.resource.id === id && f.resource.region === region);
    const wrong: string[] = [];
    for (const t of twins) {
      if (t.fail && !has(t.fail.account === 'compliant' ? compliant : main, t.rule, t.fail.id, t.fail.region!))
        wrong.push(`no ${t.rule} finding in ${t.fail.region}`);
      if (t.pass && has(t.pass.account === 'compliant' ? compliant : main, t.rule, t.pass.id, t.pass.region!))
        wrong.push(`a ${t.rule} finding for the compliant twin in ${t.pass.region}`);
    }
    expect(wrong).toEqual([]);
    expect(twins.length).toBeGreaterThanOrEqual(RULES.length);
    // The compliant account has every detection service on in both regions.
    expect(compliant.findings).toEqual([]);
    expect(compliant.rules.every((r) => r.evaluated === REGIONS.length && r.failed === 0)).toBe(true);
  });

  it('the main account: everything off in the first region, every GuardDuty plan off in the second', () => {
    const got = main.findings.map((f) => `${f.ruleId} ${f.resource.region}`).sort();
    expect(got).toEqual(
      [
        'accessanalyzer-no-external-access-analyzer us-east-1',
        'guardduty-not-enabled us-east-1',
        'macie-not-enabled us-east-1',
        'securityhub-not-enabled us-east-1',
        ...RULES.filter((r) => /^guardduty-.*-off$/.test(r)).map((r) => `${r} ap-northeast-2`),
      ].sort(),
    );
  });
});

describe('moto without the shims: what cannot be read is a gap, not a clean result', () => {
  let plain: Report;
  beforeAll(async () => {
    plain = await scan(moto!.plainEndpoint);
  }, 120_000);

  it('Access Analyzer (moto answers HTTP 500) is a gap in each region, and its rule is incomplete with no finding', () => {
    const gaps = plain.gaps.filter((g) => g.service === 'accessanalyzer');
    expect(gaps.map((g) => `${g.region} ${g.operation}`).sort()).toEqual(REGIONS.map((r) => `${r} ListAnalyzers`).sort());
    expect(gaps[0]!.resourceTypes).toEqual(['aws.accessanalyzer.analyzers']);
    expect(plain.rules.find((r) => r.ruleId === 'accessanalyzer-no-external-access-analyzer')).toMatchObject({
      complete: false,
      evaluated: 0,
    });
    expect(plain.findings.filter((f) => f.ruleId === 'accessanalyzer-no-external-access-analyzer')).toEqual([]);
  });

  it("Macie: the region where it is off is still read (AWS's ResourceNotFoundException); an unreadable session is a gap", () => {
    expect(plain.findings.filter((f) => f.ruleId === 'macie-not-enabled').map((f) => f.resource.region)).toEqual(['us-east-1']);
    expect(plain.gaps.filter((g) => g.service === 'macie2').map((g) => `${g.region} ${g.operation}`)).toEqual([
      'ap-northeast-2 GetMacieSession',
    ]);
    expect(plain.rules.find((r) => r.ruleId === 'macie-not-enabled')).toMatchObject({ complete: false, evaluated: 1, failed: 1 });
  });

  it('GuardDuty and Security Hub, which moto implements, read the same with or without the shims', () => {
    expect(plain.gaps.filter((g) => g.service === 'guardduty' || g.service === 'securityhub')).toEqual([]);
    expect(plain.findings.filter((f) => f.ruleId.startsWith('guardduty-') || f.ruleId.startsWith('securityhub-')).length).toBe(11);
  });
});
