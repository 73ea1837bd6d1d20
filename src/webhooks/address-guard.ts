// The SSRF guard: a webhook may only reach public unicast addresses (and loopback, when a
// setting allows it for tests). Checked when an endpoint is created and again, against the
// address actually connected to, at every delivery.
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

// Cloud metadata services that sit on otherwise ordinary-looking addresses.
const metadataAddresses = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

/** Why the address may not be reached, or null when it may. */
export function refusedAddress(address: string, allowLoopback: boolean): string | null {
  if (!ipaddr.isValid(address)) return 'is not an IP address';
  const parsed = ipaddr.parse(address);
  if (metadataAddresses.has(parsed.toString())) return 'is a cloud metadata address';
  return parsed.kind() === 'ipv4'
    ? refusedIPv4(parsed as ipaddr.IPv4, allowLoopback)
    : refusedIPv6(parsed as ipaddr.IPv6, allowLoopback);
}

function refusedIPv4(ip: ipaddr.IPv4, allowLoopback: boolean): string | null {
  const range = ip.range();
  if (range === 'loopback') return allowLoopback ? null : 'is a loopback address';
  return range === 'unicast' ? null : `is a ${range} address`;
}

// IPv6 is allowed, not denied: only global unicast (2000::/3) passes, minus the special
// ranges inside it. ipaddr.js calls anything it has no name for "unicast", which is how
// IPv4-compatible forms such as ::127.0.0.1 and ::169.254.169.254 got through.
const globalUnicast = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
const specialIPv6: Array<[string, string]> = [
  ['2001::/23', 'IETF protocol assignment (Teredo, benchmarking, ORCHID)'],
  ['2001:db8::/32', 'documentation'],
  ['2002::/16', '6to4 (embedded IPv4)'],
  ['2620:4f:8000::/48', 'AS112'],
  ['3fff::/20', 'documentation'],
];
const specialRanges = specialIPv6.map(
  ([cidr, name]) => [ipaddr.parseCIDR(cidr) as [ipaddr.IPv6, number], name] as const,
);

function refusedIPv6(ip: ipaddr.IPv6, allowLoopback: boolean): string | null {
  if (ip.isIPv4MappedAddress()) return 'is an IPv4-mapped IPv6 address';
  const range = ip.range();
  if (range === 'loopback') return allowLoopback ? null : 'is a loopback address';
  if (ip.parts.slice(0, 6).every((part) => part === 0)) return 'is an IPv4-compatible IPv6 address';
  if (!ip.match(globalUnicast)) return `is not a global unicast address (${range})`;
  const special = specialRanges.find(([cidr]) => ip.match(cidr));
  return special ? `is a ${special[1]} address` : null;
}

export interface UrlRules {
  requireHttps: boolean;
  allowLoopback: boolean;
}

/** Why the URL may not be a webhook target, or null; resolves its host to check every address. */
export async function refusedUrl(raw: string, rules: UrlRules): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url is not a valid URL';
  }
  if (url.protocol !== 'https:' && (rules.requireHttps || url.protocol !== 'http:')) {
    return rules.requireHttps ? 'url must use https' : 'url must use http or https';
  }
  if (url.username || url.password) return 'url must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return 'url host does not resolve';
  }
  for (const address of addresses) {
    const reason = refusedAddress(address, rules.allowLoopback);
    if (reason) return `url resolves to ${address}, which ${reason}`;
  }
  return null;
}
