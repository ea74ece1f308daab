import type { Enricher } from '../../enrich/types.js';
import { isPlainObject, type JsonObject } from '../../util/json.js';
import { ADMIN_PORTS, isInternet } from './enrich-security-group.js';

/** A network ACL entry as the evaluation needs it. */
interface AclEntry {
  ruleNumber: number;
  allow: boolean;
  /** "all", "tcp", "udp", or the protocol number as AWS gives it. */
  protocol: string;
  fromPort: number;
  toPort: number;
  cidr: string;
  ipv6: boolean;
}

const PROTOCOLS: Record<string, string> = { '-1': 'all', '6': 'tcp', '17': 'udp', all: 'all', tcp: 'tcp', udp: 'udp' };

function ingressEntries(entries: unknown): AclEntry[] {
  const out: AclEntry[] = [];
  if (!Array.isArray(entries)) return out;
  for (const e of entries as unknown[]) {
    if (!isPlainObject(e) || e.Egress === true || typeof e.RuleNumber !== 'number') continue;
    const cidr = typeof e.CidrBlock === 'string' ? e.CidrBlock : typeof e.Ipv6CidrBlock === 'string' ? e.Ipv6CidrBlock : undefined;
    if (cidr === undefined) continue;
    const protocol = PROTOCOLS[String(e.Protocol)] ?? String(e.Protocol);
    const range = isPlainObject(e.PortRange) ? e.PortRange : undefined;
    // Protocol -1 has no port range (every port); a TCP/UDP entry without one is read the same way.
    const ranged = protocol !== 'all' && range !== undefined && typeof range.From === 'number' && typeof range.To === 'number';
    out.push({
      ruleNumber: e.RuleNumber,
      allow: e.RuleAction === 'allow',
      protocol,
      fromPort: ranged ? (range.From as number) : 0,
      toPort: ranged ? (range.To as number) : 65535,
      cidr,
      ipv6: typeof e.CidrBlock !== 'string',
    });
  }
  return out.sort((a, b) => a.ruleNumber - b.ruleNumber);
}

const carriesTcp = (e: AclEntry) => e.protocol === 'all' || e.protocol === 'tcp';
const covers = (e: AclEntry, port: number) => carriesTcp(e) && port >= e.fromPort && port <= e.toPort;

/**
 * The ingress entries of a network ACL that let the whole internet (0.0.0.0/0 or ::/0) reach a
 * remote-administration port (TCP 22 or 3389): an allow entry from 0.0.0.0/0 or ::/0 whose
 * protocol is TCP or all and whose range includes the port, unless an entry evaluated before it
 * (a lower rule number) denies that port to the whole internet of the same address family.
 * Entries are evaluated in rule-number order and the first match wins, so a deny of a narrower
 * source before the allow leaves the rest of the internet admitted, and a deny after it is never
 * reached. Each result names the entry and the administration ports it admits.
 */
export function aclAdminIngress(entries: unknown): JsonObject[] {
  const ingress = ingressEntries(entries);
  const open: JsonObject[] = [];
  for (let i = 0; i < ingress.length; i++) {
    const entry = ingress[i]!;
    if (!entry.allow || !isInternet(entry.cidr)) continue;
    const ports = ADMIN_PORTS.filter(
      (port) =>
        covers(entry, port) &&
        !ingress.some(
          (d, j) => j < i && d.ruleNumber < entry.ruleNumber && !d.allow && d.ipv6 === entry.ipv6 && isInternet(d.cidr) && covers(d, port),
        ),
    );
    if (ports.length === 0) continue;
    open.push({
      ruleNumber: entry.ruleNumber,
      protocol: entry.protocol,
      fromPort: entry.fromPort,
      toPort: entry.toPort,
      ports:
        entry.protocol === 'all'
          ? 'all traffic'
          : entry.fromPort === entry.toPort
            ? `tcp/${entry.fromPort}`
            : `tcp/${entry.fromPort}-${entry.toPort}`,
      source: entry.cidr,
      adminPorts: ports,
    });
  }
  return open;
}

/** Admin-port ingress (above) and the subnets the ACL is associated with. */
export const networkAclEnricher: Enricher = {
  type: 'aws.ec2.network-acl',
  enrich(resource) {
    const subnets: string[] = [];
    if (Array.isArray(resource.data.Associations))
      for (const a of resource.data.Associations as unknown[])
        if (isPlainObject(a) && typeof a.SubnetId === 'string' && a.SubnetId !== '') subnets.push(a.SubnetId);
    return { adminPortIngress: aclAdminIngress(resource.data.Entries), associatedSubnets: subnets };
  },
};
