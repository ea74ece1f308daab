import type { CoverageGap } from '../snapshot/types.js';

interface GapGroup {
  service: string;
  region: string;
  operation: string;
  errorCode: string;
  types: Set<string>;
  message: string;
  count: number;
  subjects: string[];
}

const EXAMPLES = 3;

/**
 * Coverage gaps, one per service, region, operation and error: 300 buckets denied
 * GetBucketPolicy make one gap that says how many calls failed, with a few examples.
 */
export class GapRecorder {
  private readonly groups = new Map<string, GapGroup>();

  record(gap: {
    service: string;
    region: string;
    operation: string;
    errorCode: string;
    message: string;
    resourceTypes: readonly string[];
    subject?: string | undefined;
  }): void {
    const key = [gap.service, gap.region, gap.operation, gap.errorCode].join('\u0000');
    let group = this.groups.get(key);
    if (!group) {
      group = {
        service: gap.service,
        region: gap.region,
        operation: gap.operation,
        errorCode: gap.errorCode,
        types: new Set(),
        message: gap.message,
        count: 0,
        subjects: [],
      };
      this.groups.set(key, group);
    }
    group.count++;
    for (const t of gap.resourceTypes) group.types.add(t);
    if (gap.subject !== undefined && group.subjects.length < EXAMPLES && !group.subjects.includes(gap.subject))
      group.subjects.push(gap.subject);
  }

  get size(): number {
    return this.groups.size;
  }

  list(): CoverageGap[] {
    return [...this.groups.values()]
      .map((g) => {
        let message = g.message;
        if (g.count > 1) message += ` (${g.count} calls failed${g.subjects.length ? `, e.g. for ${g.subjects.join(', ')}` : ''})`;
        else if (g.subjects.length) message += ` (for ${g.subjects[0]})`;
        return {
          service: g.service,
          region: g.region,
          operation: g.operation,
          resourceTypes: [...g.types].sort(),
          errorCode: g.errorCode,
          message,
        };
      })
      .sort(
        (a, b) =>
          a.service.localeCompare(b.service) ||
          a.region.localeCompare(b.region) ||
          a.operation.localeCompare(b.operation) ||
          a.errorCode.localeCompare(b.errorCode),
      );
  }
}
