/**
 * Reads the snapshot the live rules need, by label selector:
 *   - servers, networks, firewalls, volumes, primary IPs, placement groups
 *     labelled `managed_by=<platform>` or `tenant_id in (<tenants>)`;
 *   - the same kinds carrying no labels at all (made by hand, outside every
 *     stack: orphans of no tenant), found with the selector
 *     `!tenant_id,!managed_by` and kept only when their labels are empty;
 *     primary IPs assigned to a server are the server's own (Hetzner makes
 *     them unlabelled) and are left out;
 *   - the tenant rrsets of the platform DNS zone, by the first two selectors
 *     (a zone's SOA and NS rrsets, and the platform's own records, carry no
 *     tenant labels and are no tenant's business);
 *   - then, by id, any server a tenant network lists and any firewall a
 *     server lists that the selectors did not return.
 */
import { MANAGED_BY_LABEL, TENANT_LABEL } from '../lib/labels';
import type { HcloudClient } from './client';
import { HcloudApiError } from './client';
import { firewallFromApi, networkFromApi, otherFromApi, rrsetFromApi, serverFromApi } from './from-api';
import type { LiveFirewall, LiveNetwork, LiveResource, LiveServer, Snapshot } from '../isolation/live';

export interface ReadOptions {
  readonly managedBy: string;
  /** Tenant ids to select by tenant_id as well (normally every tenant of the project). */
  readonly tenantIds: readonly string[];
  /** The platform DNS zone whose rrsets are checked; skipped when absent or not found. */
  readonly zone?: string;
}

/** Candidates for resources with no labels at all (the API cannot select "no labels"; the rest is filtered here). */
export const UNLABELLED_SELECTOR = '!tenant_id,!managed_by';

function selectors(opts: ReadOptions): string[] {
  const out = [`${MANAGED_BY_LABEL}=${opts.managedBy}`];
  if (opts.tenantIds.length) out.push(`${TENANT_LABEL} in (${opts.tenantIds.join(',')})`);
  return out;
}

const unlabelled = (item: any) => Object.keys(item.labels ?? {}).length === 0;

async function listBySelectors(client: HcloudClient, path: string, key: string, sels: string[], keepUnlabelled?: (item: any) => boolean): Promise<any[]> {
  const byId = new Map<number | string, any>();
  for (const label_selector of sels) for (const item of await client.list(path, key, { label_selector })) byId.set(item.id, item);
  if (keepUnlabelled) {
    for (const item of await client.list(path, key, { label_selector: UNLABELLED_SELECTOR })) {
      if (unlabelled(item) && keepUnlabelled(item)) byId.set(item.id, item);
    }
  }
  return [...byId.values()];
}

export async function readSnapshot(client: HcloudClient, opts: ReadOptions): Promise<Snapshot> {
  const sels = selectors(opts);
  const all = () => true;
  const list = (path: string, key: string, keep: (item: any) => boolean = all) => listBySelectors(client, path, key, sels, keep);
  const servers: LiveServer[] = (await list('/servers', 'servers')).map(serverFromApi);
  const networks: LiveNetwork[] = (await list('/networks', 'networks')).map(networkFromApi);
  const firewalls: LiveFirewall[] = (await list('/firewalls', 'firewalls')).map(firewallFromApi);
  const others: LiveResource[] = [
    ...(await list('/volumes', 'volumes')).map((r) => otherFromApi('volume', r)),
    ...(await list('/primary_ips', 'primary_ips', (p) => p.assignee_id === null || p.assignee_id === undefined)).map((r) => otherFromApi('primary_ip', r)),
    ...(await list('/placement_groups', 'placement_groups')).map((r) => otherFromApi('placement_group', r)),
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
    servers.push(serverFromApi(await client.getOne(`/servers/${id}`, 'server')));
    knownServers.add(id);
  }
  const knownFirewalls = new Set(firewalls.map((f) => f.id));
  for (const id of new Set(servers.flatMap((s) => s.firewalls))) {
    if (knownFirewalls.has(id)) continue;
    firewalls.push(firewallFromApi(await client.getOne(`/firewalls/${id}`, 'firewall')));
    knownFirewalls.add(id);
  }
  return { servers, networks, firewalls, others };
}
