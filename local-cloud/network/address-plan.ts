/**
 * The address plan of one local cloud with machines (pure): the public ranges
 * its servers get, where the control node (this host) sits, and which
 * addresses the "outside world" namespace answers for.
 *
 * Every running local cloud on the host takes a slot i (0..63) and with it
 * 100.(64+i).0.0/16 (inside 100.64.0.0/10, shared address space that is never
 * routed on the internet) and 2001:db8:(1000+i)::/48 (documentation prefix),
 * so two clouds can run side by side without their host routes colliding.
 * Nothing here is 192.0.2.0/24, this machine's own network.
 */
import { cidrRange, formatAddress, parseCidr } from '../../lib/cidr';

export const MAX_SLOTS = 64;

export interface AddressPlan {
  readonly slot: number;
  /** Public IPv4 addresses of servers: 100.(64+slot).0.0/16. */
  readonly publicIpv4Range: string;
  /** The servers' IPv4 default gateway (the outside world's side of every public link). */
  readonly gatewayIpv4: string;
  /** Public IPv6 /64s of servers come from this /48. */
  readonly publicIpv6Range: string;
  /** The servers' IPv6 gateway, link-local as on Hetzner. */
  readonly gatewayIpv6: string;
  /** The control node's IPv4 address on its link to the outside world (source of SSH, tofu, Ansible). */
  readonly controlIpv4: string;
  readonly controlIpv6: string;
  /**
   * Ranges the outside world answers for (any address in them is "local" there):
   * every routable address except the cloud's own, private ranges, this
   * machine's network and the control node's.
   */
  readonly worldIpv4: readonly string[];
  readonly worldIpv6: readonly string[];
}

/** Never answered by the outside world: private, shared, loopback, link-local, multicast, reserved, this machine's network. */
export const NOT_WORLD_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '224.0.0.0/3',
];

export interface AddressPlanInput {
  /** 0..63, unique per running local cloud on this host. */
  readonly slot: number;
  /** The control node's IPv4 address; usually inside the platform's `management` source. */
  readonly controlIpv4: string;
}

export function addressPlan(input: AddressPlanInput): AddressPlan {
  const { slot } = input;
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS) throw new Error(`slot ${slot} is out of range; allowed: 0..${MAX_SLOTS - 1}`);
  const control = parseCidr(input.controlIpv4);
  if (!control.ok || control.value.version !== 4 || control.value.prefix !== 32) throw new Error(`control address "${input.controlIpv4}" must be one IPv4 address`);
  const controlIpv4 = control.value.cidr.split('/')[0];
  if (NOT_WORLD_IPV4.some((r) => inRange(r, controlIpv4))) {
    throw new Error(`control address ${controlIpv4} must be a public address outside ${NOT_WORLD_IPV4.join(', ')}`);
  }
  const v6 = `2001:db8:${(0x1000 + slot).toString(16)}`;
  const publicIpv6Range = `${v6}::/48`;
  const controlIpv6 = `${v6}:ffff::2`;
  return {
    slot,
    publicIpv4Range: `100.${64 + slot}.0.0/16`,
    gatewayIpv4: `100.${64 + slot}.0.1`,
    publicIpv6Range,
    gatewayIpv6: 'fe80::1',
    controlIpv4,
    controlIpv6,
    worldIpv4: subtractRanges(['0.0.0.0/0'], [...NOT_WORLD_IPV4, `${controlIpv4}/32`]),
    worldIpv6: subtractRanges(['2000::/3'], [publicIpv6Range]),
  };
}

/**
 * The n-th public address the API hands out (n >= 1): IPv4 from the gateway
 * upwards, IPv6 one /64 per n (the server takes `::1` of it, as on Hetzner).
 */
export function publicAddress(plan: AddressPlan, type: 'ipv4' | 'ipv6', n: number): string {
  if (type === 'ipv4') {
    const r = cidrRange(plan.publicIpv4Range);
    const addr = cidrRange(`${plan.gatewayIpv4}/32`).start + BigInt(n);
    if (addr >= r.end) throw new Error(`the public range ${plan.publicIpv4Range} is exhausted`);
    return formatAddress(4, addr);
  }
  if (n > 0xfffe) throw new Error(`the public range ${plan.publicIpv6Range} is exhausted`);
  return `${plan.publicIpv6Range.split('::')[0]}:${n.toString(16)}::/64`;
}

/** The address a server uses in its public IPv6 /64 (`2001:db8:1000:5::/64` -> `2001:db8:1000:5::1`). */
export function serverIpv6(network64: string): string {
  const r = cidrRange(network64);
  return formatAddress(6, r.start + 1n);
}

function inRange(cidr: string, address: string): boolean {
  const r = cidrRange(cidr);
  const a = cidrRange(address);
  return r.version === a.version && a.start >= r.start && a.end <= r.end;
}

/** `base` minus `remove`, as the fewest CIDRs (same IP version throughout). */
export function subtractRanges(base: readonly string[], remove: readonly string[]): string[] {
  let intervals: { version: 4 | 6; start: bigint; end: bigint }[] = base.map(cidrRange);
  for (const r of remove.map(cidrRange)) {
    const next: typeof intervals = [];
    for (const i of intervals) {
      if (i.version !== r.version || r.end < i.start || r.start > i.end) {
        next.push(i);
        continue;
      }
      if (i.start < r.start) next.push({ version: i.version, start: i.start, end: r.start - 1n });
      if (i.end > r.end) next.push({ version: i.version, start: r.end + 1n, end: i.end });
    }
    intervals = next;
  }
  const out: string[] = [];
  for (const i of intervals.sort((a, b) => (a.start < b.start ? -1 : 1))) {
    const bits = i.version === 4 ? 32n : 128n;
    let s = i.start;
    while (s <= i.end) {
      let size = 1n;
      let prefix = bits;
      while (prefix > 0n && s % (size * 2n) === 0n && s + size * 2n - 1n <= i.end) {
        size *= 2n;
        prefix -= 1n;
      }
      out.push(`${formatAddress(i.version, s)}/${prefix}`);
      s += size;
    }
  }
  return out;
}

/**
 * Where the control node should sit so that tenant firewalls let it in the way
 * they let the operator in on Hetzner: the first host of the first IPv4 range
 * of the platform's `management` source (tenant files open SSH to it), else
 * 198.51.100.1.
 */
export function controlAddressFor(sources: Readonly<Record<string, readonly string[]>>): string {
  for (const entry of sources.management ?? []) {
    const parsed = parseCidr(entry);
    if (!parsed.ok || parsed.value.version !== 4) continue;
    const r = cidrRange(parsed.value.cidr);
    const host = parsed.value.prefix >= 31 ? r.start : r.start + 1n;
    const address = formatAddress(4, host);
    if (!NOT_WORLD_IPV4.some((x) => inRange(x, address))) return address;
  }
  return '198.51.100.1';
}
