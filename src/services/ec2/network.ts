import type { SnapshotIndex } from '../../snapshot/index.js';
import type { Resource } from '../../snapshot/types.js';
import { isPlainObject, type JsonObject } from '../../util/json.js';

/** Where an instance sits on the network, as far as reachability from the internet goes. */
export interface InstancePlacement {
  /** Not terminated or shutting down. */
  active: boolean;
  publicIps: string[];
  ipv6Addresses: string[];
  subnetId: string | null;
  /** The route table that applies: the subnet's explicit association, else the VPC's main table. */
  routeTableId: string | null;
  /** The route table has 0.0.0.0/0 to an internet gateway; null when no route table is known. */
  ipv4InternetRoute: boolean | null;
  /** The route table has ::/0 to an internet gateway (an egress-only gateway does not count). */
  ipv6InternetRoute: boolean | null;
  securityGroupIds: string[];
}

interface RegionRoutes {
  bySubnet: Map<string, Resource>;
  mainByVpc: Map<string, Resource>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function hasInternetRoute(table: Resource, ipv6: boolean): boolean {
  return list(table.data.Routes).some((route) => {
    if (!isPlainObject(route)) return false;
    const destination = ipv6 ? route.DestinationIpv6CidrBlock : route.DestinationCidrBlock;
    const gateway = str(route.GatewayId);
    return (
      destination === (ipv6 ? '::/0' : '0.0.0.0/0') && gateway !== undefined && gateway.startsWith('igw-') && route.State !== 'blackhole'
    );
  });
}

/** The security groups of an instance: its own list and those of its network interfaces (some endpoints fill only one). */
export function instanceGroupIds(data: JsonObject): string[] {
  const ids = new Set<string>();
  for (const g of list(data.SecurityGroups)) if (isPlainObject(g) && str(g.GroupId)) ids.add(g.GroupId as string);
  for (const eni of list(data.NetworkInterfaces)) {
    if (!isPlainObject(eni)) continue;
    for (const g of list(eni.Groups)) if (isPlainObject(g) && str(g.GroupId)) ids.add(g.GroupId as string);
  }
  return [...ids].sort();
}

/**
 * EC2 networking look-ups shared by the instance and security-group enrichers, built once
 * per snapshot (memoised on its index) so that enriching thousands of groups stays linear.
 */
export class Ec2Network {
  private routes?: Map<string, RegionRoutes>;
  private groupUsers?: Map<string, Resource[]>;
  private readonly placements = new Map<Resource, InstancePlacement>();

  constructor(private readonly index: SnapshotIndex) {}

  private routesOf(account: string, region: string): RegionRoutes | undefined {
    if (!this.routes) {
      this.routes = new Map();
      for (const table of this.index.ofType('aws.ec2.route-table')) {
        const key = `${table.account}\u0000${table.region}`;
        let entry = this.routes.get(key);
        if (!entry) this.routes.set(key, (entry = { bySubnet: new Map(), mainByVpc: new Map() }));
        for (const assoc of list(table.data.Associations)) {
          if (!isPlainObject(assoc)) continue;
          const state = isPlainObject(assoc.AssociationState) ? assoc.AssociationState.State : undefined;
          if (state !== undefined && state !== 'associated') continue;
          const subnet = str(assoc.SubnetId);
          if (subnet) entry.bySubnet.set(subnet, table);
          const vpc = str(table.data.VpcId);
          if (assoc.Main === true && vpc) entry.mainByVpc.set(vpc, table);
        }
      }
    }
    return this.routes.get(`${account}\u0000${region}`);
  }

  placement(instance: Resource): InstancePlacement {
    let placement = this.placements.get(instance);
    if (placement) return placement;
    const d = instance.data;
    const state = isPlainObject(d.State) ? d.State.Name : undefined;
    const publicIps = new Set<string>();
    const ipv6 = new Set<string>();
    if (str(d.PublicIpAddress)) publicIps.add(d.PublicIpAddress as string);
    for (const eni of list(d.NetworkInterfaces)) {
      if (!isPlainObject(eni)) continue;
      if (isPlainObject(eni.Association) && str(eni.Association.PublicIp)) publicIps.add(eni.Association.PublicIp as string);
      for (const a of list(eni.Ipv6Addresses)) if (isPlainObject(a) && str(a.Ipv6Address)) ipv6.add(a.Ipv6Address as string);
    }
    const subnetId = str(d.SubnetId) ?? null;
    const vpcId = str(d.VpcId);
    const routes = this.routesOf(instance.account, instance.region);
    const table = (subnetId ? routes?.bySubnet.get(subnetId) : undefined) ?? (vpcId ? routes?.mainByVpc.get(vpcId) : undefined);
    placement = {
      active: state !== 'terminated' && state !== 'shutting-down',
      publicIps: [...publicIps].sort(),
      ipv6Addresses: [...ipv6].sort(),
      subnetId,
      routeTableId: table?.id ?? null,
      ipv4InternetRoute: table ? hasInternetRoute(table, false) : null,
      ipv6InternetRoute: table ? hasInternetRoute(table, true) : null,
      securityGroupIds: instanceGroupIds(d),
    };
    this.placements.set(instance, placement);
    return placement;
  }

  /** A public address with a route to an internet gateway for it: the internet can reach the instance wherever its groups let it. */
  exposed(instance: Resource): boolean {
    const p = this.placement(instance);
    return (
      p.active && ((p.publicIps.length > 0 && p.ipv4InternetRoute === true) || (p.ipv6Addresses.length > 0 && p.ipv6InternetRoute === true))
    );
  }

  /** Active instances that use a security group (same account and region). */
  instancesUsing(account: string, region: string, groupId: string): readonly Resource[] {
    if (!this.groupUsers) {
      // Keyed by group id alone (the snapshot's own string, whose hash is kept): a look-up
      // per group then builds no key string, and most groups of a large account have no
      // instance at all. Account and region are checked on the few instances found.
      this.groupUsers = new Map();
      for (const instance of this.index.ofType('aws.ec2.instance')) {
        const p = this.placement(instance);
        if (!p.active) continue;
        for (const id of p.securityGroupIds) {
          const users = this.groupUsers.get(id);
          if (users) users.push(instance);
          else this.groupUsers.set(id, [instance]);
        }
      }
    }
    const users = this.groupUsers.get(groupId);
    if (!users) return NO_RESOURCES;
    const same = users.filter((i) => i.account === account && i.region === region);
    return same.length > 0 ? same : NO_RESOURCES;
  }
}

const NO_RESOURCES: readonly Resource[] = Object.freeze([]);

const networks = new WeakMap<SnapshotIndex, Ec2Network>();

export function ec2Network(index: SnapshotIndex): Ec2Network {
  let network = networks.get(index);
  if (!network) networks.set(index, (network = new Ec2Network(index)));
  return network;
}
