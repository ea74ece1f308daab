// Stratus Red Team detonations (real CloudTrail records of each attack technique, in
// test/fixtures/cloudtrail/stratus-red-team-detonations/, one file per technique) run through every
// built-in event rule, as a scan would read them: each technique that has a rule must be detected
// by that rule, by name. The table below is the checked-in list, technique → rule ids, and names
// the techniques with no rule and why; a detonation file missing from it fails the test.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseAwsIpRanges, type AwsIpRanges } from '../src/cloudtrail/aws-ip-ranges.js';
import { EventEvaluator, type EventRuleSpec } from '../src/cloudtrail/event-evaluator.js';
import { eventNamesOf } from '../src/cloudtrail/rule-prefilters.js';
import { BUILTIN_RULES_DIR, loadRuleFiles } from '../src/ruleset/load.js';
import { ROOT } from './support/cli.js';

type Expected = { rules: string[] } | { none: string };

/**
 * Technique → the rules that must report it. `none`: no rule reports it, and why (most need a
 * count over time or a baseline of what is normal in the account, not one event).
 */
const TECHNIQUES: Record<string, Expected> = {
  'aws.credential-access.ec2-get-password-data': {
    none: 'one GetPasswordData call is routine; the signal is many calls by one principal in minutes (a count over a window: correlation rules)',
  },
  'aws.credential-access.ec2-steal-instance-credentials': {
    none: 'cloudtrail-instance-credentials-used-outside-aws sees the stolen session, but this detonation used it from 18.236.253.47, an address in AWS (the same as the operator): stolen credentials used from another AWS host are not told apart (see the test below)',
  },
  'aws.credential-access.secretsmanager-batch-retrieve-secrets': {
    none: 'reading secrets is what applications do; the signal is one principal reading many secrets in minutes (a count over a window)',
  },
  'aws.credential-access.secretsmanager-retrieve-secrets': {
    none: 'reading secrets is what applications do; the signal is one principal reading many secrets in minutes (a count over a window)',
  },
  'aws.credential-access.ssm-retrieve-securestring-parameters': {
    none: 'reading parameters is what applications do; the signal is many SecureString reads by one principal in minutes (a count over a window)',
  },
  'aws.defense-evasion.cloudtrail-delete': { rules: ['cloudtrail-logging-tampered'] },
  'aws.defense-evasion.cloudtrail-event-selectors': { rules: ['cloudtrail-logging-tampered'] },
  'aws.defense-evasion.cloudtrail-stop': { rules: ['cloudtrail-logging-tampered'] },
  'aws.defense-evasion.dns-delete-logs': { rules: ['cloudtrail-logging-tampered'] },
  'aws.defense-evasion.organizations-leave': { rules: ['cloudtrail-account-left-organization'] },
  'aws.defense-evasion.vpc-remove-flow-logs': { rules: ['cloudtrail-logging-tampered'] },
  'aws.discovery.ec2-download-user-data': {
    none: 'reading user data is routine (configuration tools do it); the signal is one principal reading it for many instances in minutes',
  },
  'aws.execution.ec2-launch-unusual-instances': {
    none: 'what is an unusual instance type depends on the account: it needs a baseline of the types usually launched',
  },
  'aws.execution.ec2-user-data': { rules: ['cloudtrail-ec2-user-data-changed'] },
  'aws.execution.ssm-send-command': {
    none: 'SendCommand to instances is everyday administration; telling an attacker from an operator needs a baseline of who usually runs commands',
  },
  'aws.execution.ssm-start-session': {
    none: 'StartSession is everyday administration; telling an attacker from an operator needs a baseline of who usually opens sessions',
  },
  'aws.exfiltration.ec2-security-group-open-port-22-ingress': { rules: ['cloudtrail-security-group-opened-to-internet'] },
  'aws.exfiltration.ec2-share-ami': { rules: ['cloudtrail-snapshot-or-image-shared'] },
  'aws.exfiltration.ec2-share-ebs-snapshot': { rules: ['cloudtrail-snapshot-or-image-shared'] },
  'aws.exfiltration.rds-share-snapshot': { rules: ['cloudtrail-snapshot-or-image-shared'] },
  'aws.impact.bedrock-invoke-model': {
    none: 'invoking a model is the service working as intended; abuse shows as volume or a principal that never used Bedrock before (a baseline)',
  },
  'aws.initial-access.console-login-without-mfa': { rules: ['cloudtrail-console-login-without-mfa'] },
  'aws.lateral-movement.ec2-instance-connect': {
    none: 'SendSSHPublicKey is how EC2 Instance Connect logs people in every day; it needs a baseline of who usually connects',
  },
  'aws.lateral-movement.ec2-serial-console-send-ssh-public-key': {
    none: 'serial-console access is rare but legitimate break-glass administration; no single-event rule separates the two yet',
  },
  'aws.persistence.iam-backdoor-role': { rules: ['cloudtrail-role-trust-opened'] },
  'aws.persistence.iam-backdoor-user': { rules: ['cloudtrail-iam-credentials-created'] },
  'aws.persistence.iam-create-admin-user': { rules: ['cloudtrail-admin-policy-attached', 'cloudtrail-iam-credentials-created'] },
  'aws.persistence.iam-create-backdoor-role': { rules: ['cloudtrail-role-trust-opened', 'cloudtrail-admin-policy-attached'] },
  'aws.persistence.iam-create-user-login-profile': {
    rules: ['cloudtrail-console-password-set-for-other-user', 'cloudtrail-iam-credentials-created'],
  },
  'aws.persistence.lambda-backdoor-function': { rules: ['cloudtrail-resource-policy-made-public'] },
  'aws.persistence.lambda-layer-extension': { rules: ['cloudtrail-lambda-code-changed'] },
  'aws.persistence.lambda-overwrite-code': { rules: ['cloudtrail-lambda-code-changed'] },
  'aws.persistence.rolesanywhere-create-trust-anchor': { rules: ['cloudtrail-identity-provider-changed'] },
  'aws.persistence.sts-federation-token': {
    none: 'GetFederationToken by an IAM user is how some tools sign users in; it needs a baseline of the users that usually call it',
  },
  'aws.privilege-escalation.iam-update-user-login-profile': { rules: ['cloudtrail-console-password-set-for-other-user'] },
};

const DIR = path.join(ROOT, 'test', 'fixtures', 'cloudtrail', 'stratus-red-team-detonations');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const { rules } = await loadRuleFiles([BUILTIN_RULES_DIR]);
const eventRules = rules.filter((r) => r.definition.resource === 'aws.cloudtrail.event');
const specs: EventRuleSpec[] = eventRules.map((r) => ({
  file: r.file,
  definition: r.definition,
  severity: r.definition.severity,
  options: Object.fromEntries(Object.entries(r.definition.options ?? {}).map(([k, o]) => [k, o.default])),
}));
const evaluator = (awsIpRanges?: AwsIpRanges) =>
  new EventEvaluator({
    rules: specs,
    now: Date.parse('2026-06-01T00:00:00Z'),
    leakedKeyIds: [],
    attribution: { mode: 'off' },
    maxFindingsPerRule: 1000,
    ...(awsIpRanges ? { awsIpRanges } : {}),
  });

describe('Stratus Red Team detonations', () => {
  it('every detonation file is in the table, and every technique of the table has its file', () => {
    expect(files.length).toBe(35);
    expect(Object.keys(TECHNIQUES).sort()).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
  });

  it('the threat-family rules are told by event name, so the raw fast path parses only the records they may match', () => {
    const families = [
      'cloudtrail-threat-detection-disabled',
      'cloudtrail-security-findings-suppressed',
      'cloudtrail-logging-tampered',
      'cloudtrail-snapshot-or-image-shared',
      'cloudtrail-resource-policy-made-public',
      'cloudtrail-rds-made-public',
      'cloudtrail-role-trust-opened',
      'cloudtrail-console-password-set-for-other-user',
      'cloudtrail-identity-provider-changed',
      'cloudtrail-ec2-user-data-changed',
      'cloudtrail-lambda-code-changed',
      'cloudtrail-kms-key-disabled-or-deletion-scheduled',
      'cloudtrail-s3-recovery-removed',
      'cloudtrail-rds-recovery-removed',
      'cloudtrail-account-left-organization',
    ];
    for (const id of families) {
      const rule = eventRules.find((r) => r.definition.id === id);
      expect(rule, id).toBeDefined();
      expect(eventNamesOf(rule!.definition.condition, {})?.size ?? 0, id).toBeGreaterThan(0);
    }
  });

  it('the table names rules that exist, each of them an event rule that can be told by event name (prefiltered)', () => {
    const ids = new Set(eventRules.map((r) => r.definition.id));
    for (const [technique, expected] of Object.entries(TECHNIQUES)) {
      if ('none' in expected) {
        expect(expected.none.length, technique).toBeGreaterThan(20);
        continue;
      }
      for (const id of expected.rules) {
        expect(ids.has(id), `${technique}: ${id}`).toBe(true);
        const rule = eventRules.find((r) => r.definition.id === id)!;
        expect(eventNamesOf(rule.definition.condition, {}), `${id} is not prefiltered by event name`).not.toBeNull();
      }
    }
  });

  for (const file of files) {
    const technique = file.replace(/\.json$/, '');
    const expected = TECHNIQUES[technique];
    if (!expected || 'none' in expected) continue;
    it(`${technique} is detected by ${expected.rules.join(', ')} (records parsed, and as a delivered gzip file)`, () => {
      const records = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as unknown[];
      const parsed = evaluator().processRecords(file, records);
      const delivered = evaluator().processBytes(file, gzipSync(JSON.stringify({ Records: records })));
      for (const result of [parsed, delivered]) {
        expect(result.unevaluated, `${technique}: records a rule could not evaluate`).toBe(0);
        const fired = new Set(result.hits.map((h) => h.finding.ruleId));
        for (const id of expected.rules) expect(fired.has(id), `${technique} not detected by ${id}`).toBe(true);
      }
      expect(delivered.hits.map((h) => h.finding.fingerprint).sort()).toEqual(parsed.hits.map((h) => h.finding.fingerprint).sort());
    });
  }

  it('aws.credential-access.ec2-steal-instance-credentials: the instance sessions are undecided without AWS ranges, found when their address is outside the ranges given, passed when inside', () => {
    const id = 'cloudtrail-instance-credentials-used-outside-aws';
    const index = specs.findIndex((r) => r.definition.id === id);
    const records = JSON.parse(
      readFileSync(path.join(DIR, 'aws.credential-access.ec2-steal-instance-credentials.json'), 'utf8'),
    ) as unknown[];
    const ranges = (prefix: string) =>
      parseAwsIpRanges(
        JSON.stringify({
          syncToken: '1',
          createDate: '2026-05-01-00-00-00',
          prefixes: [{ ip_prefix: prefix, region: 'us-west-2', service: 'EC2' }],
          ipv6_prefixes: [],
        }),
        'ip-ranges.json',
      );
    const fired = (r: { hits: Array<{ finding: { ruleId: string; message: string } }> }) => r.hits.filter((h) => h.finding.ruleId === id);
    // GetCallerIdentity and DescribeInstances signed by the instance's role session (i-786a3A8B5C0d92eF4).
    const without = evaluator().processBytes('d', gzipSync(JSON.stringify({ Records: records })));
    expect(fired(without)).toHaveLength(0);
    expect(without.undecided[index]).toBe(2);
    const outside = evaluator(ranges('52.0.0.0/11')).processRecords('d', records);
    expect(fired(outside).map((h) => h.finding.message)).toEqual([
      expect.stringMatching(/^Credentials of instance i-786a3A8B5C0d92eF4 .* called GetCallerIdentity .* from 18\.236\.253\.47/),
      expect.stringMatching(/called DescribeInstances/),
    ]);
    // The detonation's address is in AWS's EC2 space (the operator's calls come from it too): not flagged.
    const inside = evaluator(ranges('18.236.0.0/15')).processRecords('d', records);
    expect(fired(inside)).toHaveLength(0);
    expect(inside.undecided[index]).toBe(0);
  });
});
