import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * The guard against server-side request forgery for webhooks: an endpoint's host must resolve only
 * to public addresses. Checked when an endpoint is registered and again at each delivery, which then
 * connects to the very address it checked (so a DNS answer changed in between cannot swap it).
 */

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32],
] as const) blocked.addSubnet(network, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** An IPv4 address written as IPv6 (::ffff:a.b.c.d, or its hex form), as IPv4; else undefined. */
function mappedIpv4(address: string): string | undefined {
  const dotted = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Why an IP address may not be called, or null: private, loopback, link-local, CGNAT, multicast, unspecified or reserved. */
export function addressProblem(address: string, allowLoopback: boolean): string | null {
  const v4 = isIP(address) === 6 ? mappedIpv4(address) : undefined;
  const ip = v4 ?? address;
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  if (allowLoopback && loopback.check(ip, family)) return null;
  return blocked.check(ip, family) ? `resolves to ${address}, a private, loopback, link-local, shared or reserved address` : null;
}

/**
 * Why a URL's host may not be called under the operator's allow list (`LINTAS_WEBHOOK_HOSTS`), or
 * null: a name on it, or below a `*.name` on it. No list, no objection.
 */
export function hostProblem(url: URL, hosts: readonly string[] | undefined): string | null {
  if (!hosts) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
  const listed = hosts.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry));
  return listed ? null : `names the host ${host}, which is not on this installation's list of webhook hosts (LINTAS_WEBHOOK_HOSTS)`;
}

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a URL's host and checks every address it has; returns the first, to connect to, or the
 * reason it is refused. A literal address is checked as written.
 */
export async function resolveChecked(url: URL, allowLoopback: boolean): Promise<CheckedAddress | { problem: string; unresolved?: true }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      return { problem: `its host does not resolve (${error instanceof Error ? error.message : String(error)})`, unresolved: true };
    }
  }
  for (const one of addresses) {
    const problem = addressProblem(one.address, allowLoopback);
    if (problem) return { problem };
  }
  const first = addresses[0];
  if (!first) return { problem: 'its host does not resolve', unresolved: true };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
