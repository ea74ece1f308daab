import type { Enricher } from '../../enrich/types.js';
import { eventFacts } from '../../cloudtrail/event-facts.js';
import type { CloudTrailRecord } from '../../cloudtrail/records.js';

/**
 * The facts of a CloudTrail event where no run reads events (a rule's own test cases, a
 * snapshot that holds events): every fact module of src/cloudtrail/event-facts.ts except those
 * that need the run (the leaked key ids), which the case sets itself. A run computes the same
 * facts in its workers (src/cloudtrail/event-evaluator.ts), so a case tests the code a scan runs.
 */
export const cloudTrailEventEnricher: Enricher = {
  type: 'aws.cloudtrail.event',
  // No AWS ranges here: an instance session's public address is of unknown AWS-ness (undecided),
  // unless the resource's own facts (a case's) already say.
  enrich: (resource) => ({
    ...eventFacts(resource.data as CloudTrailRecord, { awsRanges: resource.facts?.instanceCredentials !== undefined ? undefined : null }),
  }),
};
