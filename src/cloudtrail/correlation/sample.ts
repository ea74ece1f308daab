/** The few fields of a record that a correlation finding shows (./types.ts EventSample), access key ids masked. */
import { maskKeyId } from '../../secrets/access-key-id.js';
import type { EventSample } from './types.js';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The fields of a record a correlation finding shows. */
export function sampleOf(data: Record<string, unknown>, id: string, account: string, region: string): EventSample {
  const sample: EventSample = {
    eventTime: String(data.eventTime),
    eventID: id,
    eventName: String(data.eventName),
    awsRegion: region,
    recipientAccountId: account,
  };
  const source = str(data.eventSource);
  if (source) sample.eventSource = source;
  const ip = str(data.sourceIPAddress);
  if (ip) sample.sourceIPAddress = ip;
  const agent = str(data.userAgent);
  if (agent) sample.userAgent = agent.slice(0, 200);
  const u = data.userIdentity as Record<string, unknown> | undefined;
  if (u && typeof u === 'object') {
    const identity: NonNullable<EventSample['userIdentity']> = {};
    for (const k of ['type', 'arn', 'userName', 'accountId', 'principalId'] as const) {
      const v = str(u[k]);
      if (v) identity[k] = v;
    }
    const keyId = str(u.accessKeyId);
    if (keyId) identity.accessKeyId = maskKeyId(keyId);
    const issuer = (u.sessionContext as { sessionIssuer?: { userName?: unknown } } | undefined)?.sessionIssuer;
    const role = str(issuer?.userName);
    if (role) identity.roleName = role;
    sample.userIdentity = identity;
  }
  const created = (data.responseElements as { accessKey?: { userName?: unknown; accessKeyId?: unknown } } | null | undefined)?.accessKey;
  if (created && typeof created === 'object') {
    const createdKey: NonNullable<EventSample['createdKey']> = {};
    const user = str(created.userName);
    if (user) createdKey.userName = user;
    const keyId = str(created.accessKeyId);
    if (keyId) createdKey.accessKeyId = maskKeyId(keyId);
    sample.createdKey = createdKey;
  }
  return sample;
}
