/**
 * AWS's published address ranges (ip-ranges.json, https://ip-ranges.amazonaws.com/ip-ranges.json),
 * read from a file the user gives (`--aws-ip-ranges FILE`, config `awsIpRanges`): awsaudit makes no
 * request but to AWS APIs, and no npm package ships the file. Without it, whether an address is
 * AWS's is unknown, and the rules that need to know say so (undecided events), never guess.
 */
import { readFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';
import { UserError, errorMessage } from '../util/errors.js';
import { displayPath } from '../util/paths.js';

/** The ranges as plain data (they cross to the workers): IPv4 as merged [first, last] integers, IPv6 as CIDRs. */
export interface AwsIpRanges {
  /** The file's createDate, to say how old the list is. */
  createDate: string;
  v4: Array<[number, number]>;
  v6: string[];
}

function v4Int(address: ipaddr.IPv4): number {
  const [a, b, c, d] = address.octets as [number, number, number, number];
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/** Parse ip-ranges.json text; throws a UserError naming the file when it is not that file. */
export function parseAwsIpRanges(text: string, label: string): AwsIpRanges {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${label}: not JSON (${errorMessage(error)}); expected AWS's ip-ranges.json`);
  }
  const doc = value as { createDate?: unknown; prefixes?: unknown; ipv6_prefixes?: unknown };
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.prefixes) || !Array.isArray(doc.ipv6_prefixes))
    throw new UserError(`${label}: expected AWS's ip-ranges.json ("prefixes" and "ipv6_prefixes" lists)`);
  const spans: Array<[number, number]> = [];
  for (const p of doc.prefixes as Array<{ ip_prefix?: unknown }>) {
    if (typeof p?.ip_prefix !== 'string') continue;
    let cidr: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      cidr = ipaddr.parseCIDR(p.ip_prefix);
    } catch {
      throw new UserError(`${label}: "${p.ip_prefix}" is not a CIDR`);
    }
    if (cidr[0].kind() !== 'ipv4') continue;
    const first = v4Int(cidr[0] as ipaddr.IPv4) & (cidr[1] === 0 ? 0 : (0xffffffff << (32 - cidr[1])) >>> 0);
    spans.push([first >>> 0, (first >>> 0) + 2 ** (32 - cidr[1]) - 1]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const v4: Array<[number, number]> = [];
  for (const s of spans) {
    const last = v4[v4.length - 1];
    if (last && s[0] <= last[1] + 1) last[1] = Math.max(last[1], s[1]);
    else v4.push([s[0], s[1]]);
  }
  const v6 = (doc.ipv6_prefixes as Array<{ ipv6_prefix?: unknown }>)
    .map((p) => p?.ipv6_prefix)
    .filter((p): p is string => typeof p === 'string');
  for (const p of v6) if (!ipaddr.isValidCIDR(p)) throw new UserError(`${label}: "${p}" is not a CIDR`);
  return { createDate: typeof doc.createDate === 'string' ? doc.createDate : 'unknown', v4, v6 };
}

export async function loadAwsIpRanges(file: string): Promise<AwsIpRanges> {
  const label = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `cannot read AWS IP ranges ${label}: ${errorMessage(error)}`,
      'download https://ip-ranges.amazonaws.com/ip-ranges.json and give its path',
    );
  }
  return parseAwsIpRanges(text, label);
}

/** Lookups over the ranges: binary search for IPv4, a scan of the (few hundred) IPv6 prefixes. */
export class AwsIpIndex {
  private readonly v6: Array<[ipaddr.IPv6, number]>;

  constructor(private readonly ranges: AwsIpRanges) {
    this.v6 = ranges.v6.map((c) => ipaddr.parseCIDR(c) as [ipaddr.IPv6, number]);
  }

  /** Is the address in AWS's published ranges? */
  contains(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    if (address.kind() === 'ipv4') {
      const n = v4Int(address as ipaddr.IPv4);
      const spans = this.ranges.v4;
      let lo = 0;
      let hi = spans.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const [first, last] = spans[mid]!;
        if (n < first) hi = mid - 1;
        else if (n > last) lo = mid + 1;
        else return true;
      }
      return false;
    }
    return this.v6.some(([net, bits]) => (address as ipaddr.IPv6).match(net, bits));
  }
}
