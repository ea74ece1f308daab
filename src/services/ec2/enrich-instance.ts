import type { JsonObject } from '../../util/json.js';
import { flattenIngress } from './enrich-security-group.js';
import { ec2Network } from './network.js';
import type { Enricher } from '../../enrich/types.js';

/** Three-valued logic: null is "unknown". */
function and3(...values: Array<boolean | null>): boolean | null {
  if (values.includes(false)) return false;
  return values.includes(null) ? null : true;
}

function or3(...values: Array<boolean | null>): boolean | null {
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

/**
 * Is an instance reachable from the internet? Three things must line up: a public address
 * (IPv4, or IPv6), a route for that address family to an internet gateway in the route
 * table of its subnet (or the VPC's main table), and a security group rule that admits the
 * internet. Network ACLs are not considered (they are stateless allow-lists that are rarely
 * the only barrier); so "reachable" may overstate, never understate, exposure through them.
 *
 * Unknown stays unknown: with no route table for the subnet, or a group the instance uses
 * missing from the snapshot, the answer is null unless what is known already settles it
 * (a group is an allow-list, so a missing one can only open more, never close what another
 * group opened; no public address means unreachable whatever the routes say).
 */
export const ec2InstanceEnricher: Enricher = {
  type: 'aws.ec2.instance',
  reads: ['aws.ec2.route-table', 'aws.ec2.security-group'],
  enrich(resource, ctx) {
    const network = ec2Network(ctx.index);
    const p = network.placement(resource);
    const openPorts: JsonObject[] = [];
    const missingSecurityGroupIds: string[] = [];
    for (const groupId of p.securityGroupIds) {
      const group = ctx.index.get('aws.ec2.security-group', resource.account, resource.region, groupId);
      if (!group) {
        missingSecurityGroupIds.push(groupId);
        continue;
      }
      for (const entry of flattenIngress(group.data.IpPermissions)) if (entry.internet === true) openPorts.push({ groupId, ...entry });
    }
    const admits = (sourceKind: string): boolean | null =>
      openPorts.some((e) => e.sourceKind === sourceKind) ? true : missingSecurityGroupIds.length > 0 ? null : false;
    const ipv4 = and3(p.publicIps.length > 0, p.ipv4InternetRoute, admits('ipv4'));
    const ipv6 = and3(p.ipv6Addresses.length > 0, p.ipv6InternetRoute, admits('ipv6'));
    const reachable = p.active ? or3(ipv4, ipv6) : false;
    // What the internet reaches: the addresses and group rules of the families that line up.
    const familyReachable = (kind: unknown) =>
      reachable === true && ((kind === 'ipv4' && ipv4 === true) || (kind === 'ipv6' && ipv6 === true));
    return {
      active: p.active,
      publicIp: p.publicIps[0] ?? null,
      publicIps: p.publicIps,
      ipv6Addresses: p.ipv6Addresses,
      routeTableId: p.routeTableId,
      publicSubnet: p.ipv4InternetRoute,
      ipv6PublicSubnet: p.ipv6InternetRoute,
      securityGroupIds: p.securityGroupIds,
      missingSecurityGroupIds,
      openPorts,
      internetReachable: reachable,
      exposedAddresses: [...(familyReachable('ipv4') ? p.publicIps : []), ...(familyReachable('ipv6') ? p.ipv6Addresses : [])],
      exposedPorts: openPorts.filter((e) => familyReachable(e.sourceKind)),
    };
  },
};
