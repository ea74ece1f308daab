import type { Attribution, Finding } from '../engine/findings.js';
import { resourceTypeInfo } from '../resources/types.js';
import { isPlainObject } from '../util/json.js';
import type { CloudTrailRecord } from './records.js';

/** A resource an event changed, as (type, id) in the snapshot's terms (docs/resources.md). */
export interface ResourceRef {
  type: string;
  id: string;
}

/**
 * The key under which a resource's last change is kept; the same for a finding's resource and
 * for the event that touched it. S3 bucket names are global (an event's region is the endpoint
 * called, not always the bucket's), IAM is global; everything else is per region.
 */
export function resourceKey(type: string, account: string, region: string, id: string): string {
  const scope = type === 'aws.s3.bucket' ? '*' : resourceTypeInfo(type)?.scope === 'global' ? 'global' : region;
  return `${type}\u0000${account}\u0000${scope}\u0000${id}`;
}

const READ_ONLY_NAME =
  /^(Get|List|Describe|Head|Lookup|Search|Select|BatchGet|Check|Decrypt|Encrypt|GenerateDataKey|AssumeRole|ConsoleLogin)/;

/** Verdicts of READ_ONLY_NAME by event name (a few hundred names in practice; bounded all the same). */
const readOnlyNames = new Map<string, boolean>();

/** Does the name say the call only reads (Get…, List…, Describe…)? Cached per name. */
export function isReadOnlyName(name: string): boolean {
  let verdict = readOnlyNames.get(name);
  if (verdict === undefined) {
    verdict = READ_ONLY_NAME.test(name);
    if (readOnlyNames.size < 10_000) readOnlyNames.set(name, verdict);
  }
  return verdict;
}

/** A successful management event that changes something (not a read, not a data event, no errorCode). */
export function isSuccessfulWrite(record: CloudTrailRecord): boolean {
  if (record.errorCode !== undefined && record.errorCode !== null) return false;
  if (record.readOnly === true || record.managementEvent === false || record.eventCategory === 'Data') return false;
  // readOnly is missing on old records, and false on sign-ins and role assumptions: the name decides too.
  return !isReadOnlyName(record.eventName);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

/** `items` lists as CloudTrail writes EC2 sets: `{ items: [ … ] }`. */
function items(value: unknown): Record<string, unknown>[] {
  const list = obj(value).items;
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

function afterLast(value: string | undefined, marker: string): string | undefined {
  if (!value) return undefined;
  const i = value.lastIndexOf(marker);
  return i < 0 ? value : value.slice(i + marker.length) || undefined;
}

/** `arn:aws:lambda:region:acct:function:name[:qualifier]` or a bare name → the name. */
function lambdaName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /:function:([^:]+)/.exec(value);
  return m ? m[1] : value;
}

/** `arn:aws:elasticloadbalancing:…:loadbalancer/app/NAME/ID` → NAME. */
function loadBalancerName(arn: string | undefined): string | undefined {
  const m = arn ? /:loadbalancer\/(?:app|net|gwy)\/([^/]+)\//.exec(arn) : null;
  return m ? m[1] : undefined;
}

const IAM_POLICY_EVENTS = new Set([
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeletePolicy',
  'TagPolicy',
  'UntagPolicy',
]);
const ACCOUNT_BPA_EVENTS = new Set([
  'PutAccountPublicAccessBlock',
  'DeleteAccountPublicAccessBlock',
  'PutPublicAccessBlock',
  'DeletePublicAccessBlock',
]);

/** The event sources whose events touchedResources maps to resources (every other source touches none). */
export const ATTRIBUTED_SOURCES: ReadonlySet<string> = new Set([
  's3.amazonaws.com',
  'ec2.amazonaws.com',
  'rds.amazonaws.com',
  'iam.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'config.amazonaws.com',
  'lambda.amazonaws.com',
  'elasticloadbalancing.amazonaws.com',
]);

/**
 * The resources a successful write event changed, by the request (and response) fields that
 * name them. Covers the types awsaudit collects; an event naming none returns [].
 */
export function touchedResources(record: CloudTrailRecord): ResourceRef[] {
  const rp = obj(record.requestParameters);
  const re = obj(record.responseElements);
  const out: ResourceRef[] = [];
  const add = (type: string, id: string | undefined) => {
    if (id && !out.some((r) => r.type === type && r.id === id)) out.push({ type, id });
  };
  if (typeof record.eventSource !== 'string' || !ATTRIBUTED_SOURCES.has(record.eventSource)) return out;
  switch (record.eventSource) {
    case 's3.amazonaws.com':
      if (str(rp.bucketName)) add('aws.s3.bucket', str(rp.bucketName));
      else if (ACCOUNT_BPA_EVENTS.has(record.eventName)) add('aws.s3.account-public-access-block', str(record.recipientAccountId));
      break;
    case 'ec2.amazonaws.com':
      add('aws.ec2.security-group', str(rp.groupId) ?? str(re.groupId));
      add('aws.ec2.elastic-ip', str(rp.allocationId) ?? str(re.allocationId));
      add('aws.ec2.instance', str(rp.instanceId));
      for (const item of [...items(rp.instancesSet), ...items(re.instancesSet)]) add('aws.ec2.instance', str(item.instanceId));
      add('aws.ec2.volume', str(rp.volumeId) ?? str(re.volumeId));
      add('aws.ec2.vpc', str(rp.vpcId) ?? str(obj(re.vpc).vpcId));
      add('aws.ec2.subnet', str(rp.subnetId) ?? str(obj(re.subnet).subnetId));
      add('aws.ec2.route-table', str(rp.routeTableId) ?? str(obj(re.routeTable).routeTableId));
      add('aws.ec2.internet-gateway', str(rp.internetGatewayId) ?? str(obj(re.internetGateway).internetGatewayId));
      add('aws.ec2.nat-gateway', str(rp.natGatewayId) ?? str(obj(re.natGateway).natGatewayId));
      break;
    case 'rds.amazonaws.com':
      add('aws.rds.db-instance', str(rp.dBInstanceIdentifier));
      break;
    case 'iam.amazonaws.com': {
      const identity = obj(record.userIdentity);
      // CreateAccessKey and friends without userName act on the caller.
      const userName =
        str(rp.userName) ??
        (/AccessKey|LoginProfile/.test(record.eventName) && identity.type === 'IAMUser' ? str(identity.userName) : undefined);
      add('aws.iam.user', userName);
      add('aws.iam.access-key', str(rp.accessKeyId) ?? str(obj(re.accessKey).accessKeyId));
      add('aws.iam.role', str(rp.roleName));
      add('aws.iam.group', str(rp.groupName));
      if (IAM_POLICY_EVENTS.has(record.eventName)) add('aws.iam.policy', str(rp.policyArn));
      if (record.eventName === 'CreatePolicy') add('aws.iam.policy', str(obj(re.policy).arn));
      break;
    }
    case 'cloudtrail.amazonaws.com':
      add('aws.cloudtrail.trail', afterLast(str(rp.name) ?? str(rp.trailName), ':trail/'));
      break;
    case 'config.amazonaws.com':
      add('aws.config.recorder', str(rp.configurationRecorderName) ?? str(obj(rp.configurationRecorder).name));
      break;
    case 'lambda.amazonaws.com':
      add('aws.lambda.function', lambdaName(str(rp.functionName)));
      break;
    case 'elasticloadbalancing.amazonaws.com':
      add('aws.elbv2.load-balancer', loadBalancerName(str(rp.loadBalancerArn)) ?? str(rp.name));
      add('aws.elbv2.listener', str(rp.listenerArn));
      break;
    default:
      break;
  }
  return out;
}

/** What a report says about the event (who, when, from where). */
export function attributionOf(record: CloudTrailRecord): Attribution {
  const identity = obj(record.userIdentity);
  const attribution: Attribution = {
    eventName: record.eventName,
    eventTime: record.eventTime,
    eventID: str(record.eventID) ?? '',
    eventSource: str(record.eventSource) ?? '',
  };
  const principal = str(identity.arn) ?? str(identity.invokedBy);
  if (principal) attribution.principalArn = principal;
  if (str(record.sourceIPAddress)) attribution.sourceIPAddress = str(record.sourceIPAddress)!;
  if (str(record.userAgent)) attribution.userAgent = str(record.userAgent)!;
  return attribution;
}

/** Is `a` a later change than `b`? Event time, then event id, so the choice never depends on reading order. */
export function isLater(a: Attribution, b: Attribution): boolean {
  return a.eventTime > b.eventTime || (a.eventTime === b.eventTime && a.eventID > b.eventID);
}

/** Keep the later of two changes for a key (a bounded map: one entry per resource). */
export function recordChange(map: Map<string, Attribution>, key: string, change: Attribution): void {
  const current = map.get(key);
  if (!current || isLater(change, current)) map.set(key, change);
}

/**
 * Name, on each finding about a resource, the last event that changed that resource (pure: a
 * new list; findings about events themselves and resources no event touched are unchanged).
 */
export function attributeFindings(findings: readonly Finding[], lastChange: ReadonlyMap<string, Attribution>): Finding[] {
  if (lastChange.size === 0) return [...findings];
  return findings.map((finding) => {
    const r = finding.resource;
    if (r.type === 'aws.cloudtrail.event') return finding;
    const change = lastChange.get(resourceKey(r.type, r.account, r.region, r.id));
    return change ? { ...finding, attribution: change } : finding;
  });
}
