import type { ResourceType } from '../resources/types.js';
import type { ServiceClients, ServiceName } from '../services/index.js';
import type { Resource } from '../snapshot/types.js';

export type { ServiceClients, ServiceName };

/** One SDK command a collector may send, the IAM action it needs, and what it is sent for. */
export interface CommandSpec {
  /** SDK command class name, e.g. "DescribeSecurityGroupsCommand". */
  readonly command: string;
  /** Client that sends it, when not the collector's own service. */
  readonly service?: ServiceName;
  /** The IAM action the call needs, e.g. "ec2:DescribeSecurityGroups". */
  readonly action: string;
  /** Resource types the call is made for: it is sent only when one of them is wanted. */
  readonly for: readonly ResourceType[];
}

/**
 * What a collector does, as data: the resource types it produces, every SDK command it can
 * send and the IAM actions those need. `awsaudit permissions` and the read-only test read
 * these; at run time a collector can send no command that its descriptor does not declare.
 */
export interface CollectorDescriptor {
  readonly id: string;
  readonly service: ServiceName;
  /** regional: run once per scanned region; account: run once per account (global services, or its own walk over the regions). */
  readonly scope: 'regional' | 'account';
  readonly produces: readonly ResourceType[];
  readonly commands: readonly CommandSpec[];
}

/**
 * A resource as a collector hands it over; the account is filled in, the region defaults to the
 * task's. It has no `facts`: those are computed by enrichers, from `data`.
 */
export type NewResource = Omit<Resource, 'account' | 'region' | 'facts'> & { type: ResourceType; region?: string };

/** How one API call (or one paginated listing) ended. */
export type CallResult<T> =
  | { status: 'ok'; value: T }
  /** The service said "nothing configured" (one of the codes the caller listed as `absent`). */
  | { status: 'absent'; code: string }
  /** It failed; a coverage gap has been recorded. */
  | { status: 'failed'; code: string };

export interface CallOptions {
  /** Region the call goes to, for the gap record (default: the task's region). */
  region?: string;
  /** What the call was about (a bucket, a user), kept as an example in the gap message. */
  subject?: string;
  /** Error codes that mean "nothing configured" rather than a failure. */
  absent?: readonly string[];
}

export interface CollectorContext {
  readonly account: string;
  readonly partition: string;
  /** The region of this task; for account-scope collectors, the partition's home region. */
  readonly region: string;
  /** Every region the scan covers. */
  readonly regions: readonly string[];
  /** The types wanted from this collector in this scan (a subset of what it produces). */
  readonly wanted: ReadonlySet<ResourceType>;
  wants(type: ResourceType): boolean;
  /** An SDK client for a service and region (default: the task's region). */
  client<S extends ServiceName>(service: S, region?: string): ServiceClients[S];
  add(resource: NewResource): void;
  /**
   * Run one API call or paginated listing. A failure becomes a coverage gap for `types` (the
   * scan goes on); codes listed in `options.absent` mean "nothing configured".
   */
  call<T>(operation: string, types: readonly ResourceType[], fn: () => Promise<T>, options?: CallOptions): Promise<CallResult<T>>;
}

/** A collector's code: reads the account through the context it is given. */
export type CollectFunction = (ctx: CollectorContext) => Promise<void>;

/**
 * A collector: its descriptor (data, read by planning, `awsaudit permissions` and the read-only
 * test) and its code, imported only when a scan plans it (the code imports the SDK).
 */
export interface Collector {
  readonly descriptor: CollectorDescriptor;
  load(): Promise<CollectFunction>;
}
