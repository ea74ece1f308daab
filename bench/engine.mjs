#!/usr/bin/env node
// Engine benchmark (issue: evaluation must cost less than parsing the snapshot).
// Generates a 200,000-resource snapshot in the shapes of the real collectors, then measures,
// in this one process: JSON.parse of the snapshot text, and evaluation (enrichers + every
// shipped rule) of the parsed snapshot. Prints the ratio evaluate / parse (target < 1.0).
// Run: npm run build && node bench/engine.mjs [resourceCount] [rounds]
//
// Each round parses and then evaluates, as a scan does. When the script can (it re-runs
// itself with --expose-gc), the heap is collected before each timed phase, so that neither
// phase pays for the garbage the previous round left: without that, the next JSON.parse
// pays for collecting the last round's snapshot and findings, which makes parsing look
// ~25% slower than it is and the ratio look better than it is. Prints the median of each
// phase, their ratio, and the ratio per round (median, best, worst).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

if (typeof globalThis.gc !== 'function' && !process.env.AWSAUDIT_BENCH_CHILD) {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, AWSAUDIT_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}
import { evaluate } from '../dist/engine/evaluate.js';
import { compileRule } from '../dist/ruleset/load.js';
import { loadAllRules } from '../dist/ruleset/select.js';

const TOTAL = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 9);
const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-2', 'us-west-2'];

// A tiny deterministic PRNG so runs are comparable.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = (list) => list[Math.floor(rand() * list.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');

function perm(port, cidr) {
  return {
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    IpRanges: [{ CidrIp: cidr, Description: 'generated' }],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
}

const makers = [
  [
    0.3,
    (i, region) => {
      const id = `sg-${hex(17)}`;
      return {
        type: 'aws.ec2.security-group',
        id,
        arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${id}`,
        account: ACCOUNT,
        region,
        data: {
          GroupId: id,
          GroupName: `group-${i}`,
          Description: 'generated group',
          VpcId: `vpc-${hex(17)}`,
          OwnerId: ACCOUNT,
          IpPermissions: [
            perm(443, '0.0.0.0/0'),
            perm(pick([22, 8080, 5432, 3389]), pick(['10.0.0.0/8', '0.0.0.0/0', '203.0.113.5/32'])),
            perm(80, '0.0.0.0/0'),
          ],
          IpPermissionsEgress: [
            { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
          ],
          Tags: [
            { Key: 'Name', Value: `group-${i}` },
            { Key: 'env', Value: pick(['prod', 'dev']) },
          ],
        },
      };
    },
  ],
  [
    0.2,
    (i, region) => ({
      type: 'aws.s3.bucket',
      id: `bucket-${i}-${hex(6)}`,
      arn: `arn:aws:s3:::bucket-${i}`,
      account: ACCOUNT,
      region,
      data: {
        Name: `bucket-${i}`,
        CreationDate: '2024-01-01T00:00:00Z',
        BucketRegion: region,
        Acl: {
          Owner: { ID: hex(64) },
          Grants: [
            { Grantee: { Type: 'CanonicalUser', ID: hex(64) }, Permission: 'FULL_CONTROL' },
            ...(rand() < 0.05
              ? [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }]
              : []),
          ],
        },
        PublicAccessBlock:
          rand() < 0.5 ? { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } : null,
        Policy:
          rand() < 0.2
            ? JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${i}/*` }],
              })
            : null,
        Encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        Versioning: { Status: 'Enabled' },
        Tags: [],
      },
    }),
  ],
  [
    0.15,
    (i, region) => {
      const id = `eipalloc-${hex(17)}`;
      const attached = rand() < 0.8;
      return {
        type: 'aws.ec2.elastic-ip',
        id,
        account: ACCOUNT,
        region,
        data: {
          AllocationId: id,
          PublicIp: `198.51.${i % 256}.${(i >> 8) % 256}`,
          Domain: 'vpc',
          ...(attached ? { AssociationId: `eipassoc-${hex(17)}`, InstanceId: `i-${hex(17)}`, NetworkInterfaceId: `eni-${hex(17)}` } : {}),
        },
      };
    },
  ],
  [
    0.15,
    (i) => {
      const id = `AKIA${hex(16).toUpperCase()}`;
      return {
        type: 'aws.iam.access-key',
        id,
        account: ACCOUNT,
        region: 'global',
        data: {
          UserName: `user-${i}`,
          AccessKeyId: id,
          Status: pick(['Active', 'Inactive']),
          CreateDate: pick(['2020-05-01T00:00:00Z', '2026-10-01T00:00:00Z']),
          LastUsedDate: '2026-11-01T00:00:00Z',
        },
      };
    },
  ],
  [
    0.1,
    (i, region) => ({
      type: 'aws.rds.db-instance',
      id: `db-${i}`,
      account: ACCOUNT,
      region,
      data: {
        DBInstanceIdentifier: `db-${i}`,
        Engine: pick(['mysql', 'postgres', 'aurora-mysql']),
        DBInstanceClass: 'db.t3.micro',
        AvailabilityZone: `${region}a`,
        MultiAZ: rand() < 0.5,
        TagList: [],
      },
    }),
  ],
  [
    0.1,
    (i) => ({
      type: 'aws.iam.user',
      id: `user-${i}`,
      account: ACCOUNT,
      region: 'global',
      data: {
        UserName: `user-${i}`,
        Arn: `arn:aws:iam::${ACCOUNT}:user/user-${i}`,
        CreateDate: '2024-01-01T00:00:00Z',
        GroupList: [],
        UserPolicyList: [],
        AttachedManagedPolicies:
          rand() < 0.1
            ? [{ PolicyName: 'AmazonEC2FullAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEC2FullAccess' }]
            : [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        Tags: [],
      },
    }),
  ],
];

const resources = [];
for (const [share, make] of makers) {
  const n = Math.round(TOTAL * share);
  for (let i = 0; i < n; i++) resources.push(make(i, REGIONS[i % REGIONS.length]));
}
// The account-level S3 Block Public Access settings (none set): the public-bucket rules need
// them collected to give a verdict.
resources.push({ type: 'aws.s3.account-public-access-block', id: ACCOUNT, account: ACCOUNT, region: 'global', data: {} });
const snapshot = {
  format: 'awsaudit-snapshot',
  version: 1,
  meta: {
    accounts: [ACCOUNT],
    regions: REGIONS,
    collectedAt: '2026-11-21T00:00:00Z',
    tool: { name: 'awsaudit', version: 'bench' },
    source: 'bench',
    resourceTypes: [...new Set(resources.map((r) => r.type))],
  },
  resources,
  gaps: [],
};
const text = JSON.stringify(snapshot);

const files = await loadAllRules([]);
const rules = files.map((f) => compileRule(f, undefined, 'bench').rule);
const now = new Date('2026-11-21T00:00:00Z');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parseTimes = [];
const evalTimes = [];
let findings = 0;
for (let round = 0; round < ROUNDS; round++) {
  globalThis.gc?.();
  let t = performance.now();
  const parsed = JSON.parse(text);
  parseTimes.push(performance.now() - t);
  globalThis.gc?.();
  t = performance.now();
  findings = evaluate(parsed, rules, { now }).findings.length;
  evalTimes.push(performance.now() - t);
}
const parseMs = median(parseTimes);
const evalMs = median(evalTimes);
console.log(
  `resources: ${resources.length}, snapshot: ${(text.length / 1e6).toFixed(1)} MB, rules: ${rules.length}, findings: ${findings}`,
);
console.log(`JSON.parse: ${parseMs.toFixed(0)} ms (median of ${ROUNDS}; rounds: ${parseTimes.map((x) => x.toFixed(0)).join(' ')})`);
console.log(
  `evaluate:   ${evalMs.toFixed(0)} ms (median of ${ROUNDS}; enrichers + all rules; rounds: ${evalTimes.map((x) => x.toFixed(0)).join(' ')})`,
);
const perRound = evalTimes.map((e, i) => e / parseTimes[i]).sort((a, b) => a - b);
console.log(
  `per round evaluate/parse: median ${median(perRound).toFixed(2)}, best ${perRound[0].toFixed(2)}, worst ${perRound.at(-1).toFixed(2)}; heap collected before each phase: ${typeof globalThis.gc === 'function' ? 'yes' : 'no'}`,
);
console.log(`ratio evaluate/parse: ${(evalMs / parseMs).toFixed(2)} (target < 1.00) ${evalMs < parseMs ? 'OK' : 'MISSED'}`);
