import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from '../snapshot/types.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import { FILE_RESOURCE_TYPES, type FileScan } from './scan-files.js';
import { verifyKeys } from './verify-keys.js';

/** A snapshot of a scan of local files only (`awsaudit scan --files` without an account). */
export function filesSnapshot(scan: FileScan, collectedAt: Date): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    meta: {
      accounts: [],
      regions: [],
      collectedAt: collectedAt.toISOString(),
      tool: { name: TOOL_NAME, version: toolVersion() },
      source: 'files',
      resourceTypes: [...FILE_RESOURCE_TYPES],
      notes: scan.notes,
    },
    resources: scan.resources,
    gaps: scan.gaps,
  };
}

/**
 * Add a file scan to an account snapshot (live or demo) and check the keys found against the
 * account's IAM access keys while the full key ids are still in memory. Returns the snapshot
 * with file resources, gaps and notes added (the input is not modified).
 */
export function addFileScan(snapshot: Snapshot, scan: FileScan): Snapshot {
  const listed = snapshot.meta.resourceTypes.includes('aws.iam.access-key');
  if (listed) {
    verifyKeys(scan.resources, scan.keyIdOf, {
      accounts: snapshot.meta.accounts,
      accessKeys: snapshot.resources.filter((r) => r.type === 'aws.iam.access-key'),
      complete: !snapshot.gaps.some((g) => g.resourceTypes.includes('aws.iam.access-key')),
    });
  }
  const types = new Set([...snapshot.meta.resourceTypes, ...FILE_RESOURCE_TYPES]);
  return {
    ...snapshot,
    meta: { ...snapshot.meta, resourceTypes: [...types], notes: [...(snapshot.meta.notes ?? []), ...scan.notes] },
    resources: [...snapshot.resources, ...scan.resources],
    gaps: [...snapshot.gaps, ...scan.gaps],
  };
}
