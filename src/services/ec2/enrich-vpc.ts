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

/**
 * The flow logs of a VPC (those attached to the VPC itself, not to one of its subnets or
 * interfaces) and the ones that record rejected traffic and are running: `FlowLogStatus`
 * ACTIVE, traffic type REJECT or ALL, and a delivery that has not failed. Null when flow logs
 * were not collected or could not all be read in the region (unknown, not "none").
 */
export const vpcEnricher: Enricher = {
  type: 'aws.ec2.vpc',
  enrich(resource, ctx) {
    if (!completeIn(ctx.index, 'aws.ec2.flow-log', resource.region)) return { flowLogIds: null, activeFlowLogIds: null };
    const byVpc = derived(ctx.index, 'ec2-flow-logs-by-vpc', () => flowLogsByVpc(ctx.index.ofType('aws.ec2.flow-log')));
    const vpcId = typeof resource.data.VpcId === 'string' ? resource.data.VpcId : resource.id;
    const logs = byVpc.get(`${resource.account}\u0000${resource.region}\u0000${vpcId}`) ?? [];
    const active = logs.filter(
      (l) =>
        l.data.FlowLogStatus === 'ACTIVE' &&
        (l.data.TrafficType === 'REJECT' || l.data.TrafficType === 'ALL') &&
        l.data.DeliverLogsStatus !== 'FAILED',
    );
    return { flowLogIds: logs.map((l) => l.id), activeFlowLogIds: active.map((l) => l.id) };
  },
};
