/**
 * `facts.instanceCredentials`: the event was signed by an EC2 instance profile's credentials (an
 * AssumedRole session whose session name is the instance id, as EC2 names them), and where the
 * call came from: a public address or not, in AWS's published ranges or not (null: unknown, no
 * ranges were given). Present only on such events.
 */
import ipaddr from 'ipaddr.js';
import type { JsonObject } from '../../util/json.js';
import type { AwsIpIndex } from '../aws-ip-ranges.js';
import type { EventFactModule } from './types.js';

const INSTANCE_SESSION = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^/]+\/(i-[0-9a-fA-F]{8}(?:[0-9a-fA-F]{9})?)$/;

export function instanceCredentialsFact(
  record: object & { userIdentity?: unknown; sourceIPAddress?: unknown },
  ranges: AwsIpIndex | undefined,
): JsonObject | undefined {
  const u = record.userIdentity as { type?: unknown; arn?: unknown } | undefined;
  if (!u || u.type !== 'AssumedRole' || typeof u.arn !== 'string') return undefined;
  const instanceId = INSTANCE_SESSION.exec(u.arn)?.[1];
  if (!instanceId) return undefined;
  const source = record.sourceIPAddress;
  // Services acting for the instance write their host name (ec2.amazonaws.com) or "AWS Internal": not an address.
  if (typeof source !== 'string' || !ipaddr.isValid(source)) return { instanceId, publicAddress: false, awsAddress: null };
  let address = ipaddr.parse(source);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  const publicAddress = address.range() === 'unicast';
  return { instanceId, publicAddress, awsAddress: publicAddress && ranges ? ranges.contains(address) : null };
}

/** The module (event-facts.ts): every event, since any call can be signed with an instance's credentials. */
export const instanceCredentialsFacts: EventFactModule = {
  topic: 'instance-credentials',
  facts: ['instanceCredentials'],
  eventNames: null,
  compute(record, ctx) {
    if (ctx.awsRanges === undefined) return undefined;
    const instance = instanceCredentialsFact(record, ctx.awsRanges ?? undefined);
    return instance ? { instanceCredentials: instance } : undefined;
  },
};
