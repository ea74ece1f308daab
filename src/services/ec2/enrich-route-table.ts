import ipaddr from 'ipaddr.js';
import type { Enricher } from '../../enrich/types.js';
import { wasCollected } from '../../enrich/types.js';
import { isPlainObject, type JsonObject } from '../../util/json.js';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseCidr(value: unknown): Cidr | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return ipaddr.parseCIDR(value);
  } catch {
    return undefined;
  }
}

/** Does `outer` hold every address of `inner`? */
function contains(outer: Cidr, inner: Cidr): boolean {
  return outer[0].kind() === inner[0].kind() && inner[1] >= outer[1] && inner[0].match(outer);
}

/** The CIDR blocks of one side of a peering connection (IPv4 and IPv6). */
function vpcCidrs(info: unknown): string[] {
  if (!isPlainObject(info)) return [];
  const cidrs = new Set<string>();
  if (typeof info.CidrBlock === 'string') cidrs.add(info.CidrBlock);
  for (const b of Array.isArray(info.CidrBlockSet) ? (info.CidrBlockSet as unknown[]) : [])
    if (isPlainObject(b) && typeof b.CidrBlock === 'string') cidrs.add(b.CidrBlock);
  for (const b of Array.isArray(info.Ipv6CidrBlockSet) ? (info.Ipv6CidrBlockSet as unknown[]) : [])
    if (isPlainObject(b) && typeof b.Ipv6CidrBlock === 'string') cidrs.add(b.Ipv6CidrBlock);
  return [...cidrs];
}

/**
 * Routes through VPC peering connections, and whether each is least access. A route is broad
 * when its destination holds a whole CIDR block of the peer VPC (its entire address range, or
 * wider, up to 0.0.0.0/0): every subnet of the peer is then reachable, where least access routes
 * only the peer subnets that are needed. The peer is the other side of the connection from this
 * table's VPC, read from the peering connections in the same snapshot. A route is undecided when
 * its connection is not in the snapshot (peering connections not collected, or deleted), when
 * its destination is a prefix list, or when the peer's CIDR blocks are not known. Blackhole
 * routes carry no traffic and are left out.
 */
export const routeTableEnricher: Enricher = {
  type: 'aws.ec2.route-table',
  enrich(resource, ctx) {
    const collected = wasCollected(ctx.index, 'aws.ec2.vpc-peering-connection');
    const peeringRoutes: JsonObject[] = [];
    for (const route of Array.isArray(resource.data.Routes) ? (resource.data.Routes as unknown[]) : []) {
      if (!isPlainObject(route) || typeof route.VpcPeeringConnectionId !== 'string' || route.State === 'blackhole') continue;
      const destination =
        typeof route.DestinationCidrBlock === 'string'
          ? route.DestinationCidrBlock
          : typeof route.DestinationIpv6CidrBlock === 'string'
            ? route.DestinationIpv6CidrBlock
            : typeof route.DestinationPrefixListId === 'string'
              ? route.DestinationPrefixListId
              : null;
      const connection = collected
        ? ctx.index.get('aws.ec2.vpc-peering-connection', resource.account, resource.region, route.VpcPeeringConnectionId)
        : undefined;
      let peerVpcId: string | null = null;
      let peerCidrs: string[] = [];
      if (connection) {
        const requester = connection.data.RequesterVpcInfo;
        const accepter = connection.data.AccepterVpcInfo;
        const peer = isPlainObject(requester) && requester.VpcId === resource.data.VpcId ? accepter : requester;
        if (isPlainObject(peer)) {
          peerVpcId = typeof peer.VpcId === 'string' ? peer.VpcId : null;
          peerCidrs = vpcCidrs(peer);
        }
      }
      const dest = parseCidr(destination);
      const blocks = peerCidrs.map(parseCidr).filter((c): c is Cidr => c !== undefined);
      const coversPeerVpc = dest === undefined || blocks.length === 0 ? null : blocks.some((b) => contains(dest, b));
      peeringRoutes.push({ destination, peeringConnectionId: route.VpcPeeringConnectionId, peerVpcId, peerCidrs, coversPeerVpc });
    }
    return {
      peeringRoutes,
      broadPeeringRoutes: peeringRoutes.filter((r) => r.coversPeerVpc === true),
      undecidedPeeringRoutes: peeringRoutes.filter((r) => r.coversPeerVpc === null),
    };
  },
};
