import type { Enricher } from '../../enrich/types.js';
import { wasCollected } from '../../enrich/types.js';
import { isPlainObject, type JsonObject } from '../../util/json.js';
import { flattenIngress } from '../ec2/enrich-security-group.js';

/**
 * The log types each engine can publish to CloudWatch Logs that AWS Config's
 * rds-logging-enabled (behind Security Hub RDS.9) expects, by engine-name prefix. Aurora is
 * absent: an Aurora instance's log exports are its cluster's setting.
 */
const EXPECTED_LOGS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/^(custom-)?oracle/, ['alert', 'audit', 'listener', 'trace']],
  [/^postgres$/, ['postgresql', 'upgrade']],
  [/^(mysql|mariadb)$/, ['audit', 'error', 'general', 'slowquery']],
  [/^(custom-)?sqlserver/, ['agent', 'error']],
];

/** The port each engine listens on unless told otherwise. */
const DEFAULT_PORTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(mysql|mariadb|aurora|aurora-mysql)$/, 3306],
  [/^(postgres|aurora-postgresql)$/, 5432],
  [/^(custom-)?oracle/, 1521],
  [/^(custom-)?sqlserver/, 1433],
  [/^db2/, 50000],
];

function engineOf(data: JsonObject): string {
  return typeof data.Engine === 'string' ? data.Engine.toLowerCase() : '';
}

export function portOf(data: JsonObject): number | null {
  if (isPlainObject(data.Endpoint) && typeof data.Endpoint.Port === 'number') return data.Endpoint.Port;
  return typeof data.DbInstancePort === 'number' && data.DbInstancePort > 0 ? data.DbInstancePort : null;
}

function groupIds(data: JsonObject): string[] {
  const ids: string[] = [];
  if (!Array.isArray(data.VpcSecurityGroups)) return ids;
  for (const g of data.VpcSecurityGroups) {
    if (isPlainObject(g) && typeof g.VpcSecurityGroupId === 'string' && g.Status !== 'inactive') ids.push(g.VpcSecurityGroupId);
  }
  return ids;
}

/**
 * Facts of a DB instance:
 * - `logExportsMissing`: the log types its engine can publish that it does not (null for an
 *   engine with no expected list, Aurora included);
 * - `port`, `defaultPort` (the engine's default, null when unknown);
 * - `internetIngress`: the ingress entries of its VPC security groups that admit the internet
 *   (0.0.0.0/0, ::/0) on its port, each with `groupId`. Null when security groups were not
 *   collected, or when one of its groups is missing and none of the others admits the internet
 *   (a missing group can only open more). Security groups are read only when collected
 *   (the rule that uses this requires them), so other DB instance rules never wait for them.
 */
export const rdsInstanceEnricher: Enricher = {
  type: 'aws.rds.db-instance',
  enrich(resource, ctx) {
    const data = resource.data;
    const engine = engineOf(data);
    const expected = EXPECTED_LOGS.find(([pattern]) => pattern.test(engine))?.[1];
    const enabled = new Set(
      Array.isArray(data.EnabledCloudwatchLogsExports)
        ? data.EnabledCloudwatchLogsExports.filter((l): l is string => typeof l === 'string').map((l) => l.toLowerCase())
        : [],
    );
    const port = portOf(data);
    let internetIngress: JsonObject[] | null = null;
    if (wasCollected(ctx.index, 'aws.ec2.security-group')) {
      const found: JsonObject[] = [];
      let missing = false;
      for (const groupId of groupIds(data)) {
        const group = ctx.index.get('aws.ec2.security-group', resource.account, resource.region, groupId);
        if (!group) {
          missing = true;
          continue;
        }
        for (const entry of flattenIngress(group.data.IpPermissions)) {
          // Databases listen on TCP; an ICMP or UDP rule's "ports" are not theirs.
          if (entry.internet !== true || (entry.protocol !== 'tcp' && entry.protocol !== 'all')) continue;
          const from = entry.fromPort as number;
          const to = entry.toPort as number;
          // Without a known port, any internet ingress counts: it may be the database's.
          if (port === null || (from <= port && port <= to)) found.push({ groupId, ...entry });
        }
      }
      internetIngress = found.length > 0 || !missing ? found : null;
    }
    return {
      logExportsMissing: expected ? expected.filter((l) => !enabled.has(l)) : null,
      port,
      defaultPort: DEFAULT_PORTS.find(([pattern]) => pattern.test(engine))?.[1] ?? null,
      internetIngress,
    };
  },
};
