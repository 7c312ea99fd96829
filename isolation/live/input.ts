/** What every check receives: the live project and the fleet it should match. */
import { TENANT_LABEL } from '../../lib/labels';
import type { Tenant } from '../../lib/tenant/model';
import type { Finding } from './finding';
import type { LiveFirewall, LiveServer, Snapshot } from '../../verify/live';

/** The part of a tenant the checks use (plain objects in tests). */
export type TenantForVerify = Pick<Tenant, 'id' | 'networkCidr' | 'ingress' | 'egress' | 'mode'>;

export interface CheckInput {
  readonly snapshot: Snapshot;
  /** Every tenant that has a tenant file. */
  readonly tenants: readonly TenantForVerify[];
  /** The platform's managed_by label value. */
  readonly managedBy: string;
}

export type Check = (input: CheckInput) => Finding[];

/** The tenant a resource names, or undefined when the label is absent or empty. */
export function tenantOf(r: { labels: Readonly<Record<string, string>> }): string | undefined {
  const t = r.labels[TENANT_LABEL];
  return t === undefined || t === '' ? undefined : t;
}

/** Servers labelled as the tenant's. */
export function serversOf(snapshot: Snapshot, tenantId: string): LiveServer[] {
  return snapshot.servers.filter((s) => tenantOf(s) === tenantId);
}

export function firewallById(snapshot: Snapshot, id: number): LiveFirewall | undefined {
  return snapshot.firewalls.find((f) => f.id === id);
}
