import type { Resource } from '../snapshot/types.js';
import { isPlainObject } from '../util/json.js';
import type { CloudTrailRecord } from './records.js';

/** The synthetic resource type of I8: one Elastic IP allocation seen in the events, and what followed it. */
export const EIP_ALLOCATION_TYPE = 'aws.cloudtrail.eip-allocation';

/** The three events I8 correlates, reduced to what the correlation needs (workers send these, not records). */
export interface AddressEvent {
  kind: 'allocate' | 'associate' | 'release';
  allocationId?: string;
  publicIp?: string;
  eventTime: string;
  eventID: string;
  account: string;
  region: string;
  principalArn?: string;
  sourceIPAddress?: string;
  userAgent?: string;
}

const KINDS = new Map<string, AddressEvent['kind']>([
  ['AllocateAddress', 'allocate'],
  ['AssociateAddress', 'associate'],
  ['ReleaseAddress', 'release'],
]);

/** The event names the correlation reads. */
export const ADDRESS_EVENT_NAMES: readonly string[] = [...KINDS.keys()];

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The address event of a successful AllocateAddress / AssociateAddress / ReleaseAddress record, else undefined. */
export function addressEventOf(record: CloudTrailRecord, account: string, region: string): AddressEvent | undefined {
  const kind = KINDS.get(record.eventName);
  if (!kind || record.eventSource !== 'ec2.amazonaws.com' || (record.errorCode !== undefined && record.errorCode !== null))
    return undefined;
  const rp = isPlainObject(record.requestParameters) ? record.requestParameters : {};
  const re = isPlainObject(record.responseElements) ? record.responseElements : {};
  const source = kind === 'allocate' ? re : rp;
  const event: AddressEvent = { kind, eventTime: record.eventTime, eventID: str(record.eventID) ?? '', account, region };
  const allocationId = str(source.allocationId);
  const publicIp = str(source.publicIp);
  if (allocationId) event.allocationId = allocationId;
  if (publicIp) event.publicIp = publicIp;
  if (!allocationId && !publicIp) return undefined;
  if (kind === 'allocate') {
    if (!allocationId) return undefined;
    const identity = isPlainObject(record.userIdentity) ? record.userIdentity : {};
    const principal = str(identity.arn) ?? str(identity.invokedBy);
    if (principal) event.principalArn = principal;
    if (str(record.sourceIPAddress)) event.sourceIPAddress = str(record.sourceIPAddress)!;
    if (str(record.userAgent)) event.userAgent = str(record.userAgent)!;
  }
  return event;
}

function later(a: AddressEvent, b: AddressEvent | undefined): boolean {
  return !b || a.eventTime > b.eventTime || (a.eventTime === b.eventTime && a.eventID > b.eventID);
}

/**
 * Correlates allocations with later associations and releases across the whole stream, in any
 * order (workers finish out of order). Memory: one entry per allocation, association and release
 * seen, up to `maxEntries`; past that new entries are dropped and `truncated` says so.
 */
export class AllocationTracker {
  private readonly allocations = new Map<string, AddressEvent>();
  /** Latest association / release per allocation id ("id:…") and per public IP ("ip:account/region/ip"). */
  private readonly associations = new Map<string, AddressEvent>();
  private readonly releases = new Map<string, AddressEvent>();
  truncated = false;

  constructor(private readonly maxEntries = 100_000) {}

  get size(): number {
    return this.allocations.size + this.associations.size + this.releases.size;
  }

  add(event: AddressEvent): void {
    const keys = [
      event.allocationId ? `id:${event.allocationId}` : undefined,
      event.publicIp ? `ip:${event.account}/${event.region}/${event.publicIp}` : undefined,
    ];
    const put = (map: Map<string, AddressEvent>, key: string) => {
      if (!map.has(key) && this.size >= this.maxEntries) {
        this.truncated = true;
        return;
      }
      if (later(event, map.get(key))) map.set(key, event);
    };
    if (event.kind === 'allocate') put(this.allocations, event.allocationId!);
    else for (const key of keys) if (key) put(event.kind === 'associate' ? this.associations : this.releases, key);
  }

  /**
   * One resource per allocation: when it was associated or released after it was allocated (or
   * null), and how long it had been allocated at `observedUntil` (the end of the window read).
   */
  resources(observedUntil: string): Resource[] {
    const out: Resource[] = [];
    const until = Date.parse(observedUntil);
    for (const [allocationId, a] of [...this.allocations].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      const after = (map: Map<string, AddressEvent>): string | null => {
        const times = [map.get(`id:${allocationId}`), a.publicIp ? map.get(`ip:${a.account}/${a.region}/${a.publicIp}`) : undefined]
          .filter((e): e is AddressEvent => e !== undefined && e.eventTime >= a.eventTime)
          .map((e) => e.eventTime)
          .sort();
        return times[times.length - 1] ?? null;
      };
      const hours = Math.max(0, (until - Date.parse(a.eventTime)) / 3_600_000);
      out.push({
        type: EIP_ALLOCATION_TYPE,
        id: allocationId,
        account: a.account,
        region: a.region,
        data: {
          allocationId,
          publicIp: a.publicIp ?? null,
          allocatedAt: a.eventTime,
          allocateEventID: a.eventID,
          allocatedBy: a.principalArn ?? null,
          sourceIPAddress: a.sourceIPAddress ?? null,
          userAgent: a.userAgent ?? null,
          associatedAt: after(this.associations),
          releasedAt: after(this.releases),
          observedUntil,
          hoursSinceAllocation: Math.round(hours * 100) / 100,
        },
      });
    }
    return out;
  }
}
