import { SERVICES } from '../services/index.js';
import type { Collector } from './types.js';

export { CORE_COMMANDS } from '../services/account/index.js';

/** Every collector, from the services list. Each resource type is produced by exactly one of them. */
export const COLLECTORS: readonly Collector[] = SERVICES.flatMap((service) => service.collectors);
