/**
 * The compact state correlation rules pass from the workers to the main thread: one `Match` per
 * event that matched (never the record itself: a projection, `EventSample`, for the message).
 * "Never seen before" state stays in the workers and is asked for at the end (./sightings.ts).
 * Plain data: it crosses threads by structured clone.
 */

/** The few fields of an event a correlation finding shows (key ids masked). */
export interface EventSample {
  eventTime: string;
  eventID: string;
  eventName: string;
  eventSource?: string;
  awsRegion: string;
  recipientAccountId: string;
  sourceIPAddress?: string;
  userAgent?: string;
  userIdentity?: {
    type?: string;
    arn?: string;
    userName?: string;
    accountId?: string;
    principalId?: string;
    /** Masked (`AKIA…MPLE`). */
    accessKeyId?: string;
    /** For a role session: the role's name. */
    roleName?: string;
  };
  /** For an access key created: its user and (masked) id. */
  createdKey?: { userName?: string; accessKeyId?: string };
}

export interface Match {
  /** eventTime in ms. */
  t: number;
  /** eventID (or, without one, a hash of the record: event-key.ts recordId). */
  id: string;
  /**
   * The event's key (event-key.ts: id, account and region): copies of one event (read from two
   * sources, or overlapping files) count once, as everywhere else; two accounts' events that
   * share an id do not.
   */
  event: number;
  account: string;
  region: string;
  /** The key values as JSON (groupBy, or a sequence's join value, or unseen's `per`). */
  key: string;
  /** The distinct-counted value (aggregate), or the value that must be new (unseen). */
  value?: string;
  /** For a sequence with `unseen`: the `per` key of B. */
  per?: string;
  sample: EventSample;
}

/** One chunk's part of one correlation rule. */
export interface CorrelationPart {
  /** Index of the rule in the evaluator's rules. */
  rule: number;
  /** Events matching the rule's condition (counted by an aggregate; B of a sequence without `unseen`). */
  matches: Match[];
  /** Events matching a sequence's `first` (A). */
  firsts: Match[];
}
