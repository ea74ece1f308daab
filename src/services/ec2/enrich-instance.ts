import { isPlainObject, type JsonObject } from '../../util/json.js';
import { flattenIngress } from './enrich-security-group.js';
import { ebsMonthlyCostUsd } from './enrich-volume.js';
import { generationAdvice } from './instance-generations.js';
import { ec2Network } from './network.js';
import type { EnrichContext, Enricher } from '../../enrich/types.js';
import { wasCollected } from '../../enrich/types.js';
import type { Resource } from '../../snapshot/types.js';

/**
 * When a stopped instance stopped: EC2 gives it only in `StateTransitionReason`, as
 * "User initiated (2024-01-15 10:20:30 GMT)". Null when not stopped or not in that form.
 */
export function stoppedAt(data: JsonObject): string | null {
  const state = isPlainObject(data.State) ? data.State.Name : undefined;
  if (state !== 'stopped' || typeof data.StateTransitionReason !== 'string') return null;
  const m = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)/.exec(data.StateTransitionReason);
  if (!m) return null;
  const t = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * The EBS volumes an instance has attached (its block device mappings) and their monthly cost
 * at us-east-1 list prices. The cost is null when volumes were not collected, or when one of
 * them is missing from the snapshot or of a type without a known price (unknown, not $0).
 */
function attachedVolumes(resource: Resource, ctx: EnrichContext): { ids: string[]; monthlyUsd: number | null; gib: number | null } {
  const ids: string[] = [];
  if (Array.isArray(resource.data.BlockDeviceMappings))
    for (const m of resource.data.BlockDeviceMappings as unknown[])
      if (isPlainObject(m) && isPlainObject(m.Ebs) && typeof m.Ebs.VolumeId === 'string') ids.push(m.Ebs.VolumeId);
  // No EBS volume (instance store only) costs nothing, whatever was collected.
  if (ids.length === 0) return { ids, monthlyUsd: 0, gib: 0 };
  if (!wasCollected(ctx.index, 'aws.ec2.volume')) return { ids, monthlyUsd: null, gib: null };
  let monthlyUsd = 0;
  let gib = 0;
  for (const id of ids) {
    const volume = ctx.index.get('aws.ec2.volume', resource.account, resource.region, id);
    const cost = volume ? ebsMonthlyCostUsd(volume.data.VolumeType, volume.data.Size, volume.data.Iops, volume.data.Throughput) : null;
    if (!volume || cost === null || typeof volume.data.Size !== 'number') return { ids, monthlyUsd: null, gib: null };
    monthlyUsd += cost;
    gib += volume.data.Size;
  }
  return { ids, monthlyUsd: Math.round(monthlyUsd * 100) / 100, gib };
}

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
    const volumes = attachedVolumes(resource, ctx);
    return {
      stoppedAt: stoppedAt(resource.data),
      attachedVolumeIds: volumes.ids,
      attachedVolumesGiB: volumes.gib,
      attachedVolumesMonthlyUsd: volumes.monthlyUsd,
      previousGeneration: generationAdvice(resource.data.InstanceType) as JsonObject | null,
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
