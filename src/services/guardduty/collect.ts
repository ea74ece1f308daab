import { GetDetectorCommand, paginateListDetectors, type GuardDutyClient } from '@aws-sdk/client-guardduty';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import { DETECTOR } from './produces.js';

/**
 * GuardDuty in one region: ListDetectors (an account has at most one detector per region, so
 * one page of 50) and GetDetector for the detector it lists. One resource per account and
 * region either way, so that "GuardDuty is off here" is a finding that names the region. A
 * failed ListDetectors adds nothing (a gap), never "no detector".
 */
export const collectDetector: CollectFunction<(typeof DETECTOR)[number], { guardduty: GuardDutyClient }> = async (ctx) => {
  const client = ctx.client('guardduty');
  const listed = await ctx.call('ListDetectors', DETECTOR, () =>
    allItems(paginateListDetectors({ client, pageSize: 50 }, {}), (p) => p.DetectorIds),
  );
  if (listed.status !== 'ok') return;
  const detectorId = listed.value[0];
  if (detectorId === undefined) {
    ctx.add({ type: 'aws.guardduty.detector', id: ctx.account, data: { DetectorId: null } });
    return;
  }
  const detector = await ctx.call('GetDetector', DETECTOR, () => client.send(new GetDetectorCommand({ DetectorId: detectorId })), {
    subject: detectorId,
  });
  const details = detector.status === 'ok' ? toJsonObject(detector.value) : {};
  ctx.add({
    type: 'aws.guardduty.detector',
    id: ctx.account,
    arn: `arn:${ctx.partition}:guardduty:${ctx.region}:${ctx.account}:detector/${detectorId}`,
    data: { DetectorId: detectorId, ...details },
  });
};
