import type { JsonObject } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { CloudTrailRecord } from '../records.js';
import type { EventFactModule } from './types.js';
import { items, recipientOf, requestOf, text } from './record-fields.js';

/**
 * `sharing`: a call that adds to who may copy an EBS snapshot, launch an AMI or restore an RDS
 * snapshot (or cluster snapshot): `{ kind, target, public, accounts, summary }`. `public` is true
 * when the call adds everyone (`all`); `accounts` are the AWS accounts it adds other than the one
 * that received the call; `added` what the call added as it names it (`all`, account ids), to take back. Absent when the call adds nobody (a removal, another attribute).
 * Organisations and organisational units an AMI is shared with are not accounts outside it.
 */

interface Added {
  everyone: boolean;
  accounts: string[];
}

/** EC2's permission lists: `{ add: { items: [{ userId } | { group: "all" }] } }`. */
function ec2Added(permission: unknown): Added {
  const out: Added = { everyone: false, accounts: [] };
  const add = isPlainObject(permission) ? permission.add : undefined;
  const list = isPlainObject(add) ? items(add.items) : [];
  for (const item of list) {
    if (!isPlainObject(item)) continue;
    if (typeof item.group === 'string' && item.group.toLowerCase() === 'all') out.everyone = true;
    const user = text(item.userId);
    if (user) out.accounts.push(user);
  }
  return out;
}

/** The older EC2 form: `operationType: add` with `userId` / `userGroup` lists. */
function ec2Legacy(rp: Record<string, unknown>): Added {
  const out: Added = { everyone: false, accounts: [] };
  if (rp.operationType !== 'add') return out;
  for (const g of items(rp.userGroup)) if (typeof g === 'string' && g.toLowerCase() === 'all') out.everyone = true;
  for (const u of items(rp.userId)) if (typeof u === 'string' && u !== '') out.accounts.push(u);
  return out;
}

function rdsAdded(rp: Record<string, unknown>): Added {
  const out: Added = { everyone: false, accounts: [] };
  if (rp.attributeName !== 'restore') return out;
  for (const v of items(rp.valuesToAdd)) {
    if (typeof v !== 'string' || v === '') continue;
    if (v.toLowerCase() === 'all') out.everyone = true;
    else out.accounts.push(v);
  }
  return out;
}

const KINDS: Record<
  string,
  { kind: string; target: (rp: Record<string, unknown>) => unknown; added: (rp: Record<string, unknown>) => Added }
> = {
  ModifySnapshotAttribute: {
    kind: 'EBS snapshot',
    target: (rp) => rp.snapshotId,
    added: (rp) => merge(ec2Added(rp.createVolumePermission), ec2Legacy(rp)),
  },
  ModifyImageAttribute: {
    kind: 'AMI',
    target: (rp) => rp.imageId,
    added: (rp) => merge(ec2Added(rp.launchPermission), ec2Legacy(rp)),
  },
  ModifyDBSnapshotAttribute: { kind: 'RDS snapshot', target: (rp) => rp.dBSnapshotIdentifier, added: rdsAdded },
  ModifyDBClusterSnapshotAttribute: { kind: 'RDS cluster snapshot', target: (rp) => rp.dBClusterSnapshotIdentifier, added: rdsAdded },
};

function merge(a: Added, b: Added): Added {
  return { everyone: a.everyone || b.everyone, accounts: [...a.accounts, ...b.accounts] };
}

function factsOf(record: CloudTrailRecord): JsonObject | undefined {
  const spec = KINDS[record.eventName];
  if (!spec) return undefined;
  const rp = requestOf(record);
  const added = spec.added(rp);
  const own = recipientOf(record);
  const accounts = [...new Set(added.accounts.filter((a) => a !== own))].sort();
  if (!added.everyone && accounts.length === 0) return undefined;
  const parts: string[] = [];
  if (added.everyone) parts.push('everyone (public)');
  if (accounts.length) parts.push(`account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')}`);
  return {
    sharing: {
      kind: spec.kind,
      target: text(spec.target(rp)) ?? 'unknown',
      public: added.everyone,
      accounts,
      added: [...(added.everyone ? ['all'] : []), ...accounts],
      summary: parts.join(' and '),
    },
  };
}

export const sharingFacts: EventFactModule = {
  topic: 'sharing',
  facts: ['sharing'],
  eventNames: Object.keys(KINDS),
  compute: factsOf,
};
