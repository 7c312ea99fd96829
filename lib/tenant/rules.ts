/**
 * Semantic rules on top of the schema: cross-field checks, Hetzner limits,
 * address resolution and normalization, quotas, and fleet-wide uniqueness.
 * Pure functions from parsed data to diagnostics; positions are filled in
 * later by the loader from the field paths.
 */
import { parseCidr, isWorld, isRfc1918 } from '../cidr';
import { Diagnostic, FieldPath, didYouMean } from '../diagnostics';
import { effectiveRuleCount, firewallRules, WORLD_OPEN_PORTS } from '../firewall-rules';
import { LIMITS, NETWORK_ZONE_BY_LOCATION, labelValueProblem } from '../hetzner';
import { FIRST_SERVER_HOST, networkCidr, serverName, subnetCidr } from '../naming';
import { ipv4Host } from '../cidr';
import type { FirewallRule, Platform, ServerSpec, Tenant, DnsRecordSpec } from './model';
import type { PlatformFile, TenantFile } from './schema';

type Emit = (path: FieldPath, message: string, severity?: 'error' | 'warning') => void;

function collector(file: string): { diagnostics: Diagnostic[]; emit: Emit } {
  const diagnostics: Diagnostic[] = [];
  const emit: Emit = (path, message, severity = 'error') => diagnostics.push({ severity, file, path, message });
  return { diagnostics, emit };
}

/** Resolves one address or source name to canonical CIDRs, reporting what it changed. */
function resolveAddresses(
  entries: readonly string[],
  sources: PlatformFile['sources'],
  path: FieldPath,
  emit: Emit,
): string[] {
  const out: string[] = [];
  entries.forEach((entry, i) => {
    const looksLikeAddress = /^[0-9a-fA-F:.]+(\/\d+)?$/.test(entry) && /[.:]/.test(entry);
    if (!looksLikeAddress) {
      const named = sources[entry];
      if (named === undefined) {
        const names = Object.keys(sources).sort();
        const hint = didYouMean(entry, names);
        emit([...path, i], `unknown source "${entry}"; allowed: a CIDR, an IP, or a platform source name (${names.join(', ') || 'none defined'})${hint ? `; did you mean "${hint}"?` : ''}`);
        return;
      }
      // Named sources were validated (and normalized) with the platform file.
      for (const a of named) {
        const r = parseCidr(a);
        if (r.ok) out.push(r.value.cidr);
      }
      return;
    }
    const parsed = parseCidr(entry);
    if (!parsed.ok) {
      emit([...path, i], `${parsed.error}; allowed: an IPv4/IPv6 address or CIDR such as 203.0.113.0/24`);
      return;
    }
    if (parsed.value.hadHostBits) {
      emit([...path, i], `"${entry}" has host bits set; normalized to ${parsed.value.cidr}`, 'warning');
    }
    out.push(parsed.value.cidr);
  });
  return [...new Set(out)];
}

const PORTLESS = new Set(['icmp', 'gre', 'esp']);

/** "443", "80-85", "any" or an error message. */
function normalizePort(port: number | string | undefined, protocol: string): { port?: string; error?: string } {
  if (PORTLESS.has(protocol)) {
    return port === undefined ? {} : { error: `a port is not allowed with protocol ${protocol}; remove it` };
  }
  if (port === undefined) return { error: `required for protocol ${protocol}; allowed: a port (443), a range ("80-85") or "any"` };
  if (typeof port === 'number') return { port: String(port) };
  if (port === 'any') return { port };
  const [a, b] = port.split('-').map(Number);
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (!inRange(a) || (b !== undefined && (!inRange(b) || b < a))) {
    return { error: `"${port}" is not a valid port range; allowed: 1-65535, low-high with low <= high` };
  }
  return { port: b === undefined || a === b ? String(a) : `${a}-${b}` };
}

/**
 * Checks one tenant against the platform and, when it has no error, returns
 * the normalized tenant. Warnings (normalized CIDRs) are returned either way.
 */
export function resolveTenant(
  input: TenantFile,
  platform: Platform,
  file: string,
): { tenant?: Tenant; diagnostics: Diagnostic[] } {
  const { diagnostics, emit } = collector(file);
  const base = file.split('/').pop()!.replace(/\.ya?ml$/, '');
  if (input.id !== base) {
    emit(['id'], `"${input.id}" must equal the file name "${base}"; rename the file or change the id`);
  }
  for (const [path, value] of [[['id'], input.id], [['environment'], input.environment]] as const) {
    const problem = labelValueProblem(value);
    if (problem) emit(path, `${problem} (it becomes a label)`);
  }

  const location = input.location ?? platform.defaults.location;
  const networkZone = NETWORK_ZONE_BY_LOCATION[location];
  const net = networkCidr(input.seq);
  if (!isRfc1918(net)) emit(['seq'], `network ${net} is not an RFC 1918 range`);

  // Servers: expand groups, default role/type/image, assign private IPs.
  const servers: ServerSpec[] = [];
  const groups = new Map<string, number>();
  let host = FIRST_SERVER_HOST;
  input.servers.forEach((g, gi) => {
    if (groups.has(g.name)) emit(['servers', gi, 'name'], `duplicate server group "${g.name}" (also servers[${groups.get(g.name)}]); group names must be unique`);
    groups.set(g.name, gi);
    const role = g.role ?? g.name;
    const roleProblem = labelValueProblem(role);
    if (roleProblem) emit(['servers', gi, g.role === undefined ? 'name' : 'role'], `${roleProblem} (it becomes the role label)`);
    for (let n = 1; n <= g.count; n++) {
      servers.push({
        name: serverName(input.id, g.name, n),
        group: g.name,
        index: n,
        role,
        serverType: g.type ?? platform.defaults.server_type,
        image: g.image ?? platform.defaults.image,
        privateIp: host <= 254 ? ipv4Host(subnetCidr(input.seq), host) : '',
      });
      host++;
    }
  });
  if (servers.length > LIMITS.serversPerNetwork) {
    emit(['servers'], `${servers.length} servers exceed the Hetzner limit of ${LIMITS.serversPerNetwork} servers per network; split the tenant`);
  } else if (servers.length > platform.quotas.max_servers_per_tenant) {
    emit(['servers'], `${servers.length} servers exceed the platform quota quotas.max_servers_per_tenant = ${platform.quotas.max_servers_per_tenant}`);
  }

  if (input.volume && input.volume.size_gb > platform.quotas.max_volume_gb_per_tenant) {
    emit(['volume', 'size_gb'], `${input.volume.size_gb} GB exceeds the platform quota quotas.max_volume_gb_per_tenant = ${platform.quotas.max_volume_gb_per_tenant}`);
  }

  // DNS records point at the first server of a group.
  const dnsRecords: DnsRecordSpec[] = [];
  const seenNames = new Map<string, number>();
  input.dns.records.forEach((r, i) => {
    if (seenNames.has(r.name)) emit(['dns', 'records', i, 'name'], `duplicate record "${r.name}" (also dns.records[${seenNames.get(r.name)}])`);
    seenNames.set(r.name, i);
    if (!groups.has(r.target)) {
      const names = [...groups.keys()];
      const hint = didYouMean(r.target, names);
      emit(['dns', 'records', i, 'target'], `unknown server group "${r.target}"; allowed: ${names.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`);
      return;
    }
    dnsRecords.push({
      name: r.name,
      fqdn: `${r.name}.${platform.dns.zone}`,
      server: serverName(input.id, r.target, 1),
      ttl: r.ttl ?? platform.dns.ttl,
    });
  });

  // Firewall rules.
  const ingress: FirewallRule[] = [];
  input.firewall.ingress.forEach((r, i) => {
    const p = normalizePort(r.port, r.protocol);
    if (p.error) emit(['firewall', 'ingress', i, 'port'], p.error);
    const cidrs = resolveAddresses(r.from, platform.sources, ['firewall', 'ingress', i, 'from'], emit);
    const world = cidrs.filter(isWorld);
    if (world.length > 0 && !r.public && !(p.port !== undefined && WORLD_OPEN_PORTS.has(p.port))) {
      emit(['firewall', 'ingress', i], `opens ${r.protocol} port ${p.port ?? '(all)'} to the world (${world.join(', ')}); only 80 and 443 may be world-open, unless the rule says public: true`);
    }
    ingress.push({ direction: 'in', protocol: r.protocol, port: p.port, cidrs, description: r.description, ...(r.public ? { public: true } : {}) });
  });
  const egress: FirewallRule[] = [];
  input.firewall.egress.forEach((r, i) => {
    if (input.mode === 'offline') {
      emit(['firewall', 'egress', i], 'egress rules are not allowed in offline mode; an offline tenant reaches only its own network (set mode: online, or remove the rule)');
    }
    const p = normalizePort(r.port, r.protocol);
    if (p.error) emit(['firewall', 'egress', i, 'port'], p.error);
    const cidrs = resolveAddresses(r.to, platform.sources, ['firewall', 'egress', i, 'to'], emit);
    egress.push({ direction: 'out', protocol: r.protocol, port: p.port, cidrs, description: r.description });
  });
  const all = firewallRules({ networkCidr: net, ingress, egress, mode: input.mode });
  if (all.length > LIMITS.rulesPerFirewall) {
    emit(['firewall'], `${all.length} rules (with the 6 implicit tenant-network rules) exceed Hetzner's limit of ${LIMITS.rulesPerFirewall} rules per firewall`);
  }
  const effective = effectiveRuleCount(all);
  if (effective > LIMITS.effectiveRulesPerFirewall) {
    emit(['firewall'], `${effective} effective rules (a rule counts once per address) exceed Hetzner's limit of ${LIMITS.effectiveRulesPerFirewall}; use fewer or wider ranges`);
  }

  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return {
    diagnostics,
    tenant: {
      id: input.id,
      seq: input.seq,
      environment: input.environment,
      mode: input.mode,
      location,
      networkZone,
      networkCidr: net,
      subnetCidr: subnetCidr(input.seq),
      servers,
      volume: input.volume ? { sizeGb: input.volume.size_gb, format: input.volume.format } : undefined,
      dnsRecords,
      ingress,
      egress: input.mode === 'online' ? egress : [],
      storage: input.storage,
      hcloudTokenEnv: input.hcloud_token_env,
      allowDestroy: input.allow_destroy,
      sourceFile: file,
    },
  };
}

/** Checks the platform file beyond its schema; returns diagnostics and normalized sources. */
export function checkPlatform(input: PlatformFile, file: string): { platform: Platform; diagnostics: Diagnostic[] } {
  const { diagnostics, emit } = collector(file);
  const sources: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(input.sources)) {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) emit(['sources', name], `source name "${name}" must be lowercase letters, digits, "-" or "_"`);
    sources[name] = [];
    entries.forEach((e, i) => {
      const r = parseCidr(e);
      if (!r.ok) emit(['sources', name, i], `${r.error}; allowed: an IPv4/IPv6 address or CIDR`);
      else {
        if (r.value.hadHostBits) emit(['sources', name, i], `"${e}" has host bits set; normalized to ${r.value.cidr}`, 'warning');
        sources[name].push(r.value.cidr);
      }
    });
  }
  const problem = labelValueProblem(input.managed_by);
  if (problem) emit(['managed_by'], `${problem} (it becomes the managed_by label)`);
  return { platform: { ...input, sources, sourceFile: file }, diagnostics };
}

/** Fleet-wide uniqueness: ids, seq values (network ranges) and DNS names; each error names both files. */
export function checkFleet(tenants: readonly Tenant[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const firstBy = <K>(key: (t: Tenant) => K[], path: (t: Tenant, k: K) => FieldPath, what: (k: K) => string) => {
    const seen = new Map<K, Tenant>();
    for (const t of tenants) {
      for (const k of key(t)) {
        const other = seen.get(k);
        if (other && other !== t) {
          diagnostics.push({ severity: 'error', file: t.sourceFile, path: path(t, k), message: `${what(k)} is already used by ${other.sourceFile}; it must be unique in the fleet` });
        } else if (!other) seen.set(k, t);
      }
    }
  };
  firstBy((t) => [t.id], () => ['id'], (k) => `id "${k}"`);
  firstBy((t) => [t.seq], () => ['seq'], (k) => `seq ${k} (network 10.${k}.0.0/16)`);
  firstBy(
    (t) => t.dnsRecords.map((r) => r.fqdn),
    (t, k) => ['dns', 'records', t.dnsRecords.findIndex((r) => r.fqdn === k), 'name'],
    (k) => `DNS name "${k}"`,
  );
  return diagnostics;
}
