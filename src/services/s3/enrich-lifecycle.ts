import type { Enricher } from '../../enrich/types.js';
import { wasCollected } from '../../enrich/types.js';
import { isPlainObject } from '../../util/json.js';

/**
 * Facts of a bucket's lifecycle configuration: whether it has a rule that is on, and (when
 * buckets were collected in the same scan) whether the bucket is versioned, which S3.10 needs.
 */
export const s3LifecycleEnricher: Enricher = {
  type: 'aws.s3.bucket-lifecycle',
  enrich(resource, ctx) {
    const rules = resource.data.Rules;
    const enabledRules = Array.isArray(rules) ? rules.filter((r) => isPlainObject(r) && r.Status === 'Enabled').length : 0;
    let versioning: string | null = null;
    if (wasCollected(ctx.index, 'aws.s3.bucket')) {
      const bucket = ctx.index.get('aws.s3.bucket', resource.account, resource.region, resource.id);
      // Unknown (null) when the bucket or its versioning could not be read.
      const v = bucket && isPlainObject(bucket.data.Versioning) ? bucket.data.Versioning : undefined;
      if (v) versioning = typeof v.Status === 'string' ? v.Status : 'Disabled';
    }
    return { enabledRules, versioning };
  },
};
