import { UserError } from '../util/errors.js';

/**
 * Partitions by region-name prefix. The SDK carries the full partition table, but only in an
 * internal package; these prefixes are stable and are all a scanner needs (which regions
 * belong with the account's partition, and where that partition's global services live).
 */
const PARTITIONS: ReadonlyArray<{ prefix: RegExp; partition: string; globalRegion: string }> = [
  { prefix: /^cn-/, partition: 'aws-cn', globalRegion: 'cn-north-1' },
  { prefix: /^us-gov-/, partition: 'aws-us-gov', globalRegion: 'us-gov-west-1' },
  { prefix: /^us-isob-/, partition: 'aws-iso-b', globalRegion: 'us-isob-east-1' },
  { prefix: /^us-isof-/, partition: 'aws-iso-f', globalRegion: 'us-isof-south-1' },
  { prefix: /^us-iso-/, partition: 'aws-iso', globalRegion: 'us-iso-east-1' },
  { prefix: /^eu-isoe-/, partition: 'aws-iso-e', globalRegion: 'eu-isoe-west-1' },
];

export function partitionOfRegion(region: string): string {
  return PARTITIONS.find((p) => p.prefix.test(region))?.partition ?? 'aws';
}

/** Where a partition's global services (IAM, S3 Control, the account) are called. */
export function globalRegionOf(partition: string): string {
  return PARTITIONS.find((p) => p.partition === partition)?.globalRegion ?? 'us-east-1';
}

/** The partition named in an ARN (`arn:aws-cn:...` → `aws-cn`). */
export function partitionOfArn(arn: string | undefined): string | undefined {
  const m = /^arn:([a-z-]+):/.exec(arn ?? '');
  return m ? m[1] : undefined;
}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function checkRegionNames(regions: readonly string[], flag: string): string[] {
  const bad = regions.filter((r) => !REGION_NAME.test(r));
  if (bad.length)
    throw new UserError(`${flag}: not a region name: ${bad.join(', ')}`, 'region names look like us-east-1, eu-west-3, ap-northeast-2');
  return [...new Set(regions)];
}

/** Opt-in states of regions the account can use (DescribeRegions `OptInStatus`). */
export const ENABLED_OPT_IN_STATES = new Set(['opt-in-not-required', 'opted-in']);

/** The enabled regions of the account's partition, from a DescribeRegions answer. */
export function enabledRegions(
  regions: ReadonlyArray<{ RegionName?: string | undefined; OptInStatus?: string | undefined }>,
  partition: string,
): string[] {
  return (
    regions
      .filter((r) => typeof r.RegionName === 'string' && partitionOfRegion(r.RegionName) === partition)
      // No OptInStatus at all is an old or third-party endpoint that has no opt-in regions.
      .filter((r) => r.OptInStatus === undefined || ENABLED_OPT_IN_STATES.has(r.OptInStatus))
      .map((r) => r.RegionName as string)
      .sort()
  );
}
