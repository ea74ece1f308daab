import { isPlainObject } from '../../util/json.js';
import type { Enricher } from '../../enrich/types.js';
import { wasCollected } from '../../enrich/types.js';

/**
 * The state of the instance an Elastic IP is associated with ("running", "stopped", ...),
 * read from the same snapshot. Null when the address has no instance, when instances were
 * not collected, or when the instance is not in the snapshot (unknown, not "stopped").
 */
const UNKNOWN = Object.freeze({ instanceState: null });

export const elasticIpEnricher: Enricher = {
  type: 'aws.ec2.elastic-ip',
  enrich(resource, ctx) {
    const instanceId = resource.data.InstanceId;
    if (typeof instanceId !== 'string' || instanceId === '' || !wasCollected(ctx.index, 'aws.ec2.instance')) return UNKNOWN;
    const instance = ctx.index.get('aws.ec2.instance', resource.account, resource.region, instanceId);
    const state = instance && isPlainObject(instance.data.State) ? instance.data.State.Name : undefined;
    return { instanceState: typeof state === 'string' ? state : null };
  },
};
