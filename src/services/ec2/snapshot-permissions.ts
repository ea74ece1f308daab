import { DescribeSnapshotAttributeCommand, type EC2Client, type Snapshot } from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectorContext } from '../../collect/types.js';
import type { JsonObject } from '../../util/json.js';

export const SNAPSHOT_PERMISSIONS_TYPE = 'aws.ec2.snapshot-permissions' as const;

/** Attribute reads in flight per region (the client pool's --max-concurrency limit applies as well). */
const IN_FLIGHT = 8;

/**
 * Who may create volumes from each of the account's snapshots: one DescribeSnapshotAttribute
 * (createVolumePermission) per snapshot, at most IN_FLIGHT at a time. DescribeSnapshots does
 * not say whether a snapshot is shared, so this is the only way to see a public one. A read
 * that fails is a coverage gap and a resource without `CreateVolumePermissions` (undecided),
 * never a private snapshot.
 */
export async function collectSnapshotPermissions(
  ctx: CollectorContext<typeof SNAPSHOT_PERMISSIONS_TYPE, { ec2: EC2Client }>,
  client: EC2Client,
  snapshots: readonly Snapshot[],
): Promise<void> {
  const limit = pLimit(IN_FLIGHT);
  await Promise.all(
    snapshots
      .filter((s) => typeof s.SnapshotId === 'string' && s.SnapshotId !== '')
      .map((snapshot) =>
        limit(async () => {
          const id = snapshot.SnapshotId!;
          const item = toJsonObject(snapshot);
          // Enough of the snapshot to name it in reports.
          const data: JsonObject = {
            SnapshotId: id,
            VolumeId: item.VolumeId ?? null,
            VolumeSize: item.VolumeSize ?? null,
            Tags: item.Tags ?? [],
          };
          const result = await ctx.call(
            'DescribeSnapshotAttribute',
            [SNAPSHOT_PERMISSIONS_TYPE],
            () => client.send(new DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' })),
            { subject: id },
          );
          if (result.status === 'ok') data.CreateVolumePermissions = toJsonObject(result.value).CreateVolumePermissions ?? [];
          else data.PermissionsError = result.code;
          ctx.add({ type: SNAPSHOT_PERMISSIONS_TYPE, id, arn: `arn:${ctx.partition}:ec2:${ctx.region}::snapshot/${id}`, data });
        }),
      ),
  );
}
