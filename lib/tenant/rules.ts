/**
 * Semantic rules on top of the schema: cross-field checks, Hetzner limits,
 * address resolution and normalization, quotas, and fleet-wide uniqueness.
 * Pure functions from parsed data to diagnostics; positions are filled in
 * later by the loader from the field paths.
 *
 * Lists in the input may have holes: after a schema error the loader drops the
 * invalid items but keeps the indices of the others (see salvage.ts), so that
 * these rules still run and every problem is reported in one pass. Iterate
 * lists with `forEach` (which skips holes), never `for...of`.
 */
import { ipv4Host, isWorld, parseCidr, privateRangeProblem } from '../cidr';
import { Diagnostic, FieldPath, didYouMean } from '../diagnostics';
import { effectiveRuleCount, firewallRules, WORLD_OPEN_PORTS } from '../firewall-rules';
import { LIMITS, NETWORK_ZONE_BY_LOCATION, labelValueProblem } from '../hetzner';
import { rrsetNameProblem, ZONE_ALLOWED, zoneNameProblem } from '../dns-names';
import { dnsRecordFqdn, dnsRecordName, FIRST_SERVER_HOST, networkCidr, serverName, subnetCidr } from '../naming';
import type { DnsRecordSpec, FirewallRule, Platform, ServerSpec, Tenant } from './model';
import type { PlatformFile, TenantFile } from './schema';

type Emit = (path: FieldPath, message: string, severity?: 'error' | 'warning') => void;

function collector(file: string): { diagnostics: Diagnostic[]; emit: Emit } {
  const diagnostics: Diagnostic[] = [];
  const emit: Emit = (path, message, severity = 'error') => diagnostics.push({ severity, file, path, message });
  return { diagnostics, emit };
}

/** Names of platform `sources`: what a firewall rule may use instead of an address. */
export const SOURCE_NAME = /^[a-z][a-z0-9_-]*$/;
/** The highest tenant seq (network 10.<seq>.0.0/16). */
export const MAX_SEQ = 254;
/** The number of implicit rules firewallRules() adds for the tenant's own network. */
const IMPLICIT_RULES = 6;

/** A resolved address list: canonical CIDRs, and for each the index of the entry it came from. */
interface Resolved {
  readonly cidrs: string[];
  readonly origin: Map<string, number>;
}

/** Resolves addresses and source names to canonical CIDRs, reporting what it changed. */
function resolveAddresses(
  entries: readonly string[],
  sources: PlatformFile['sources'],
  path: FieldPath,
  emit: Emit,
): Resolved {
  const origin = new Map<string, number>();
  const add = (cidr: string, i: number) => {
    if (!origin.has(cidr)) origin.set(cidr, i);
  };
  entries.forEach((entry, i) => {
    if (SOURCE_NAME.test(entry)) {
      const named = Object.prototype.hasOwnProperty.call(sources, entry) ? sources[entry] : undefined;
      if (named === undefined) {
        const names = Object.keys(sources).sort();
        const hint = didYouMean(entry, names);
        emit([...path, i], `unknown source "${entry}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: a CIDR, an IP, or a source of the platform file (${names.join(', ') || 'none defined'})`);
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
      emit([...path, i], `${parsed.error}; allowed: an IPv4/IPv6 address or CIDR such as 203.0.113.0/24, or a platform source name`);
      return;
    }
    if (parsed.value.hadHostBits) {
      emit([...path, i], `"${entry}" has host bits set; normalized to ${parsed.value.cidr} (write that to silence this warning)`, 'warning');
    }
    add(parsed.value.cidr, i);
  });
  return { cidrs: [...origin.keys()], origin };
}

const PORTLESS = new Set(['icmp', 'gre', 'esp']);

/** "443", "80-85", "any" or an error message. */
function normalizePort(port: number | string | undefined, protocol: string): { port?: string; error?: string } {
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
  const fileName = file.split(/[\\/]/).pop()!;
  const base = fileName.replace(/\.ya?ml$/, '');
  if (input.id !== base) {
    emit(['id'], `id "${input.id}" does not match the file name ${fileName}; allowed: "${base}" (or rename the file to ${input.id}.yaml)`);
  }
  const idProblem = labelValueProblem(input.id, 'the tenant_id label');
  if (idProblem) emit(['id'], idProblem);
  const envProblem = labelValueProblem(input.environment, 'the environment label');
  if (envProblem) emit(['environment'], envProblem);

  const location = input.location ?? platform.defaults.location;
  const networkZone = NETWORK_ZONE_BY_LOCATION[location];
  if (networkZone === undefined) emit(['location'], `"${location}" has no Hetzner network zone; allowed: ${Object.keys(NETWORK_ZONE_BY_LOCATION).join(' | ')}`);
  const net = networkCidr(input.seq);
  const netProblem = privateRangeProblem(net);
  if (netProblem) emit(['seq'], `the tenant network ${netProblem}`);

  // Servers: expand groups, default role/type/image, assign private IPs.
  const servers: ServerSpec[] = [];
  const groups = new Map<string, number>();
  const subnet = subnetCidr(input.seq);
  const subnetOk = netProblem === undefined && parseCidr(subnet).ok;
  let host = FIRST_SERVER_HOST;
  input.servers.forEach((g, gi) => {
    if (groups.has(g.name)) emit(['servers', gi, 'name'], `server group "${g.name}" is defined twice (also servers[${groups.get(g.name)}]); allowed: a name no other group of this tenant uses`);
    else groups.set(g.name, gi);
    const role = g.role ?? g.name;
    const roleProblem = labelValueProblem(role, 'the role label');
    if (roleProblem) emit(['servers', gi, g.role === undefined ? 'name' : 'role'], roleProblem);
    for (let n = 1; n <= g.count; n++) {
      servers.push({
        name: serverName(input.id, g.name, n),
        group: g.name,
        index: n,
        role,
        serverType: g.type ?? platform.defaults.server_type,
        image: g.image ?? platform.defaults.image,
        privateIp: subnetOk && host <= 254 ? ipv4Host(subnet, host) : '',
      });
      host++;
    }
  });
  if (servers.length > LIMITS.serversPerNetwork) {
    emit(['servers'], `${servers.length} servers in one tenant network; allowed: at most ${LIMITS.serversPerNetwork} servers per Hetzner network (split the tenant)`);
  } else if (servers.length > platform.quotas.max_servers_per_tenant) {
    emit(['servers'], `${servers.length} servers exceed the platform quota quotas.max_servers_per_tenant; allowed: at most ${platform.quotas.max_servers_per_tenant} servers per tenant`);
  }

  if (input.volume && input.volume.size_gb > platform.quotas.max_volume_gb_per_tenant) {
    emit(['volume', 'size_gb'], `${input.volume.size_gb} GB exceeds the platform quota quotas.max_volume_gb_per_tenant; allowed: at most ${platform.quotas.max_volume_gb_per_tenant} GB per tenant`);
  }

  // DNS records point at the first server of a group.
  const dnsRecords: DnsRecordSpec[] = [];
  const seenNames = new Map<string, number>();
  input.dns.records.forEach((r, i) => {
    if (seenNames.has(r.name)) emit(['dns', 'records', i, 'name'], `record "${r.name}" is defined twice (also dns.records[${seenNames.get(r.name)}]); allowed: one record per name`);
    else seenNames.set(r.name, i);
    if (!groups.has(r.target)) {
      const names = [...groups.keys()];
      const hint = didYouMean(r.target, names);
      emit(['dns', 'records', i, 'target'], `unknown server group "${r.target}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: a server group of this tenant (${names.join(', ') || 'none defined'})`);
      return;
    }
    // A bad zone or suffix is reported once, in the platform file.
    const inZone = dnsRecordName(r.name, platform.dns.suffix);
    const problem = zoneNameProblem(platform.dns.zone) ? undefined : rrsetNameProblem(inZone, platform.dns.zone);
    if (problem) {
      emit(['dns', 'records', i, 'name'], `${problem}; allowed: a name relative to the platform zone ${platform.dns.zone} (acme, not acme.${platform.dns.zone})`);
      return;
    }
    dnsRecords.push({
      name: inZone,
      record: r.name,
      fqdn: dnsRecordFqdn(platform.dns, r.name),
      server: serverName(input.id, r.target, 1),
      ttl: r.ttl ?? platform.dns.ttl,
    });
  });

  // Firewall rules.
  const ingress: FirewallRule[] = [];
  input.firewall.ingress.forEach((r, i) => {
    const p = normalizePort(r.port, r.protocol);
    if (p.error) emit(['firewall', 'ingress', i, 'port'], p.error);
    const { cidrs, origin } = resolveAddresses(r.from, platform.sources, ['firewall', 'ingress', i, 'from'], emit);
    const world = cidrs.filter(isWorld);
    if (world.length > 0 && !r.public && !(p.port !== undefined && WORLD_OPEN_PORTS.has(p.port))) {
      const what = p.port === undefined ? r.protocol : p.port === 'any' ? `every ${r.protocol} port` : `${r.protocol} port ${p.port}`;
      emit(
        ['firewall', 'ingress', i, 'from', origin.get(world[0]) ?? 0],
        `opens ${what} to the whole internet (${world.join(', ')}); allowed: only ports 80 and 443 may be open to the world, unless the rule says public: true`,
      );
    }
    ingress.push({ direction: 'in', protocol: r.protocol, port: p.port, cidrs, description: r.description, ...(r.public ? { public: true } : {}) });
  });
  const egress: FirewallRule[] = [];
  input.firewall.egress.forEach((r, i) => {
    if (input.mode === 'offline') {
      emit(['firewall', 'egress', i], 'an egress rule in offline mode; allowed: no egress rules, an offline tenant reaches only its own network (set mode: online, or remove the rule)');
    }
    const p = normalizePort(r.port, r.protocol);
    if (p.error) emit(['firewall', 'egress', i, 'port'], p.error);
    const { cidrs } = resolveAddresses(r.to, platform.sources, ['firewall', 'egress', i, 'to'], emit);
    egress.push({ direction: 'out', protocol: r.protocol, port: p.port, cidrs, description: r.description });
  });
  const all = firewallRules({ networkCidr: net, ingress, egress, mode: input.mode });
  if (all.length > LIMITS.rulesPerFirewall) {
    emit(['firewall'], `${all.length} firewall rules (${all.length - IMPLICIT_RULES} written + ${IMPLICIT_RULES} implicit tenant-network rules); allowed: at most ${LIMITS.rulesPerFirewall} rules per Hetzner firewall`);
  }
  const effective = effectiveRuleCount(all);
  if (effective > LIMITS.effectiveRulesPerFirewall) {
    emit(['firewall'], `${effective} effective firewall rules (a rule counts once per address range); allowed: at most ${LIMITS.effectiveRulesPerFirewall} per Hetzner firewall (use fewer or wider ranges)`);
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
    if (!SOURCE_NAME.test(name)) emit(['sources', name], `source name "${name}" is not valid; allowed: lowercase letters, digits, "-" and "_", starting with a letter`);
    sources[name] = [];
    entries.forEach((e, i) => {
      const r = parseCidr(e);
      if (!r.ok) emit(['sources', name, i], `${r.error}; allowed: an IPv4/IPv6 address or CIDR such as 203.0.113.0/24`);
      else {
        if (r.value.hadHostBits) emit(['sources', name, i], `"${e}" has host bits set; normalized to ${r.value.cidr} (write that to silence this warning)`, 'warning');
        if (!sources[name].includes(r.value.cidr)) sources[name].push(r.value.cidr);
      }
    });
  }
  const problem = labelValueProblem(input.managed_by, 'the managed_by label');
  if (problem) emit(['managed_by'], problem);
  const zoneProblem = zoneNameProblem(input.dns.zone);
  if (zoneProblem) emit(['dns', 'zone'], `${zoneProblem}; allowed: ${ZONE_ALLOWED}`);
  else if (input.dns.suffix !== undefined) {
    const suffixProblem = rrsetNameProblem(input.dns.suffix, input.dns.zone);
    if (suffixProblem) emit(['dns', 'suffix'], `${suffixProblem}; allowed: the labels between a record name and the zone (tenants, for acme.tenants.${input.dns.zone})`);
  }
  return { platform: { ...input, sources, sourceFile: file }, diagnostics };
}

/** The lowest seq above every used one, or else the lowest unused one; undefined when 1..254 are all taken. */
export function nextFreeSeq(used: Iterable<number>): number | undefined {
  const taken = new Set(used);
  const max = Math.max(0, ...[...taken].filter((n) => Number.isInteger(n) && n >= 1 && n <= MAX_SEQ));
  if (max < MAX_SEQ) return max + 1;
  for (let s = 1; s <= MAX_SEQ; s++) if (!taken.has(s)) return s;
  return undefined;
}

/**
 * What fleet-wide uniqueness needs of a tenant file. A `Tenant` is one; the
 * loader also builds them from files with errors, leaving out what is invalid.
 */
export interface FleetMember {
  readonly sourceFile: string;
  readonly id?: string;
  readonly seq?: number;
  /** `index` is the record's index in dns.records (default: its position here). */
  readonly dnsRecords: readonly { readonly fqdn: string; readonly index?: number }[];
}

/**
 * Fleet-wide uniqueness: ids, seq values (network ranges) and DNS names. Each
 * error is reported in the later file and names the earlier one (`where` turns
 * a file and field path into "file:line:col").
 */
export function checkFleet(
  tenants: readonly FleetMember[],
  where: (file: string, path: FieldPath) => string = (file) => file,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const check = <K>(
    keys: (t: FleetMember) => { key: K; path: FieldPath }[],
    what: (k: K) => string,
    allowed: string,
  ) => {
    const seen = new Map<K, { t: FleetMember; path: FieldPath }>();
    for (const t of tenants) {
      for (const { key, path } of keys(t)) {
        const first = seen.get(key);
        if (!first) seen.set(key, { t, path });
        else if (first.t !== t) {
          diagnostics.push({ severity: 'error', file: t.sourceFile, path, message: `${what(key)} is already used by ${where(first.t.sourceFile, first.path)}; allowed: ${allowed}` });
        }
      }
    }
  };
  check((t) => (t.id === undefined ? [] : [{ key: t.id, path: ['id'] }]), (k) => `id "${k}"`, 'an id no other tenant uses');
  const next = nextFreeSeq(tenants.flatMap((t) => (t.seq === undefined ? [] : [t.seq])));
  check(
    (t) => (t.seq === undefined ? [] : [{ key: t.seq, path: ['seq'] }]),
    (k) => `seq ${k} (network ${networkCidr(k)})`,
    `a seq no other tenant uses${next !== undefined ? ` (the next free one is ${next})` : ''}`,
  );
  check(
    (t) => t.dnsRecords.map((r, i) => ({ key: r.fqdn, path: ['dns', 'records', r.index ?? i, 'name'] })),
    (k) => `DNS name "${k}"`,
    'a name no other tenant uses',
  );
  return diagnostics;
}
