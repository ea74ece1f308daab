/**
 * Previous-generation EC2 instance families and the current family that replaces each at the
 * same size, with us-east-1 Linux on-demand prices (USD per hour, shared tenancy) of the sizes
 * listed, from https://aws.amazon.com/ec2/pricing/on-demand/ and
 * https://aws.amazon.com/ec2/previous-generation/. A size missing from the table has no known
 * price: the saving is then unknown (null), never guessed. Other regions and operating systems
 * (Windows, RHEL licences) price differently; findings say the figure is a us-east-1 Linux
 * estimate.
 */
export const CURRENT_TWIN: Readonly<Record<string, string>> = Object.freeze({
  t1: 't3',
  t2: 't3',
  m3: 'm5',
  m4: 'm5',
  c3: 'c5',
  c4: 'c5',
  r3: 'r5',
  r4: 'r5',
  i2: 'i3',
  d2: 'd3',
});

export const HOURLY_USD_US_EAST_1: Readonly<Record<string, number>> = Object.freeze({
  't1.micro': 0.02,
  't2.nano': 0.0058,
  't2.micro': 0.0116,
  't2.small': 0.023,
  't2.medium': 0.0464,
  't2.large': 0.0928,
  't2.xlarge': 0.1856,
  't2.2xlarge': 0.3712,
  't3.nano': 0.0052,
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3.xlarge': 0.1664,
  't3.2xlarge': 0.3328,
  'm3.medium': 0.067,
  'm3.large': 0.133,
  'm3.xlarge': 0.266,
  'm3.2xlarge': 0.532,
  'm4.large': 0.1,
  'm4.xlarge': 0.2,
  'm4.2xlarge': 0.4,
  'm4.4xlarge': 0.8,
  'm4.10xlarge': 2.0,
  'm4.16xlarge': 3.2,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'm5.2xlarge': 0.384,
  'm5.4xlarge': 0.768,
  'm5.16xlarge': 3.072,
  'c3.large': 0.105,
  'c3.xlarge': 0.21,
  'c3.2xlarge': 0.42,
  'c3.4xlarge': 0.84,
  'c3.8xlarge': 1.68,
  'c4.large': 0.1,
  'c4.xlarge': 0.199,
  'c4.2xlarge': 0.398,
  'c4.4xlarge': 0.796,
  'c4.8xlarge': 1.591,
  'c5.large': 0.085,
  'c5.xlarge': 0.17,
  'c5.2xlarge': 0.34,
  'c5.4xlarge': 0.68,
  'r3.large': 0.166,
  'r3.xlarge': 0.333,
  'r3.2xlarge': 0.665,
  'r3.4xlarge': 1.33,
  'r3.8xlarge': 2.66,
  'r4.large': 0.133,
  'r4.xlarge': 0.266,
  'r4.2xlarge': 0.532,
  'r4.4xlarge': 1.064,
  'r4.8xlarge': 2.128,
  'r4.16xlarge': 4.256,
  'r5.large': 0.126,
  'r5.xlarge': 0.252,
  'r5.2xlarge': 0.504,
  'r5.4xlarge': 1.008,
  'r5.8xlarge': 2.016,
  'r5.16xlarge': 4.032,
  'i2.xlarge': 0.853,
  'i2.2xlarge': 1.705,
  'i2.4xlarge': 3.41,
  'i2.8xlarge': 6.82,
  'i3.xlarge': 0.312,
  'i3.2xlarge': 0.624,
  'i3.4xlarge': 1.248,
  'i3.8xlarge': 2.496,
  'd2.xlarge': 0.69,
  'd2.2xlarge': 1.38,
  'd2.4xlarge': 2.76,
  'd2.8xlarge': 5.52,
  'd3.xlarge': 0.499,
  'd3.2xlarge': 0.999,
  'd3.4xlarge': 1.998,
  'd3.8xlarge': 3.995,
});

/** Hours in an average month, as AWS's own calculators count them. */
export const HOURS_PER_MONTH = 730;

export interface GenerationAdvice {
  /** The current family that replaces this one (t3 for t2). */
  twinFamily: string;
  /** The same size in that family (t3.micro for t2.micro), or null when the table does not list one (m3.medium: m5 has no medium). */
  twinType: string | null;
  /** Monthly on-demand prices, or null when the table does not know the size. */
  monthlyUsd: number | null;
  twinMonthlyUsd: number | null;
  /** What moving saves per month (null when either price is unknown; may be 0). */
  monthlySavingUsd: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The current twin of a previous-generation type and what moving to it saves, or null for a current type. */
export function generationAdvice(instanceType: unknown): GenerationAdvice | null {
  if (typeof instanceType !== 'string') return null;
  const dot = instanceType.indexOf('.');
  if (dot <= 0) return null;
  const twinFamily = CURRENT_TWIN[instanceType.slice(0, dot)];
  if (twinFamily === undefined || !Object.hasOwn(CURRENT_TWIN, instanceType.slice(0, dot))) return null;
  const sameSize = `${twinFamily}${instanceType.slice(dot)}`;
  const twinType = Object.hasOwn(HOURLY_USD_US_EAST_1, sameSize) ? sameSize : null;
  const hourly = Object.hasOwn(HOURLY_USD_US_EAST_1, instanceType) ? HOURLY_USD_US_EAST_1[instanceType]! : null;
  const twinHourly = twinType === null ? null : HOURLY_USD_US_EAST_1[twinType]!;
  const monthlyUsd = hourly === null ? null : round2(hourly * HOURS_PER_MONTH);
  const twinMonthlyUsd = twinHourly === null ? null : round2(twinHourly * HOURS_PER_MONTH);
  return {
    twinFamily,
    twinType,
    monthlyUsd,
    twinMonthlyUsd,
    monthlySavingUsd: monthlyUsd === null || twinMonthlyUsd === null ? null : round2(Math.max(0, monthlyUsd - twinMonthlyUsd)),
  };
}
