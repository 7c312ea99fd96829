/**
 * Input checks shared by the resource families. Each throws Hetzner's
 * `invalid_input` naming the field, so a client sees what the real API would
 * reject.
 */
import { serverNameProblem } from '../lib/dns-names';
import { labelKeyProblem, labelValueProblem } from '../lib/hetzner';
import { hetznerNameProblem } from '../lib/name-rules';
import { invalidInput } from './errors';
import type { Labels } from './state';

export function labels(value: unknown, field = 'labels'): Labels {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput(field, 'must be an object of string values');
  const out: Labels = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalidInput(`${field}.${k}`, 'label values must be strings');
    const problem = labelKeyProblem(k) ?? labelValueProblem(v);
    if (problem) throw invalidInput(`${field}.${k}`, problem);
    out[k] = v;
  }
  return out;
}

export function requiredString(body: any, field: string): string {
  const v = body?.[field];
  if (typeof v !== 'string' || v === '') throw invalidInput(field, 'is required and must be a non-empty string');
  return v;
}

export function optionalString(body: any, field: string): string | undefined {
  const v = body?.[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidInput(field, 'must be a string');
  return v;
}

export function optionalBool(body: any, field: string): boolean | undefined {
  const v = body?.[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidInput(field, 'must be a boolean');
  return v;
}

export function requiredInt(body: any, field: string): number {
  const v = body?.[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidInput(field, 'is required and must be an integer');
  return v;
}

export function optionalInt(body: any, field: string): number | undefined {
  const v = body?.[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidInput(field, 'must be an integer');
  return v;
}

/** Resource names: 1-63 chars, letters, digits, `-`, `_`, `.`, alphanumeric at both ends (server names: see serverName). */
export function resourceName(body: any, field = 'name'): string {
  const name = requiredString(body, field);
  if (hetznerNameProblem(name) !== undefined) {
    throw invalidInput(field, `"${name}" must be 1-63 characters, alphanumeric at both ends, with only "-", "_", "." inside`);
  }
  return name;
}

/** Server names: also a valid hostname (RFC 1123), so no `_`. */
export function serverName(body: any, field = 'name'): string {
  const name = requiredString(body, field);
  const problem = serverNameProblem(name);
  if (problem) throw invalidInput(field, problem);
  return name;
}

// --- IPv4 / IPv6 -------------------------------------------------------------

export function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr4 {
  readonly base: number;
  readonly prefix: number;
  readonly size: number;
}

/** Parses an IPv4 CIDR; undefined when malformed. `hostBits` tells whether bits below the prefix are set. */
export function parseCidr4(cidr: string): (Cidr4 & { hostBits: boolean }) | undefined {
  const [ip, p, extra] = cidr.split('/');
  if (extra !== undefined || p === undefined || !/^\d{1,2}$/.test(p)) return undefined;
  const prefix = Number(p);
  const n = ipv4ToInt(ip);
  if (n === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const base = n - (n % size);
  return { base, prefix, size, hostBits: base !== n };
}

export function cidr4Contains(outer: Cidr4, inner: Cidr4): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

export function cidr4Overlaps(a: Cidr4, b: Cidr4): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** RFC 1918 private ranges, which Hetzner networks must use. */
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr4(c)!);
export function isRfc1918(c: Cidr4): boolean {
  return RFC1918.some((r) => cidr4Contains(r, c));
}

/** A loose IPv6 CIDR check: hex groups with at most one `::`, prefix 0-128. */
export function isCidr6(cidr: string): boolean {
  const [ip, p, extra] = cidr.split('/');
  if (extra !== undefined || p === undefined || !/^\d{1,3}$/.test(p) || Number(p) > 128) return false;
  return isIpv6(ip);
}

export function isIpv6(ip: string): boolean {
  if (!/^[0-9a-fA-F:]+$/.test(ip) || (ip.match(/::/g) ?? []).length > 1) return false;
  const groups = ip.split(':');
  return ip.includes('::') ? groups.length <= 8 : groups.length === 8;
}

/**
 * A firewall address: an IPv4 or IPv6 CIDR without host bits (Hetzner rejects
 * `10.1.1.5/24`). Returns the problem, or undefined when it is fine.
 */
export function cidrProblem(cidr: string): string | undefined {
  if (cidr.includes(':')) return isCidr6(cidr) ? undefined : `"${cidr}" is not a valid IPv6 CIDR`;
  const c = parseCidr4(cidr);
  if (!c) return `"${cidr}" is not a valid IPv4 CIDR`;
  if (c.hostBits) return `"${cidr}" has host bits set; did you mean "${intToIpv4(c.base)}/${c.prefix}"?`;
  return undefined;
}
