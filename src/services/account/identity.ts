// The call every scan starts with, whatever rules run (CORE_COMMANDS declares it).
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

/** Who the credentials belong to. */
export async function callerIdentity(
  sts: STSClient,
  options: { abortSignal?: AbortSignal } = {},
): Promise<{ account: string | undefined; arn: string | undefined }> {
  const id = await sts.send(new GetCallerIdentityCommand({}), options);
  return { account: id.Account, arn: id.Arn };
}
