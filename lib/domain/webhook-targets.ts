/**
 * Where a webhook may point (SSRF): an https:// URL whose host resolves only to public addresses.
 * Refused: private (RFC 1918), loopback, link-local (incl. the 169.254.169.254 metadata service),
 * CGNAT (100.64/10), "this network", benchmarking, multicast and reserved IPv4; loopback,
 * unspecified, ULA (fc00::/7, incl. the fd00:ec2::254 metadata service), link-local, multicast,
 * documentation and discard IPv6, and IPv4 hidden in IPv6 (mapped, NAT64, 6to4) by the IPv4 rule.
 * Both A and AAAA answers are checked: one private answer refuses the host. In local mode
 * (`allowLoopback`) loopback hosts are allowed, over http:// too: that is how local receivers and
 * the tests run. Checked at registration and again at every delivery (the deliverer also checks
 * the address it actually connects to, so a host that changes its answer gains nothing).
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Resolves a host name to all its addresses (A and AAAA); an empty list if it has none. */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface TargetSettings {
  /** Local mode: loopback receivers (and http:// for them) are allowed. */
  allowLoopback: boolean;
}

const v4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  v4.addSubnet(net, prefix, 'ipv4');
}

const v6 = new BlockList();
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  v6.addSubnet(net, prefix, 'ipv6');
}

const LOOPBACK_V4 = new BlockList();
LOOPBACK_V4.addSubnet('127.0.0.0', 8, 'ipv4');

/** Expands an IPv6 address to its 8 groups (numbers). */
function groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16));
}

function v4From(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(address: string): string | undefined {
  const g = groups(address);
  if (g.length !== 8) return undefined;
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = g;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0))
    return g6 === 0 && g7 <= 1 ? undefined : v4From(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b) return v4From(g6, g7);
  if (g0 === 0x2002) return v4From(g1 ?? 0, g2 ?? 0);
  return undefined;
}

/** True if the address is loopback (127/8, ::1, or IPv4 loopback inside IPv6). */
export function isLoopback(address: string): boolean {
  if (isIPv4(address)) return LOOPBACK_V4.check(address, 'ipv4');
  if (!isIPv6(address)) return false;
  if (groups(address).join(':') === '0:0:0:0:0:0:0:1') return true;
  const inner = embeddedV4(address);
  return inner !== undefined && LOOPBACK_V4.check(inner, 'ipv4');
}

/** Why a webhook may not reach this address, or undefined if it is public. */
export function forbiddenAddress(address: string): string | undefined {
  if (isIPv4(address)) {
    return v4.check(address, 'ipv4') ? `${address} is not a public address` : undefined;
  }
  if (isIPv6(address)) {
    const inner = embeddedV4(address);
    if (inner !== undefined)
      return forbiddenAddress(inner) ? `${address} is not a public address` : undefined;
    return v6.check(address, 'ipv6') ? `${address} is not a public address` : undefined;
  }
  return `${address} is not an IP address`;
}

/** A refused address unless it is loopback and local mode allows loopback. */
export function refusedAddress(address: string, settings: TargetSettings): string | undefined {
  if (settings.allowLoopback && isLoopback(address)) return undefined;
  return forbiddenAddress(address);
}

/** Why a URL may not be a webhook target; `transient` when its host did not resolve (try later). */
export interface RefusedTarget {
  message: string;
  transient: boolean;
}

/** Why this URL may not be a webhook target, or undefined if it may. */
export async function refusedTarget(
  url: string,
  resolve: Resolver,
  settings: TargetSettings,
): Promise<RefusedTarget | undefined> {
  const refuse = (message: string, transient = false) => ({ message, transient });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('is not a URL');
  }
  if (parsed.username || parsed.password) return refuse('must not carry credentials');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const literal = isIPv4(host) || isIPv6(host);
  let addresses: string[];
  if (literal) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return refuse(`host ${host} does not resolve (${(error as Error).message})`, true);
    }
  }
  if (addresses.length === 0) return refuse(`host ${host} does not resolve`, true);
  const loopbackOnly = settings.allowLoopback && addresses.every(isLoopback);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopbackOnly)) {
    return refuse(
      settings.allowLoopback
        ? 'must be https:// (http:// only for a loopback receiver in local mode)'
        : 'must be an https:// URL',
    );
  }
  for (const address of addresses) {
    const why = refusedAddress(address, settings);
    if (why)
      return refuse(`must point at a public host: ${host === address ? why : `${host} resolves to ${why}`}`);
  }
  return undefined;
}
