import { SERVICES, type ResourceType, type ServiceClients } from '../services/index.js';
import type { Collector } from './types.js';

export { CORE_COMMANDS } from '../services/account/index.js';

/**
 * A collector as planning and the run loop see it: of any type, through any client. Each
 * service's collectors, typed with its own types and clients, must fit this: that is where a
 * collector that names a client no service declares fails to compile.
 */
export type RegisteredCollector = Collector<ResourceType, ServiceClients>;

/** Every collector, from the services list. Each resource type is produced by exactly one of them. */
export const COLLECTORS: readonly RegisteredCollector[] = SERVICES.flatMap((service): readonly RegisteredCollector[] => service.collectors);
