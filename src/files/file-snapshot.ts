import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from '../snapshot/types.js';
import { TOOL_NAME, toolVersion } from '../util/version.js';
import type { FileScan } from './scan-files.js';
import { recordAccountKeys } from './verify-keys.js';

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
      resourceTypes: [...scan.resourceTypes],
      notes: scan.notes,
    },
    resources: scan.resources,
    gaps: scan.gaps,
  };
}

/**
 * Add a file scan to an account snapshot (live or demo), recording for each key found which of
 * the account's IAM access keys it is while the full key ids are still in memory (the
 * file-access-key enricher turns that into facts). Returns the snapshot with file resources,
 * gaps and notes added (the inputs are not modified).
 */
export function addFileScan(snapshot: Snapshot, scan: FileScan): Snapshot {
  const listed = snapshot.meta.resourceTypes.includes('aws.iam.access-key');
  const files = listed
    ? recordAccountKeys(
        scan.resources,
        scan.keyIdOf,
        snapshot.resources.filter((r) => r.type === 'aws.iam.access-key'),
      )
    : scan.resources;
  const types = new Set([...snapshot.meta.resourceTypes, ...scan.resourceTypes]);
  return {
    ...snapshot,
    meta: { ...snapshot.meta, resourceTypes: [...types], notes: [...(snapshot.meta.notes ?? []), ...scan.notes] },
    resources: [...snapshot.resources, ...files],
    gaps: [...snapshot.gaps, ...scan.gaps],
  };
}
