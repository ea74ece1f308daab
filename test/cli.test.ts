import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess as runCli } from './support/cli.js';

const outDir = () => mkdtempSync(path.join(tmpdir(), 'awsaudit-cli-'));
const DEMO = path.join(ROOT, 'demo', 'demo-account.snapshot.json');

describe('awsaudit scan --demo (the quick start)', async () => {
  const dir = outDir();
  const result = await runCli(['scan', '--demo', '--fail-on', 'none', '--output-dir', dir]);
  const report = JSON.parse(readFileSync(path.join(dir, 'awsaudit.json'), 'utf8'));

  it('exits 0 with --fail-on none and prints findings for each headline rule', () => {
    expect(result.code).toBe(0);
    for (const id of [
      'ec2-security-group-admin-ports-open',
      'ec2-instance-reachable-from-internet',
      'ec2-elastic-ip-unattached',
      's3-bucket-public-acl',
      'rds-instance-not-multi-az',
      'iam-access-key-too-old',
    ]) {
      expect(result.stdout).toContain(id);
    }
    // The unattached Elastic IP, the worker's public IP in the private subnet, the left-behind 30 GiB gp2 volume, the staging ALB
    // with no targets, three t2.micro, the stopped batch instance's volume, gp2 volumes, the old snapshot and the idle NAT gateway.
    expect(result.stdout).toContain('estimated waste $77.32/month');
    // Every shipped rule that runs by default is checked on the demo: none is left "not checked".
    expect(result.stdout).not.toContain('Not checked');
  });

  it('writes a JSON report with exactly the demo account findings', () => {
    const got = report.findings.map((f: { ruleId: string; resource: { id: string } }) => `${f.ruleId} ${f.resource.id}`).sort();
    expect(got).toEqual([
      'accessanalyzer-no-external-access-analyzer 123456789012',
      'account-no-support-role 123456789012',
      'account-security-contact-missing 123456789012',
      'cloudtrail-no-s3-object-read-events 123456789012',
      'cloudtrail-no-s3-object-write-events 123456789012',
      'cloudtrail-trail-not-kms-encrypted management-events',
      'cloudtrail-trail-not-kms-encrypted security-monitoring',
      'cloudtrail-trail-without-cloudwatch-logs management-events',
      'cloudwatch-alarm-actions-disabled cis-S3BucketPolicyChanges',
      'cloudwatch-alarm-without-actions cis-ConsoleSigninFailures',
      'cloudwatch-nat-gateway-idle nat-0a11c0ffee0000002',
      'cloudwatch-no-alarm-cmk-disable-or-deletion 123456789012',
      'cloudwatch-no-alarm-config-changes 123456789012',
      'cloudwatch-no-alarm-console-auth-failures 123456789012',
      'cloudwatch-no-alarm-console-sign-in-without-mfa 123456789012',
      'cloudwatch-no-alarm-nacl-changes 123456789012',
      'cloudwatch-no-alarm-network-gateway-changes 123456789012',
      'cloudwatch-no-alarm-organizations-changes 123456789012',
      'cloudwatch-no-alarm-route-table-changes 123456789012',
      'cloudwatch-no-alarm-s3-bucket-policy-changes 123456789012',
      'cloudwatch-no-alarm-security-group-changes 123456789012',
      'cloudwatch-no-alarm-vpc-changes 123456789012',
      'config-recorder-missing 123456789012',
      'ec2-default-security-group-allows-traffic sg-0b22c0ffee0000005',
      'ec2-ebs-encryption-by-default-disabled ap-northeast-2',
      'ec2-elastic-ip-unattached eipalloc-0e1d2c3b4a5960001',
      'ec2-instance-imdsv1-allowed i-0d1a2b3c4d5e60007',
      'ec2-instance-multiple-enis i-0d1a2b3c4d5e60003',
      'ec2-instance-no-iam-role i-0bastion000000001',
      'ec2-instance-no-iam-role i-0d1a2b3c4d5e60001',
      'ec2-instance-previous-generation i-0bastion000000001',
      'ec2-instance-previous-generation i-0d1a2b3c4d5e60001',
      'ec2-instance-previous-generation i-0d1a2b3c4d5e60002',
      'ec2-instance-public-ip-in-private-subnet i-0d1a2b3c4d5e60003',
      'ec2-instance-reachable-from-internet i-0d1a2b3c4d5e60001',
      'ec2-instance-secrets-in-user-data i-0d1a2b3c4d5e60001',
      'ec2-instance-stopped-long i-0d1a2b3c4d5e60007',
      'ec2-instance-stopped-volumes-cost i-0d1a2b3c4d5e60007',
      'ec2-launch-template-ebs-unencrypted lt-0d1a2b3c4d5e60001',
      'ec2-launch-template-imdsv1-allowed lt-0d1a2b3c4d5e60001',
      'ec2-launch-template-public-ip lt-0d1a2b3c4d5e60001',
      'ec2-nat-gateway-single-az nat-0a11c0ffee0000001',
      'ec2-nat-gateway-single-az nat-0a11c0ffee0000002',
      'ec2-network-acl-admin-ports-open acl-0a11c0ffee0000001',
      'ec2-network-acl-unused acl-0a11c0ffee0000009',
      'ec2-network-interface-source-dest-check-disabled eni-0d1a2b3c4d5e60013',
      'ec2-route-table-peering-not-least-access rtb-0a11c0ffee0000003',
      'ec2-security-group-admin-ports-open sg-0a11c0ffee0000001',
      'ec2-security-group-cifs-port-open sg-0c33c0ffee0000445',
      'ec2-security-group-nonweb-port-open sg-0a11c0ffee0000001',
      'ec2-security-group-nonweb-port-open sg-0c33c0ffee0000445',
      'ec2-snapshot-block-public-access-off ap-northeast-2',
      'ec2-snapshot-of-deleted-volume snap-0a11c0ffee0000002',
      'ec2-subnet-auto-assigns-public-ip subnet-0a11c0ffee0000001',
      'ec2-subnet-auto-assigns-public-ip subnet-0a11c0ffee0000004',
      'ec2-transit-gateway-auto-accepts-attachments tgw-0c33c0ffee0000001',
      'ec2-volume-gp2 vol-0a11c0ffee0000007',
      'ec2-volume-gp2 vol-0a11c0ffee0000009',
      'ec2-volume-unattached vol-0a11c0ffee0000009',
      'ec2-volume-unencrypted vol-0a11c0ffee0000007',
      'ec2-vpc-block-public-access-off ap-northeast-2',
      'ec2-vpc-flow-logs-disabled vpc-0d1e2f3a4b5c6d7e8',
      'ec2-vpc-no-ec2-endpoint vpc-0d1e2f3a4b5c6d7e8',
      'efs-access-point-root-directory-not-enforced fsap-0a11c0ffee0000001',
      'efs-access-point-user-identity-not-enforced fsap-0a11c0ffee0000001',
      'efs-file-system-backup-disabled fs-0a11c0ffee0000001',
      'efs-file-system-not-encrypted fs-0a11c0ffee0000001',
      'efs-mount-target-in-public-subnet fsmt-0a11c0ffee0000001',
      'elb-classic-certificate-not-acm legacy-shop-clb',
      'elb-classic-connection-draining-disabled legacy-shop-clb',
      'elb-classic-cross-zone-disabled legacy-shop-clb',
      'elb-classic-desync-mitigation-not-defensive legacy-shop-clb',
      'elb-classic-listener-not-encrypted legacy-shop-clb',
      'elb-classic-single-az legacy-shop-clb',
      'elbv2-alb-desync-mitigation-not-defensive django-board-alb',
      'elbv2-alb-invalid-headers-not-dropped django-board-alb',
      'elbv2-listener-http-not-redirecting arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/django-board-alb/5a1b2c3d4e5f6071/80a1b2c3d4e5f607',
      'elbv2-listener-outdated-tls-policy arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/net/django-board-internal-nlb/6b2c3d4e5f607182/64a1b2c3d4e5f607',
      'elbv2-load-balancer-access-logs-disabled django-board-alb',
      'elbv2-load-balancer-deletion-protection-disabled django-board-alb',
      'elbv2-load-balancer-no-targets django-board-staging-alb',
      'elbv2-load-balancer-without-https django-board-alb',
      'guardduty-ec2-runtime-monitoring-off 123456789012',
      'guardduty-ecs-runtime-monitoring-off 123456789012',
      'guardduty-lambda-protection-off 123456789012',
      'guardduty-malware-protection-off 123456789012',
      'guardduty-not-enabled 123456789012',
      'guardduty-rds-protection-off 123456789012',
      'iam-access-key-too-old AKIAIOSFODNN7EXAMPLE',
      'iam-group-inline-decrypt-all-kms-keys support',
      'iam-password-policy-no-expiry 123456789012',
      'iam-password-policy-no-symbol-required 123456789012',
      'iam-password-policy-reuse-allowed 123456789012',
      'iam-password-policy-short-minimum-length 123456789012',
      'iam-password-policy-weak-complexity 123456789012',
      'iam-policy-allows-decrypt-all-kms-keys arn:aws:iam::123456789012:policy/app-secrets-read',
      'iam-role-data-access-all-buckets reports-etl',
      'iam-role-effective-admin ops-automation',
      'iam-role-full-access-policy django-board-ec2',
      'iam-role-inline-decrypt-all-kms-keys ops-automation',
      'iam-role-trust-allows-anyone legacy-cross-account',
      'iam-role-trust-other-account-unrestricted partner-audit',
      'iam-role-trust-web-identity-unrestricted github-deploy',
      'iam-root-hardware-mfa-missing 123456789012',
      'iam-server-certificate-expired django-board-2024',
      'iam-user-console-password-unused mary.major',
      'iam-user-direct-policies ci-bot',
      'iam-user-direct-policies django-board',
      'iam-user-full-access-policy django-board',
      'iam-user-privilege-escalation ci-bot',
      'iam-user-setup-access-key-unused mary.major',
      'iam-user-without-mfa ci-bot',
      'iam-user-without-mfa deployer',
      'iam-user-without-mfa django-board',
      'kms-key-pending-deletion 0a11c0ff-ee00-4000-8000-000000000004',
      'kms-key-policy-public 0a11c0ff-ee00-4000-8000-000000000003',
      'kms-key-rotation-disabled 0a11c0ff-ee00-4000-8000-000000000001',
      'lambda-function-deprecated-runtime django-board-cleanup',
      'lambda-function-policy-public django-board-cleanup',
      'lambda-function-secrets-in-environment django-board-thumbnailer',
      'lambda-function-vpc-single-az django-board-cleanup',
      'logs-log-group-retention-short /aws/lambda/django-board-thumbnailer',
      'macie-automated-discovery-disabled 123456789012',
      'macie-not-enabled 123456789012',
      'rds-cluster-audit-log-not-exported django-board-reports',
      'rds-cluster-auto-minor-upgrade-disabled django-board-reports',
      'rds-cluster-backtrack-disabled django-board-reports',
      'rds-cluster-copy-tags-to-snapshots-disabled django-board-reports',
      'rds-cluster-default-admin-username django-board-analytics',
      'rds-cluster-default-admin-username django-board-reports',
      'rds-cluster-deletion-protection-disabled django-board-reports',
      'rds-cluster-event-subscription-missing ap-northeast-2',
      'rds-cluster-iam-auth-disabled django-board-reports',
      'rds-cluster-not-multi-az django-board-reports',
      'rds-cluster-postgresql-log-not-exported django-board-analytics',
      'rds-cluster-storage-not-encrypted django-board-reports',
      'rds-instance-auto-minor-upgrade-disabled django-board-db',
      'rds-instance-backups-too-short django-board-db',
      'rds-instance-copy-tags-to-snapshots-disabled django-board-db',
      'rds-instance-default-admin-username django-board-db',
      'rds-instance-default-port django-board-db',
      'rds-instance-deletion-protection-disabled django-board-db',
      'rds-instance-enhanced-monitoring-disabled django-board-db',
      'rds-instance-event-subscription-missing ap-northeast-2',
      'rds-instance-iam-auth-disabled django-board-db',
      'rds-instance-logs-not-exported django-board-db',
      'rds-instance-logs-not-exported django-board-search',
      'rds-instance-not-multi-az django-board-db',
      'rds-instance-postgresql-log-not-exported django-board-search',
      'rds-instance-publicly-accessible django-board-db',
      'rds-instance-storage-not-encrypted django-board-db',
      'rds-parameter-group-event-subscription-missing ap-northeast-2',
      'rds-security-group-event-subscription-missing ap-northeast-2',
      'rds-snapshot-not-encrypted django-board-db-before-migration',
      'rds-snapshot-public django-board-db-before-migration',
      's3-account-block-public-access-off 123456789012',
      's3-bucket-access-logging-disabled ciw0707-web-site-s3',
      's3-bucket-acls-enabled ciw0707-web-site-s3',
      's3-bucket-block-public-access-off ciw0707-web-site-s3',
      's3-bucket-mfa-delete-disabled ciw0707-web-site-s3',
      's3-bucket-mfa-delete-disabled django-board-static',
      's3-bucket-mfa-delete-disabled django-board-trail-logs',
      's3-bucket-no-secure-transport-policy ciw0707-web-site-s3',
      's3-bucket-policy-cross-account-admin django-board-exports',
      's3-bucket-public-acl ciw0707-web-site-s3',
      's3-bucket-versioning-disabled ciw0707-web-site-s3',
      's3-bucket-website-enabled ciw0707-web-site-s3',
      'securityhub-not-enabled 123456789012',
      'sns-topic-delivery-status-logging-disabled ops-notifications',
      'sns-topic-not-encrypted ops-notifications',
      'sns-topic-public-policy ops-notifications',
    ]);
  });

  it('counts passes: compliant twins are evaluated and pass', () => {
    const byRule = Object.fromEntries(report.rules.map((r: { ruleId: string }) => [r.ruleId, r]));
    expect(byRule['rds-instance-not-multi-az']).toMatchObject({ evaluated: 4, failed: 1, passed: 3, status: 'fail', complete: true });
    expect(byRule['ec2-security-group-admin-ports-open']).toMatchObject({ evaluated: 9, failed: 1, passed: 8 });
    // The notes' server fails; the bastion (SSH from one address), the private app server, the worker and the stopped batch instance pass.
    expect(byRule['ec2-instance-reachable-from-internet']).toMatchObject({
      evaluated: 5,
      failed: 1,
      passed: 4,
      undecided: 0,
      status: 'fail',
      complete: true,
    });
    // The worker fails; the two instances in the public subnet and the app server and the stopped batch instance without a public IP pass.
    expect(byRule['ec2-instance-public-ip-in-private-subnet']).toMatchObject({
      evaluated: 5,
      failed: 1,
      passed: 4,
      undecided: 0,
      status: 'fail',
      complete: true,
    });
    // The bastion holding an Elastic IP is running; the NAT gateway holds the third.
    expect(byRule['ec2-elastic-ip-on-stopped-instance']).toMatchObject({
      evaluated: 3,
      failed: 0,
      passed: 3,
      status: 'pass',
      complete: true,
    });
    // The EC2 role with ECR full access fails; the Lambda role passes; the service-linked role is not judged by it (passes);
    // so do the nine roles of the trust, admin and data-access twins, none of which has a …FullAccess policy.
    expect(byRule['iam-role-full-access-policy']).toMatchObject({ evaluated: 12, failed: 1, passed: 11 });
    // The notes' ALB (port 80 forwards) fails; the internal NLB's listeners (TCP, TLS) and the staging ALB's HTTPS listener pass.
    expect(byRule['elbv2-listener-http-not-redirecting']).toMatchObject({ evaluated: 4, failed: 1, passed: 3 });
    // The root user (MFA on, no keys, last used in 2024) and the multi-region trail to a private bucket pass.
    for (const id of [
      'iam-root-access-keys-exist',
      'iam-root-mfa-disabled',
      'iam-root-used-recently',
      'cloudtrail-no-multi-region-trail',
      'cloudtrail-trail-not-logging',
      's3-bucket-cloudtrail-logs-public',
    ]) {
      expect(byRule[id], id).toMatchObject({ failed: 0, status: 'pass', complete: true });
      expect(byRule[id].evaluated, id).toBeGreaterThan(0);
    }
    // The notes' server exports its secrets in user data; the bastion (none), the app server (Parameter Store) and the worker pass.
    expect(byRule['ec2-instance-secrets-in-user-data']).toMatchObject({
      evaluated: 4,
      failed: 1,
      passed: 3,
      undecided: 0,
      status: 'fail',
      complete: true,
    });
    expect(report.summary.rules).toEqual({ total: 205, failed: 156, failedIncomplete: 0, passed: 49, incomplete: 0, notChecked: 0 });
    expect(report.summary.costMonthlyUsd).toBe(77.32);
  });

  it('every finding carries evidence, a message and a remediation', () => {
    for (const f of report.findings) {
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(f.message).not.toMatch(/unknown/);
      expect(f.remediation.text.length).toBeGreaterThan(10);
      expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

describe('exit codes and --fail-on', () => {
  it('1 when findings are at or above the threshold, 0 when none are', async () => {
    const dir = outDir();
    expect((await runCli(['scan', '--demo', '--output-dir', dir])).code).toBe(1);
    expect((await runCli(['scan', '--demo', '--fail-on', 'critical', '--output-dir', dir])).code).toBe(1);
    // Four critical findings: SSH open on the group of the reachable instance, two roles anyone can assume (trust policy
    // "*", a GitHub OIDC trust without sub) and the public DB snapshot. Skipping all but one still fails. (The public
    // website bucket is high: its ACL lets anyone list it, not write to it or change its permissions.)
    const critical = [
      'ec2-security-group-admin-ports-open',
      'iam-role-trust-allows-anyone',
      'iam-role-trust-web-identity-unrestricted',
      'rds-snapshot-public',
    ];
    for (const kept of critical) {
      const skip = critical.filter((r) => r !== kept).join(',');
      expect((await runCli(['scan', '--demo', '--fail-on', 'critical', '--skip', skip, '--output-dir', dir])).code, kept).toBe(1);
    }
    expect((await runCli(['scan', '--demo', '--fail-on', 'critical', '--skip', critical.join(','), '--output-dir', dir])).code).toBe(0);
  });
  it('2 for a bad flag value, an unknown rule id, a missing snapshot; one line, no stack', async () => {
    for (const args of [
      ['scan', '--demo', '--fail-on', 'severe'],
      ['scan', '--demo', '--only', 'no-such-rule'],
      ['evaluate', '--snapshot', 'missing.json'],
      ['scan', '--frobnicate'],
      ['scan', '--demo', '--format', 'pdf'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^awsaudit: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
  it('2 for a snapshot that fails its schema, naming the pointer', async () => {
    const r = await runCli(['evaluate', '--snapshot', path.join('test', 'fixtures', 'bad-snapshot.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/resources/0: missing required property "account"');
  });
});

describe('selection and output', () => {
  it('--only runs one rule; --format json --output json=- prints JSON to stdout', async () => {
    const r = await runCli([
      'evaluate',
      '--snapshot',
      DEMO,
      '--only',
      'rds-instance-not-multi-az',
      '--format',
      'json',
      '--output',
      'json=-',
      '--now',
      '2026-11-21T09:00:00Z',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.rules.map((x: { ruleId: string }) => x.ruleId)).toEqual(['rds-instance-not-multi-az']);
    expect(report.findings).toHaveLength(1);
  });
  it('a rule whose resource type was not collected is "not checked", never a clean pass', async () => {
    const r = await runCli([
      'evaluate',
      '--snapshot',
      path.join('test', 'fixtures', 'no-rds-snapshot.json'),
      '--format',
      'json',
      '--output',
      'json=-',
      '--only',
      'rds-instance-not-multi-az',
    ]);
    const report = JSON.parse(r.stdout);
    expect(report.rules[0]).toMatchObject({ status: 'not-checked', complete: false, evaluated: 0, missingTypes: ['aws.rds.db-instance'] });
    const text = await runCli([
      'evaluate',
      '--snapshot',
      path.join('test', 'fixtures', 'no-rds-snapshot.json'),
      '--only',
      'rds-instance-not-multi-az',
    ]);
    expect(text.stdout).toContain(
      'Not checked (a resource type it reads was not collected): rds-instance-not-multi-az [aws.rds.db-instance]',
    );
    expect(text.stdout).toMatch(/0 passed/);
  });
  it('evaluation is deterministic: same snapshot and clock give byte-identical JSON', async () => {
    const args = ['evaluate', '--snapshot', DEMO, '--now', '2026-11-21T09:00:00Z', '--format', 'json', '--output', 'json=-'];
    const a = await runCli(args);
    const b = await runCli(args);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(a.stdout).toBe(b.stdout);
  });
  it('the clock is an input: a later --now makes a young key old', async () => {
    const args = (now: string) => [
      'evaluate',
      '--snapshot',
      DEMO,
      '--only',
      'iam-access-key-too-old',
      '--now',
      now,
      '--format',
      'json',
      '--output',
      'json=-',
    ];
    const early = JSON.parse((await runCli(args('2026-11-21T09:00:00Z'))).stdout);
    const late = JSON.parse((await runCli(args('2027-06-01T00:00:00Z'))).stdout);
    expect(early.findings).toHaveLength(1);
    expect(late.findings).toHaveLength(2);
  });
  it('config file: options, severity and disabling, validated', async () => {
    const cfg = path.join('test', 'fixtures', 'config', 'strict.awsaudit.json');
    const r = await runCli([
      'evaluate',
      '--snapshot',
      DEMO,
      '--config',
      cfg,
      '--now',
      '2026-11-21T09:00:00Z',
      '--format',
      'json',
      '--output',
      'json=-',
    ]);
    const report = JSON.parse(r.stdout);
    const keys = report.findings.filter((f: { ruleId: string }) => f.ruleId === 'iam-access-key-too-old');
    expect(keys).toHaveLength(2);
    expect(keys[0].severity).toBe('high');
    expect(report.rules.find((x: { ruleId: string }) => x.ruleId === 'rds-instance-not-multi-az')).toBeUndefined();
    const bad = await runCli(['evaluate', '--snapshot', DEMO, '--config', path.join('test', 'fixtures', 'config', 'bad.awsaudit.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('/rules/iam-access-key-too-old/options/maxAge: rule "iam-access-key-too-old" has no option "maxAge"');
  });
  it('--help shows commands, examples and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('Exit codes');
    const scan = await runCli(['scan', '--help']);
    expect(scan.stdout).toContain('--fail-on');
    expect(scan.stdout).toContain('awsaudit scan --demo');
  });
  it('colour only when forced and never with NO_COLOR', async () => {
    const plain = await runCli(['scan', '--demo', '--fail-on', 'none', '--format', 'text']);
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = await runCli(['scan', '--demo', '--fail-on', 'none', '--format', 'text', '--color'], { env: { NO_COLOR: undefined } });
    expect(forced.stdout).toContain('\x1b[');
    const denied = await runCli(['scan', '--demo', '--fail-on', 'none', '--format', 'text', '--color'], { env: { NO_COLOR: '1' } });
    expect(denied.stdout).not.toContain('\x1b[');
  });
  it('rules list and rules test', async () => {
    const list = await runCli(['rules', 'list']);
    expect(list.stdout).toContain('s3-bucket-public-acl');
    const test = await runCli(['rules', 'test']);
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/rule cases: \d+ passed, 0 failed/);
  });
});

describe('evaluate of an old snapshot says which clock judges it', async () => {
  const dir = outDir();
  const snapshotAt = (collectedAt: string) => {
    const file = path.join(dir, `${collectedAt.slice(0, 10)}.snapshot.json`);
    const snapshot = JSON.parse(readFileSync(DEMO, 'utf8'));
    snapshot.meta.collectedAt = collectedAt;
    writeFileSync(file, JSON.stringify(snapshot));
    return file;
  };
  const run = (file: string, extra: string[] = []) =>
    runCli([
      'evaluate',
      '--snapshot',
      file,
      '--only',
      'iam-access-key-too-old',
      '--fail-on',
      'none',
      '--format',
      'json',
      '--output',
      'json=-',
      ...extra,
    ]);

  it('collected more than 7 days before the clock: names the current time as the clock and suggests --now', async () => {
    const r = await run(snapshotAt('2020-01-05T09:00:00Z'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^awsaudit: note: the snapshot was collected 2020-01-05T09:00:00\.000Z, \d+ days before the clock this evaluation uses \(the current time, \d{4}-\d\d-\d\dT[\d:.]+Z\)/m,
    );
    expect(r.stderr).toContain('add --now 2020-01-05T09:00:00.000Z');
    // The report (stdout) stays clean JSON.
    expect(JSON.parse(r.stdout).format).toBe('awsaudit-report');
  });

  it('no note with --now (the clock was chosen), with --quiet, or for a snapshot of yesterday', async () => {
    const old = snapshotAt('2020-01-05T09:00:00Z');
    expect((await run(old, ['--now', '2026-06-01T00:00:00Z'])).stderr).not.toContain('note:');
    expect((await run(old, ['--quiet'])).stderr).not.toContain('note:');
    const fresh = await run(snapshotAt(new Date(Date.now() - 86_400_000).toISOString()));
    expect(fresh.stderr).not.toContain('note:');
  });
});
