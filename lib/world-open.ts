/**
 * Whether an inbound rule opens a port to the whole internet: the one
 * predicate behind the tenant validation (which names file:line) and the
 * synth isolation rule `no-world-open-ingress`. Pure.
 *
 * "The internet" is not only 0.0.0.0/0 and ::/0. Each address family is
 * judged on the union of the rule's ranges, counting only public addresses:
 * - IPv4: more public addresses than one /8 holds (2^24). Private, loopback,
 *   link-local, shared (CGNAT), benchmarking, multicast and reserved blocks do
 *   not count, so `10.0.0.0/8` plus the other RFC 1918 blocks is not the
 *   internet, while `0.0.0.0/1` + `128.0.0.0/1`, or any /7, is.
 * - IPv6: more of global unicast (2000::/3) than one /11 holds, the same
 *   share (1/256) of the public space as a /8 is of IPv4: `2000::/3` and
 *   `::/1` are the internet, a provider's /29 or a registry's /12 is not.
 * - IPv6 ranges that embed IPv4 (`::ffff:0:0/96` IPv4-mapped, `64:ff9b::/96`
 *   NAT64, `2002::/16` 6to4) count as the IPv4 addresses they embed, so
 *   `::ffff:0.0.0.0/96` is the IPv4 internet written in IPv6.
 * Ports 80 and 443 may be open to the world; every other port needs
 * `public: true` in the tenant file.
 */
import { cidrRange, CidrRange, formatCidr, tryCidrRange } from './cidr';

/** Ports that may be open to the world without `public: true`. */
export const WORLD_OPEN_PORTS: ReadonlySet<string> = new Set(['80', '443']);

/** What a world-open rule opens to. */
export interface WorldOpen {
  /** The rule's ranges that make it world-open, canonical, in the rule's order. */
  readonly ranges: readonly string[];
  /** Why they count as the internet; undefined when one of them is 0.0.0.0/0 or ::/0 itself. */
  readonly why?: string;
}

/** A public-address count above this is "the internet" (see the module comment). */
const THRESHOLD = { 4: 1n << 24n, 6: 1n << 117n } as const;
/** The whole family, written the one canonical way. */
const WORLD = new Set(['0.0.0.0/0', '::/0']);
const THRESHOLD_TEXT = { 4: 'more public IPv4 addresses than a /8 holds', 6: 'more of IPv6 global unicast (2000::/3) than a /11 holds' } as const;

interface Interval { readonly start: bigint; readonly end: bigint }

const block = (cidr: string): Interval => cidrRange(cidr);

/** IPv4 blocks that are not reachable from the internet (RFC 6890); the small ones are left out, they cannot change a verdict. */
const NON_PUBLIC_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'].map(block);
const GLOBAL_UNICAST_V6 = [block('2000::/3')];

/** IPv6 blocks that embed IPv4 addresses: the block and the bit offset at which the 32 IPv4 bits start. */
const EMBEDDED_V4 = [
  { block: cidrRange('::ffff:0.0.0.0/96'), offset: 96 },
  { block: cidrRange('64:ff9b::/96'), offset: 96 },
  { block: cidrRange('2002::/16'), offset: 16 },
];

const overlap = (a: Interval, b: Interval): bigint => {
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end < b.end ? a.end : b.end;
  return end >= start ? end - start + 1n : 0n;
};

/** Public addresses in a set of intervals (union, so overlapping ranges count once). */
function publicCount(intervals: readonly Interval[], version: 4 | 6): bigint {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end + 1n) merged[merged.length - 1] = { start: last.start, end: i.end > last.end ? i.end : last.end };
    else merged.push(i);
  }
  let n = 0n;
  for (const m of merged) {
    if (version === 4) n += m.end - m.start + 1n - NON_PUBLIC_V4.reduce((s, b) => s + overlap(m, b), 0n);
    else n += GLOBAL_UNICAST_V6.reduce((s, b) => s + overlap(m, b), 0n);
  }
  return n;
}

/** The IPv4 addresses an IPv6 range embeds (IPv4-mapped, NAT64, 6to4). */
function embeddedV4(r: CidrRange): Interval[] {
  const out: Interval[] = [];
  for (const e of EMBEDDED_V4) {
    if (r.start <= e.block.start && r.end >= e.block.end) out.push({ start: 0n, end: (1n << 32n) - 1n });
    else if (r.start >= e.block.start && r.end <= e.block.end) {
      const v4Prefix = Math.min(Math.max(r.prefix - e.offset, 0), 32);
      const start = (r.start >> BigInt(128 - e.offset - 32)) & 0xffffffffn;
      out.push({ start, end: start + (1n << BigInt(32 - v4Prefix)) - 1n });
    }
  }
  return out;
}

/** The intervals a range stands for, by the family they count in. */
function intervalsOf(r: CidrRange): { 4: Interval[]; 6: Interval[] } {
  return r.version === 4 ? { 4: [r], 6: [] } : { 4: embeddedV4(r), 6: [r] };
}

/**
 * A cheap upper bound first: when even the plain sum of the ranges' sizes
 * stays under both thresholds (and no IPv6 range touches embedded IPv4), the
 * union cannot exceed them. Almost every rule ends here.
 */
function surelyNarrow(ranges: readonly CidrRange[]): boolean {
  let v4 = 0n;
  let v6 = 0n;
  for (const r of ranges) {
    const size = r.end - r.start + 1n;
    if (r.version === 4) v4 += size;
    else if (EMBEDDED_V4.some((e) => overlap(r, e.block) > 0n)) return false;
    else v6 += size;
  }
  return v4 <= THRESHOLD[4] && v6 <= THRESHOLD[6];
}

/**
 * The ranges of `cidrs` that open a rule to the whole internet, or undefined
 * when they do not. Invalid entries are ignored (they are reported elsewhere).
 */
export function worldOpenRanges(cidrs: readonly string[]): WorldOpen | undefined {
  const parsed = cidrs.flatMap((c) => {
    const r = tryCidrRange(c);
    return r.ok ? [r.value] : [];
  });
  if (surelyNarrow(parsed)) return undefined;
  const ranges = parsed.map((r) => ({ cidr: formatCidr(r), parts: intervalsOf(r) }));
  const named = new Set<string>();
  const why: string[] = [];
  // IPv6 first: a wide IPv6 range also embeds all of IPv4 (6to4), but is named for what it is.
  for (const v of [6, 4] as const) {
    const contributing = ranges.filter((r) => publicCount(r.parts[v], v) > 0n);
    if (publicCount(contributing.flatMap((r) => r.parts[v]), v) <= THRESHOLD[v]) continue;
    // Name the ranges that are the internet on their own when there are such; else every piece.
    const alone = contributing.filter((r) => publicCount(r.parts[v], v) > THRESHOLD[v]);
    const culprits = alone.length > 0 ? alone : contributing;
    const fresh = culprits.filter((r) => !named.has(r.cidr));
    culprits.forEach((r) => named.add(r.cidr));
    if (fresh.length > 0 && !culprits.some((r) => WORLD.has(r.cidr))) why.push(`${culprits.length > 1 ? 'together ' : ''}${THRESHOLD_TEXT[v]}`);
  }
  if (named.size === 0) return undefined;
  const inOrder = ranges.map((r) => r.cidr).filter((c, i, all) => named.has(c) && all.indexOf(c) === i);
  return why.length > 0 ? { ranges: inOrder, why: why.join('; ') } : { ranges: inOrder };
}

/**
 * The world-open verdict for one inbound rule: undefined when it is not open
 * to the internet or only on a port that may be (80, 443).
 */
export function worldOpenIngress(rule: { readonly port?: string; readonly cidrs: readonly string[] }): WorldOpen | undefined {
  if (rule.port !== undefined && WORLD_OPEN_PORTS.has(rule.port)) return undefined;
  return worldOpenRanges(rule.cidrs);
}
