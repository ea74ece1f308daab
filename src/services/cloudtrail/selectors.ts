// What a trail's event selectors record of S3 object-level (data) events. Read by the trail's
// enricher (facts of each trail) and by the account's (is there a multi-region trail that
// records them: CIS 4.8 / 4.9, Security Hub S3.22 / S3.23).
import { isPlainObject } from '../../util/json.js';

export interface ObjectEvents {
  /** Object-level read events (GetObject …) of every bucket are recorded; null: selectors not read. */
  read: boolean | null;
  /** Object-level write events (PutObject, DeleteObject …) of every bucket are recorded; null: selectors not read. */
  write: boolean | null;
}

/**
 * A basic selector's `DataResources` value that stands for every bucket: `arn:aws:s3` (the
 * form the console writes) or `arn:aws:s3:::`, in any partition. A value naming a bucket
 * (`arn:aws:s3:::my-bucket/`) covers that bucket only.
 */
const ALL_BUCKETS_VALUE = /^arn:aws[a-z-]*:s3(:::)?$/;
/** A `resources.ARN` prefix that still matches every object of every bucket. */
const ALL_BUCKETS_PREFIX = /^arn:aws[a-z-]*:s3:::$/;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function fromBasic(selectors: unknown[]): { read: boolean; write: boolean } {
  let read = false;
  let write = false;
  for (const s of selectors) {
    if (!isPlainObject(s) || !Array.isArray(s.DataResources)) continue;
    const allObjects = s.DataResources.some(
      (r) => isPlainObject(r) && r.Type === 'AWS::S3::Object' && strings(r.Values).some((v) => ALL_BUCKETS_VALUE.test(v)),
    );
    if (!allObjects) continue;
    const rw = typeof s.ReadWriteType === 'string' ? s.ReadWriteType : 'All';
    if (rw === 'All' || rw === 'ReadOnly') read = true;
    if (rw === 'All' || rw === 'WriteOnly') write = true;
  }
  return { read, write };
}

/** Which of reads ("true") and writes ("false") a selector's `readOnly` field lets through. */
function readOnlyValues(field: Record<string, unknown>): Set<string> {
  const all = new Set(['true', 'false']);
  const eq = strings(field.Equals);
  const ne = strings(field.NotEquals);
  let out = eq.length > 0 ? new Set(eq.filter((v) => all.has(v))) : all;
  if (ne.length > 0) out = new Set([...out].filter((v) => !ne.includes(v)));
  // StartsWith / EndsWith on a boolean field are unusual: whatever they narrow, not all of it is left.
  if (strings(field.StartsWith).length > 0 || strings(field.EndsWith).length > 0 || strings(field.NotStartsWith).length > 0)
    out = new Set(eq.filter((v) => all.has(v)));
  return out;
}

/**
 * An advanced selector records S3 object events of every bucket when its fields (which are
 * ANDed) select `eventCategory` Data and `resources.type` AWS::S3::Object and narrow nothing
 * else: no `eventName`, `eventSource`, `userIdentity.arn` or other filter, and `resources.ARN`
 * only as a prefix that matches every bucket or as an exclusion (NotStartsWith / NotEquals,
 * the usual way to leave out the trail's own bucket). `readOnly` decides reads and writes.
 */
function fromAdvanced(selectors: unknown[]): { read: boolean; write: boolean } {
  let read = false;
  let write = false;
  for (const s of selectors) {
    if (!isPlainObject(s) || !Array.isArray(s.FieldSelectors)) continue;
    const fields = s.FieldSelectors.filter(isPlainObject);
    const data = fields.some((f) => f.Field === 'eventCategory' && strings(f.Equals).includes('Data'));
    const objects = fields.some((f) => f.Field === 'resources.type' && strings(f.Equals).includes('AWS::S3::Object'));
    if (!data || !objects) continue;
    let kinds = new Set(['true', 'false']);
    let narrowed = false;
    for (const f of fields) {
      if (f.Field === 'eventCategory' || f.Field === 'resources.type') continue;
      if (f.Field === 'readOnly') {
        const allowed = readOnlyValues(f);
        kinds = new Set([...kinds].filter((k) => allowed.has(k)));
      } else if (f.Field === 'resources.ARN') {
        const positive = [...strings(f.Equals), ...strings(f.EndsWith)];
        const prefixes = strings(f.StartsWith);
        if (positive.length > 0 || (prefixes.length > 0 && !prefixes.some((p) => ALL_BUCKETS_PREFIX.test(p)))) narrowed = true;
      } else {
        narrowed = true;
      }
    }
    if (narrowed) continue;
    if (kinds.has('true')) read = true;
    if (kinds.has('false')) write = true;
  }
  return { read, write };
}

/**
 * The S3 object-level events of every bucket that a trail records, from its basic
 * `EventSelectors` (`DataResources` of type AWS::S3::Object) or its `AdvancedEventSelectors`
 * (a trail has one form or the other). Null when the selectors were not read (a gap).
 */
export function s3ObjectEvents(trail: Record<string, unknown>): ObjectEvents {
  if (!('EventSelectors' in trail) && !('AdvancedEventSelectors' in trail)) return { read: null, write: null };
  const basic = Array.isArray(trail.EventSelectors) ? fromBasic(trail.EventSelectors) : { read: false, write: false };
  const advanced = Array.isArray(trail.AdvancedEventSelectors) ? fromAdvanced(trail.AdvancedEventSelectors) : { read: false, write: false };
  return { read: basic.read || advanced.read, write: basic.write || advanced.write };
}
