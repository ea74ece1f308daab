// Detection services, one resource per account and region: GuardDuty, Security Hub, IAM Access
// Analyzer and Macie. The main account has them off (or partly off) in the first region and on
// in the second; the compliant account has everything on in both. Access Analyzer is answered by
// the moto shims (moto-shims.ts: moto lacks it); Macie is on by default in moto, in every account
// and region, so the failing twin turns it off.
import { CreateAnalyzerCommand, AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { CreateDetectorCommand, GuardDutyClient, type DetectorFeatureConfiguration } from '@aws-sdk/client-guardduty';
import { DisableMacieCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { COMPLIANT_ACCOUNT, type BreadthSeeder, type Twin } from './index.js';
import type { MotoClientConfig } from '../moto.js';

const MAIN_ACCOUNT = '123456789012';

/** The GuardDuty protection-plan rules; each is decided by the features of one enabled detector. */
const PLAN_RULES = [
  'guardduty-s3-protection-off',
  'guardduty-eks-audit-logs-off',
  'guardduty-lambda-protection-off',
  'guardduty-malware-protection-off',
  'guardduty-rds-protection-off',
  'guardduty-runtime-monitoring-off',
  'guardduty-eks-runtime-monitoring-off',
  'guardduty-ecs-runtime-monitoring-off',
  'guardduty-ec2-runtime-monitoring-off',
];

/** Every protection plan GetDetector lists, each ENABLED or DISABLED (agent management with it). */
function plans(status: 'ENABLED' | 'DISABLED'): DetectorFeatureConfiguration[] {
  return [
    { Name: 'S3_DATA_EVENTS', Status: status },
    { Name: 'EKS_AUDIT_LOGS', Status: status },
    { Name: 'EBS_MALWARE_PROTECTION', Status: status },
    { Name: 'RDS_LOGIN_EVENTS', Status: status },
    { Name: 'LAMBDA_NETWORK_LOGS', Status: status },
    {
      Name: 'RUNTIME_MONITORING',
      Status: status,
      AdditionalConfiguration: [
        { Name: 'EKS_ADDON_MANAGEMENT', Status: status },
        { Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: status },
        { Name: 'EC2_AGENT_MANAGEMENT', Status: status },
      ],
    },
  ];
}

async function withClient<C extends { destroy(): void }, T>(client: C, fn: (c: C) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

const detector = (config: MotoClientConfig, status: 'ENABLED' | 'DISABLED') =>
  withClient(new GuardDutyClient(config), (c) => c.send(new CreateDetectorCommand({ Enable: true, Features: plans(status) })));
const hub = (config: MotoClientConfig) =>
  withClient(new SecurityHubClient(config), (c) => c.send(new EnableSecurityHubCommand({ EnableDefaultStandards: true })));
const analyzer = (config: MotoClientConfig, name: string, type: 'ACCOUNT' | 'ACCOUNT_UNUSED_ACCESS') =>
  withClient(new AccessAnalyzerClient(config), (c) => c.send(new CreateAnalyzerCommand({ analyzerName: name, type })));

export const seedSecurityServices: BreadthSeeder = async (ctx) => {
  const [off, on] = ctx.regions as [string, string];
  const main = (place: string) => ({ id: MAIN_ACCOUNT, region: place });
  const compliant = (place: string) => ({ id: COMPLIANT_ACCOUNT, region: place, account: 'compliant' as const });

  // Main account, first region: no detector, no hub, Macie off, only an unused-access analyzer.
  await withClient(new Macie2Client(ctx.main(off)), (c) => c.send(new DisableMacieCommand({})));
  await analyzer(ctx.main(off), `unused-${ctx.suffix}`, 'ACCOUNT_UNUSED_ACCESS');
  // Main account, second region: GuardDuty on with every protection plan off; hub, analyzer, Macie on.
  await detector(ctx.main(on), 'DISABLED');
  await hub(ctx.main(on));
  await analyzer(ctx.main(on), `external-${ctx.suffix}`, 'ACCOUNT');
  // Compliant account: all of it on in both regions (Macie is on by default).
  for (const region of ctx.regions) {
    await detector(ctx.compliant(region), 'ENABLED');
    await hub(ctx.compliant(region));
    await analyzer(ctx.compliant(region), `external-${ctx.suffix}`, 'ACCOUNT');
  }

  const twins: Twin[] = [
    { rule: 'guardduty-not-enabled', fail: main(off), pass: main(on) },
    { rule: 'securityhub-not-enabled', fail: main(off), pass: main(on) },
    { rule: 'accessanalyzer-no-external-access-analyzer', fail: main(off), pass: main(on) },
    { rule: 'macie-not-enabled', fail: main(off), pass: main(on) },
    ...PLAN_RULES.map((rule) => ({ rule, fail: main(on), pass: compliant(on) })),
    // A region whose every detection service is on, in the account that has them all.
    ...['guardduty-not-enabled', 'securityhub-not-enabled', 'accessanalyzer-no-external-access-analyzer', 'macie-not-enabled'].map(
      (rule) => ({ rule, pass: compliant(off) }),
    ),
  ];
  return twins;
};
