import ipaddr from 'ipaddr.js';
import { displayText } from '../../util/json.js';
import type { JsonObject } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import { ec2Network } from './network.js';
import type { Enricher } from '../../enrich/types.js';

const PROTOCOLS: Record<string, string> = { '-1': 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function normalizeProtocol(value: unknown): string {
  if (typeof value === 'string') {
    // The names first, returned as this module's own strings (not the snapshot's copy): the
    // label cache, the rules' `in` sets and comparisons then meet a string whose hash is known.
    if (value === 'tcp') return 'tcp';
    if (value === 'udp') return 'udp';
    if (value === 'icmp') return 'icmp';
    if (value === 'icmpv6') return 'icmpv6';
    const known = PROTOCOLS[value];
    if (known) return known;
  }
  const text = displayText(value, '-1').toLowerCase();
  return PROTOCOLS[text] ?? text;
}

export function isInternet(cidr: string): boolean {
  if (cidr === '0.0.0.0/0' || cidr === '::/0') return true;
  // Every internet form ends in "/0": any other source is settled without parsing.
  if (!cidr.endsWith('/0')) return false;
  if (/^0+(\.0+){3}\/0$/.test(cidr) || /^(0*:){2,7}0*\/0$/.test(cidr)) return true;
  // Any address with prefix length 0 spans the whole address space: AWS stores `203.0.113.5/0` as
  // `0.0.0.0/0`, but a request in CloudTrail keeps what was sent (the same test as `cidrIsInternet`).
  try {
    return ipaddr.parseCIDR(cidr)[1] === 0;
  } catch {
    return false;
  }
}

/**
 * "tcp/22", "udp/1000-2000", "all ports": the same few strings for thousands of groups, so
 * they are made once (bounded, so a pathological account cannot grow it without limit).
 */
const portsLabels = new Map<string, Map<number, string>>();
function portsLabel(protocol: string, fromPort: number, toPort: number): string {
  if (protocol === 'all') return 'all ports';
  let byRange = portsLabels.get(protocol);
  if (!byRange) {
    byRange = new Map();
    if (portsLabels.size < 64) portsLabels.set(protocol, byRange);
  }
  const key = fromPort * 65536 + toPort;
  let label = byRange.get(key);
  if (label === undefined) {
    label = fromPort === toPort ? `${protocol}/${fromPort}` : `${protocol}/${fromPort}-${toPort}`;
    if (byRange.size < 10_000) byRange.set(key, label);
  }
  return label;
}

/**
 * The well-known remote-administration and database ports (the defaults of the rules
 * ec2-security-group-admin-ports-open and ec2-security-group-database-ports-open; a meta-test
 * keeps them equal). Each ingress entry lists those it admits, so a message can name them
 * without computing anything.
 */
export const ADMIN_PORTS: readonly number[] = Object.freeze([22, 3389]);
export const DATABASE_PORTS: readonly number[] = Object.freeze([
  1433, 1521, 2483, 2484, 3306, 5432, 5439, 5984, 6379, 7000, 7001, 8086, 9042, 9200, 9300, 11211, 27017, 27018, 28015,
]);

const NO_PORTS: number[] = Object.freeze([]) as unknown as number[];
/** Ports of `list` inside [from, to]: the same few lists for every group, made once (bounded). */
const portsInRange = new Map<readonly number[], Map<number, number[]>>();
function portsIn(list: readonly number[], fromPort: number, toPort: number): number[] {
  let byRange = portsInRange.get(list);
  if (!byRange) portsInRange.set(list, (byRange = new Map<number, number[]>()));
  const key = fromPort * 65536 + toPort;
  let ports = byRange.get(key);
  if (ports === undefined) {
    const inside = list.filter((p) => p >= fromPort && p <= toPort);
    ports = inside.length === 0 ? NO_PORTS : (Object.freeze(inside) as number[]);
    if (byRange.size < 10_000) byRange.set(key, ports);
  }
  return ports;
}

function entry(
  protocol: string,
  fromPort: number,
  toPort: number,
  ports: string,
  source: string,
  sourceKind: string,
  description: unknown,
): JsonObject {
  const portless = protocol !== 'all' && protocol !== 'tcp' && protocol !== 'udp';
  return {
    protocol,
    fromPort,
    toPort,
    ports,
    // Every port of the protocol (0-65535, which "all" protocols always are).
    allPorts: fromPort === 0 && toPort === 65535,
    // ICMP and other protocols have no ports: their "range" is a type and code.
    adminPorts: portless ? NO_PORTS : portsIn(ADMIN_PORTS, fromPort, toPort),
    databasePorts: portless ? NO_PORTS : portsIn(DATABASE_PORTS, fromPort, toPort),
    source,
    sourceKind,
    internet: (sourceKind === 'ipv4' || sourceKind === 'ipv6') && isInternet(source),
    description: typeof description === 'string' ? description : null,
  };
}

/**
 * Flatten a security group's ingress permissions into one entry per (port range, source),
 * with the edge cases settled once: protocol "-1" and its numeric aliases mean all ports;
 * tcp/udp without ports mean all ports; IPv4 and IPv6 sources alike; prefix lists and
 * other security groups are kept as sources that are not the internet.
 */
export function flattenIngress(permissions: unknown): JsonObject[] {
  const out: JsonObject[] = [];
  if (!Array.isArray(permissions)) return out;
  for (let p = 0; p < permissions.length; p++) {
    const perm: unknown = permissions[p];
    if (!isPlainObject(perm)) continue;
    const protocol = normalizeProtocol(perm.IpProtocol);
    const allPorts = protocol === 'all' || typeof perm.FromPort !== 'number' || perm.FromPort === -1;
    const fromPort = allPorts ? 0 : (perm.FromPort as number);
    const toPort = allPorts ? 65535 : typeof perm.ToPort === 'number' && perm.ToPort !== -1 ? perm.ToPort : 65535;
    const ports = portsLabel(protocol, fromPort, toPort);
    if (Array.isArray(perm.IpRanges)) {
      const list: unknown[] = perm.IpRanges;
      for (let i = 0; i < list.length; i++) {
        const r = list[i];
        if (isPlainObject(r) && typeof r.CidrIp === 'string')
          out.push(entry(protocol, fromPort, toPort, ports, r.CidrIp, 'ipv4', r.Description));
      }
    }
    if (Array.isArray(perm.Ipv6Ranges)) {
      const list: unknown[] = perm.Ipv6Ranges;
      for (let i = 0; i < list.length; i++) {
        const r = list[i];
        if (isPlainObject(r) && typeof r.CidrIpv6 === 'string')
          out.push(entry(protocol, fromPort, toPort, ports, r.CidrIpv6, 'ipv6', r.Description));
      }
    }
    if (Array.isArray(perm.PrefixListIds)) {
      const list: unknown[] = perm.PrefixListIds;
      for (let i = 0; i < list.length; i++) {
        const r = list[i];
        if (isPlainObject(r) && typeof r.PrefixListId === 'string')
          out.push(entry(protocol, fromPort, toPort, ports, r.PrefixListId, 'prefix-list', r.Description));
      }
    }
    if (Array.isArray(perm.UserIdGroupPairs)) {
      const list: unknown[] = perm.UserIdGroupPairs;
      for (let i = 0; i < list.length; i++) {
        const r = list[i];
        if (isPlainObject(r) && typeof r.GroupId === 'string')
          out.push(entry(protocol, fromPort, toPort, ports, r.GroupId, 'security-group', r.Description));
      }
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
const NO_INSTANCES: string[] = Object.freeze([]) as unknown as string[];

export const securityGroupEnricher: Enricher = {
  type: 'aws.ec2.security-group',
  reads: ['aws.ec2.instance', 'aws.ec2.route-table'],
  enrich(resource, ctx) {
    const ingress = flattenIngress(resource.data.IpPermissions);
    const internetIngress: JsonObject[] = [];
    for (let i = 0; i < ingress.length; i++) if (ingress[i]!.internet === true) internetIngress.push(ingress[i]!);
    const network = ec2Network(ctx.index);
    const groupId = typeof resource.data.GroupId === 'string' ? resource.data.GroupId : resource.id;
    const users = network.instancesUsing(resource.account, resource.region, groupId);
    // Most groups in a large account have no instance: no need for fresh empty lists then.
    if (users.length === 0) return { ingress, internetIngress, attachedInstances: NO_INSTANCES, reachableInstances: NO_INSTANCES };
    return {
      ingress,
      internetIngress,
      attachedInstances: users.map((i) => i.id),
      reachableInstances: users.filter((i) => network.exposed(i)).map((i) => i.id),
    };
  },
};
