import type { Enricher } from '../../enrich/types.js';
import { wasCollected } from '../../enrich/types.js';

/**
 * `subnetMapsPublicIp`: the mount target's subnet gives instances launched in it a public IPv4
 * address (`MapPublicIpOnLaunch`), which is how Security Hub EFS.6 tells a public subnet. Null
 * when subnets were not collected or the subnet is not in the snapshot.
 */
export const efsMountTargetEnricher: Enricher = {
  type: 'aws.efs.mount-target',
  reads: ['aws.ec2.subnet'],
  enrich(resource, ctx) {
    const subnetId = resource.data.SubnetId;
    if (typeof subnetId !== 'string' || !wasCollected(ctx.index, 'aws.ec2.subnet')) return { subnetMapsPublicIp: null };
    const subnet = ctx.index.get('aws.ec2.subnet', resource.account, resource.region, subnetId);
    const value = subnet?.data.MapPublicIpOnLaunch;
    return { subnetMapsPublicIp: typeof value === 'boolean' ? value : null };
  },
};
