// One `scan --org` of bench/org.mjs, in a process of its own so that its peak RSS is the scan's
// alone: the organisation's accounts collected with every resource type awsaudit knows and
// evaluated with every built-in rule (src/org/scan.ts, as `awsaudit scan --org` runs it).
// Prints one line of JSON: wall time, peak RSS, accounts, findings, and the fewest calls that
// could return what each account held (support/minimum-calls.mjs, summed per operation).
//
//   node bench/support/org-scan.mjs ENDPOINT MAX_ACCOUNTS_IN_FLIGHT REGION[,REGION…]
import { performance } from 'node:perf_hooks';
import { collectableTypes } from '../../dist/collect/plan.js';
import { scanOrganization } from '../../dist/org/scan.js';
import { selectRules } from '../../dist/ruleset/select.js';
import { minimumCalls } from './minimum-calls.mjs';

const [endpoint, inFlight, regions] = process.argv.slice(2);
const rules = await selectRules({ ruleDirs: [], only: [], skip: [] }, { file: '', ruleDirs: [], rules: {}, suppressions: [] });
const minimum = {};
let resources = 0;
const t = performance.now();
const { evaluation } = await scanOrganization({
  org: {
    roleArnTemplate: 'arn:{partition}:iam::{accountId}:role/OrganizationAccountAccessRole',
    accounts: [],
    excludeAccounts: [],
    maxAccountsInFlight: Number(inFlight),
    sessionSeconds: 3600,
    progress: false,
  },
  collect: { regions: regions.split(','), endpoint, maxConcurrency: 8, maxAttempts: 5, retryMode: 'standard', progress: false },
  types: new Set(collectableTypes()),
  rules,
  now: new Date(),
  onSnapshot: (snapshot) => {
    resources += snapshot.resources.length;
    for (const [op, n] of Object.entries(minimumCalls(snapshot))) minimum[op] = (minimum[op] ?? 0) + n;
  },
});
const wallMs = performance.now() - t;
const cpu = process.cpuUsage();
const accounts = evaluation.organization.accounts;
process.stdout.write(
  JSON.stringify({
    wallMs,
    maxRssKb: process.resourceUsage().maxRSS,
    // CPU time of the whole process (start-up included): what bounds one machine's throughput (docs/scale.md).
    cpuMs: (cpu.user + cpu.system) / 1000,
    accounts: accounts.length,
    failed: accounts.filter((a) => a.status === 'failed').map((a) => `${a.account}: ${a.error?.message}`),
    gaps: evaluation.gaps.length,
    resources,
    findings: evaluation.findings.length,
    // Each account's own collection time: what one shard of the organisation would take.
    accountMs: accounts.map((a) => a.timing.durationMs),
    accountRequests: accounts.map((a) => a.timing.requests),
    minimum,
  }) + '\n',
);
