import type { SNSClient } from '@aws-sdk/client-sns';
import { sdkClient } from '../../aws/client.js';
import { object, string } from '../data-schema.js';
import type { ResourceTypeTable, Service } from '../service.js';
import { topicEnricher } from './enrich-topic.js';
import { SUBSCRIPTION, TOPIC } from './produces.js';

const TYPES = {
  'aws.sns.topic': {
    scope: 'regional',
    title: 'SNS topic',
    id: 'topic name',
    data: '`{ TopicArn, Attributes }`: the `ListTopics` item and the `GetTopicAttributes` `Attributes` (`Policy`, `KmsMasterKeyId`, `SubscriptionsConfirmed`, …; absent when that call failed).',
    facts:
      '`publicPolicy` (an Allow statement for everyone not narrowed by a condition on fixed accounts, organisations, sources or networks; null when the attributes were not read or the policy does not parse), `publicActions`',
    dataSchema: object({ TopicArn: string, Attributes: object({ Policy: string, KmsMasterKeyId: string, DisplayName: string }) }, [
      'TopicArn',
    ]),
  },
  'aws.sns.subscription': {
    scope: 'regional',
    title: 'SNS subscription',
    id: '`SubscriptionArn`; for an unconfirmed one (`SubscriptionArn` "PendingConfirmation"), `TopicArn:PendingConfirmation:n`',
    data: '`ListSubscriptions` item (`SubscriptionArn`, `TopicArn`, `Protocol`, `Endpoint`, `Owner`).',
    dataSchema: object({ SubscriptionArn: string, TopicArn: string, Protocol: string, Endpoint: string, Owner: string }, [
      'SubscriptionArn',
      'TopicArn',
    ]),
  },
} as const satisfies ResourceTypeTable;

/** SNS: topics with their attributes, and subscriptions (confirmed or pending). */
export const sns: Service<typeof TYPES, { sns: SNSClient }> = {
  name: 'sns',
  resourceTypes: TYPES,
  clients: { sns: sdkClient('@aws-sdk/client-sns', async () => (await import('@aws-sdk/client-sns')).SNSClient) },
  collectors: [
    {
      descriptor: {
        id: 'aws.sns.topic',
        service: 'sns',
        scope: 'regional',
        produces: TOPIC,
        commands: [
          { command: 'ListTopicsCommand', action: 'sns:ListTopics', for: TOPIC },
          {
            command: 'GetTopicAttributesCommand',
            action: 'sns:GetTopicAttributes',
            for: TOPIC,
            fills: { 'aws.sns.topic': ['Attributes'] },
          },
        ],
      },
      load: async () => (await import('./collect.js')).collectTopics,
    },
    {
      descriptor: {
        id: 'aws.sns.subscription',
        service: 'sns',
        scope: 'regional',
        produces: SUBSCRIPTION,
        commands: [{ command: 'ListSubscriptionsCommand', action: 'sns:ListSubscriptions', for: SUBSCRIPTION }],
      },
      load: async () => (await import('./collect.js')).collectSubscriptions,
    },
  ],
  enrichers: [topicEnricher],
};
