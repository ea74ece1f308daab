import { GetTopicAttributesCommand, paginateListSubscriptions, paginateListTopics, type SNSClient } from '@aws-sdk/client-sns';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import type { JsonObject } from '../../util/json.js';
import { SUBSCRIPTION, TOPIC } from './produces.js';

/**
 * SNS topics of a region with their attributes (policy, KMS key): `ListTopics` (100 per page,
 * fixed by the API), then `GetTopicAttributes` once per topic. Only rules about the topics
 * themselves collect this type; the monitoring rules read subscriptions, which one listing answers.
 */
export const collectTopics: CollectFunction<(typeof TOPIC)[number], { sns: SNSClient }> = async (ctx) => {
  const client = ctx.client('sns');
  const topics = await ctx.call('ListTopics', TOPIC, () => allItems(paginateListTopics({ client }, {}), (p) => p.Topics));
  if (topics.status !== 'ok') return;
  await Promise.all(
    topics.value.map(async (topic) => {
      const arn = topic.TopicArn;
      if (typeof arn !== 'string') return;
      const name = arn.slice(arn.lastIndexOf(':') + 1);
      const attrs = await ctx.call('GetTopicAttributes', TOPIC, () => client.send(new GetTopicAttributesCommand({ TopicArn: arn })), {
        subject: name,
      });
      const data: JsonObject = { TopicArn: arn };
      // Absent when the call failed (a gap): the topic's rules leave it undecided.
      if (attrs.status === 'ok') data.Attributes = toJsonObject(attrs.value.Attributes ?? {});
      ctx.add({ type: 'aws.sns.topic', id: name, arn, data });
    }),
  );
};

/**
 * Every subscription of a region in one listing (`ListSubscriptions`, 100 per page, fixed by the
 * API), rather than one `ListSubscriptionsByTopic` per topic. An unconfirmed subscription has the
 * `SubscriptionArn` "PendingConfirmation" (no ARN yet): its id is made from its topic.
 */
export const collectSubscriptions: CollectFunction<(typeof SUBSCRIPTION)[number], { sns: SNSClient }> = async (ctx) => {
  const client = ctx.client('sns');
  const subs = await ctx.call('ListSubscriptions', SUBSCRIPTION, () =>
    allItems(paginateListSubscriptions({ client }, {}), (p) => p.Subscriptions),
  );
  if (subs.status !== 'ok') return;
  const unconfirmed = new Map<string, number>();
  for (const sub of subs.value) {
    const topic = sub.TopicArn ?? 'unknown-topic';
    const subArn = sub.SubscriptionArn ?? 'unknown';
    let id = subArn;
    let arn: string | undefined = subArn;
    if (!subArn.startsWith('arn:')) {
      const n = (unconfirmed.get(topic) ?? 0) + 1;
      unconfirmed.set(topic, n);
      id = `${topic}:${subArn}:${n}`;
      arn = undefined;
    }
    ctx.add({ type: 'aws.sns.subscription', id, arn, data: toJsonObject(sub) });
  }
};
