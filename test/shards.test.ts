// Units, shard selection and the merge of shard snapshots, without AWS (src/org/shards.ts, src/org/merge.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineUnitTimes } from '../src/cli/shard-options.js';
import { joinShardSnapshots, mergeShards, OTHER_SHARD, SHARD_MISSING, withOtherShardGaps, type TypeScope } from '../src/org/merge.js';
import { assignShards, parseShard, scanUnits, selectShard, shardOfAccounts, unitKey, type ScanUnit } from '../src/org/shards.js';
import type { Resource, Snapshot } from '../src/snapshot/types.js';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2'];
const ACCOUNTS = Array.from({ length: 40 }, (_, i) => String(100000000000 + i * 7919));
const units = scanUnits(ACCOUNTS.map((account) => ({ account, regions: REGIONS })));
const keys = (list: readonly ScanUnit[]) => list.map(unitKey).sort();

describe('parseShard', () => {
  it('reads INDEX/COUNT, 1-based', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(parseShard(' 3 / 3 ')).toEqual({ index: 3, count: 3 });
  });
  it.each([
    ['4/3', /index must be from 1 to 3/],
    ['0/3', /index must be from 1 to 3/],
    ['1/0', /count must be from 1 to 1000/],
    ['2', /expected INDEX\/COUNT/],
    ['a/b', /expected INDEX\/COUNT/],
    ['-1/3', /expected INDEX\/COUNT/],
  ])('refuses %s with a message that says why', (value, message) => {
    expect(() => parseShard(value)).toThrow(message);
  });
  it('the hint tells a Kubernetes Indexed Job (0-based index) how to convert', () => {
    try {
      parseShard('0/4');
    } catch (error) {
      expect((error as { hint?: string }).hint).toContain('$((JOB_COMPLETION_INDEX + 1))');
    }
  });
});

describe('scan units and shards', () => {
  it('an account has a global unit and one per region', () => {
    expect(keys(scanUnits([{ account: '123456789012', regions: ['eu-west-1', 'us-east-1'] }]))).toEqual([
      '123456789012/eu-west-1',
      '123456789012/global',
      '123456789012/us-east-1',
    ]);
    expect(units).toHaveLength(ACCOUNTS.length * (REGIONS.length + 1));
  });

  it.each([1, 2, 3, 4, 7, 50])('%i shards cover every unit exactly once, and differ in size by at most one unit of each kind', (n) => {
    const shards = assignShards(units, n);
    expect(shards).toHaveLength(n);
    expect(keys(shards.flat())).toEqual(keys(units));
    const globals = shards.map((s) => s.filter((u) => u.region === 'global').length);
    const regional = shards.map((s) => s.filter((u) => u.region !== 'global').length);
    expect(Math.max(...globals) - Math.min(...globals)).toBeLessThanOrEqual(1);
    expect(Math.max(...regional) - Math.min(...regional)).toBeLessThanOrEqual(1);
  });

  it('is stable: the same units in another order give the same split; every job computes the same', () => {
    const a = assignShards(units, 5);
    const b = assignShards([...units].reverse(), 5);
    expect(a.map(keys)).toEqual(b.map(keys));
    for (let i = 1; i <= 5; i++) expect(keys(selectShard(units, { index: i, count: 5 }).units)).toEqual(keys(a[i - 1]!));
  });

  it('with per-unit times, balances the shards by time and still covers every unit once', () => {
    // One slow account (a big IAM and many instances): ten times the others.
    const times = new Map(units.map((u) => [unitKey(u), u.account === ACCOUNTS[0] ? 10_000 : u.region === 'global' ? 2_000 : 1_000]));
    const load = (shard: readonly ScanUnit[]) => shard.reduce((sum, u) => sum + times.get(unitKey(u))!, 0);
    const n = 4;
    const balanced = assignShards(units, n, times);
    expect(keys(balanced.flat())).toEqual(keys(units));
    const loads = balanced.map(load);
    const byHash = assignShards(units, n).map(load);
    // Greedy placement: no shard exceeds the mean by more than its largest unit.
    const mean = loads.reduce((a, b) => a + b, 0) / n;
    expect(Math.max(...loads) - mean).toBeLessThanOrEqual(10_000);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(Math.max(...byHash) - Math.min(...byHash));
    expect(selectShard(units, { index: 2, count: n }, times).record.assignment).toBe('time');
    // A unit the baseline lacks (a new account) counts as the mean of its kind and is still placed once.
    const grown = [...units, ...scanUnits([{ account: '999999999999', regions: REGIONS }])];
    expect(keys(assignShards(grown, n, times).flat())).toEqual(keys(grown));
  });

  it('more shards than units leaves some empty, still covering every unit once', () => {
    const few = scanUnits([{ account: '123456789012', regions: ['us-east-1'] }]);
    const shards = assignShards(few, 5);
    expect(keys(shards.flat())).toEqual(keys(few));
    expect(shards.filter((s) => s.length === 0)).toHaveLength(3);
  });
});

// ---------------------------------------------------------------------------------------
// Merging shard snapshots

const scope: TypeScope = (type) => (type === 'aws.iam.user' ? 'account' : type === 'aws.ec2.volume' ? 'regional' : undefined);
const ACCOUNT = '123456789012';
const SCAN_REGIONS = ['us-east-1', 'eu-west-1'];
const universeUnits = scanUnits([{ account: ACCOUNT, regions: SCAN_REGIONS }]);

function resourcesOf(unit: ScanUnit): Resource[] {
  return unit.region === 'global'
    ? [{ type: 'aws.iam.user', id: 'alice', account: unit.account, region: 'global', data: {} }]
    : [{ type: 'aws.ec2.volume', id: `vol-${unit.region}`, account: unit.account, region: unit.region, data: {} }];
}

function shardSnapshot(index: number, count: number): Snapshot {
  const { units: mine, record } = selectShard(universeUnits, { index, count });
  return {
    format: 'awsaudit-snapshot',
    version: 1,
    meta: {
      accounts: [ACCOUNT],
      regions: SCAN_REGIONS,
      collectedAt: `2026-01-0${index}T00:00:00.000Z`,
      tool: { name: 'awsaudit', version: '0.1.0' },
      source: 'aws',
      resourceTypes: ['aws.account', 'aws.ec2.volume', 'aws.iam.user'],
      units: mine.map((u) => ({ ...u, ms: 10 })),
      shard: record,
    },
    resources: mine.flatMap(resourcesOf),
    gaps: [],
  };
}

describe('mergeShards', () => {
  const three = [1, 2, 3].map((i) => ({ label: `shard-${i}.json`, snapshot: shardSnapshot(i, 3) }));

  it('all shards: every resource once, no gap, the units of the whole scan', () => {
    const { snapshot, summary } = mergeShards(three, scope);
    expect(snapshot.resources.map((r) => r.id).sort()).toEqual(['alice', 'vol-eu-west-1', 'vol-us-east-1']);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.meta.shard).toBeUndefined();
    expect(snapshot.meta.units).toHaveLength(3);
    expect(snapshot.meta.collectedAt).toBe('2026-01-03T00:00:00.000Z');
    expect(summary).toMatchObject({ missingShards: [], missingUnits: [], leftOut: [], counts: [3], universe: 3 });
  });

  it('a missing shard: its units are gaps over the types they hold, and the notes say which shard', () => {
    const { snapshot, summary } = mergeShards([three[0]!, three[2]!], scope);
    expect(summary.missingShards).toEqual(['2/3']);
    const missing = three[1]!.snapshot.meta.shard!.units;
    expect(summary.missingUnits).toEqual(missing);
    const gaps = snapshot.gaps.filter((g) => g.errorCode === SHARD_MISSING);
    expect(gaps.map((g) => g.region).sort()).toEqual(missing.map((k) => k.split('/')[1]).sort());
    for (const g of gaps) expect(g.resourceTypes).toEqual(g.region === 'global' ? ['aws.iam.user'] : ['aws.ec2.volume']);
    expect(snapshot.meta.notes!.join('\n')).toMatch(/no report of shard 2\/3 was merged/);
  });

  it('a duplicated shard is used once; shards of another count that overlap are left out, and said so', () => {
    const two = [1, 2].map((i) => ({ label: `two-${i}.json`, snapshot: shardSnapshot(i, 2) }));
    const dup = mergeShards([...three, { label: 'again.json', snapshot: shardSnapshot(2, 3) }], scope);
    expect(dup.snapshot.resources).toHaveLength(3);
    expect(dup.summary.leftOut.map((l) => l.label)).toEqual(['again.json']);
    expect(dup.snapshot.meta.notes!.join('\n')).toMatch(/given twice/);
    const mixed = mergeShards([...two, ...three], scope);
    expect(mixed.summary.counts).toEqual([2, 3]);
    expect(mixed.snapshot.resources).toHaveLength(3);
    expect(new Set(mixed.snapshot.resources.map((r) => r.id)).size).toBe(3);
    expect(mixed.snapshot.meta.notes!.join('\n')).toMatch(/different splits/);
    // 1/3 of three and 2/2 of two: the split of two is taken first; 1/3 is left out if it overlaps it. Unread units are gaps, not silence.
    const partial = mergeShards([three[0]!, two[1]!], scope);
    const first = two[1]!.snapshot.meta.shard!.units;
    const second = three[0]!.snapshot.meta.shard!.units;
    const covered = second.some((k) => first.includes(k)) ? first : [...first, ...second];
    expect(partial.summary.missingUnits).toEqual(
      universeUnits
        .map(unitKey)
        .filter((k) => !covered.includes(k))
        .sort(),
    );
    expect(partial.snapshot.gaps.filter((g) => g.errorCode === SHARD_MISSING).length).toBeGreaterThan(0);
  });

  it("a shard's own evaluation sees the other shards' units as gaps", () => {
    const own = withOtherShardGaps(three[0]!.snapshot, scope);
    const others = universeUnits.map(unitKey).filter((k) => !three[0]!.snapshot.meta.shard!.units.includes(k));
    expect(own.gaps.filter((g) => g.errorCode === OTHER_SHARD)).toHaveLength(others.length);
    // The snapshot merge receives never holds them.
    expect(three[0]!.snapshot.gaps).toEqual([]);
    // An account's snapshot (--org evaluates each account alone) gets gaps for its own units only.
    const other = { ...three[0]!.snapshot, meta: { ...three[0]!.snapshot.meta, accounts: ['999999999999'] } };
    expect(withOtherShardGaps(other, scope).gaps).toEqual([]);
  });

  it('--org: a shard of many accounts enters only the accounts it has units of; their snapshots join into one shard snapshot that merges like any other', () => {
    const accounts = ['111111111111', '222222222222', '333333333333'].map((account) => ({ account, regions: SCAN_REGIONS }));
    const all = scanUnits(accounts);
    const parts = [1, 2].map((index) => shardOfAccounts(accounts, { index, count: 2 }));
    expect(keys(parts.flatMap((p) => p.accounts.flatMap((a) => p.unitsOf(a).units)))).toEqual(keys(all));
    const snapshots = parts
      .map((p) =>
        joinShardSnapshots(
          p.accounts.map((account) => {
            const mine = p.unitsOf(account).units;
            const base = shardSnapshot(1, 1);
            return {
              ...base,
              meta: { ...base.meta, accounts: [account], units: mine.map((u) => ({ ...u, ms: 1 })), shard: p.record },
              resources: mine.flatMap(resourcesOf),
            };
          }),
          p.record,
        ),
      )
      .map((snapshot, i) => ({ label: `org-${i + 1}.json`, snapshot }));
    const { snapshot, summary } = mergeShards(snapshots, scope);
    expect(summary).toMatchObject({ missingUnits: [], leftOut: [], universe: all.length });
    expect(snapshot.resources).toHaveLength(all.length);
    expect(snapshot.meta.accounts.sort()).toEqual(accounts.map((a) => a.account));
  });
});

describe('--baseline times for balancing', () => {
  const file = (report: unknown) => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'awsaudit-times-')), 'awsaudit.json');
    writeFileSync(f, JSON.stringify(report));
    return f;
  };
  it("reads a report's per-unit times, or spreads a many-account report's per-account times over each account's units", async () => {
    const units = await baselineUnitTimes(
      file({
        scan: {
          units: [
            { account: '1', region: 'global', ms: 30 },
            { account: '1', region: 'eu-west-1', ms: 70 },
          ],
        },
      }),
    );
    expect(Object.fromEntries(units!)).toEqual({ '1/global': 30, '1/eu-west-1': 70 });
    const accounts = await baselineUnitTimes(
      file({ scan: {}, accounts: [{ account: '2', regions: ['us-east-1', 'eu-west-1'], timing: { durationMs: 900 } }] }),
    );
    expect(Object.fromEntries(accounts!)).toEqual({ '2/global': 300, '2/us-east-1': 300, '2/eu-west-1': 300 });
    // A report with neither (the demo, an older report): no times, the shards split by hash.
    expect(await baselineUnitTimes(file({ scan: {}, findings: [] }))).toBeUndefined();
    await expect(baselineUnitTimes('/nonexistent/awsaudit.json')).rejects.toThrow(/cannot read baseline/);
  });
});
