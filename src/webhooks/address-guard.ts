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
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (metadataAddresses.has(parsed.toString())) return 'is a cloud metadata address';
  const range = parsed.range();
  if (range === 'loopback') return allowLoopback ? null : 'is a loopback address';
  return range === 'unicast' ? null : `is a ${range} address`;
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
