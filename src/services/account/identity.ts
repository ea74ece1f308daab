// The calls every scan starts with, whatever rules run (CORE_COMMANDS declares them).
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

/** Who the credentials belong to. */
export async function callerIdentity(sts: STSClient): Promise<{ account: string | undefined; arn: string | undefined }> {
  const id = await sts.send(new GetCallerIdentityCommand({}));
  return { account: id.Account, arn: id.Arn };
}

/** The regions of the account, with their opt-in status (for --all-regions). */
export async function describeRegions(ec2: EC2Client): Promise<Array<{ RegionName?: string | undefined; OptInStatus?: string | undefined }>> {
  return (await ec2.send(new DescribeRegionsCommand({ AllRegions: false }))).Regions ?? [];
}
