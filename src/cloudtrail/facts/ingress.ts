import { isPlainObject, type JsonObject } from '../../util/json.js';
import { flattenIngress } from '../../services/ec2/enrich-security-group.js';
import type { EventFactModule } from './types.js';

/**
 * `internetIngress`: what a security-group event opened to the internet, as entries of the
 * security-group enricher's own `internetIngress` (`{protocol, fromPort, toPort, ports, allPorts,
 * adminPorts, source, …}`, flattened by the same `flattenIngress`, so protocol `-1`/`6`, missing
 * ports and `::/0` mean what they mean for a group), each with `direction`: `ingress`, or
 * `unknown` for `ModifySecurityGroupRules`, whose record names a rule id but not whether it is an
 * inbound or an outbound rule. `securityGroupId`: the group.
 *
 * Record shapes read: `AuthorizeSecurityGroupIngress` with `requestParameters.ipPermissions.items`
 * (the API form), the flat `cidrIp`/`ipProtocol`/`fromPort`/`toPort` form, and the rules the call
 * created in `responseElements.securityGroupRuleSet.items` (`isEgress: false`);
 * `ModifySecurityGroupRules` (the console's "Edit inbound rules") with
 * `requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule` — one update or a list of
 * them, each `{SecurityGroupRuleId, SecurityGroupRule: {IpProtocol, FromPort, ToPort, CidrIpv4 |
 * CidrIpv6 | PrefixListId | ReferencedGroupId}}`.
 */

type Permission = Record<string, unknown>;

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function items(value: unknown): unknown[] {
  return isPlainObject(value) ? asList(value.items) : asList(value);
}

/** A port as written (`22`, `"22"`); anything else is "no port given", which flattenIngress reads as every port. */
function port(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,5}$/.test(value)) return Number(value);
  return undefined;
}

function permission(protocol: unknown, from: unknown, to: unknown): Permission {
  const p: Permission = { IpProtocol: typeof protocol === 'number' ? String(protocol) : protocol };
  const f = port(from);
  const t = port(to);
  if (f !== undefined) p.FromPort = f;
  if (t !== undefined) p.ToPort = t;
  return p;
}

function withSource(p: Permission, v4: unknown, v6: unknown): Permission {
  if (typeof v4 === 'string') p.IpRanges = [{ CidrIp: v4 }];
  if (typeof v6 === 'string') p.Ipv6Ranges = [{ CidrIpv6: v6 }];
  return p;
}

function authorizePermissions(params: Record<string, unknown>, response: unknown): Permission[] {
  const out: Permission[] = [];
  for (const item of items(params.ipPermissions)) {
    if (!isPlainObject(item)) continue;
    const p = permission(item.ipProtocol, item.fromPort, item.toPort);
    p.IpRanges = items(item.ipRanges).map((r) => ({ CidrIp: isPlainObject(r) ? r.cidrIp : undefined }));
    p.Ipv6Ranges = items(item.ipv6Ranges).map((r) => ({ CidrIpv6: isPlainObject(r) ? r.cidrIpv6 : undefined }));
    out.push(p);
  }
  if (typeof params.cidrIp === 'string')
    out.push(withSource(permission(params.ipProtocol, params.fromPort, params.toPort), params.cidrIp, undefined));
  const created = isPlainObject(response) ? response.securityGroupRuleSet : undefined;
  for (const rule of items(created)) {
    if (!isPlainObject(rule) || rule.isEgress === true) continue;
    out.push(withSource(permission(rule.ipProtocol, rule.fromPort, rule.toPort), rule.cidrIpv4, rule.cidrIpv6));
  }
  return out;
}

function modifyPermissions(params: Record<string, unknown>): Permission[] {
  const request = params.ModifySecurityGroupRulesRequest;
  if (!isPlainObject(request)) return [];
  const out: Permission[] = [];
  for (const update of asList(request.SecurityGroupRule)) {
    const rule = isPlainObject(update) ? update.SecurityGroupRule : undefined;
    if (!isPlainObject(rule)) continue;
    out.push(withSource(permission(rule.IpProtocol, rule.FromPort, rule.ToPort), rule.CidrIpv4, rule.CidrIpv6));
  }
  return out;
}

function groupIdOf(params: Record<string, unknown>): string | null {
  if (typeof params.groupId === 'string') return params.groupId;
  const request = params.ModifySecurityGroupRulesRequest;
  if (isPlainObject(request) && typeof request.GroupId === 'string') return request.GroupId;
  return typeof params.groupName === 'string' ? params.groupName : null;
}

export const ingressFacts: EventFactModule = {
  topic: 'ingress',
  facts: ['internetIngress', 'securityGroupId'],
  eventNames: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'],
  compute(record): JsonObject | undefined {
    const params = record.requestParameters;
    if (!isPlainObject(params)) return undefined;
    const modify = record.eventName === 'ModifySecurityGroupRules';
    const permissions = modify ? modifyPermissions(params) : authorizePermissions(params, record.responseElements);
    const direction = modify ? 'unknown' : 'ingress';
    const seen = new Set<string>();
    const internetIngress: JsonObject[] = [];
    for (const entry of flattenIngress(permissions)) {
      if (entry.internet !== true) continue;
      // The request and the rules it created say the same thing twice.
      const key = JSON.stringify([entry.protocol, entry.fromPort, entry.toPort, entry.source]);
      if (seen.has(key)) continue;
      seen.add(key);
      internetIngress.push({ ...entry, direction });
    }
    return { internetIngress, securityGroupId: groupIdOf(params) };
  },
};
