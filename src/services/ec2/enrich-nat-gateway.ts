import { displayText } from '../../util/json.js';
import type { Resource } from '../../snapshot/types.js';
import type { Enricher } from '../../enrich/types.js';
import { derived, wasCollected } from '../../enrich/types.js';

const ACTIVE_NAT_STATES = new Set(['available', 'pending']);

function vpcKey(r: Resource, vpcId: unknown): string {
  return `${r.account}\u0000${r.region}\u0000${String(vpcId)}`;
}

/**
 * Where a VPC's public NAT gateways are, against where its subnets are. A NAT gateway lives
 * in one Availability Zone; when every NAT gateway of a VPC sits in the same AZ while the
 * VPC has subnets in others, instances in those other AZs lose outbound internet access
 * when that one AZ fails (and pay cross-AZ data charges meanwhile).
 *
 * `natSingleAz` is true / false, or null when it cannot be told: subnets were not collected,
 * or a NAT gateway's subnet is missing from the snapshot.
 */
export const natGatewayEnricher: Enricher = {
  type: 'aws.ec2.nat-gateway',
  reads: ['aws.ec2.subnet'],
  enrich(resource, ctx) {
    const unknown = { natSingleAz: null, vpcNatGatewayAzs: null, vpcSubnetAzs: null };
    if (!wasCollected(ctx.index, 'aws.ec2.subnet')) return unknown;
    const azsByVpc = derived(ctx.index, 'subnet-azs-by-vpc', () => {
      const map = new Map<string, Set<string>>();
      for (const s of ctx.index.ofType('aws.ec2.subnet')) {
        if (typeof s.data.AvailabilityZone !== 'string') continue;
        const k = vpcKey(s, s.data.VpcId);
        map.set(k, (map.get(k) ?? new Set()).add(s.data.AvailabilityZone));
      }
      return map;
    });
    const natsByVpc = derived(ctx.index, 'public-nats-by-vpc', () => {
      const map = new Map<string, Resource[]>();
      for (const n of ctx.index.ofType('aws.ec2.nat-gateway')) {
        if (n.data.ConnectivityType === 'private' || !ACTIVE_NAT_STATES.has(displayText(n.data.State))) continue;
        const k = vpcKey(n, n.data.VpcId);
        map.set(k, [...(map.get(k) ?? []), n]);
      }
      return map;
    });
    const key = vpcKey(resource, resource.data.VpcId);
    const natAzs = new Set<string>();
    for (const nat of natsByVpc.get(key) ?? [resource]) {
      const subnet = ctx.index.get('aws.ec2.subnet', nat.account, nat.region, displayText(nat.data.SubnetId));
      const az = subnet?.data.AvailabilityZone;
      if (typeof az !== 'string') return unknown;
      natAzs.add(az);
    }
    const subnetAzs = azsByVpc.get(key) ?? new Set<string>();
    return {
      natSingleAz: natAzs.size === 1 && subnetAzs.size > 1,
      vpcNatGatewayAzs: [...natAzs].sort(),
      vpcSubnetAzs: [...subnetAzs].sort(),
    };
  },
};
