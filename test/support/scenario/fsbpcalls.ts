// FSBP controls that need one small read each: RDS event notification subscriptions for critical
// cluster, instance, parameter group and security group events (RDS.19-22), a setting of each
// region. The failing twin is the main account's first region, which has no subscription; the
// compliant twin is the compliant account's, with one subscription per source type.
// Macie automated sensitive data discovery (Macie.2), which moto lacks (test/support/
// moto-emulated.ts answers it, per account): off in the main account, whose second region has
// Macie on (secsvc.ts); turned on in the compliant account. Block public access for EBS
// snapshots (EC2.182), which moto lacks too (emulated the same way): unblocked in the main
// account, block-all-sharing in the compliant one. VPC Block Public Access (EC2.172), emulated
// too: off in the main account, block-ingress in the compliant one.
import { EC2Client, EnableSnapshotBlockPublicAccessCommand, ModifyVpcBlockPublicAccessOptionsCommand } from '@aws-sdk/client-ec2';
import { Macie2Client, UpdateAutomatedDiscoveryConfigurationCommand } from '@aws-sdk/client-macie2';
import { CreateEventSubscriptionCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { COMPLIANT_ACCOUNT, type BreadthSeeder, type Twin } from './index.js';

const SUBSCRIPTIONS = [
  { rule: 'rds-cluster-event-subscription-missing', source: 'db-cluster', categories: ['failure', 'maintenance'] },
  {
    rule: 'rds-instance-event-subscription-missing',
    source: 'db-instance',
    categories: ['maintenance', 'configuration change', 'failure'],
  },
  // No categories: every category of the source type.
  { rule: 'rds-parameter-group-event-subscription-missing', source: 'db-parameter-group', categories: [] },
  { rule: 'rds-security-group-event-subscription-missing', source: 'db-security-group', categories: ['configuration change', 'failure'] },
] as const;

export const seedFsbpCalls: BreadthSeeder = async (ctx) => {
  const region = ctx.regions[0] ?? 'us-east-1';
  const sns = new SNSClient(ctx.compliant(region));
  const topic = await sns.send(new CreateTopicCommand({ Name: `rds-events-${ctx.suffix}` }));
  sns.destroy();
  const rds = new RDSClient(ctx.compliant(region));
  for (const s of SUBSCRIPTIONS) {
    await rds.send(
      new CreateEventSubscriptionCommand({
        SubscriptionName: `${s.source}-events-${ctx.suffix}`,
        SnsTopicArn: topic.TopicArn,
        SourceType: s.source,
        EventCategories: s.categories.length > 0 ? [...s.categories] : undefined,
        Enabled: true,
      }),
    );
  }
  rds.destroy();
  const macie = new Macie2Client(ctx.compliant(region));
  await macie.send(new UpdateAutomatedDiscoveryConfigurationCommand({ status: 'ENABLED' }));
  macie.destroy();
  const ec2 = new EC2Client(ctx.compliant(region));
  await ec2.send(new EnableSnapshotBlockPublicAccessCommand({ State: 'block-all-sharing' }));
  await ec2.send(new ModifyVpcBlockPublicAccessOptionsCommand({ InternetGatewayBlockMode: 'block-ingress' }));
  ec2.destroy();
  const macieOn = ctx.regions[1] ?? region;
  return [
    ...SUBSCRIPTIONS.map((s): Twin => ({ rule: s.rule, fail: { id: region }, pass: { id: region, account: 'compliant' } })),
    {
      rule: 'macie-automated-discovery-disabled',
      fail: { id: '123456789012', region: macieOn },
      pass: { id: COMPLIANT_ACCOUNT, region, account: 'compliant' },
    },
    { rule: 'ec2-snapshot-block-public-access-off', fail: { id: region }, pass: { id: region, account: 'compliant' } },
    { rule: 'ec2-vpc-block-public-access-off', fail: { id: region }, pass: { id: region, account: 'compliant' } },
  ];
};
