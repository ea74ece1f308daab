import type { Resource, Snapshot } from './types.js';

const NONE: readonly Resource[] = Object.freeze([]);

/**
 * Look-ups over a snapshot's resources for enrichers that relate resources. Built lazily,
 * on the first look-up: an evaluation whose enrichers relate nothing never pays for it.
 */
export class SnapshotIndex {
  private readonly byType = new Map<string, Resource[]>();
  private readonly byId = new Map<string, Map<string, Resource>>();
  private grouped = false;
  /** Values derived from the whole snapshot by enrichers (see `derived` in enrich/types.ts), kept with the index they describe. */
  readonly derived = new Map<string, unknown>();

  constructor(readonly snapshot: Snapshot) {}

  ofType(type: string): readonly Resource[] {
    if (!this.grouped) {
      // One pass groups every type: enrichers ask for several (account settings, keys,
      // trails, instances), and one pass costs less than a filter over everything per type.
      // Snapshots hold each type's resources together (collectors add them type by type): a
      // resource of the same type as the one before goes to the same list without a look-up.
      let lastType: string | undefined;
      let lastList: Resource[] | undefined;
      for (const r of this.snapshot.resources) {
        const type = r.type;
        if (type === lastType) {
          lastList!.push(r);
          continue;
        }
        let list = this.byType.get(type);
        if (!list) this.byType.set(type, (list = []));
        list.push(r);
        lastType = type;
        lastList = list;
      }
      this.grouped = true;
    }
    return this.byType.get(type) ?? NONE;
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
