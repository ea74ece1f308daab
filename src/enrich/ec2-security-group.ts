import type { JsonObject } from '../util/json.js';
import { isPlainObject } from '../util/json.js';
import { ec2Network } from './ec2-network.js';
import type { Enricher } from './types.js';

const PROTOCOLS: Record<string, string> = { '-1': 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function normalizeProtocol(value: unknown): string {
  const text = String(value ?? '-1').toLowerCase();
  return PROTOCOLS[text] ?? text;
}

function isInternet(cidr: string): boolean {
  return cidr === '0.0.0.0/0' || cidr === '::/0' || /^0+(\.0+){3}\/0$/.test(cidr) || /^(0*:){2,7}0*\/0$/.test(cidr);
}

/**
 * Flatten a security group's ingress permissions into one entry per (port range, source),
 * with the edge cases settled once: protocol "-1" and its numeric aliases mean all ports;
 * tcp/udp without ports mean all ports; IPv4 and IPv6 sources alike; prefix lists and
 * other security groups are kept as sources that are not the internet.
 */
export function flattenIngress(permissions: unknown): JsonObject[] {
  const out: JsonObject[] = [];
  for (const perm of Array.isArray(permissions) ? permissions : []) {
    if (!isPlainObject(perm)) continue;
    const protocol = normalizeProtocol(perm.IpProtocol);
    const allPorts = protocol === 'all' || typeof perm.FromPort !== 'number' || perm.FromPort === -1;
    const fromPort = allPorts ? 0 : (perm.FromPort as number);
    const toPort = allPorts ? 65535 : typeof perm.ToPort === 'number' && perm.ToPort !== -1 ? perm.ToPort : 65535;
    const ports = protocol === 'all' ? 'all ports' : fromPort === toPort ? `${protocol}/${fromPort}` : `${protocol}/${fromPort}-${toPort}`;
    const add = (source: string, sourceKind: string, description: unknown) =>
      out.push({ protocol, fromPort, toPort, ports, source, sourceKind, internet: sourceKind.startsWith('ip') && isInternet(source), description: typeof description === 'string' ? description : null });
    for (const r of Array.isArray(perm.IpRanges) ? perm.IpRanges : []) {
      if (isPlainObject(r) && typeof r.CidrIp === 'string') add(r.CidrIp, 'ipv4', r.Description);
    }
    for (const r of Array.isArray(perm.Ipv6Ranges) ? perm.Ipv6Ranges : []) {
      if (isPlainObject(r) && typeof r.CidrIpv6 === 'string') add(r.CidrIpv6, 'ipv6', r.Description);
    }
    for (const r of Array.isArray(perm.PrefixListIds) ? perm.PrefixListIds : []) {
      if (isPlainObject(r) && typeof r.PrefixListId === 'string') add(r.PrefixListId, 'prefix-list', r.Description);
    }
    for (const r of Array.isArray(perm.UserIdGroupPairs) ? perm.UserIdGroupPairs : []) {
      if (isPlainObject(r) && typeof r.GroupId === 'string') add(r.GroupId, 'security-group', r.Description);
    }
  }
  return out;
}

/**
 * Ingress flattened (above), and who uses the group: `attachedInstances` (running or
 * stopped instances that list it) and `reachableInstances` (those of them with a public
 * address and a route to an internet gateway, so whatever this group admits from the
 * internet actually reaches them).
 */
export const securityGroupEnricher: Enricher = {
  type: 'aws.ec2.security-group',
  reads: ['aws.ec2.instance', 'aws.ec2.route-table'],
  enrich(resource, ctx) {
    const ingress = flattenIngress(resource.data.IpPermissions);
    const network = ec2Network(ctx.index);
    const groupId = typeof resource.data.GroupId === 'string' ? resource.data.GroupId : resource.id;
    const users = network.instancesUsing(resource.account, resource.region, groupId);
    return {
      ingress,
      internetIngress: ingress.filter((e) => e.internet === true),
      attachedInstances: users.map((i) => i.id),
      reachableInstances: users.filter((i) => network.exposed(i)).map((i) => i.id),
    };
  },
};
