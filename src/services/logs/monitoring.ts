// Is each monitored change (CIS AWS Foundations section 5) watched end to end in an account?
// The chain a recommendation asks for: a multi-region trail that is logging all management events
// and delivers them to a CloudWatch Logs group; a metric filter on that group whose pattern
// matches every event of the change; a metric alarm on the filter's metric; an SNS topic among
// the alarm's actions; and at least one confirmed subscriber on that topic. The account
// enricher (src/services/account/enrich.ts) adds these facts to `aws.account`.
import type { EnrichContext } from '../../enrich/types.js';
import { gapsOf, listingGapsOf, wasCollected } from '../../enrich/types.js';
import type { Resource } from '../../snapshot/types.js';
import type { JsonObject } from '../../util/json.js';
import { displayText, isPlainObject } from '../../util/json.js';
import { matchesEvent, parseFilterPattern, type FilterPattern } from './filter-pattern.js';
import { MONITORED_EVENT_SETS, type MonitoredEventSet } from './monitored-events.js';

const TRAIL = 'aws.cloudtrail.trail';
const FILTER = 'aws.logs.metric-filter';
const ALARM = 'aws.cloudwatch.alarm';
const SUBSCRIPTION = 'aws.sns.subscription';

/** The types the monitoring facts are computed from (each monitoring rule requires them). */
export const MONITORING_TYPES = [TRAIL, FILTER, ALARM, SUBSCRIPTION] as const;

/** How far along the chain the best attempt got: a higher stage is closer to monitored. */
interface Attempt {
  stage: number;
  problem: string;
}

interface Verdict {
  monitored: boolean | null;
  problem: string | null;
  /** The complete chain when monitored: trail, log group, filter, alarm, topic. */
  via: JsonObject | null;
}

/** Does a pattern match every event of the set? The labels of the events it misses. */
export function missedEvents(pattern: FilterPattern, set: MonitoredEventSet): string[] {
  return [...new Set(set.events.filter((e) => matchesEvent(pattern, e.event) === false).map((e) => e.label))];
}

/** The labels of the events on which the pattern's two readings (a || b && c) disagree. */
export function ambiguousEvents(pattern: FilterPattern, set: MonitoredEventSet): string[] {
  return [...new Set(set.events.filter((e) => matchesEvent(pattern, e.event) === null).map((e) => e.label))];
}

function parseLogGroupArn(arn: string): { region: string; account: string; name: string } | null {
  const m = /^arn:[^:]+:logs:([^:]+):(\d{12}):log-group:([^:]+)(?::\*)?$/u.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : null;
}

function snsRegion(arn: string): string | null {
  const m = /^arn:[^:]+:sns:([^:]+):\d{12}:[^:]+$/u.exec(arn);
  return m ? m[1]! : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function sameDimensions(filterDims: unknown, alarmDims: unknown): boolean {
  const want = isPlainObject(filterDims) ? Object.entries(filterDims).map(([k, v]) => `${k}=${String(v)}`) : [];
  const have = Array.isArray(alarmDims) ? alarmDims.filter(isPlainObject).map((d) => `${String(d.Name)}=${String(d.Value)}`) : [];
  // A metric filter's dimensions are placeholders (`$.field`) filled per event; an alarm watches one
  // combination of values, so only the names must match when the filter sets dimensions.
  const names = (list: string[]): string =>
    list
      .map((d) => d.slice(0, d.indexOf('=')))
      .sort()
      .join('\u0000');
  return names(want) === names(have);
}

/** Does the alarm watch this metric (directly, or as a metric of a metric-math alarm)? */
function watches(alarm: Resource, namespace: string, name: string, dims: unknown): boolean {
  const d = alarm.data;
  if (d.Namespace === namespace && d.MetricName === name && sameDimensions(dims, d.Dimensions)) return true;
  return (Array.isArray(d.Metrics) ? d.Metrics : []).some((q) => {
    const metric = isPlainObject(q) && isPlainObject(q.MetricStat) ? q.MetricStat.Metric : undefined;
    return isPlainObject(metric) && metric.Namespace === namespace && metric.MetricName === name && sameDimensions(dims, metric.Dimensions);
  });
}

function gapIn(ctx: EnrichContext, type: string, region: string): boolean {
  return gapsOf(ctx.index, type).some((g) => g.region === region || g.region === 'global');
}

/**
 * The monitoring facts of one account: for each event set, `{ monitored, problem, via }`; every
 * fact is null when one of the types it needs was not collected.
 */
export function monitoringFacts(
  account: Resource,
  ctx: EnrichContext,
  isLoggingMultiRegionTrail: (trail: Record<string, unknown>) => boolean | null,
): JsonObject {
  if (!MONITORING_TYPES.every((t) => wasCollected(ctx.index, t))) return { monitoring: null };
  const scanned = new Set(strings(account.data.Regions));
  const trails = ctx.index.ofType(TRAIL).filter((t) => t.account === account.id);
  const verdicts = trails.map((t) => isLoggingMultiRegionTrail(t.data));
  const logging = trails.filter((_, i) => verdicts[i] === true);
  const withLogs = logging.filter((t) => typeof t.data.CloudWatchLogsLogGroupArn === 'string' && t.data.CloudWatchLogsLogGroupArn !== '');
  const trailsUnsure = verdicts.includes(null) || listingGapsOf(ctx, TRAIL).length > 0;

  const compiled = new Map<Resource, ReturnType<typeof parseFilterPattern>>();
  const compile = (f: Resource) => {
    let c = compiled.get(f);
    if (!c) {
      c = parseFilterPattern(typeof f.data.filterPattern === 'string' ? f.data.filterPattern : '');
      compiled.set(f, c);
    }
    return c;
  };

  const out: JsonObject = {};
  for (const set of MONITORED_EVENT_SETS) {
    out[set.key] = judge(set) as unknown as JsonObject;
  }
  return { monitoring: out };

  function judge(set: MonitoredEventSet): Verdict {
    if (withLogs.length === 0) {
      const problem =
        logging.length > 0
          ? `multi-region trail ${logging.map((t) => t.id).join(', ')} does not send its events to CloudWatch Logs`
          : 'no multi-region trail that is logging all management events sends them to CloudWatch Logs';
      return { monitored: trailsUnsure ? null : false, problem, via: null };
    }
    const labels = new Set(set.events.map((e) => e.label));
    const unknown: string[] = [];
    let best: Attempt = { stage: -1, problem: '' };
    const attempt = (stage: number, problem: string): void => {
      if (stage > best.stage) best = { stage, problem };
    };
    for (const trail of withLogs) {
      const group = parseLogGroupArn(displayText(trail.data.CloudWatchLogsLogGroupArn));
      if (!group) {
        unknown.push(`the log group ARN of trail ${trail.id} could not be read`);
        continue;
      }
      if (group.account !== account.id || !scanned.has(group.region)) {
        unknown.push(`log group ${group.name} (${group.account}, ${group.region}) is outside the scan`);
        continue;
      }
      if (gapIn(ctx, FILTER, group.region)) unknown.push(`the metric filters of ${group.region} could not all be read`);
      const filters = ctx.index
        .ofType(FILTER)
        .filter((f) => f.account === account.id && f.region === group.region && f.data.logGroupName === group.name);
      const covering: Resource[] = [];
      let closest: { filter: Resource; missed: string[] } | null = null;
      for (const f of filters) {
        const c = compile(f);
        if (!c.ok) {
          unknown.push(`the pattern of metric filter ${displayText(f.data.filterName)} could not be read (${c.error})`);
          continue;
        }
        const missed = missedEvents(c.pattern, set);
        const ambiguous = ambiguousEvents(c.pattern, set);
        if (missed.length === 0 && ambiguous.length > 0) {
          unknown.push(
            `metric filter ${displayText(f.data.filterName)} mixes && and || without parentheses, and whether it catches ${ambiguous.join(', ')} depends on how they group`,
          );
          continue;
        }
        if (missed.length === 0) covering.push(f);
        // A filter that catches none of the events is unrelated, not a near miss.
        else if (missed.length < labels.size && (!closest || missed.length < closest.missed.length)) closest = { filter: f, missed };
      }
      if (covering.length === 0) {
        attempt(
          0,
          closest
            ? `metric filter ${displayText(closest.filter.data.filterName)} on log group ${group.name} misses ${closest.missed.slice(0, 5).join(', ')}${closest.missed.length > 5 ? ` and ${closest.missed.length - 5} more` : ''}`
            : `no metric filter on log group ${group.name} (trail ${trail.id}) catches ${set.what}`,
        );
        continue;
      }
      if (gapIn(ctx, ALARM, group.region)) unknown.push(`the alarms of ${group.region} could not all be read`);
      const alarms = ctx.index.ofType(ALARM).filter((a) => a.account === account.id && a.region === group.region);
      for (const f of covering) {
        const transforms = (Array.isArray(f.data.metricTransformations) ? f.data.metricTransformations : []).filter((t): t is JsonObject =>
          isPlainObject(t),
        );
        const watching = alarms.filter((a) =>
          transforms.some((t) => watches(a, displayText(t.metricNamespace), displayText(t.metricName), t.dimensions)),
        );
        const metricNames = transforms.map((t) => `${displayText(t.metricNamespace)}/${displayText(t.metricName)}`).join(', ');
        if (watching.length === 0) {
          attempt(1, `metric filter ${displayText(f.data.filterName)} has no alarm on its metric ${metricNames}`);
          continue;
        }
        for (const alarm of watching) {
          const topics = strings(alarm.data.AlarmActions).filter((a) => snsRegion(a) !== null);
          if (topics.length === 0) {
            attempt(2, `alarm ${alarm.id} (on ${metricNames}) has no SNS topic among its alarm actions`);
            continue;
          }
          if (alarm.data.ActionsEnabled === false) {
            attempt(3, `the actions of alarm ${alarm.id} are disabled`);
            continue;
          }
          for (const topic of topics) {
            const region = snsRegion(topic)!;
            if (!scanned.has(region)) {
              unknown.push(`topic ${topic} is in a region outside the scan`);
              continue;
            }
            if (gapIn(ctx, SUBSCRIPTION, region)) unknown.push(`the SNS subscriptions of ${region} could not all be read`);
            const subs = ctx.index.ofType(SUBSCRIPTION).filter((s) => s.region === region && s.data.TopicArn === topic);
            const confirmed = subs.filter((s) => typeof s.data.SubscriptionArn === 'string' && s.data.SubscriptionArn.startsWith('arn:'));
            if (confirmed.length > 0) {
              return {
                monitored: true,
                problem: null,
                via: {
                  trail: trail.id,
                  logGroup: group.name,
                  metricFilter: displayText(f.data.filterName),
                  alarm: alarm.id,
                  topic,
                },
              };
            }
            const pending = subs.length;
            attempt(
              4,
              `topic ${topic.slice(topic.lastIndexOf(':') + 1)} of alarm ${alarm.id} has no confirmed subscriber${pending > 0 ? ` (${pending} pending confirmation)` : ''}`,
            );
          }
        }
      }
    }
    if (unknown.length > 0) return { monitored: null, problem: [...new Set(unknown)].join('; '), via: null };
    return { monitored: false, problem: best.problem || `no metric filter catches ${set.what}`, via: null };
  }
}
