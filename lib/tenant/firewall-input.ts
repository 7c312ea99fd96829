/**
 * The firewall rules of a tenant file, resolved: addresses and platform
 * source names become canonical CIDRs, ports become "443", "80-85" or "any".
 * What could not be resolved, or was normalized, comes back as problems at
 * their field paths; the validation reports them, the model leaves the
 * offending entries out. Pure.
 */
import { parseCidr } from '../cidr';
import { didYouMean, FieldPath } from '../diagnostics';
import type { FirewallRule } from './model';
import type { PlatformFile, TenantFile } from './schema';

/** Names of platform `sources`: what a firewall rule may use instead of an address. */
export const SOURCE_NAME = /^[a-z][a-z0-9_-]*$/;

/** The warning for an address with host bits set (`10.1.1.5/24`), which the provider would refuse. */
export const hostBitsWarning = (entry: string, cidr: string): string => `"${entry}" has host bits set; normalized to ${cidr} (write that to silence this warning)`;

/** A finding at a field path of the tenant file (the file is added by the caller). */
export interface Problem {
  readonly path: FieldPath;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** A resolved address list: canonical CIDRs, and for each the index of the entry it came from. */
export interface ResolvedAddresses {
  readonly cidrs: string[];
  readonly origin: Map<string, number>;
}

/** Resolves addresses and source names to canonical CIDRs, reporting what it changed or refused. */
export function resolveAddresses(
  entries: readonly string[],
  sources: PlatformFile['sources'],
  path: FieldPath,
  problems: Problem[],
): ResolvedAddresses {
  const origin = new Map<string, number>();
  const add = (cidr: string, i: number) => {
    if (!origin.has(cidr)) origin.set(cidr, i);
  };
  const problem = (i: number, message: string, severity: Problem['severity'] = 'error') => problems.push({ path: [...path, i], message, severity });
  entries.forEach((entry, i) => {
    if (SOURCE_NAME.test(entry)) {
      const named = Object.prototype.hasOwnProperty.call(sources, entry) ? sources[entry] : undefined;
      if (named === undefined) {
        const names = Object.keys(sources).sort();
        const hint = didYouMean(entry, names);
        problem(i, `unknown source "${entry}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: a CIDR, an IP, or a source of the platform file (${names.join(', ') || 'none defined'})`);
        return;
      }
      // Named sources were validated (and normalized) with the platform file.
      for (const a of named) {
        const r = parseCidr(a);
        if (r.ok) add(r.value.cidr, i);
      }
      return;
    }
    const parsed = parseCidr(entry);
    if (!parsed.ok) {
      problem(i, `${parsed.error}; allowed: an IPv4/IPv6 address or CIDR such as 203.0.113.0/24, or a platform source name`);
      return;
    }
    if (parsed.value.hadHostBits) {
      problem(i, hostBitsWarning(entry, parsed.value.cidr), 'warning');
    }
    add(parsed.value.cidr, i);
  });
  return { cidrs: [...origin.keys()], origin };
}

const PORTLESS = new Set(['icmp', 'gre', 'esp']);

/** "443", "80-85", "any" or an error message. */
export function normalizePort(port: number | string | undefined, protocol: string): { port?: string; error?: string } {
  if (PORTLESS.has(protocol)) {
    return port === undefined ? {} : { error: `a port is given for protocol ${protocol}; allowed: no port with icmp, gre and esp (remove it)` };
  }
  if (port === undefined) return { error: `required field is missing for protocol ${protocol}; expected a port (443), a range ("80-85") or "any"` };
  if (typeof port === 'number') return { port: String(port) };
  if (port === 'any') return { port };
  const [a, b] = port.split('-').map(Number);
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (!inRange(a) || (b !== undefined && (!inRange(b) || b < a))) {
    return { error: `"${port}" is not a valid port range; allowed: ports 1-65535, written low-high with low <= high` };
  }
  return { port: b === undefined || a === b ? String(a) : `${a}-${b}` };
}

/** One resolved rule, with where its addresses came from (for messages about them). */
export interface ResolvedRule {
  readonly rule: FirewallRule;
  /** Index in firewall.ingress / firewall.egress. */
  readonly index: number;
  readonly origin: Map<string, number>;
}

export interface ResolvedFirewall {
  readonly ingress: readonly ResolvedRule[];
  /** As written, also in offline mode (the validation refuses them there; the model drops them). */
  readonly egress: readonly ResolvedRule[];
  readonly problems: readonly Problem[];
}

/** Resolves every firewall rule of a tenant file against the platform's sources. */
export function resolveFirewall(input: Pick<TenantFile, 'firewall'>, sources: PlatformFile['sources']): ResolvedFirewall {
  const problems: Problem[] = [];
  const ingress: ResolvedRule[] = [];
  input.firewall.ingress.forEach((r, i) => {
    const p = normalizePort(r.port, r.protocol);
    if (p.error) problems.push({ path: ['firewall', 'ingress', i, 'port'], message: p.error, severity: 'error' });
    const { cidrs, origin } = resolveAddresses(r.from, sources, ['firewall', 'ingress', i, 'from'], problems);
    ingress.push({ index: i, origin, rule: { direction: 'in', protocol: r.protocol, port: p.port, cidrs, description: r.description, ...(r.public ? { public: true } : {}) } });
  });
  const egress: ResolvedRule[] = [];
  input.firewall.egress.forEach((r, i) => {
    const p = normalizePort(r.port, r.protocol);
    if (p.error) problems.push({ path: ['firewall', 'egress', i, 'port'], message: p.error, severity: 'error' });
    const { cidrs, origin } = resolveAddresses(r.to, sources, ['firewall', 'egress', i, 'to'], problems);
    egress.push({ index: i, origin, rule: { direction: 'out', protocol: r.protocol, port: p.port, cidrs, description: r.description } });
  });
  return { ingress, egress, problems };
}
