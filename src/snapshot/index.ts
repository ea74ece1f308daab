import type { Resource, Snapshot } from './types.js';

/**
 * Look-ups over a snapshot's resources for enrichers that relate resources. Built lazily,
 * one resource type at a time: most evaluations touch only a few types, and indexing
 * every resource up front costs more than the rules themselves on large snapshots.
 */
export class SnapshotIndex {
  private readonly byType = new Map<string, Resource[]>();
  private readonly byId = new Map<string, Map<string, Resource>>();

  constructor(readonly snapshot: Snapshot) {}

  ofType(type: string): readonly Resource[] {
    let list = this.byType.get(type);
    if (!list) {
      list = this.snapshot.resources.filter((r) => r.type === type);
      this.byType.set(type, list);
    }
    return list;
  }

  get(type: string, account: string, region: string, id: string): Resource | undefined {
    let map = this.byId.get(type);
    if (!map) {
      map = new Map(this.ofType(type).map((r) => [key(r.account, r.region, r.id), r]));
      this.byId.set(type, map);
    }
    return map.get(key(account, region, id));
  }

  /** The first resource of a type in an account (for account-level settings). */
  accountLevel(type: string, account: string): Resource | undefined {
    return this.ofType(type).find((r) => r.account === account);
  }
}

function key(account: string, region: string, id: string): string {
  return `${account}\u0000${region}\u0000${id}`;
}
