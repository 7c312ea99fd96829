/**
 * Tenant identity as Hetzner labels. The labels and the label selector come
 * from the same function, so a firewall selector can never drift from the
 * labels on the servers it must cover.
 */
import { JUMP_ROLE } from './tenant/jump-host';

export const TENANT_LABEL = 'tenant_id';
/** The platform that manages a resource: the verifier reads every resource carrying it. */
export const MANAGED_BY_LABEL = 'managed_by';

export interface LabelInput {
  readonly tenantId: string;
  readonly environment: string;
  readonly managedBy: string;
  /** Servers only. */
  readonly role?: string;
}

/** The identity labels every labelled resource of a tenant carries. */
export function tenantLabels(input: LabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    [TENANT_LABEL]: input.tenantId,
    environment: input.environment,
    [MANAGED_BY_LABEL]: input.managedBy,
  };
  if (input.role !== undefined) labels.role = input.role;
  return labels;
}

/** `tenant_id=<id>`: selects exactly the resources tenantLabels() marks for this tenant. */
export function tenantSelector(tenantId: string): string {
  const { [TENANT_LABEL]: id } = tenantLabels({ tenantId, environment: '', managedBy: '' });
  return `${TENANT_LABEL}=${id}`;
}

/**
 * The selector that applies the tenant's firewall: `tenant_id=<id>`, every
 * server of the tenant. In an offline tenant only the jump host has a public
 * interface, and Hetzner refuses a firewall on a server without one
 * (`private_net_only_server`), so there it is `tenant_id=<id>,role=jump`.
 */
export function firewallSelector(tenantId: string, mode: 'online' | 'offline'): string {
  if (mode === 'online') return tenantSelector(tenantId);
  const { role } = tenantLabels({ tenantId, environment: '', managedBy: '', role: JUMP_ROLE });
  return `${tenantSelector(tenantId)},role=${role}`;
}
