/**
 * Validation of one tenant file beyond its schema, against the platform:
 * the id and the file name, label values, the network, server groups and
 * quotas, DNS targets, firewall rules (addresses, ports, world-open ports,
 * Hetzner's rule limits) and every generated name. Pure: a list of
 * diagnostics at field paths; the loader adds line and column.
 *
 * Lists in the input may have holes: after a schema error the loader drops the
 * invalid items but keeps the indices of the others (see salvage.ts), so that
 * these rules still run and every problem is reported in one pass. Iterate
 * lists with `forEach` (which skips holes), never `for...of`.
 */
import { privateRangeProblem } from '../cidr';
import { Diagnostic, didYouMean, FieldPath } from '../diagnostics';
import { effectiveRuleCount, firewallRules } from '../firewall-rules';
import { LIMITS, NETWORK_ZONE_BY_LOCATION, labelValueProblem } from '../hetzner';
import { rrsetNameProblem, zoneNameProblem } from '../dns-names';
import { dnsNameProblem } from '../name-rules';
import { dnsRecordFqdn, dnsRecordName, networkCidr } from '../naming';
import { worldOpenIngress } from '../world-open';
import { resolveFirewall, ResolvedFirewall } from './firewall-input';
import { checkServerGroups, defaultTypeProblem } from './catalogue-rules';
import { addedJumpGroup, AUTO_JUMP_GROUP, groupRole, JUMP_ROLE } from './jump-host';
import { generatedNames, nameProblem } from './generated-names';
import type { Platform } from './model';
import type { TenantFile } from './schema';

/** Why an offline tenant gets no Storage Box backups (the relay through its jump host is not built). */
export const OFFLINE_NOT_BACKED_UP =
  "offline tenants are not backed up to the platform's Storage Box: their data server has no route out, and a relay through the jump host is not built; no subaccount is made for this tenant (Hetzner's server backups still apply in production)";

type Emit = (path: FieldPath, message: string, severity?: 'error' | 'warning') => void;

/** The number of implicit rules firewallRules() adds for the tenant's own network (and the backup target). */
const implicitRules = (backup: boolean) => firewallRules({ networkCidr: networkCidr(1), ingress: [], egress: [], mode: 'online', backup: backup ? { cidrs: [] } : undefined }).length;

/**
 * Every problem of one tenant file, errors and warnings. `firewall` is the
 * file's firewall already resolved against the platform (resolveTenant
 * shares it with the model). @default resolved here
 */
export function checkTenant(input: TenantFile, platform: Platform, file: string, firewall = resolveFirewall(input, platform.sources)): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const emit: Emit = (path, message, severity = 'error') => diagnostics.push({ severity, file, path, message });

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
  if (NETWORK_ZONE_BY_LOCATION[location] === undefined) emit(['location'], `"${location}" has no Hetzner network zone; allowed: ${Object.keys(NETWORK_ZONE_BY_LOCATION).join(' | ')}`);
  const netProblem = privateRangeProblem(networkCidr(input.seq));
  if (netProblem) emit(['seq'], `the tenant network ${netProblem}`);

  checkServers(input, platform, emit);
  checkServerGroups(input.servers, platform.defaults, location, emit);
  if (input.mode === 'offline') checkJumpHost(input, platform, location, emit);
  if (input.mode === 'offline' && platform.backup) {
    // Said once, where it is decided: no subaccount, no SFTP rule, no backup role for this tenant.
    emit(['mode'], OFFLINE_NOT_BACKED_UP, 'warning');
  }
  if (input.volume && input.volume.size_gb > platform.quotas.max_volume_gb_per_tenant) {
    emit(['volume', 'size_gb'], `${input.volume.size_gb} GB exceeds the platform quota quotas.max_volume_gb_per_tenant; allowed: at most ${platform.quotas.max_volume_gb_per_tenant} GB per tenant`);
  }
  checkDnsRecords(input, platform.dns, emit);
  checkStorageHost(input, emit);
  checkFirewall(input, firewall, platform, emit);

  // Every generated name, once per field that produces it (a group's first name that is refused).
  const reported = new Set<string>();
  for (const n of generatedNames(input, platform.dns)) {
    const key = `${n.kind} ${JSON.stringify(n.path)}`;
    if (reported.has(key)) continue;
    const problem = nameProblem(n);
    if (problem) {
      reported.add(key);
      emit(n.path, problem);
    }
  }
  return diagnostics;
}

function checkServers(input: TenantFile, platform: Platform, emit: Emit): void {
  const groups = new Map<string, number>();
  let count = 0;
  input.servers.forEach((g, gi) => {
    if (groups.has(g.name)) emit(['servers', gi, 'name'], `server group "${g.name}" is defined twice (also servers[${groups.get(g.name)}]); allowed: a name no other group of this tenant uses`);
    else groups.set(g.name, gi);
    const roleProblem = labelValueProblem(g.role ?? g.name, 'the role label');
    if (roleProblem) emit(['servers', gi, g.role === undefined ? 'name' : 'role'], roleProblem);
    count += g.count;
  });
  const added = addedJumpGroup(input)?.count ?? 0;
  count += added;
  const servers = `${count} servers${added ? ` (with the jump host "${AUTO_JUMP_GROUP.name}" an offline tenant gets)` : ''}`;
  if (count > LIMITS.serversPerNetwork) {
    emit(['servers'], `${servers} in one tenant network; allowed: at most ${LIMITS.serversPerNetwork} servers per Hetzner network (split the tenant)`);
  } else if (count > platform.quotas.max_servers_per_tenant) {
    emit(['servers'], `${servers} exceed the platform quota quotas.max_servers_per_tenant; allowed: at most ${platform.quotas.max_servers_per_tenant} servers per tenant`);
  }
}

/**
 * Offline: exactly one jump host (lib/tenant/jump-host.ts). A `role: jump`
 * group holds one server and there is one such group; without one, the
 * added group `jump` must not collide with a group of that name, and the
 * platform's default type must be offered where the tenant runs.
 */
function checkJumpHost(input: TenantFile, platform: Platform, location: string, emit: Emit): void {
  const ALLOWED = 'one jump host: a single server group with role: jump and count: 1, or none (the tenant then gets the group "jump")';
  let first: number | undefined;
  input.servers.forEach((g, gi) => {
    if (groupRole(g) !== JUMP_ROLE) return;
    if (g.role !== JUMP_ROLE) {
      // Named "jump" without a role: its role label would be jump, but the rest of the rules look for role: jump.
      emit(['servers', gi, 'name'], `group "${g.name}" would get the role label ${JUMP_ROLE}, which marks an offline tenant's jump host; allowed: ${ALLOWED} (add role: ${JUMP_ROLE} to make it the jump host, or rename it)`);
      return;
    }
    if (first !== undefined) emit(['servers', gi, 'role'], `a second jump host group (also servers[${first}]); allowed: ${ALLOWED}`);
    else first = gi;
    if (g.count !== 1) emit(['servers', gi, 'count'], `${g.count} jump hosts; allowed: ${ALLOWED}`);
  });
  if (addedJumpGroup(input)) {
    const problem = defaultTypeProblem(platform.defaults, location);
    if (problem) emit(['mode'], `the jump host "${AUTO_JUMP_GROUP.name}" an offline tenant gets: ${problem}; declare it with a type offered there (a server group with role: ${JUMP_ROLE}, count: 1, type: ...)`);
  }
}

/** DNS records: one per name, each pointing at a server group of the tenant. */
function checkDnsRecords(input: TenantFile, dns: Platform['dns'], emit: Emit): void {
  const groups: string[] = [];
  const jumpGroups: string[] = [];
  input.servers.forEach((g) => {
    groups.push(g.name);
    if (g.role === JUMP_ROLE) jumpGroups.push(g.name);
  });
  const seen = new Map<string, number>();
  input.dns.records.forEach((r, i) => {
    if (seen.has(r.name)) emit(['dns', 'records', i, 'name'], `record "${r.name}" is defined twice (also dns.records[${seen.get(r.name)}]); allowed: one record per name`);
    else seen.set(r.name, i);
    if (!groups.includes(r.target)) {
      const names = [...new Set(groups)];
      const hint = didYouMean(r.target, names);
      emit(['dns', 'records', i, 'target'], `unknown server group "${r.target}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: a server group of this tenant (${names.join(', ') || 'none defined'})`);
      return;
    }
    if (input.mode === 'offline' && !jumpGroups.includes(r.target)) {
      emit(['dns', 'records', i, 'target'], `group "${r.target}" has no public address: in offline mode only the jump host has one; allowed: ${jumpGroups.length ? `the jump host group (${jumpGroups.join(', ')})` : `a server group with role: ${JUMP_ROLE}`}, or mode: online`);
      return;
    }
    // A bad zone or suffix is reported once, in the platform file; a name too long for DNS
    // once, with every generated name (generated-names.ts).
    const tooLong = dnsNameProblem(dnsRecordFqdn(dns, r.name)) !== undefined;
    const problem = zoneNameProblem(dns.zone) || tooLong ? undefined : rrsetNameProblem(dnsRecordName(r.name, dns.suffix), dns.zone);
    if (problem) emit(['dns', 'records', i, 'name'], `${problem}; allowed: a name relative to the platform zone ${dns.zone} (acme, not acme.${dns.zone})`);
  });
}

/** The data server's group (it holds the volume too): one of the tenant's groups, not an offline tenant's jump host. */
function checkStorageHost(input: TenantFile, emit: Emit): void {
  const host = input.storage.host;
  if (host === undefined) return;
  const names: string[] = [];
  input.servers.forEach((g) => names.push(g.name));
  if (!names.includes(host)) {
    const hint = didYouMean(host, names);
    emit(['storage', 'host'], `unknown server group "${host}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: a server group of this tenant (${[...new Set(names)].join(', ') || 'none defined'})`);
    return;
  }
  // The jump host is an offline tenant's one public interface: the data stays off it.
  const group = input.servers.find((g) => g.name === host);
  if (input.mode === 'offline' && group !== undefined && groupRole(group) === JUMP_ROLE) {
    const others = names.filter((n) => n !== host);
    emit(['storage', 'host'], `server group "${host}" is the jump host, the offline tenant's only server with a public interface; allowed: another server group of this tenant (${others.join(', ') || 'none defined'})`);
  }
}

function checkFirewall(input: TenantFile, fw: ResolvedFirewall, platform: Pick<Platform, 'backup'>, emit: Emit): void {
  for (const p of fw.problems) emit(p.path, p.message, p.severity);
  for (const { rule, index, origin } of fw.ingress) {
    if (rule.public) continue;
    const open = worldOpenIngress(rule);
    if (!open) continue;
    const what = rule.port === undefined ? rule.protocol : rule.port === 'any' ? `every ${rule.protocol} port` : `${rule.protocol} port ${rule.port}`;
    emit(
      ['firewall', 'ingress', index, 'from', origin.get(open.ranges[0]) ?? 0],
      `opens ${what} to the whole internet (${open.ranges.join(', ')}${open.why ? `: ${open.why}` : ''}); allowed: only ports 80 and 443 may be open to the world, unless the rule says public: true`,
    );
  }
  if (input.mode === 'offline') {
    for (const { index } of fw.egress) {
      emit(['firewall', 'egress', index], 'an egress rule in offline mode; allowed: no egress rules, an offline tenant reaches only its own network (set mode: online, or remove the rule)');
    }
    // The firewall covers only the jump host (the one public interface): it admits SSH and nothing else.
    for (const { rule, index } of fw.ingress) {
      if (rule.protocol === 'tcp' && rule.port === '22') continue;
      emit(['firewall', 'ingress', index], `an ingress rule for ${rule.protocol}${rule.port ? ` port ${rule.port}` : ''} in offline mode; allowed: SSH only (port 22, tcp): an offline tenant's one public interface is its jump host, which admits SSH from the sources these rules name (set mode: online, or remove the rule)`);
    }
  }
  const backup = platform.backup && { cidrs: platform.backup.addresses };
  const all = firewallRules({ networkCidr: networkCidr(input.seq), ingress: fw.ingress.map((r) => r.rule), egress: fw.egress.map((r) => r.rule), mode: input.mode, backup });
  if (all.length > LIMITS.rulesPerFirewall) {
    emit(['firewall'], `${all.length} firewall rules (${all.length - implicitRules(!!backup)} written + ${implicitRules(!!backup)} implicit ${backup ? 'tenant-network and backup' : 'tenant-network'} rules); allowed: at most ${LIMITS.rulesPerFirewall} rules per Hetzner firewall`);
  }
  const effective = effectiveRuleCount(all);
  if (effective > LIMITS.effectiveRulesPerFirewall) {
    emit(['firewall'], `${effective} effective firewall rules (a rule counts once per address range); allowed: at most ${LIMITS.effectiveRulesPerFirewall} per Hetzner firewall (use fewer or wider ranges)`);
  }
}
