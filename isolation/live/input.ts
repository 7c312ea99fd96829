/** What every live rule receives: the live project and the tenants it should match. */
import { TENANT_LABEL } from '../../lib/labels';
import { firewallName } from '../../lib/naming';
import type { Tenant } from '../../lib/tenant/model';
import type { LiveFirewall, LiveResource, LiveServer, Snapshot } from './snapshot';

/** The part of a tenant the rules use (plain objects in tests). */
export type TenantForVerify = Pick<Tenant, 'id' | 'networkCidr' | 'ingress' | 'egress' | 'mode' | 'jumpHost' | 'backup'>;

export interface LiveInput {
  readonly snapshot: Snapshot;
  /** The tenants whose resources live in this project: each is checked. */
  readonly tenants: readonly TenantForVerify[];
  /** The platform's managed_by label value. */
  readonly managedBy: string;
  /**
   * Every tenant that has a tenant file, including those in other projects
   * (bring-your-own): a resource naming one of them is no orphan.
   * @default - the ids of `tenants`
   */
  readonly fleetIds?: readonly string[];
}

/** The tenant a resource names, or undefined when the label is absent or empty. */
export function tenantOf(r: { labels: Readonly<Record<string, string>> }): string | undefined {
  const t = r.labels[TENANT_LABEL];
  return t === undefined || t === '' ? undefined : t;
}

/** Every resource of the snapshot, of every kind. */
export function allResources(snapshot: Snapshot): LiveResource[] {
  return [...snapshot.servers, ...snapshot.networks, ...snapshot.firewalls, ...snapshot.others];
}

/** Servers labelled as the tenant's. */
export function serversOf(snapshot: Snapshot, tenantId: string): LiveServer[] {
  return snapshot.servers.filter((s) => tenantOf(s) === tenantId);
}

export function firewallById(snapshot: Snapshot, id: number): LiveFirewall | undefined {
  return snapshot.firewalls.find((f) => f.id === id);
}

/** The tenant's own firewall, found by its name `tenant-<id>-fw`. */
export function tenantFirewall(snapshot: Snapshot, tenantId: string): LiveFirewall | undefined {
  const name = firewallName(tenantId);
  return snapshot.firewalls.find((f) => f.name === name);
}
