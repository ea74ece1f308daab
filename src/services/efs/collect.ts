import {
  DescribeBackupPolicyCommand,
  paginateDescribeAccessPoints,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
  type EFSClient,
} from '@aws-sdk/client-efs';
import { allItems } from '../../collect/pages.js';
import { toJson, toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { ACCESS_POINT, BACKUP_POLICY, FILE_SYSTEM, FILE_SYSTEMS, MOUNT_TARGET } from './produces.js';

/** The file system was deleted between the listing and the sub-call: it is simply gone. */
const VANISHED = 'FileSystemNotFound';

/**
 * EFS file systems of a region (100 per page, the API's fixed page size) and, only when a
 * selected rule reads them, per file system: its backup policy (DescribeBackupPolicy; the
 * `PolicyNotFound` answer means automatic backups were never turned on) and its mount targets
 * (DescribeMountTargets, skipped for a file system that reports none).
 */
export const collectFileSystems: CollectFunction<(typeof FILE_SYSTEMS)[number], { efs: EFSClient }> = async (ctx) => {
  const client = ctx.client('efs');
  const listing = await ctx.call('DescribeFileSystems', FILE_SYSTEMS, () =>
    allItems(paginateDescribeFileSystems({ client, pageSize: 100 }, {}), (p) => p.FileSystems),
  );
  if (listing.status !== 'ok') return;
  await Promise.all(
    listing.value.map(async (fs) => {
      const data = toJsonObject(fs);
      const FileSystemId = fs.FileSystemId;
      if (typeof FileSystemId !== 'string') return;
      const arn = fs.FileSystemArn;
      const name = fs.Name ?? null;
      if (ctx.wants(FILE_SYSTEM)) ctx.add({ type: FILE_SYSTEM, id: FileSystemId, arn, data });
      const work: Array<Promise<void>> = [];
      if (ctx.wants(BACKUP_POLICY)) {
        work.push(
          (async () => {
            const policy = await ctx.call(
              'DescribeBackupPolicy',
              [BACKUP_POLICY],
              async () => (await client.send(new DescribeBackupPolicyCommand({ FileSystemId }))).BackupPolicy,
              { subject: FileSystemId, absent: ['PolicyNotFound', VANISHED] },
            );
            if (policy.status === 'failed' || (policy.status === 'absent' && policy.code === VANISHED)) return;
            ctx.add({
              type: BACKUP_POLICY,
              id: FileSystemId,
              arn,
              data: {
                FileSystemId,
                FileSystemArn: arn ?? null,
                Name: name,
                BackupPolicy: policy.status === 'ok' ? (toJson(policy.value) ?? null) : null,
              },
            });
          })(),
        );
      }
      if (ctx.wants(MOUNT_TARGET) && fs.NumberOfMountTargets !== 0) {
        work.push(
          (async () => {
            const targets = await ctx.call(
              'DescribeMountTargets',
              [MOUNT_TARGET],
              () => allItems(paginateDescribeMountTargets({ client, pageSize: 100 }, { FileSystemId }), (p) => p.MountTargets),
              { subject: FileSystemId, absent: [VANISHED] },
            );
            if (targets.status !== 'ok') return;
            for (const target of targets.value) {
              const t = toJsonObject(target);
              if (typeof t.MountTargetId !== 'string') continue;
              ctx.add({ type: MOUNT_TARGET, id: t.MountTargetId, data: { ...t, FileSystemName: name } });
            }
          })(),
        );
      }
      await Promise.all(work);
    }),
  );
};

/** EFS access points of a region, of every file system in one listing (100 per page). */
export const collectAccessPoints: CollectFunction<(typeof ACCESS_POINT)[number], { efs: EFSClient }> = async (ctx) => {
  const client = ctx.client('efs');
  const listing = await ctx.call('DescribeAccessPoints', ACCESS_POINT, () =>
    allItems(paginateDescribeAccessPoints({ client, pageSize: 100 }, {}), (p) => p.AccessPoints),
  );
  if (listing.status !== 'ok') return;
  for (const ap of listing.value) {
    const data = toJsonObject(ap);
    if (typeof data.AccessPointId !== 'string') continue;
    ctx.add({ type: 'aws.efs.access-point', id: data.AccessPointId, arn: ap.AccessPointArn, data });
  }
};
