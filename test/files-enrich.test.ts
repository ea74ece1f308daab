// The facts the enricher computes for keys found in files: one sentence on what is known of a key.
import { describe, expect, it } from 'vitest';
import { fileAccessKeyEnricher } from '../src/files/enrich-access-key.js';
import { SnapshotIndex } from '../src/snapshot/index.js';
import type { Resource, Snapshot } from '../src/snapshot/types.js';
import type { JsonObject } from '../src/util/json.js';

const summary = (data: JsonObject, facts?: JsonObject) => {
  const resource: Resource = {
    type: 'file.access-key',
    id: 'f#AKIA…Q7XZ',
    account: 'local',
    region: 'local',
    data,
    ...(facts ? { facts } : {}),
  };
  const index = new SnapshotIndex({
    format: 'awsaudit-snapshot',
    version: 1,
    meta: {} as Snapshot['meta'],
    resources: [resource],
    gaps: [],
  });
  return fileAccessKeyEnricher.enrich(resource, { now: 0, index }).verificationSummary;
};

describe('file.access-key verification summary', () => {
  const data = { ownerAccount: '123456789012', keyKind: 'access-key' };
  const scanned = { scannedAccounts: ['123456789012'] };
  it('says what was established, for each outcome', () => {
    expect(summary(data)).toBe('belongs to account 123456789012; not checked against an account (no account was scanned)');
    expect(summary({ ...data, ownerAccount: null })).toBe(
      'belongs to an account the old-format key id does not name; not checked against an account (no account was scanned)',
    );
    expect(
      summary(data, { ...scanned, verification: 'matched', status: 'Active', owner: 'ci', lastUsedDate: '2026-05-30T10:00:00Z' }),
    ).toBe('Active key of IAM user ci in the scanned account 123456789012, last used 2026-05-30T10:00:00Z');
    expect(summary(data, { ...scanned, verification: 'matched', status: 'Inactive', owner: 'ci', lastUsedDate: null })).toBe(
      'Inactive key of IAM user ci in the scanned account 123456789012, never used',
    );
    expect(summary(data, { ...scanned, verification: 'not-found', status: 'NotFound' })).toMatch(
      /no IAM user there has it \(deleted, or a root user key\)/,
    );
    expect(summary({ ...data, ownerAccount: '210987654321' }, { ...scanned, verification: 'other-account' })).toBe(
      'belongs to account 210987654321, not to the scanned account 123456789012',
    );
    expect(summary({ ...data, keyKind: 'temporary' }, { ...scanned, verification: 'not-listed' })).toMatch(
      /^a temporary key of the scanned account 123456789012; IAM does not list these/,
    );
  });
});
