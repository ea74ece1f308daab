/**
 * Allow-lists (config file `allow`, globally and per rule): events from known automation roles, CI
 * users, office address ranges or tools that an event rule must leave out. Applied where a rule
 * has matched an event, before a finding is made and before a correlation counts the event; every
 * event left out is counted per rule and shown in the reports, so nothing goes quiet unseen.
 */
import ipaddr from 'ipaddr.js';
import type { AllowEntry } from '../ruleset/types.js';
import { escapeRegExp } from './rule-prefilters.js';

type Test = (record: AllowedRecord) => boolean;
/** Does an allow-list entry allow this CloudTrail record? */
export type AllowTest = (record: object) => boolean;

/** The fields of a CloudTrail record an allow-list reads. */
interface AllowedRecord {
  userIdentity?: unknown;
  sourceIPAddress?: unknown;
  userAgent?: unknown;
}

/** `*` matches any run of characters (`/` included); everything else literally, whole value. */
export function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

interface Identity {
  type?: unknown;
  arn?: unknown;
  userName?: unknown;
  sessionContext?: { sessionIssuer?: { type?: unknown; arn?: unknown; userName?: unknown } };
}

/** The role of a role session: its issuer's name, else the name in an assumed-role ARN. */
function roleName(u: Identity): string | undefined {
  const issuer = u.sessionContext?.sessionIssuer;
  if (issuer && issuer.type === 'Role') {
    const name = str(issuer.userName);
    if (name) return name;
  }
  const arn = str(u.arn);
  const m = arn ? /:assumed-role\/([^/]+)\//.exec(arn) : null;
  return m?.[1];
}

/** A problem in an allow-list entry, for the config error (a CIDR that does not parse). */
export function allowEntryProblem(entry: AllowEntry): string | undefined {
  const criteria = [entry.principalArns, entry.userNames, entry.roleNames, entry.sourceIps, entry.userAgents];
  if (!criteria.some((c) => c?.length))
    return 'an entry needs at least one of principalArns, userNames, roleNames, sourceIps, userAgents (an empty one would allow everything)';
  for (const cidr of entry.sourceIps ?? []) {
    if (!ipaddr.isValid(cidr) && !ipaddr.isValidCIDR(cidr))
      return `sourceIps: "${cidr}" is not an IP address or CIDR (e.g. 203.0.113.0/24, 2001:db8::/32)`;
  }
  return undefined;
}

function compileEntry(entry: AllowEntry): Test {
  const tests: Test[] = [];
  const any = (patterns: string[] | undefined, read: (r: AllowedRecord) => Array<string | undefined>) => {
    if (!patterns?.length) return;
    const res = patterns.map(wildcard);
    tests.push((r) => read(r).some((v) => v !== undefined && res.some((re) => re.test(v))));
  };
  const identity = (r: AllowedRecord): Identity => (r.userIdentity && typeof r.userIdentity === 'object' ? r.userIdentity : {});
  any(entry.principalArns, (r) => {
    const u = identity(r);
    return [str(u.arn), str(u.sessionContext?.sessionIssuer?.arn)];
  });
  any(entry.userNames, (r) => {
    const u = identity(r);
    return [u.type === 'IAMUser' ? str(u.userName) : undefined];
  });
  any(entry.roleNames, (r) => [roleName(identity(r))]);
  any(entry.userAgents, (r) => [str(r.userAgent)]);
  if (entry.sourceIps?.length) {
    const ranges = entry.sourceIps.map((c) =>
      c.includes('/')
        ? ipaddr.parseCIDR(c)
        : ([ipaddr.parse(c), ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number]),
    );
    tests.push((r) => {
      const ip = str(r.sourceIPAddress);
      if (!ip || !ipaddr.isValid(ip)) return false;
      let address = ipaddr.parse(ip);
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
      return ranges.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
    });
  }
  // An entry with no criteria would allow everything: the config schema refuses it, and so does this.
  if (tests.length === 0) return () => false;
  return (r) => tests.every((t) => t(r));
}

/** The record fields an allow-list reads (kept in step with compileEntry). */
export function allowFieldsRead(entries: readonly AllowEntry[] | undefined): string[] {
  const fields = new Set<string>();
  for (const e of entries ?? []) {
    if (e.principalArns?.length || e.userNames?.length || e.roleNames?.length) fields.add('userIdentity');
    if (e.userAgents?.length) fields.add('userAgent');
    if (e.sourceIps?.length) fields.add('sourceIPAddress');
  }
  return [...fields];
}

/** Compile allow-list entries into one test: does an entry allow this record? */
export function compileAllowList(entries: readonly AllowEntry[] | undefined): AllowTest | undefined {
  if (!entries?.length) return undefined;
  const tests = entries.map(compileEntry);
  return (r) => tests.some((t) => t(r));
}
