import type { JsonObject } from '../../util/json.js';
import type { AwsIpIndex } from '../aws-ip-ranges.js';
import type { CloudTrailRecord } from '../records.js';

/** What a run hands every fact module besides the record. */
export interface EventFactsContext {
  /**
   * Access key ids found leaked in local files (`--leaked-key-id`, the file scanner). Undefined
   * where no run is behind the facts (a rule's own test cases): the leaked-key facts are then
   * left to the case.
   */
  leakedKeyIds?: ReadonlySet<string>;
  /**
   * AWS's published address ranges (--aws-ip-ranges), for facts.instanceCredentials: null in a
   * run without them (whether an address is AWS's is then unknown); undefined where no run is
   * behind the facts (a snapshot's events): the fact is then left to the case.
   */
  awsRanges?: AwsIpIndex | null;
}

/**
 * One topic of an event's facts: a pure function of the record (and the run's context) that
 * returns some facts, or nothing when the record is not its business. Modules are listed once
 * in event-facts.ts; a run computes only those whose facts a selected rule reads, and only for
 * the event names they speak to.
 */
export interface EventFactModule {
  /** Names the module in docs and errors (`outcome`, `ingress`). */
  topic: string;
  /** Every fact the module may set: a rule that reads none of them does not need the module. */
  facts: readonly string[];
  /** The event names it has facts for; null: every event. */
  eventNames: readonly string[] | null;
  compute(record: CloudTrailRecord, ctx: EventFactsContext): JsonObject | undefined;
  /**
   * For the raw fast path (rule-prefilters.ts): regular-expression sources one of which a
   * record's raw JSON must match for a leaf `facts.<fact> <op> <value>` to hold; `never` when it
   * cannot hold; undefined when the module cannot tell (every record is then parsed). Must be
   * sound: a record that matches none of them can never have the fact.
   */
  requiredText?(leaf: { fact: string; op: unknown; value: unknown }, leakedKeyIds: readonly string[]): 'never' | string[] | undefined;
}
