/**
 * Every resource type awsaudit knows. A rule names one of these in `resource`; the loader
 * rejects any other. Collectors (live AWS), the file scanner and the CloudTrail readers
 * produce resources of these types. `scope: 'global'` resources carry region "global".
 * The table is derived from the services' own declarations (src/services/).
 */
import { RESOURCE_TYPES, type ResourceType, type ResourceTypeInfo } from '../services/index.js';

export { RESOURCE_TYPES, type ResourceType, type ResourceTypeInfo };

export function isResourceType(value: string): value is ResourceType {
  return Object.hasOwn(RESOURCE_TYPES, value);
}

export function resourceTypeInfo(type: string): ResourceTypeInfo | undefined {
  return isResourceType(type) ? RESOURCE_TYPES[type] : undefined;
}
