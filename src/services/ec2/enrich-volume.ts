import type { Enricher } from '../../enrich/types.js';

/**
 * EBS list prices in us-east-1 (USD per month), from https://aws.amazon.com/ebs/pricing/.
 * Other regions cost up to ~30% more; findings say the figure is a us-east-1 estimate.
 * Snapshots, I/O requests of magnetic volumes and io2 Block Express extras are not counted.
 */
export const EBS_PRICES_US_EAST_1 = {
  /** per GB-month of provisioned storage */
  storage: { gp3: 0.08, gp2: 0.1, io1: 0.125, io2: 0.125, st1: 0.045, sc1: 0.015, standard: 0.05 } as Record<string, number>,
  /** gp3: first 3,000 IOPS and 125 MB/s are included */
  gp3IopsIncluded: 3000,
  gp3PerIops: 0.005,
  gp3ThroughputIncluded: 125,
  gp3PerMBps: 0.04,
  /** io1: per provisioned IOPS-month */
  io1PerIops: 0.065,
  /** io2: tiers of provisioned IOPS-month */
  io2Tiers: [
    { upTo: 32000, perIops: 0.065 },
    { upTo: 64000, perIops: 0.0455 },
    { upTo: Infinity, perIops: 0.0319 },
  ],
} as const;

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Estimated monthly cost of one EBS volume, or null for a type the table does not know. */
export function ebsMonthlyCostUsd(volumeType: unknown, sizeGiB: unknown, iops?: unknown, throughput?: unknown): number | null {
  const p = EBS_PRICES_US_EAST_1;
  if (typeof volumeType !== 'string' || !Object.hasOwn(p.storage, volumeType)) return null;
  let cost = num(sizeGiB) * p.storage[volumeType]!;
  const provisioned = num(iops);
  if (volumeType === 'gp3') {
    cost += Math.max(0, provisioned - p.gp3IopsIncluded) * p.gp3PerIops;
    cost += Math.max(0, num(throughput) - p.gp3ThroughputIncluded) * p.gp3PerMBps;
  } else if (volumeType === 'io1') {
    cost += provisioned * p.io1PerIops;
  } else if (volumeType === 'io2') {
    let floor = 0;
    for (const tier of p.io2Tiers) {
      const inTier = Math.max(0, Math.min(provisioned, tier.upTo) - floor);
      cost += inTier * tier.perIops;
      floor = tier.upTo;
      if (provisioned <= tier.upTo) break;
    }
  }
  return Math.round(cost * 100) / 100;
}

/**
 * What a gp2 volume would save per month as gp3 of the same size with the same baseline IOPS
 * (gp2 gives 3 IOPS per GiB, at least 100 and at most 16,000; gp3 includes 3,000 and bills the
 * rest) and gp3's included 125 MB/s. Null for any other type or an unknown size.
 */
/** The gp3 IOPS that match a gp2 volume's baseline (3 per GiB, at least 100, at most 16,000), never below gp3's included 3,000. */
export function gp3MatchingIops(sizeGiB: number): number {
  return Math.max(EBS_PRICES_US_EAST_1.gp3IopsIncluded, Math.min(Math.max(3 * sizeGiB, 100), 16000));
}

export function gp3MonthlySavingUsd(volumeType: unknown, sizeGiB: unknown): number | null {
  if (volumeType !== 'gp2' || typeof sizeGiB !== 'number' || !(sizeGiB > 0)) return null;
  const gp2 = ebsMonthlyCostUsd('gp2', sizeGiB);
  const gp3 = ebsMonthlyCostUsd('gp3', sizeGiB, gp3MatchingIops(sizeGiB), EBS_PRICES_US_EAST_1.gp3ThroughputIncluded);
  return gp2 === null || gp3 === null ? null : Math.round((gp2 - gp3) * 100) / 100;
}

export const ec2VolumeEnricher: Enricher = {
  type: 'aws.ec2.volume',
  enrich(resource) {
    const d = resource.data;
    return {
      monthlyCostUsd: ebsMonthlyCostUsd(d.VolumeType, d.Size, d.Iops, d.Throughput),
      gp3MonthlySavingUsd: gp3MonthlySavingUsd(d.VolumeType, d.Size),
      gp3Iops: d.VolumeType === 'gp2' && typeof d.Size === 'number' && d.Size > 0 ? gp3MatchingIops(d.Size) : null,
    };
  },
};
