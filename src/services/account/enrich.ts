import type { JsonObject } from '../../util/json.js';
import { isPlainObject } from '../../util/json.js';
import type { Resource } from '../../snapshot/types.js';
import type { EnrichContext, Enricher } from '../../enrich/types.js';
import { gapsOf, listingGapsOf, wasCollected } from '../../enrich/types.js';
import { s3ObjectEvents } from '../cloudtrail/selectors.js';
import { monitoringFacts } from '../logs/monitoring.js';

const TRAIL = 'aws.cloudtrail.trail';
const RECORDER = 'aws.config.recorder';
const USER = 'aws.iam.user';
const GROUP = 'aws.iam.group';
const ROLE = 'aws.iam.role';

const SUPPORT_POLICY = /^arn:[^:]+:iam::aws:policy\/AWSSupportAccess$/u;
const CLOUDSHELL_POLICY = /^arn:[^:]+:iam::aws:policy\/AWSCloudShellFullAccess$/u;

/** Does this user, group or role have the AWS-managed policy attached? */
function hasAttached(resource: Resource, policy: RegExp): boolean {
  const attached = resource.data.AttachedManagedPolicies;
  return Array.isArray(attached) && attached.some((p) => isPlainObject(p) && typeof p.PolicyArn === 'string' && policy.test(p.PolicyArn));
}

/** Was the type collected with no gap? Otherwise a list of its resources is not the whole list. */
function fullyRead(ctx: EnrichContext, type: string): boolean {
  return wasCollected(ctx.index, type) && gapsOf(ctx.index, type).length === 0;
}

/**
 * Roles with AWSSupportAccess (who can open and manage AWS Support cases), and the users,
 * groups and roles with AWSCloudShellFullAccess (a shell with file upload and download and the
 * principal's own credentials). Each is null when its IAM types were not read completely: an
 * empty list must mean "none", never "could not see".
 */
function iamFacts(account: Resource, ctx: EnrichContext): JsonObject {
  const mine = (type: string) => ctx.index.ofType(type).filter((r) => r.account === account.id);
  const supportRoles = fullyRead(ctx, ROLE)
    ? mine(ROLE)
        .filter((r) => hasAttached(r, SUPPORT_POLICY))
        .map((r) => r.id)
        .sort()
    : null;
  const principals: Array<[string, string]> = [
    [USER, 'user'],
    [GROUP, 'group'],
    [ROLE, 'role'],
  ];
  const cloudShellFullAccessPrincipals = principals.every(([type]) => fullyRead(ctx, type))
    ? principals
        .flatMap(([type, kind]) =>
          mine(type)
            .filter((r) => hasAttached(r, CLOUDSHELL_POLICY))
            .map((r) => `${kind}/${r.id}`),
        )
        .sort()
    : null;
  return { supportRoles, cloudShellFullAccessPrincipals };
}

/**
 * Does a trail record every management event, reads and writes? true / false, or null when
 * its event selectors were not read (the sub-call failed).
 *
 * - Basic selectors: one with `IncludeManagementEvents` (default true) and `ReadWriteType`
 *   "All" (the default).
 * - Advanced selectors: one selecting `eventCategory = Management` with no `readOnly` field
 *   (a readOnly field narrows it to reads or to writes only).
 * - Both `null` (nothing configured): a trail's default is all management events.
 */
export function recordsAllManagementEvents(trail: Record<string, unknown>): boolean | null {
  if (!('EventSelectors' in trail) && !('AdvancedEventSelectors' in trail)) return null;
  const basic = trail.EventSelectors;
  const advanced = trail.AdvancedEventSelectors;
  const hasBasic = Array.isArray(basic) && basic.length > 0;
  const hasAdvanced = Array.isArray(advanced) && advanced.length > 0;
  if (!hasBasic && !hasAdvanced) return true;
  if (hasBasic) {
    return basic.some((s) => isPlainObject(s) && s.IncludeManagementEvents !== false && (s.ReadWriteType ?? 'All') === 'All');
  }
  return (advanced as unknown[]).some((s) => {
    if (!isPlainObject(s) || !Array.isArray(s.FieldSelectors)) return false;
    const fields = s.FieldSelectors.filter(isPlainObject);
    const management = fields.some((f) => f.Field === 'eventCategory' && Array.isArray(f.Equals) && f.Equals.includes('Management'));
    return management && !fields.some((f) => f.Field === 'readOnly');
  });
}

/**
 * Is this trail a multi-region trail that is logging every management event?
 * true / false, or null when its status or selectors were not read.
 */
export function isLoggingMultiRegionTrail(trail: Record<string, unknown>): boolean | null {
  if (trail.IsMultiRegionTrail !== true) return false;
  const logging = isPlainObject(trail.Status) ? trail.Status.IsLogging : undefined;
  if (logging === false) return false;
  const management = recordsAllManagementEvents(trail);
  if (management === false) return false;
  return logging === true && management === true ? true : null;
}

function trailFacts(account: Resource, ctx: EnrichContext): JsonObject {
  if (!wasCollected(ctx.index, TRAIL))
    return {
      multiRegionTrailLogging: null,
      multiRegionTrails: null,
      trailNames: null,
      anyTrailLogging: null,
      loggingTrails: null,
      s3ObjectReadEvents: null,
      s3ObjectReadEventTrails: null,
      s3ObjectWriteEvents: null,
      s3ObjectWriteEventTrails: null,
    };
  const trails = ctx.index.ofType(TRAIL).filter((t) => t.account === account.id);
  const verdicts = trails.map((t) => isLoggingMultiRegionTrail(t.data));
  const good = trails.filter((_, i) => verdicts[i] === true).map((t) => t.id);
  // No good trail found, but a trail could not be judged or some region's trails could not
  // be read: that is "unknown", never "no trail". A trail whose status or selectors could not be
  // read is judged on what was read (not multi-region: not a candidate, whatever its status).
  const hidden = listingGapsOf(ctx, TRAIL).length > 0;
  const unsure = verdicts.includes(null) || hidden;
  return {
    multiRegionTrailLogging: good.length > 0 ? true : unsure ? null : false,
    multiRegionTrails: good.sort(),
    trailNames: trails.map((t) => t.id).sort(),
    ...loggingFacts(trails, hidden),
    ...objectEventFacts(trails, hidden),
  };
}

/** Is any trail logging at all (CloudTrail.3)? Null when none is known to log and a status is unknown. */
function loggingFacts(trails: readonly Resource[], gaps: boolean): JsonObject {
  const status = trails.map((t) => (isPlainObject(t.data.Status) ? t.data.Status.IsLogging : undefined));
  const logging = trails.filter((_, i) => status[i] === true).map((t) => t.id);
  const unsure = gaps || status.some((s) => typeof s !== 'boolean');
  return { anyTrailLogging: logging.length > 0 ? true : unsure ? null : false, loggingTrails: logging.sort() };
}

/**
 * Does a logging multi-region trail record the object-level read / write events of every S3
 * bucket (CIS 4.8 / 4.9, Security Hub S3.22 / S3.23)? Null when no trail is known to and a
 * multi-region trail's status or selectors, or some region's trails, could not be read.
 */
function objectEventFacts(trails: readonly Resource[], gaps: boolean): JsonObject {
  const out: JsonObject = {};
  for (const kind of ['read', 'write'] as const) {
    const found: string[] = [];
    let unsure = gaps;
    for (const t of trails) {
      if (t.data.IsMultiRegionTrail !== true) continue;
      const logging = isPlainObject(t.data.Status) ? t.data.Status.IsLogging : undefined;
      const records = s3ObjectEvents(t.data)[kind];
      if (logging === false || records === false) continue;
      if (logging === true && records === true) found.push(t.id);
      else unsure = true;
    }
    const name = kind === 'read' ? 'Read' : 'Write';
    out[`s3Object${name}Events`] = found.length > 0 ? true : unsure ? null : false;
    out[`s3Object${name}EventTrails`] = found.sort();
  }
  return out;
}

function recorderFacts(account: Resource, ctx: EnrichContext): JsonObject {
  const regions = Array.isArray(account.data.Regions) ? account.data.Regions.filter((r): r is string => typeof r === 'string') : [];
  if (!wasCollected(ctx.index, RECORDER)) return { regionsWithoutConfigRecorder: null, configRecorderRegionsUnknown: null };
  const present = new Set(
    ctx.index
      .ofType(RECORDER)
      .filter((r) => r.account === account.id)
      .map((r) => r.region),
  );
  // A region whose recorders could not be read is unknown, not "without a recorder".
  const gapRegions = new Set(gapsOf(ctx.index, RECORDER).map((g) => g.region));
  const unknown = regions.filter((r) => gapRegions.has(r));
  // A gap that names no scanned region (e.g. "global") leaves every region unknown.
  const everywhereUnknown = [...gapRegions].some((r) => !regions.includes(r));
  if (everywhereUnknown) return { regionsWithoutConfigRecorder: null, configRecorderRegionsUnknown: regions.sort() };
  return {
    regionsWithoutConfigRecorder: regions.filter((r) => !present.has(r) && !gapRegions.has(r)).sort(),
    configRecorderRegionsUnknown: unknown.sort(),
  };
}

/**
 * Account-wide facts, computed from the other resources of the same account in the
 * snapshot. Each fact is null when the resource type it depends on was not collected.
 */
export const accountEnricher: Enricher = {
  type: 'aws.account',
  enrich(resource, ctx) {
    return {
      ...trailFacts(resource, ctx),
      ...recorderFacts(resource, ctx),
      ...monitoringFacts(resource, ctx, isLoggingMultiRegionTrail),
      ...iamFacts(resource, ctx),
    };
  },
};
