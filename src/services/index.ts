// The list of services. Everything else about services is derived from it: the resource-type
// table (src/resources/types.ts), the client pool's factories (src/aws/pool.ts), the collector
// registry (src/collect/registry.ts), the enricher registry (src/enrich/index.ts),
// `awsaudit permissions`, `awsaudit rules types` and docs/resources.md. A new service is its
// folder, one line here, and its `@aws-sdk/client-*` dependency (docs/adding-a-service.md).
import type { ClientFactory } from '../aws/client.js';
import { files } from '../files/service.js';
import { accessanalyzer } from './accessanalyzer/index.js';
import { account } from './account/index.js';
import { cloudtrail } from './cloudtrail/index.js';
import { cloudwatch } from './cloudwatch/index.js';
import { config } from './config/index.js';
import { ec2 } from './ec2/index.js';
import { efs } from './efs/index.js';
import { elb } from './elb/index.js';
import { elbv2 } from './elbv2/index.js';
import { guardduty } from './guardduty/index.js';
import { iam } from './iam/index.js';
import { kms } from './kms/index.js';
import { lambda } from './lambda/index.js';
import { logs } from './logs/index.js';
import { macie } from './macie/index.js';
import { rds } from './rds/index.js';
import { s3 } from './s3/index.js';
import { securityhub } from './securityhub/index.js';
import { sns } from './sns/index.js';
import type { ResourceTypeDefinition } from './service.js';

export const SERVICES = [
  account,
  iam,
  ec2,
  s3,
  rds,
  efs,
  elb,
  elbv2,
  lambda,
  cloudtrail,
  config,
  guardduty,
  securityhub,
  accessanalyzer,
  macie,
  kms,
  logs,
  cloudwatch,
  sns,
  files,
] as const;

type AnyService = (typeof SERVICES)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every resource type awsaudit knows, from the services' own tables. */
export type ResourceType = AnyService extends infer S ? (S extends { readonly resourceTypes: infer T } ? keyof T & string : never) : never;

/** The SDK clients collectors and CloudTrail readers use, by the short name that gaps and progress show (those the services declare). */
export type ServiceClients = UnionToIntersection<
  AnyService extends infer S
    ? S extends { readonly clients: infer F }
      ? { [K in keyof F]: F[K] extends ClientFactory<infer C> ? C : never }
      : never
    : never
>;
export type ServiceName = Extract<keyof ServiceClients, string>;

/** A resource type as the table lists it: its service's declaration, and the service it belongs to. */
export interface ResourceTypeInfo extends ResourceTypeDefinition {
  /** The service (folder) that declares it; rules over it live in rules/<service>/. */
  readonly service: string;
}

function resourceTypes(): Record<ResourceType, ResourceTypeInfo> {
  const table: Record<string, ResourceTypeInfo> = {};
  for (const service of SERVICES) {
    for (const [type, info] of Object.entries(service.resourceTypes) as Array<[string, ResourceTypeDefinition]>) {
      if (Object.hasOwn(table, type))
        throw new Error(`resource type ${type} is declared by both ${table[type]!.service} and ${service.name}`);
      table[type] = { service: service.name, ...info };
    }
  }
  return table;
}

export const RESOURCE_TYPES: Readonly<Record<ResourceType, ResourceTypeInfo>> = resourceTypes();

function clientFactories(): { readonly [S in ServiceName]: ClientFactory<ServiceClients[S]> } {
  const table: Record<string, ClientFactory> = {};
  for (const service of SERVICES) {
    for (const [name, factory] of Object.entries(service.clients) as Array<[string, ClientFactory]>) {
      if (Object.hasOwn(table, name)) throw new Error(`client ${name} is declared by two services`);
      table[name] = factory;
    }
  }
  return table as { readonly [S in ServiceName]: ClientFactory<ServiceClients[S]> };
}

/** How to make each SDK client (each imports its package lazily). */
export const CLIENT_FACTORIES = clientFactories();
