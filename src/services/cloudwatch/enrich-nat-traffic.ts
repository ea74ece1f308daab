import type { Enricher } from '../../enrich/types.js';
import { isPlainObject } from '../../util/json.js';
import { NAT_IDLE_DAYS, NAT_METRICS } from './produces.js';

const DAY_MS = 86_400_000;

/**
 * Did a NAT gateway move any bytes in the collected window (14 whole days)?
 *
 * - `idle` false as soon as any daily sum of either metric is above zero;
 * - `idle` true only when both metrics have a datapoint for every day of the window and all are
 *   zero (a gateway younger than the window lacks the first days' datapoints: not idle);
 * - null otherwise: a query failed, came back incomplete, or days are missing.
 */
export const natTrafficEnricher: Enricher = {
  type: 'aws.cloudwatch.nat-gateway-traffic',
  enrich(resource) {
    const metrics = resource.data.Metrics;
    const window = resource.data.Window;
    const unknown = { idle: null, bytesMoved: null, daysWithData: null };
    if (!isPlainObject(metrics) || !isPlainObject(window) || typeof window.StartTime !== 'string') return unknown;
    const days = typeof window.Days === 'number' ? window.Days : NAT_IDLE_DAYS;
    const start = Date.parse(window.StartTime);
    let bytes = 0;
    let complete = true;
    let minDays = Number.POSITIVE_INFINITY;
    for (const name of NAT_METRICS) {
      const m = metrics[name];
      if (!isPlainObject(m) || !Array.isArray(m.Values) || !Array.isArray(m.Timestamps)) return unknown;
      const values = m.Values.filter((v): v is number => typeof v === 'number');
      bytes += values.reduce((a, b) => a + b, 0);
      const covered = new Set(
        m.Timestamps.filter((t): t is string => typeof t === 'string')
          .map((t) => Math.floor((Date.parse(t) - start) / DAY_MS))
          .filter((d) => d >= 0 && d < days),
      );
      minDays = Math.min(minDays, covered.size);
      if (m.StatusCode !== 'Complete') complete = false;
    }
    if (bytes > 0) return { idle: false, bytesMoved: bytes, daysWithData: minDays };
    if (!complete || minDays < days) return { idle: null, bytesMoved: null, daysWithData: minDays };
    return { idle: true, bytesMoved: 0, daysWithData: minDays };
  },
};
