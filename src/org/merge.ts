// Shard snapshots put back together (`awsaudit merge`), and the coverage gaps that say which
// units a shard, or a set of shards, did not read. Pure: the caller reads the files.
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type CoverageGap, type Snapshot, type SnapshotMeta } from '../snapshot/types.js';
import type { OrgRecord } from './merge-accounts.js';
import { GLOBAL_UNIT, parseUnitKey, type ScanUnit, type ShardRecord, type TimedUnit } from './shards.js';

/** Where a resource type is collected: by the account's global unit, or once per region. */
export type TypeScope = (type: string) => 'account' | 'regional' | undefined;

/** The service name of gaps about units that were not read (no AWS service failed). */
export const SHARD_GAP_SERVICE = 'awsaudit';
/** A unit another shard reads: in a shard's own report only, `merge` fills it in. */
export const OTHER_SHARD = 'OtherShard';
/** A unit no shard given to merge read: a shard's report is missing, or was left out. */
export const SHARD_MISSING = 'ShardMissing';

/**
 * Gaps for units that were not read, one per region (and one for the accounts' global units):
 * every type the unit's collectors produce is incomplete there, so no rule over them reads
 * "pass" for what was not seen. `why` is the start of each message.
 */
export function unitGaps(
  units: readonly ScanUnit[],
  types: readonly string[],
  scopeOf: TypeScope,
  errorCode: string,
  operation: string,
  why: string,
): CoverageGap[] {
  const accountTypes = types.filter((t) => scopeOf(t) === 'account');
  const regionalTypes = types.filter((t) => scopeOf(t) === 'regional');
  // One gap per (region, account), naming its account: a report of many accounts gives each account its own gaps.
  const keys = [...new Map(units.map((u) => [`${u.region}/${u.account}`, u])).values()].sort(
    (a, b) => cmp(a.region, b.region) || cmp(a.account, b.account),
  );
  return keys.map(({ region, account }) => {
    const what = region === GLOBAL_UNIT ? 'the global unit (IAM, S3 bucket list, trails, the account itself)' : `region ${region}`;
    return {
      service: SHARD_GAP_SERVICE,
      region,
      operation,
      resourceTypes: (region === GLOBAL_UNIT ? accountTypes : regionalTypes).slice().sort(),
      errorCode,
      message: `${why}: ${what} of account ${account}`,
      account,
    };
  });
}

/** A shard's snapshot as its own report evaluates it: the units of other shards are gaps, never a clean bill. */
export function withOtherShardGaps(snapshot: Snapshot, scopeOf: TypeScope): Snapshot {
  const shard = snapshot.meta.shard;
  if (!shard) return snapshot;
  const mine = new Set(shard.units);
  // Only the snapshot's own accounts: with --org each account is evaluated on its own, and the
  // units of accounts it does not hold are no gap of it.
  const accounts = new Set(snapshot.meta.accounts);
  const others = shard.universe
    .filter((k) => !mine.has(k))
    .map(parseUnitKey)
    .filter((u) => accounts.has(u.account));
  if (others.length === 0) return snapshot;
  const gaps = unitGaps(
    others,
    snapshot.meta.resourceTypes,
    scopeOf,
    OTHER_SHARD,
    `shard ${shard.index}/${shard.count}`,
    `read by another shard of ${shard.count}, not this one (\`awsaudit merge\` of every shard's JSON report gives the whole scan)`,
  );
  return { ...snapshot, gaps: sortGaps([...snapshot.gaps, ...gaps]) };
}

export interface MergeInput {
  /** The file or s3:// address it came from, for messages. */
  label: string;
  snapshot: Snapshot;
  /** A `scan --org --shard` report: its organisation and the accounts it entered (`awsaudit merge` keeps them per account). */
  org?: OrgRecord;
}

/** What merge did with its inputs: the JSON report keeps it, the notes say it in every format. */
export interface MergeSummary {
  /** Shard counts seen (more than one: shards of different splits were given). */
  counts: number[];
  used: Array<{ label: string; index: number; count: number; units: number }>;
  /** Inputs left out: a second copy of a shard, or a shard whose units overlap one already merged. */
  leftOut: Array<{ label: string; index: number; count: number; reason: string }>;
  /** Shards (index/count) of which no report was given or used. */
  missingShards: string[];
  /** Units no used shard read. */
  missingUnits: string[];
  /** Every unit of the scan, as the shards recorded it. */
  universe: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order of `GapRecorder.list()`, so a merged snapshot lists gaps as an unsharded scan does. */
function sortGaps(gaps: CoverageGap[]): CoverageGap[] {
  return gaps.sort(
    (a, b) =>
      a.service.localeCompare(b.service) ||
      a.region.localeCompare(b.region) ||
      a.operation.localeCompare(b.operation) ||
      a.errorCode.localeCompare(b.errorCode),
  );
}

/**
 * Put shard snapshots together into the snapshot an unsharded scan would have collected: the
 * union of their resources and gaps, with the scan's units and types. Units that no shard read
 * (a missing or failed shard, a shard left out) become coverage gaps, and each problem with the
 * set of inputs (a shard given twice, shards of different splits) is a note: never silence.
 *
 * Inputs are taken in (count, index) order; one whose units overlap a shard already taken is
 * left out whole (its resources would count twice), and its units are then read only if another
 * shard has them.
 */
export function mergeShards(inputs: readonly MergeInput[], scopeOf: TypeScope): { snapshot: Snapshot; summary: MergeSummary } {
  const withShard = inputs.map((input) => ({ ...input, shard: input.snapshot.meta.shard as ShardRecord }));
  // Stable: of two copies of a shard, the one given first is used.
  const ordered = [...withShard].sort((a, b) => a.shard.count - b.shard.count || a.shard.index - b.shard.index);
  const universe = new Set(ordered.flatMap((i) => i.shard.universe));
  const covered = new Map<string, string>();
  const used: typeof ordered = [];
  const summary: MergeSummary = { counts: [], used: [], leftOut: [], missingShards: [], missingUnits: [], universe: universe.size };
  for (const input of ordered) {
    const { index, count } = input.shard;
    const twin = used.find((u) => u.shard.index === index && u.shard.count === count);
    const overlap = input.shard.units.filter((k) => covered.has(k));
    if (twin || overlap.length > 0) {
      const reason = twin
        ? `shard ${index}/${count} was given twice (${twin.label} and ${input.label}): the second copy was left out`
        : `its units overlap shards already merged (${overlap.slice(0, 3).join(', ')}${overlap.length > 3 ? ', …' : ''} in ${covered.get(overlap[0]!)}): left out, so nothing is counted twice`;
      summary.leftOut.push({ label: input.label, index, count, reason });
      continue;
    }
    for (const k of input.shard.units) covered.set(k, input.label);
    used.push(input);
    summary.used.push({ label: input.label, index, count, units: input.shard.units.length });
  }
  summary.counts = [...new Set(ordered.map((i) => i.shard.count))].sort((a, b) => a - b);
  const taken = new Set(used.map((u) => `${u.shard.index}/${u.shard.count}`));
  for (const count of summary.counts) {
    // A split none of whose shards was used (all left out as overlapping) is not expected whole.
    for (let index = 1; index <= count; index++)
      if (!taken.has(`${index}/${count}`) && usedCount(used, count) > 0) summary.missingShards.push(`${index}/${count}`);
  }
  summary.missingUnits = [...universe].filter((k) => !covered.has(k)).sort();

  const metas = used.map((u) => u.snapshot.meta);
  const first = (metas[0] ?? withShard[0]!.snapshot.meta) satisfies SnapshotMeta;
  const notes = new Set<string>(metas.flatMap((m) => m.notes ?? []));
  const types = [...new Set(metas.flatMap((m) => m.resourceTypes))].sort();
  // A shard's own "read by another shard" gaps are settled here (a snapshot never holds them; this is in case one does).
  const gaps: CoverageGap[] = used.flatMap((u) => u.snapshot.gaps.filter((g) => g.errorCode !== OTHER_SHARD));
  notes.add(
    `merged from ${used.length} shard report(s) (${used.map((u) => `${u.shard.index}/${u.shard.count}`).join(', ') || 'none'}) covering ${covered.size} of ${universe.size} unit(s)`,
  );
  if (summary.counts.length > 1)
    notes.add(
      `shards of different splits were given (counts ${summary.counts.join(', ')}): every job of a scan must use the same --shard count`,
    );
  if (universe.size > 0 && !used.every((u) => u.shard.universe.length === universe.size)) {
    notes.add(
      'the shards were cut from different sets of units (an account or region added or removed between the jobs): units only some of them list are gaps unless a shard read them',
    );
  }
  for (const left of summary.leftOut) notes.add(`${left.label}: ${left.reason}`);
  if (summary.missingUnits.length > 0) {
    const which = summary.missingShards.length
      ? `no report of shard ${summary.missingShards.join(', ')} was merged`
      : 'no merged shard read them';
    notes.add(`${summary.missingUnits.length} unit(s) were not read: ${which}; they are coverage gaps`);
    gaps.push(
      ...unitGaps(
        summary.missingUnits.map(parseUnitKey),
        types,
        scopeOf,
        SHARD_MISSING,
        summary.missingShards.length ? `shard ${summary.missingShards.join(', ')}` : 'shards',
        `not read: ${which} (a failed or missing shard job)`,
      ),
    );
  }
  const regions = [...new Set(metas.flatMap((m) => m.regions))];
  const units: TimedUnit[] = metas.flatMap((m) => m.units ?? []).sort((a, b) => cmp(a.account, b.account) || cmp(a.region, b.region));
  const meta: SnapshotMeta = {
    accounts: [...new Set(metas.flatMap((m) => m.accounts))],
    regions,
    collectedAt:
      metas
        .map((m) => m.collectedAt)
        .sort()
        .at(-1) ?? first.collectedAt,
    tool: first.tool,
    source: first.source,
    resourceTypes: types,
    ...(first.partition ? { partition: first.partition } : {}),
    notes: [...notes],
    units,
  };
  const resources = used
    .flatMap((u) => u.snapshot.resources)
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.region, b.region) || cmp(a.id, b.id) || cmp(a.account, b.account));
  return { snapshot: { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, meta, resources, gaps: sortGaps(gaps) }, summary };
}

function usedCount(used: ReadonlyArray<{ shard: ShardRecord }>, count: number): number {
  return used.filter((u) => u.shard.count === count).length;
}

/**
 * One shard's snapshot from the snapshots of the accounts it read (`--org --shard`: each account
 * is collected on its own): their resources, gaps and unit times together, under the shard's
 * record. This is what the shard's JSON report keeps for `awsaudit merge`.
 */
export function joinShardSnapshots(snapshots: readonly Snapshot[], record: ShardRecord): Snapshot {
  const metas = snapshots.map((s) => s.meta);
  const first = metas[0];
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    meta: {
      accounts: [...new Set(metas.flatMap((m) => m.accounts))],
      regions: [...new Set(metas.flatMap((m) => m.regions))],
      collectedAt:
        metas
          .map((m) => m.collectedAt)
          .sort()
          .at(-1) ?? new Date().toISOString(),
      tool: first?.tool ?? { name: 'awsaudit', version: '0.0.0' },
      source: first?.source ?? 'aws',
      resourceTypes: [...new Set(metas.flatMap((m) => m.resourceTypes))].sort(),
      ...(first?.partition ? { partition: first.partition } : {}),
      notes: [...new Set(metas.flatMap((m) => m.notes ?? []))],
      units: metas.flatMap((m) => m.units ?? []),
      shard: record,
    },
    resources: snapshots.flatMap((s) => s.resources),
    gaps: sortGaps(snapshots.flatMap((s) => s.gaps)),
  };
}
