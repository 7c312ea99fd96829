/**
 * CIDR parsing and normalization, pure and dependency-free.
 * - a bare address becomes a host route (/32 or /128);
 * - host bits are cleared (`10.1.1.5/24` -> `10.1.1.0/24`) and reported, because
 *   the hcloud provider rejects such ranges;
 * - IPv6 is written in its canonical short form (RFC 5952).
 */

export interface ParsedCidr {
  /** Canonical text, e.g. `10.1.1.0/24` or `2001:db8::/32`. */
  readonly cidr: string;
  readonly version: 4 | 6;
  readonly prefix: number;
  /** True when the input had host bits set and was normalized. */
  readonly hadHostBits: boolean;
  /** True when the input had no prefix length. */
  readonly wasBareAddress: boolean;
}

export type CidrResult = { ok: true; value: ParsedCidr } | { ok: false; error: string };

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  // A dotted IPv4 part may only end the whole address (::ffff:192.0.2.1).
  const pushGroups = (gs: string[], into: number[], endsAddress: boolean): boolean => {
    for (let i = 0; i < gs.length; i++) {
      const g = gs[i];
      if (endsAddress && i === gs.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === undefined) return false;
        into.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
        into.push(parseInt(g, 16));
      }
    }
    return true;
  };
  const headWords: number[] = [];
  const tailWords: number[] = [];
  if (!pushGroups(head, headWords, halves.length === 1) || !pushGroups(tail, tailWords, true)) return undefined;
  const words: number[] = [];
  if (halves.length === 2) {
    const fill = 8 - headWords.length - tailWords.length;
    if (fill < 1) return undefined;
    words.push(...headWords, ...new Array<number>(fill).fill(0), ...tailWords);
  } else {
    if (headWords.length !== 8) return undefined;
    words.push(...headWords);
  }
  let n = 0n;
  for (const w of words) n = (n << 16n) | BigInt(w);
  return n;
}

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

/** RFC 5952: lowercase, no leading zeros, longest run (>= 2) of zero words as `::`. */
function formatIpv6(n: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  // IPv4-mapped addresses keep the dotted quad (RFC 5952, section 5).
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${formatIpv4(n & 0xffffffffn)}`;
  }
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** Parses an address or CIDR; see the module comment for the normalization. */
export function parseCidr(input: string): CidrResult {
  const text = input.trim();
  const [addr, prefixText, extra] = text.split('/');
  if (extra !== undefined || addr === '') return { ok: false, error: `"${input}" is not an IP address or CIDR` };
  const v4 = parseIpv4(addr);
  const v6 = v4 === undefined ? parseIpv6(addr) : undefined;
  if (v4 === undefined && v6 === undefined) {
    return { ok: false, error: `"${input}" is not an IPv4 or IPv6 address or CIDR` };
  }
  const version: 4 | 6 = v4 !== undefined ? 4 : 6;
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
      return { ok: false, error: `"${input}" has an invalid prefix length (IPv${version} allows /0 to /${bits})` };
    }
    prefix = Number(prefixText);
  }
  const value = (v4 ?? v6) as bigint;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  const network = value & mask;
  const address = version === 4 ? formatIpv4(network) : formatIpv6(network);
  return {
    ok: true,
    value: {
      cidr: `${address}/${prefix}`,
      version,
      prefix,
      hadHostBits: network !== value,
      wasBareAddress: prefixText === undefined,
    },
  };
}

/** A range as numbers: its first and last address (inclusive) and its prefix length. */
export interface CidrRange {
  readonly version: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
  readonly prefix: number;
}

/** Network address and prefix as numbers, for containment checks; throws on an invalid CIDR. */
export function cidrRange(cidr: string): CidrRange {
  const r = tryCidrRange(cidr);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** The canonical text of a range (`10.1.1.0/24`, `2001:db8::/32`). */
export function formatCidr(r: CidrRange): string {
  return `${r.version === 4 ? formatIpv4(r.start) : formatIpv6(r.start)}/${r.prefix}`;
}

/** cidrRange(), with the parse error as a value instead of an exception. */
export function tryCidrRange(cidr: string): { ok: true; value: CidrRange } | { ok: false; error: string } {
  const parsed = parseCidr(cidr);
  if (!parsed.ok) return parsed;
  const [addr] = parsed.value.cidr.split('/');
  const bits = parsed.value.version === 4 ? 32 : 128;
  const start = (parsed.value.version === 4 ? parseIpv4(addr) : parseIpv6(addr)) as bigint;
  const size = 1n << BigInt(bits - parsed.value.prefix);
  return { ok: true, value: { version: parsed.value.version, start, end: start + size - 1n, prefix: parsed.value.prefix } };
}

/** True when `inner` lies entirely within `outer` (same IP version). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = cidrRange(outer);
  const i = cidrRange(inner);
  return o.version === i.version && i.start >= o.start && i.end <= o.end;
}

/** True when the two ranges share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = cidrRange(a);
  const y = cidrRange(b);
  return x.version === y.version && x.start <= y.end && y.start <= x.end;
}

/** True for ranges that match every address of their family. */
export function isWorld(cidr: string): boolean {
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** True when the range lies inside one of the RFC 1918 private blocks. */
export function isRfc1918(cidr: string): boolean {
  return parseCidr(cidr).ok && RFC1918.some((block) => cidrContains(block, cidr));
}

/** Why `cidr` cannot be a Hetzner private network range, or undefined when it can. */
export function privateRangeProblem(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed.ok) return `${parsed.error}; allowed: an RFC 1918 range (${RFC1918.join(', ')})`;
  if (!isRfc1918(parsed.value.cidr)) return `${cidr} is not a private range; allowed: inside an RFC 1918 block (${RFC1918.join(', ')})`;
  return undefined;
}

/** The n-th host address (0 = network address) of an IPv4 range (parsed already, when called per host). */
export function ipv4Host(cidr: string | CidrRange, n: number): string {
  const r = typeof cidr === 'string' ? cidrRange(cidr) : cidr;
  if (r.version !== 4) throw new Error(`${formatCidr(r)} is not IPv4`);
  const host = r.start + BigInt(n);
  if (host > r.end) throw new Error(`host ${n} is outside ${formatCidr(r)}`);
  return formatIpv4(host);
}

/** An address number as text: dotted quad, or canonical IPv6. */
export function formatAddress(version: 4 | 6, n: bigint): string {
  return version === 4 ? formatIpv4(n) : formatIpv6(n);
}
