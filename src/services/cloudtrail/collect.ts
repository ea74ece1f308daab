import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type CloudTrailClient,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { JsonObject } from '../../util/json.js';
import { toJson, toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { TRAIL } from './produces.js';

/**
 * CloudTrail trails of the account. Every scanned region is asked (a multi-region or
 * organization trail shows up in each region it covers as a "shadow" copy), the copies are
 * merged by TrailARN, and each trail's status and event selectors are read once, from its
 * home region when that region is scanned (a trail's ARN works from any region).
 */
export const collectTrails: CollectFunction<(typeof TRAIL)[number], { cloudtrail: CloudTrailClient }> = async (ctx) => {
  const seen = new Map<string, { trail: Trail; askRegion: string }>();
  await Promise.all(
    ctx.regions.map(async (region) => {
      const result = await ctx.call(
        'DescribeTrails',
        TRAIL,
        () => ctx.client('cloudtrail', region).send(new DescribeTrailsCommand({ includeShadowTrails: true })),
        { region },
      );
      if (result.status !== 'ok') return;
      for (const trail of result.value.trailList ?? []) {
        if (typeof trail.TrailARN !== 'string') continue;
        const current = seen.get(trail.TrailARN);
        const home = trail.HomeRegion ?? region;
        if (!current || (home === region && current.askRegion !== home)) seen.set(trail.TrailARN, { trail, askRegion: region });
      }
    }),
  );
  await Promise.all(
    [...seen.values()].map(async ({ trail, askRegion }) => {
      const arn = trail.TrailARN!;
      const client = ctx.client('cloudtrail', askRegion);
      const subject = trail.Name ?? arn;
      const [status, selectors] = await Promise.all([
        ctx.call('GetTrailStatus', TRAIL, () => client.send(new GetTrailStatusCommand({ Name: arn })), { region: askRegion, subject }),
        ctx.call('GetEventSelectors', TRAIL, () => client.send(new GetEventSelectorsCommand({ TrailName: arn })), {
          region: askRegion,
          subject,
        }),
      ]);
      const data: JsonObject = toJsonObject(trail);
      if (status.status === 'ok') data.Status = toJsonObject(status.value);
      if (selectors.status === 'ok') {
        data.EventSelectors = toJson(selectors.value.EventSelectors ?? []) ?? [];
        data.AdvancedEventSelectors = toJson(selectors.value.AdvancedEventSelectors ?? []) ?? [];
      }
      ctx.add({ type: 'aws.cloudtrail.trail', id: trail.Name ?? arn, arn, region: trail.HomeRegion ?? askRegion, data });
    }),
  );
};
