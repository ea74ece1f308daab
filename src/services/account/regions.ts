// The call `--all-regions` makes before collecting (CORE_COMMANDS declares it).
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';

/** The regions of the account, with their opt-in status. */
export async function describeRegions(
  ec2: EC2Client,
  options: { abortSignal?: AbortSignal } = {},
): Promise<Array<{ RegionName?: string | undefined; OptInStatus?: string | undefined }>> {
  return (await ec2.send(new DescribeRegionsCommand({ AllRegions: false }), options)).Regions ?? [];
}
