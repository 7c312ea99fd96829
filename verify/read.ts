/**
 * Reads the snapshot the checks need, by label selector:
 *   - servers, networks, firewalls, volumes, primary IPs, placement groups
 *     labelled `managed_by=<platform>` or `tenant_id in (<tenants>)`;
 *   - the tenant rrsets of the platform DNS zone, by the same selectors;
 *   - then, by id, any server a tenant network lists and any firewall a
 *     server lists that the selectors did not return (an intruder carries no
 *     platform label, which is the point).
 */
import { MANAGED_BY_LABEL, TENANT_LABEL } from '../lib/labels';
import type { HcloudClient } from './client';
import { HcloudApiError } from './client';
import {
  firewallFromApi,
  LiveFirewall,
  LiveNetwork,
  LiveResource,
  LiveServer,
  networkFromApi,
  otherFromApi,
  rrsetFromApi,
  serverFromApi,
  Snapshot,
} from './live';

export interface ReadOptions {
  readonly managedBy: string;
  /** Tenant ids to select by tenant_id as well (normally every tenant of the fleet). */
  readonly tenantIds: readonly string[];
  /** The platform DNS zone whose rrsets are checked; skipped when absent or not found. */
  readonly zone?: string;
}

function selectors(opts: ReadOptions): string[] {
  const out = [`${MANAGED_BY_LABEL}=${opts.managedBy}`];
  if (opts.tenantIds.length) out.push(`${TENANT_LABEL} in (${opts.tenantIds.join(',')})`);
  return out;
}

async function listBySelectors(client: HcloudClient, path: string, key: string, sels: string[]): Promise<any[]> {
  const byId = new Map<number | string, any>();
  for (const label_selector of sels) for (const item of await client.list(path, key, { label_selector })) byId.set(item.id, item);
  return [...byId.values()];
}

export async function readSnapshot(client: HcloudClient, opts: ReadOptions): Promise<Snapshot> {
  const sels = selectors(opts);
  const servers: LiveServer[] = (await listBySelectors(client, '/servers', 'servers', sels)).map(serverFromApi);
  const networks: LiveNetwork[] = (await listBySelectors(client, '/networks', 'networks', sels)).map(networkFromApi);
  const firewalls: LiveFirewall[] = (await listBySelectors(client, '/firewalls', 'firewalls', sels)).map(firewallFromApi);
  const others: LiveResource[] = [
    ...(await listBySelectors(client, '/volumes', 'volumes', sels)).map((r) => otherFromApi('volume', r)),
    ...(await listBySelectors(client, '/primary_ips', 'primary_ips', sels)).map((r) => otherFromApi('primary_ip', r)),
    ...(await listBySelectors(client, '/placement_groups', 'placement_groups', sels)).map((r) => otherFromApi('placement_group', r)),
  ];
  if (opts.zone) {
    try {
      const zonePath = `/zones/${encodeURIComponent(opts.zone)}/rrsets`;
      others.push(...(await listBySelectors(client, zonePath, 'rrsets', sels)).map((r) => rrsetFromApi(opts.zone!, r)));
    } catch (e) {
      if (!(e instanceof HcloudApiError && e.status === 404)) throw e;
    }
  }
  // Servers on tenant networks that carry no platform label, and firewalls on tenant servers likewise.
  const knownServers = new Set(servers.map((s) => s.id));
  for (const id of new Set(networks.flatMap((n) => n.servers))) {
    if (knownServers.has(id)) continue;
    servers.push(serverFromApi((await client.get(`/servers/${id}`)).server));
    knownServers.add(id);
  }
  const knownFirewalls = new Set(firewalls.map((f) => f.id));
  for (const id of new Set(servers.flatMap((s) => s.firewalls))) {
    if (knownFirewalls.has(id)) continue;
    firewalls.push(firewallFromApi((await client.get(`/firewalls/${id}`)).firewall));
    knownFirewalls.add(id);
  }
  return { servers, networks, firewalls, others };
}
