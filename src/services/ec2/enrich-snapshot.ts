import type { Enricher } from '../../enrich/types.js';
import type { SnapshotIndex } from '../../snapshot/index.js';
import { gapsOf, wasCollected } from '../../enrich/types.js';

/** EBS snapshot storage in us-east-1, USD per GB-month (https://aws.amazon.com/ebs/pricing/): standard and archive tiers. */
export const SNAPSHOT_GB_MONTH_USD = 0.05;
export const ARCHIVE_SNAPSHOT_GB_MONTH_USD = 0.0125;

/** The volume id EC2 gives snapshots that have no source volume in this account and region (copies, some AMI imports). */
const NO_VOLUME = 'vol-ffffffff';

/** Were all resources of `type` read in `region`: collected, and no coverage gap there? */
export function completeIn(index: SnapshotIndex, type: string, region: string): boolean {
  return wasCollected(index, type) && !gapsOf(index, type).some((g) => g.region === region || g.region === 'global');
}

/**
 * `sourceVolumeExists`: the volume the snapshot was taken from is among the account's volumes
 * in the same region (null when volumes were not collected or could not all be read there, or the snapshot names no real
 * volume: a copy). `amiSnapshot`: EC2's description says it was made for an AMI (CreateImage,
 * or a copy for one), so it cannot be deleted while the image is registered.
 * `monthlyCostUpperBoundUsd`: the full volume size at the snapshot's tier price (standard
 * $0.05, archive $0.0125 per GB-month); standard snapshots are incremental, so what one costs
 * alone can be far less (an archived snapshot is billed in full).
 */
export const snapshotEnricher: Enricher = {
  type: 'aws.ec2.snapshot',
  enrich(resource, ctx) {
    const volumeId = resource.data.VolumeId;
    const realVolume = typeof volumeId === 'string' && volumeId !== '' && volumeId !== NO_VOLUME;
    const sourceVolumeExists =
      realVolume && completeIn(ctx.index, 'aws.ec2.volume', resource.region)
        ? ctx.index.get('aws.ec2.volume', resource.account, resource.region, volumeId) !== undefined
        : null;
    const description = typeof resource.data.Description === 'string' ? resource.data.Description : '';
    const size = resource.data.VolumeSize;
    return {
      sourceVolumeExists,
      amiSnapshot: /^(?:Created by CreateImage|Copied for DestinationAmi)/.test(description),
      monthlyCostUpperBoundUsd:
        typeof size === 'number' && size >= 0
          ? Math.round(size * (resource.data.StorageTier === 'archive' ? ARCHIVE_SNAPSHOT_GB_MONTH_USD : SNAPSHOT_GB_MONTH_USD) * 100) / 100
          : null,
    };
  },
};
