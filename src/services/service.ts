// The shape of a service module: everything awsaudit knows about one AWS service (or one
// other source of resources, such as local files), declared in one folder and registered by
// one line in src/services/index.ts. Nothing here imports an AWS SDK package: a service's
// client and collectors are imported only when a scan needs them.
import type { ClientFactory, ClientTable } from '../aws/client.js';
import type { Collector } from '../collect/types.js';
import type { Enricher } from '../enrich/types.js';
import type { JsonSchema } from './data-schema.js';

export type { JsonSchema };

/** Where resources of a type live: one region, the account as a whole ("global"), or the local machine. */
export type ResourceScope = 'regional' | 'global' | 'local';

/** One resource type, as its service declares it. */
export interface ResourceTypeDefinition {
  readonly scope: ResourceScope;
  readonly title: string;
  /** What `id` holds for this type, for docs. */
  readonly id: string;
  /** What the `region` of a resource holds, for docs (default: "region" for regional types, `global`, `local`). */
  readonly region?: string;
  /** docs/resources.md: what `data` holds (Markdown, one table cell). */
  readonly data: string;
  /** docs/resources.md: the facts its enrichers compute (Markdown, one table cell). */
  readonly facts?: string;
  /** docs/resources.md: said after the types the enrichers read (e.g. which of them are read only when collected). */
  readonly factsReadsNote?: string;
  /**
   * The shape of `data`: the fields its rules and enrichers read, with their types (other fields
   * are allowed). A resource whose data does not match it is not evaluated (src/snapshot/check-data.ts).
   */
  readonly dataSchema: JsonSchema;
}

/** The resource types of a service, by type name (`aws.<service>.<kind>`, `file.<kind>`). */
export type ResourceTypeTable = { readonly [type: string]: ResourceTypeDefinition };

/**
 * A service module. `Types` and `Clients` are the service's own tables (`typeof` them), so that
 * the resource-type union and the client types are derived from the list of services.
 * `CollectorClients` are the clients its collectors send through: its own, unless one of them
 * uses another service's (the account's alias is read through IAM); the collector registry
 * checks that each is some service's client.
 */
export interface Service<
  Types extends ResourceTypeTable = ResourceTypeTable,
  Clients extends ClientTable = ClientTable,
  CollectorClients extends ClientTable = Clients,
> {
  /** The folder name; also the `service` of its resource types and the folder of its rules under rules/. */
  readonly name: string;
  readonly resourceTypes: Types;
  /** SDK clients by the short name that gaps and progress show (each imports its package lazily). */
  readonly clients: { readonly [K in keyof Clients]: ClientFactory<Clients[K]> };
  /** Collectors of its resource types from the live account (descriptors as data, code loaded lazily). */
  readonly collectors: readonly Collector<keyof Types & string, CollectorClients>[];
  /** Enrichers of its resource types. */
  readonly enrichers: readonly Enricher[];
}
