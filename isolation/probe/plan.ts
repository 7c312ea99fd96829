/**
 * Which packets prove a tenant's isolation (pure): from the tenant files and
 * the live servers, the probes `npm run verify -- --probe` sends, each with
 * the outcome isolation requires.
 *
 * Per tenant, from inside each of its servers (through the jump host for an
 * offline tenant's servers without a public address):
 *   - own network: TCP 22 and ping to every other server of the tenant on
 *     their private addresses (ping to the network gateway when alone): reachable;
 *   - cross tenant: TCP 22 to every private address of every server that is
 *     not the tenant's: blocked;
 *   - egress: each allow-list entry (a public address inside it, its port):
 *     reachable; the same address on a port the list does not allow, and a set
 *     of sample destinations the list does not allow: blocked (offline tenants
 *     allow nothing, so every sample must be blocked).
 * And towards each server, from an outside source (only when one is
 * available, e.g. the local cloud's outside-world namespace, which can send
 * from any public address):
 *   - inbound: each declared port from an address inside each declared
 *     source range: reachable; from an address outside every range that
 *     allows the port, and an undeclared port: blocked.
 * "Reachable" means the packet passed the firewall (a connection, or a
 * refusal by the destination itself); "blocked" means it never arrived.
 */
import { cidrContains, cidrRange, formatAddress, parseCidr } from '../../lib/cidr';
import type { FirewallRule, Tenant } from '../../lib/tenant/model';

export type ProbeKind = 'own-network' | 'cross-tenant' | 'egress' | 'inbound';
export type ProbeProtocol = 'tcp' | 'udp' | 'icmp';

export type ProbeSource =
  /**
   * Inside a server: the control node runs the probe over SSH to `sshHost`,
   * through the jump host at `via` for a server without a public address.
   */
  | { readonly type: 'server'; readonly server: string; readonly sshHost: string; readonly via?: string }
  /** From an outside address (the prober binds to it). */
  | { readonly type: 'outside'; readonly address: string };

export interface Probe {
  /** Unique within a plan. */
  readonly id: string;
  readonly tenant: string;
  /** The tenant's server the probe is about (sender, or receiver for inbound). */
  readonly server: string;
  readonly kind: ProbeKind;
  readonly from: ProbeSource;
  readonly protocol: ProbeProtocol;
  readonly address: string;
  /** Absent for icmp. */
  readonly port?: number;
  readonly expect: 'reachable' | 'blocked';
  /** What the expectation rests on, for the report. */
  readonly because: string;
  /** For cross-tenant probes: whose address it is. */
  readonly otherTenant?: string;
  /** For cross-tenant and own-network probes: the server the address belongs to. */
  readonly otherServer?: string;
}

export interface ProbeServer {
  readonly name: string;
  /** The tenant_id label; undefined for a server no tenant owns. */
  readonly tenant?: string;
  readonly publicIpv4?: string;
  /** The server's own public IPv6 address (`::1` of its /64). */
  readonly publicIpv6?: string;
  readonly privateIps: readonly { readonly networkId: number; readonly ip: string }[];
}

export interface ProbeNetwork {
  readonly id: number;
  readonly tenant?: string;
  readonly ipRange: string;
}

export type TenantForProbe = Pick<Tenant, 'id' | 'mode' | 'ingress' | 'egress' | 'jumpHost'>;

export interface PlanInput {
  readonly tenants: readonly TenantForProbe[];
  readonly servers: readonly ProbeServer[];
  readonly networks: readonly ProbeNetwork[];
  /** Whether packets can be sent from arbitrary outside addresses (inbound probes need it). */
  readonly outsideSource: boolean;
}

export interface ProbePlan {
  readonly probes: readonly Probe[];
  /** What could not be planned, per tenant (`initech: no public IPv4 on tenant-initech-gpu-1, cannot SSH in`). */
  readonly notes: readonly string[];
}

/** Never probed as a destination or used as a source: not public on the internet (private, shared, loopback, link-local, multicast, documentation for this machine). */
const NOT_PUBLIC = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.2.0/24', '192.168.0.0/16', '224.0.0.0/3', '::/8', 'fc00::/7', 'fe80::/10', 'ff00::/8'];

/** Stand-ins for "the rest of the internet" (documentation and benchmarking ranges). */
const SAMPLE_EGRESS: readonly { protocol: ProbeProtocol; address: string; port?: number }[] = [
  { protocol: 'tcp', address: '203.0.113.250', port: 443 },
  { protocol: 'tcp', address: '198.18.0.10', port: 80 },
  { protocol: 'tcp', address: '198.51.100.250', port: 8081 },
  { protocol: 'udp', address: '198.18.0.53', port: 53 },
  { protocol: 'icmp', address: '198.18.0.1' },
  { protocol: 'tcp', address: '2001:db8:beef::250', port: 443 },
];
const OUTSIDE_SOURCES = ['203.0.113.201', '198.18.0.201', '198.51.100.201', '2001:db8:beef::201', '2001:db8:cafe::201'];
const UNUSUAL_PORTS = [8081, 2525, 6666, 81, 10022];
/** Where "anywhere" (0.0.0.0/0, ::/0) is probed. */
const ANYWHERE = { 4: '203.0.113.200', 6: '2001:db8:beef::200' } as const;

const version = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);
const isPublic = (address: string) => !NOT_PUBLIC.some((r) => cidrContains(r, address));
const covers = (cidr: string, address: string) => version(cidr.split('/')[0]) === version(address) && cidrContains(cidr, address);

/** A public address inside the range: the address of a /32 (/128), else the last but one. */
export function addressInside(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed.ok) return undefined;
  const { version: v, prefix } = parsed.value;
  if (prefix === 0) return ANYWHERE[v];
  const r = cidrRange(parsed.value.cidr);
  const a = formatAddress(v, prefix >= (v === 4 ? 31 : 127) ? r.start : r.end - 1n);
  return isPublic(a) ? a : undefined;
}

function firstPort(port: string | undefined): number {
  if (!port || port === 'any') return 443;
  return Number(port.split('-')[0]);
}

function portAllowed(rule: Pick<FirewallRule, 'port'>, port: number | undefined): boolean {
  if (port === undefined || !rule.port || rule.port === 'any') return true;
  const [lo, hi] = rule.port.split('-').map(Number);
  return port >= lo && port <= (hi ?? lo);
}

/** Whether any rule lets (protocol, address, port) through. */
function allowed(rules: readonly FirewallRule[], protocol: ProbeProtocol, address: string, port?: number): boolean {
  return rules.some((r) => r.protocol === protocol && portAllowed(r, port) && r.cidrs.some((c) => covers(c, address)));
}

const describeRule = (r: FirewallRule) => `${r.protocol}${r.port ? `/${r.port}` : ''} ${r.direction === 'in' ? 'from' : 'to'} ${r.cidrs.join(', ')}${r.description ? ` (${r.description})` : ''}`;

export function planProbes(input: PlanInput): ProbePlan {
  const probes: Probe[] = [];
  const notes: string[] = [];
  const add = (p: Omit<Probe, 'id'>) => probes.push({ ...p, id: `p${probes.length + 1}` });

  for (const t of input.tenants) {
    const own = input.servers.filter((s) => s.tenant === t.id);
    const ownNetworks = input.networks.filter((n) => n.tenant === t.id);
    const egress = t.mode === 'online' ? t.egress : [];
    if (own.length === 0) {
      notes.push(`${t.id}: no servers deployed, nothing to probe`);
      continue;
    }
    // An offline tenant's servers without a public address are reached through its jump host.
    const jump = t.mode === 'offline' ? own.find((x) => x.name === t.jumpHost && x.publicIpv4) : undefined;
    for (const s of own) {
      const privateIp = s.privateIps.find((x) => ownNetworks.some((n) => n.id === x.networkId))?.ip;
      if (!s.publicIpv4 && !(jump && privateIp)) {
        notes.push(`${t.id}: ${s.name} has no public IPv4 address${t.mode === 'offline' ? ' and no jump host with one reaches it' : ''}; the control node cannot SSH in, so nothing is probed from it`);
        continue;
      }
      const from: ProbeSource = s.publicIpv4 ? { type: 'server', server: s.name, sshHost: s.publicIpv4 } : { type: 'server', server: s.name, sshHost: privateIp!, via: jump!.publicIpv4 };
      const base = { tenant: t.id, server: s.name, from };
      const families = new Set<4 | 6>([4, ...(s.publicIpv6 ? [6 as const] : [])]);

      // Own network.
      const peers = own.filter((p) => p !== s);
      for (const p of peers) {
        for (const priv of p.privateIps.filter((x) => ownNetworks.some((n) => n.id === x.networkId))) {
          add({ ...base, kind: 'own-network', protocol: 'tcp', address: priv.ip, port: 22, expect: 'reachable', because: 'servers of a tenant reach each other on its network', otherServer: p.name });
          add({ ...base, kind: 'own-network', protocol: 'icmp', address: priv.ip, expect: 'reachable', because: 'servers of a tenant reach each other on its network', otherServer: p.name });
        }
      }
      if (peers.length === 0) {
        for (const n of ownNetworks.filter((x) => s.privateIps.some((p) => p.networkId === x.id))) {
          const gateway = formatAddress(4, cidrRange(n.ipRange).start + 1n);
          add({ ...base, kind: 'own-network', protocol: 'icmp', address: gateway, expect: 'reachable', because: `the gateway of the tenant network ${n.ipRange} answers` });
        }
      }

      // Every private address of every server that is not the tenant's.
      for (const other of input.servers.filter((x) => x.tenant !== t.id)) {
        for (const priv of other.privateIps) {
          add({ ...base, kind: 'cross-tenant', protocol: 'tcp', address: priv.ip, port: 22, expect: 'blocked', because: 'tenants are isolated', otherTenant: other.tenant ?? '-', otherServer: other.name });
        }
      }

      // Egress: the allow-list works, and nothing else gets out.
      for (const rule of egress) {
        if (rule.protocol !== 'tcp' && rule.protocol !== 'udp' && rule.protocol !== 'icmp') continue;
        for (const cidr of rule.cidrs) {
          const address = addressInside(cidr);
          if (!address) {
            notes.push(`${t.id}: egress to ${cidr} is not probed (no public address inside)`);
            continue;
          }
          if (!families.has(version(address))) continue;
          const port = rule.protocol === 'icmp' ? undefined : firstPort(rule.port);
          add({ ...base, kind: 'egress', protocol: rule.protocol, address, port, expect: 'reachable', because: `allowed by the egress rule ${describeRule(rule)}` });
          if (rule.protocol === 'icmp') continue;
          const closed = UNUSUAL_PORTS.find((p) => !allowed(egress, rule.protocol as ProbeProtocol, address, p));
          if (closed !== undefined) add({ ...base, kind: 'egress', protocol: rule.protocol, address, port: closed, expect: 'blocked', because: `no egress rule allows ${rule.protocol}/${closed} to ${address}` });
        }
      }
      for (const sample of SAMPLE_EGRESS) {
        if (!families.has(version(sample.address)) || allowed(egress, sample.protocol, sample.address, sample.port)) continue;
        add({ ...base, kind: 'egress', ...sample, expect: 'blocked', because: t.mode === 'offline' ? 'offline tenants send nowhere' : 'not in the egress allow-list' });
      }

      // Inbound, from outside sources.
      if (!input.outsideSource) continue;
      const ingress = t.ingress.filter((r) => r.protocol === 'tcp' || r.protocol === 'udp');
      const target = (address: string) => (version(address) === 4 ? s.publicIpv4 : s.publicIpv6);
      const inbound = { tenant: t.id, server: s.name, kind: 'inbound' as const };
      let firstInside: string | undefined;
      for (const rule of ingress) {
        const port = firstPort(rule.port);
        for (const cidr of rule.cidrs) {
          const src = addressInside(cidr);
          const dst = src && target(src);
          if (!src || !dst) continue;
          firstInside ??= src;
          add({ ...inbound, from: { type: 'outside', address: src }, protocol: rule.protocol as ProbeProtocol, address: dst, port, expect: 'reachable', because: `allowed by the ingress rule ${describeRule(rule)}` });
        }
        const outsider = OUTSIDE_SOURCES.find((a) => target(a) && !allowed(ingress, rule.protocol as ProbeProtocol, a, port));
        if (outsider) {
          add({ ...inbound, from: { type: 'outside', address: outsider }, protocol: rule.protocol as ProbeProtocol, address: target(outsider)!, port, expect: 'blocked', because: `${outsider} is outside every range allowed to ${rule.protocol}/${port}` });
        }
      }
      const src = firstInside ?? OUTSIDE_SOURCES[0];
      const closed = UNUSUAL_PORTS.find((p) => !allowed(ingress, 'tcp', src, p));
      if (closed !== undefined && target(src)) {
        add({ ...inbound, from: { type: 'outside', address: src }, protocol: 'tcp', address: target(src)!, port: closed, expect: 'blocked', because: `no ingress rule opens tcp/${closed}` });
      }
    }
  }
  return { probes, notes };
}
