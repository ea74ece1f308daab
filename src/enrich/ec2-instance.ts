import type { JsonObject } from '../util/json.js';
import { flattenIngress } from './ec2-security-group.js';
import { ec2Network } from './ec2-network.js';
import type { Enricher } from './types.js';

/**
 * Is an instance reachable from the internet? Three things must line up: a public address
 * (IPv4, or IPv6), a route for that address family to an internet gateway in the route
 * table of its subnet (or the VPC's main table), and a security group rule that admits the
 * internet. Network ACLs are not considered (they are stateless allow-lists that are rarely
 * the only barrier); so "reachable" may overstate, never understate, exposure through them.
 */
export const ec2InstanceEnricher: Enricher = {
  type: 'aws.ec2.instance',
  reads: ['aws.ec2.route-table', 'aws.ec2.security-group'],
  enrich(resource, ctx) {
    const network = ec2Network(ctx.index);
    const p = network.placement(resource);
    const openPorts: JsonObject[] = [];
    for (const groupId of p.securityGroupIds) {
      const group = ctx.index.get('aws.ec2.security-group', resource.account, resource.region, groupId);
      if (!group) continue;
      for (const entry of flattenIngress(group.data.IpPermissions)) if (entry.internet === true) openPorts.push({ groupId, ...entry });
    }
    const ipv4 = p.publicIps.length > 0 && p.ipv4InternetRoute === true && openPorts.some((e) => e.sourceKind === 'ipv4');
    const ipv6 = p.ipv6Addresses.length > 0 && p.ipv6InternetRoute === true && openPorts.some((e) => e.sourceKind === 'ipv6');
    return {
      publicIp: p.publicIps[0] ?? null,
      publicIps: p.publicIps,
      ipv6Addresses: p.ipv6Addresses,
      routeTableId: p.routeTableId,
      publicSubnet: p.ipv4InternetRoute,
      ipv6PublicSubnet: p.ipv6InternetRoute,
      securityGroupIds: p.securityGroupIds,
      openPorts,
      internetReachable: p.active && (ipv4 || ipv6),
    };
  },
};
