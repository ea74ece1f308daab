// The generic collection machinery's types. They know no service: a service types its
// collectors with its own resource types and clients (`Types`, `Clients`), and the collector
// registry (registry.ts), which reads the services list, checks those against every service's.
// Importing the services list here would make every service import itself back.
import type { ClientTable } from '../aws/client.js';
import type { Resource } from '../snapshot/types.js';

/** One SDK command a collector may send, the IAM action it needs, and what it is sent for. */
export interface CommandSpec<Types extends string = string, ClientName extends string = string> {
  /** SDK command class name, e.g. "DescribeSecurityGroupsCommand". */
  readonly command: string;
  /** Client that sends it, when not the collector's own service. */
  readonly service?: ClientName;
  /** The IAM action the call needs, e.g. "ec2:DescribeSecurityGroups". */
  readonly action: string;
  /** Resource types the call is made for: it is sent only when one of them is wanted. */
  readonly for: readonly Types[];
  /**
   * For a per-resource sub-call whose failure leaves the resource listed but without some of its
   * top-level `data` fields: those fields, by type. A gap on this call then makes exactly those
   * fields unknown on the resources that lack them, and a rule whose verdict does not depend on
   * them still decides (src/engine/gap-effects.ts). A type of `for` not named here: a failure
   * may leave resources of it out altogether (a listing), so no list of them is whole.
   */
  readonly fills?: { readonly [T in Types]?: readonly string[] };
}

/**
 * What a collector does, as data: the resource types it produces, every SDK command it can
 * send and the IAM actions those need. `awsaudit permissions` and the read-only test read
 * these; at run time a collector can send no command that its descriptor does not declare.
 */
export interface CollectorDescriptor<Types extends string = string, ClientName extends string = string> {
  readonly id: string;
  /** The client its commands are sent through (unless a command names another). */
  readonly service: ClientName;
  /** regional: run once per scanned region; account: run once per account (global services, or its own walk over the regions). */
  readonly scope: 'regional' | 'account';
  readonly produces: readonly Types[];
  readonly commands: readonly CommandSpec<Types, ClientName>[];
}

/**
 * A resource as a collector hands it over; the account is filled in, the region defaults to the
 * task's. It has no `facts`: those are computed by enrichers, from `data`.
 */
export type NewResource<Types extends string = string> = Omit<Resource, 'account' | 'region' | 'facts'> & { type: Types; region?: string };

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

/**
 * What a collector reads the account through. `Types` are the resource types it produces and
 * `Clients` the SDK clients it sends through, so that it can add no other type and ask for no
 * other client. The functions are properties, not methods: TypeScript checks a method's
 * parameters both ways, which would let code that adds more types than its descriptor
 * produces pass for that descriptor's collector.
 */
export interface CollectorContext<Types extends string = string, Clients extends ClientTable = ClientTable> {
  readonly account: string;
  readonly partition: string;
  /** The region of this task; for account-scope collectors, the partition's home region. */
  readonly region: string;
  /** Every region the scan covers. */
  readonly regions: readonly string[];
  /** Is this type wanted from this collector in this scan (one of what it produces)? */
  readonly wants: (type: Types) => boolean;
  /** An SDK client for a service and region (default: the task's region). */
  readonly client: <S extends keyof Clients & string>(service: S, region?: string) => Clients[S];
  readonly add: (resource: NewResource<Types>) => void;
  /**
   * Run one API call or paginated listing. A failure becomes a coverage gap for `types` (the
   * scan goes on); codes listed in `options.absent` mean "nothing configured".
   */
  readonly call: <T>(operation: string, types: readonly Types[], fn: () => Promise<T>, options?: CallOptions) => Promise<CallResult<T>>;
}

/** A collector's code: reads the account through the context it is given. */
export type CollectFunction<Types extends string = string, Clients extends ClientTable = ClientTable> = (
  ctx: CollectorContext<Types, Clients>,
) => Promise<void>;

/**
 * A collector: its descriptor (data, read by planning, `awsaudit permissions` and the read-only
 * test) and its code, imported only when a scan plans it (the code imports the SDK).
 */
export interface Collector<Types extends string = string, Clients extends ClientTable = ClientTable> {
  readonly descriptor: CollectorDescriptor<Types, keyof Clients & string>;
  readonly load: () => Promise<CollectFunction<Types, Clients>>;
}
