/**
 * Building the model: a tenant file plus the platform become the normalized
 * `Tenant` that constructs, Ansible vars and the plan review consume (servers
 * expanded with names, roles and private IPs, DNS records pointed at servers,
 * firewall rules resolved). `resolveTenant` builds it only when checkTenant
 * (check-tenant.ts) found no error. Pure.
 */
import { ipv4Host, privateRangeProblem, tryCidrRange } from '../cidr';
import type { Diagnostic } from '../diagnostics';
import { NETWORK_ZONE_BY_LOCATION } from '../hetzner';
import { backupHomeDirectory, dnsRecordFqdn, dnsRecordName, FIRST_SERVER_HOST, networkCidr, serverName, subnetCidr } from '../naming';
import { checkTenant } from './check-tenant';
import { resolveFirewall } from './firewall-input';
import { dataServer, forEachServerGroup, groupRole, JUMP_ROLE } from './jump-host';
import type { DnsRecordSpec, Platform, ServerSpec, Tenant } from './model';
import type { TenantFile } from './schema';

/**
 * The tenant's servers in file order (an offline tenant's added jump host
 * last): groups expanded, defaults applied, private IPs from .10 upwards.
 */
export function tenantServers(input: Pick<TenantFile, 'id' | 'seq' | 'mode' | 'servers'>, platform: Pick<Platform, 'defaults'>): ServerSpec[] {
  const servers: ServerSpec[] = [];
  const subnet = tryCidrRange(subnetCidr(input.seq));
  const subnetRange = subnet.ok && privateRangeProblem(networkCidr(input.seq)) === undefined ? subnet.value : undefined;
  let host = FIRST_SERVER_HOST;
  forEachServerGroup(input, (g) => {
    const role = groupRole(g);
    for (let n = 1; n <= g.count; n++) {
      servers.push({
        name: serverName(input.id, g.name, n),
        group: g.name,
        index: n,
        role,
        serverType: g.type ?? platform.defaults.server_type,
        image: g.image ?? platform.defaults.image,
        privateIp: subnetRange && host <= 254 ? ipv4Host(subnetRange, host) : '',
        // Offline: the data plane has no public interface, so no route out at all.
        publicInterface: input.mode === 'online' || role === JUMP_ROLE,
      });
      host++;
    }
  });
  return servers;
}

/** DNS records pointed at the first server of their target group; records whose group does not exist are left out. */
export function tenantDnsRecords(input: Pick<TenantFile, 'id' | 'servers' | 'dns'>, platform: Pick<Platform, 'dns'>): DnsRecordSpec[] {
  const groups = new Set<string>();
  input.servers.forEach((g) => groups.add(g.name));
  const records: DnsRecordSpec[] = [];
  input.dns.records.forEach((r) => {
    if (!groups.has(r.target)) return;
    records.push({ name: dnsRecordName(r.name, platform.dns.suffix), record: r.name, fqdn: dnsRecordFqdn(platform.dns, r.name), server: serverName(input.id, r.target, 1), ttl: r.ttl ?? platform.dns.ttl });
  });
  return records;
}

/** The model of a tenant file that checkTenant accepted; `firewall` as in checkTenant. */
export function buildTenant(input: TenantFile, platform: Platform, file: string, firewall = resolveFirewall(input, platform.sources)): Tenant {
  const location = input.location ?? platform.defaults.location;
  const servers = tenantServers(input, platform);
  const jumpHost = input.mode === 'offline' ? servers.find((s) => s.role === JUMP_ROLE)?.name : undefined;
  // Salvaged input (see salvage.ts) may have lost its groups: no data server then.
  const data = input.storage.host === undefined ? (servers.length ? dataServer(servers, jumpHost) : undefined) : servers.find((s) => s.group === input.storage.host);
  return {
    id: input.id,
    seq: input.seq,
    environment: input.environment,
    mode: input.mode,
    location,
    networkZone: NETWORK_ZONE_BY_LOCATION[location],
    networkCidr: networkCidr(input.seq),
    subnetCidr: subnetCidr(input.seq),
    servers,
    jumpHost,
    volume: input.volume ? { sizeGb: input.volume.size_gb, format: input.volume.format } : undefined,
    dnsRecords: tenantDnsRecords(input, platform),
    ingress: firewall.ingress.map((r) => r.rule),
    egress: input.mode === 'online' ? firewall.egress.map((r) => r.rule) : [],
    storage: { ...input.storage, host: data?.group ?? '' },
    dataServer: data?.name ?? '',
    hcloudTokenEnv: input.hcloud_token_env,
    allowDestroy: input.allow_destroy,
    // Offline: the data server has no route to the Storage Box (see checkTenant's warning).
    backup: platform.backup && input.mode === 'online' ? { storageBoxId: platform.backup.storage_box_id, homeDirectory: backupHomeDirectory(input.id), cidrs: platform.backup.addresses } : undefined,
    sourceFile: file,
  };
}

/**
 * Checks one tenant against the platform and, when it has no error, returns
 * the normalized tenant. Warnings (normalized CIDRs) are returned either way.
 */
export function resolveTenant(input: TenantFile, platform: Platform, file: string): { tenant?: Tenant; diagnostics: Diagnostic[] } {
  const firewall = resolveFirewall(input, platform.sources);
  const diagnostics = checkTenant(input, platform, file, firewall);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { diagnostics, tenant: buildTenant(input, platform, file, firewall) };
}
