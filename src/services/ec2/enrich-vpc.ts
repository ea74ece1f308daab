import type { Enricher } from '../../enrich/types.js';
import { derived } from '../../enrich/types.js';
import { completeIn } from './enrich-snapshot.js';
import type { Resource } from '../../snapshot/types.js';

/** The flow logs of each VPC (by account, region and VPC id), built once per snapshot. */
function flowLogsByVpc(resources: Iterable<Resource>): Map<string, Resource[]> {
  const byVpc = new Map<string, Resource[]>();
  for (const log of resources) {
    const vpc = log.data.ResourceId;
    if (typeof vpc !== 'string' || !vpc.startsWith('vpc-')) continue;
    const key = `${log.account}\u0000${log.region}\u0000${vpc}`;
    const list = byVpc.get(key);
    if (list) list.push(log);
    else byVpc.set(key, [log]);
  }
  return byVpc;
}

/** Endpoint states after which the endpoint carries no traffic. */
const ENDED = new Set(['deleting', 'deleted', 'rejected', 'failed', 'expired']);

/** The VPC endpoints of each VPC (by account, region and VPC id) for the EC2 API of the VPC's region. */
function ec2EndpointsByVpc(resources: Iterable<Resource>): Map<string, Resource[]> {
  const byVpc = new Map<string, Resource[]>();
  for (const endpoint of resources) {
    const { VpcId: vpc, ServiceName: service, State: state } = endpoint.data;
    if (typeof vpc !== 'string' || typeof service !== 'string') continue;
    // com.amazonaws.<region>.ec2 (cn.com.amazonaws.<region>.ec2 in China); not ec2messages.
    if (!service.endsWith(`amazonaws.${endpoint.region}.ec2`)) continue;
    if (typeof state === 'string' && ENDED.has(state.toLowerCase())) continue;
    const key = `${endpoint.account}\u0000${endpoint.region}\u0000${vpc}`;
    const list = byVpc.get(key);
    if (list) list.push(endpoint);
    else byVpc.set(key, [endpoint]);
  }
  return byVpc;
}

/**
 * The flow logs of a VPC (those attached to the VPC itself, not to one of its subnets or
 * interfaces) and the ones that record rejected traffic and are running: `FlowLogStatus`
 * ACTIVE, traffic type REJECT or ALL, and a delivery that has not failed. Null when flow logs
 * were not collected or could not all be read in the region (unknown, not "none").
 */
export const vpcEnricher: Enricher = {
  type: 'aws.ec2.vpc',
  enrich(resource, ctx) {
    const vpcId = typeof resource.data.VpcId === 'string' ? resource.data.VpcId : resource.id;
    const key = `${resource.account}\u0000${resource.region}\u0000${vpcId}`;
    // The VPC endpoints for EC2 (FSBP EC2.10): null when endpoints were not all read in the region.
    const ec2EndpointIds = completeIn(ctx.index, 'aws.ec2.vpc-endpoint', resource.region)
      ? (
          derived(ctx.index, 'ec2-api-endpoints-by-vpc', () => ec2EndpointsByVpc(ctx.index.ofType('aws.ec2.vpc-endpoint'))).get(key) ?? []
        ).map((e) => e.id)
      : null;
    if (!completeIn(ctx.index, 'aws.ec2.flow-log', resource.region)) return { flowLogIds: null, activeFlowLogIds: null, ec2EndpointIds };
    const byVpc = derived(ctx.index, 'ec2-flow-logs-by-vpc', () => flowLogsByVpc(ctx.index.ofType('aws.ec2.flow-log')));
    const logs = byVpc.get(key) ?? [];
    const active = logs.filter(
      (l) =>
        l.data.FlowLogStatus === 'ACTIVE' &&
        (l.data.TrafficType === 'REJECT' || l.data.TrafficType === 'ALL') &&
        l.data.DeliverLogsStatus !== 'FAILED',
    );
    return { flowLogIds: logs.map((l) => l.id), activeFlowLogIds: active.map((l) => l.id), ec2EndpointIds };
  },
};
