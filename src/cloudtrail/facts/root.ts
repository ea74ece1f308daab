import type { EventFactModule } from './types.js';

/**
 * `rootActivity`: the account's root user did this. A `Root` identity that an AWS service used
 * on the root user's behalf (`invokedBy` a service, or `eventType: AwsServiceEvent`, an event
 * AWS itself raised) is not someone using root credentials; `invokedBy: signin.amazonaws.com` is
 * (the console acting for the root user who signed in: creating a root access key there, say).
 */
const ROOT_CONSOLE = new Set(['signin.amazonaws.com']);

export const rootFacts: EventFactModule = {
  topic: 'root',
  facts: ['rootActivity'],
  eventNames: null,
  compute(record) {
    const identity = record.userIdentity as { type?: unknown; invokedBy?: unknown } | undefined;
    if (identity?.type !== 'Root') return NOT_ROOT;
    if (record.eventType === 'AwsServiceEvent') return NOT_ROOT;
    const by = identity.invokedBy;
    return by === undefined || by === null || (typeof by === 'string' && ROOT_CONSOLE.has(by)) ? ROOT : NOT_ROOT;
  },
  // Root activity needs `"type": "Root"` in the record (CloudTrail writes it without escapes).
  requiredText: ({ fact, op, value }) => (fact === 'rootActivity' && op === 'eq' && value === true ? ['"type"\\s*:\\s*"Root"'] : undefined),
};

const ROOT = Object.freeze({ rootActivity: true });
const NOT_ROOT = Object.freeze({ rootActivity: false });
