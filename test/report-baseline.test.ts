import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from './support/cli.js';
import { sarifProblems } from './support/sarif.js';
import { DEMO, DEMO_NOW, demoVariant, mixedCoverageVariant, readJson, resourceById, tempDir } from './support/snapshots.js';

interface Finding {
  ruleId: string;
  fingerprint: string;
  /** Folded into a broader finding of the same cause: listed in JSON, not a SARIF result of its own. */
  foldedInto?: string;
  baselineState?: string;
  resource: { id: string };
}
interface Report {
  findings: Finding[];
  summary: { findings: number; baseline?: { new: number; unchanged: number; fixed: number; notRechecked: number } };
  baseline?: { fixed: Finding[]; notRechecked: Array<Finding & { reason: string }>; new: number; unchanged: number };
}

/** Evaluate a snapshot at the demo clock; every format into `dir`. */
async function evaluateTo(dir: string, snapshot: string, extra: string[] = []) {
  const r = await runCli([
    'evaluate',
    '--snapshot',
    snapshot,
    '--now',
    DEMO_NOW,
    '--format',
    'json,sarif,html,text',
    '--output-dir',
    dir,
    ...extra,
  ]);
  return {
    ...r,
    json: readJson<Report>(path.join(dir, 'awsaudit.json')),
    sarif: readJson<Sarif.Log>(path.join(dir, 'awsaudit.sarif')),
    sarifFile: path.join(dir, 'awsaudit.sarif'),
    html: readFileSync(path.join(dir, 'awsaudit.html'), 'utf8'),
  };
}

const fingerprints = (log: Sarif.Log) =>
  log.runs.flatMap((run) => run.results!.map((r) => `${r.ruleId} ${r.partialFingerprints!.primaryLocationLineHash}`)).sort();
const states = (log: Sarif.Log) =>
  Object.fromEntries(
    log.runs.flatMap((run) => run.results!.map((r) => [r.partialFingerprints!.primaryLocationLineHash!, r.baselineState])),
  );

describe('fingerprints are stable across scans', async () => {
  const first = await evaluateTo(tempDir(), DEMO);
  const second = await evaluateTo(tempDir(), DEMO);
  // The demo account's findings (every rule's); the tests below compare against this count.
  // SARIF has one result per cause: the findings not folded into another.
  const count = first.json.findings.filter((f) => !f.foldedInto).length;

  it('two scans of an unchanged account give identical fingerprints (and identical SARIF)', () => {
    expect(count).toBeGreaterThanOrEqual(7);
    expect(fingerprints(first.sarif)).toHaveLength(count);
    expect(fingerprints(second.sarif)).toEqual(fingerprints(first.sarif));
    expect(readFileSync(second.sarifFile, 'utf8')).toBe(readFileSync(first.sarifFile, 'utf8'));
  });

  it('with the first scan as baseline, every result is unchanged, nothing is fixed, and nothing counts for the exit code', async () => {
    const baseline = path.join(tempDir(), 'baseline.json');
    writeFileSync(baseline, JSON.stringify(first.json));
    const again = await evaluateTo(tempDir(), DEMO, ['--baseline', baseline, '--fail-on', 'low']);
    expect(again.code).toBe(0);
    expect(Object.values(states(again.sarif))).toEqual(Array(count).fill('unchanged'));
    expect(again.json.summary.baseline).toEqual({ new: 0, unchanged: count, fixed: 0, notRechecked: 0 });
    expect(sarifProblems(again.sarifFile)).toEqual([]);
  });

  it('making one bucket private changes only that result: it is listed as fixed, every other result is unchanged', async () => {
    const dir = tempDir();
    const baseline = path.join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(first.json));
    const variant = demoVariant((s) => {
      const bucket = resourceById(s, 'ciw0707-web-site-s3');
      const acl = bucket.data.Acl as { Grants: Array<{ Grantee: { URI?: string } }> };
      acl.Grants = acl.Grants.filter((g) => !g.Grantee.URI);
    });
    const after = await evaluateTo(dir, variant, ['--baseline', baseline]);
    const bucketFp = first.json.findings.find((f) => f.ruleId === 's3-bucket-public-acl')!.fingerprint;
    const before = states(first.sarif);
    const now = states(after.sarif);
    // What was folded into the public-ACL finding (the bucket's Block Public Access is still off)
    // is a result of its own again, as it was in the baseline: unchanged, not new.
    const unfolded = first.json.findings.filter((f) => f.foldedInto === bucketFp).map((f) => f.fingerprint);
    expect(unfolded.length).toBeGreaterThan(0);
    expect(Object.keys(now).sort()).toEqual([...Object.keys(before).filter((fp) => fp !== bucketFp), ...unfolded].sort());
    expect(new Set(Object.values(now))).toEqual(new Set(['unchanged']));
    expect(after.json.baseline!.fixed.map((f) => f.fingerprint)).toEqual([bucketFp]);
    expect(after.sarif.runs[0]!.properties!.baseline).toMatchObject({ fixed: [{ fingerprint: bucketFp, ruleId: 's3-bucket-public-acl' }] });
    expect(after.stdout).toMatch(/Fixed since the baseline .*\(1\):\n {2}high +s3-bucket-public-acl +aws\.s3\.bucket ciw0707-web-site-s3/);
    expect(after.html).toContain('Fixed since the baseline');
    expect(after.code).toBe(0);
    expect(sarifProblems(after.sarifFile)).toEqual([]);
  });

  it('opening SSH on one compliant security group adds exactly one new result; only new findings count for the exit code', async () => {
    const dir = tempDir();
    const baseline = path.join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(first.json));
    const variant = demoVariant((s) => {
      const sg = resourceById(s, 'sg-0a11c0ffee0000002');
      sg.data.IpPermissions = [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ];
    });
    const after = await evaluateTo(dir, variant, ['--baseline', baseline, '--fail-on', 'high']);
    const now = states(after.sarif);
    const added = Object.entries(now).filter(([fp]) => !(fp in states(first.sarif)));
    expect(added).toEqual([[expect.any(String), 'new']]);
    expect(Object.values(now).filter((s) => s === 'unchanged')).toHaveLength(count);
    const newFinding = after.json.findings.find((f) => f.baselineState === 'new')!;
    expect(newFinding).toMatchObject({ ruleId: 'ec2-security-group-admin-ports-open', resource: { id: 'sg-0a11c0ffee0000002' } });
    expect(after.stdout).toMatch(/ec2-security-group-admin-ports-open .*sg-0a11c0ffee0000002.*\[new\]/);
    expect(after.html).toMatch(/data-state="open new"/);
    // The new finding is high: exit 1 at --fail-on high ...
    expect(after.code).toBe(1);
    // ... but not at --fail-on critical, although old findings (the public DB snapshot, roles anyone can assume) are critical.
    const critical = await runCli([
      'evaluate',
      '--snapshot',
      variant,
      '--now',
      DEMO_NOW,
      '--baseline',
      baseline,
      '--fail-on',
      'critical',
      '--format',
      'json',
      '--output-dir',
      dir,
    ]);
    expect(critical.code).toBe(0);
    const noBaseline = await runCli([
      'evaluate',
      '--snapshot',
      variant,
      '--now',
      DEMO_NOW,
      '--fail-on',
      'critical',
      '--format',
      'json',
      '--output-dir',
      dir,
    ]);
    expect(noBaseline.code).toBe(1);
    expect(sarifProblems(after.sarifFile)).toEqual([]);
  });

  it('a baseline finding whose rule did not run is "not re-checked", never "fixed"', async () => {
    const dir = tempDir();
    const baseline = path.join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(first.json));
    const r = await evaluateTo(dir, DEMO, ['--baseline', baseline, '--only', 'rds-instance-not-multi-az']);
    expect(r.json.baseline!.fixed).toEqual([]);
    // Every baseline finding but the one of the rule that ran.
    expect(r.json.baseline!.notRechecked).toHaveLength(first.json.findings.length - 1);
    expect(r.json.baseline!.notRechecked[0]!.reason).toBe('its rule did not run in this scan');
    expect(r.stdout).toContain(`In the baseline but not re-checked in this scan (not a fix) (${first.json.findings.length - 1})`);
  });

  it('a baseline finding whose type was not collected this time is "not re-checked", naming the type', async () => {
    const dir = tempDir();
    const baseline = path.join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(first.json));
    const r = await evaluateTo(dir, mixedCoverageVariant(), ['--baseline', baseline]);
    const trail = r.json.baseline!.notRechecked.find((f) => f.ruleId === 'cloudtrail-trail-without-cloudwatch-logs')!;
    expect(trail.reason).toBe('aws.cloudtrail.trail was not collected in this scan');
    expect(r.json.baseline!.fixed.map((f) => f.ruleId)).not.toContain('cloudtrail-trail-without-cloudwatch-logs');
  });

  it('a report of the previous format (version 1) is still read as a baseline; a version this release does not know is refused', async () => {
    const dir = tempDir();
    // Version 1 had no "incomplete" status, no missingTypes, and counted rules differently; its findings are the same.
    const v1 = {
      ...first.json,
      version: 1,
      summary: { ...first.json.summary, rules: { total: 47, failed: 23, passed: 24, notChecked: 0, incomplete: 0 } },
    } as Record<string, unknown>;
    v1.rules = (first.json as unknown as { rules: Array<Record<string, unknown>> }).rules.map(({ missingTypes: _, ...r }) => ({
      ...r,
      status: r.status === 'incomplete' ? 'pass' : r.status,
    }));
    const old = path.join(dir, 'v1.json');
    writeFileSync(old, JSON.stringify(v1));
    const again = await evaluateTo(dir, DEMO, ['--baseline', old, '--fail-on', 'low']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.summary.baseline).toEqual({ new: 0, unchanged: count, fixed: 0, notRechecked: 0 });
    const future = path.join(dir, 'v3.json');
    writeFileSync(future, JSON.stringify({ ...first.json, version: 3 }));
    const r = await runCli(['evaluate', '--snapshot', DEMO, '--baseline', future]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is report version 3; this awsaudit reads versions 1 and 2/);
  });

  it('a file that is not a JSON report is refused with exit 2 and one line', async () => {
    const dir = tempDir();
    const notReport = path.join(dir, 'snapshot-as-baseline.json');
    writeFileSync(notReport, readFileSync(DEMO));
    for (const [file, message] of [
      [notReport, /baseline .* is not an awsaudit JSON report/],
      [path.join(dir, 'missing.json'), /cannot read baseline/],
    ] as const) {
      const r = await runCli(['evaluate', '--snapshot', DEMO, '--baseline', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
