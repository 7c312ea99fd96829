/**
 * The Ansible inventory of tenants, built by one function: one host per
 * tenant (`tenant-<id>`, lib/naming.ts) in the group `tenants`, whose
 * variables are the stack output `ansible_vars` (lib/ansible-vars.ts). The
 * post-apply step writes it for one tenant; the test harness writes it for
 * several, adding a local connection and where the stores are. Pure.
 */
import type { AnsibleTenantVars } from './ansible-vars';
import { inventoryHost } from './naming';

export interface TenantInventoryOptions {
  /** Variables added to every tenant host (they win over the tenant's). @default none */
  readonly hostVars?: Readonly<Record<string, unknown>>;
  /** Variables of the `tenants` group. @default no group variables */
  readonly groupVars?: Readonly<Record<string, unknown>>;
}

/** Ansible's YAML (or JSON) inventory format. */
export interface TenantInventory {
  readonly all: { readonly children: { readonly tenants: { readonly hosts: Record<string, unknown>; readonly vars?: Record<string, unknown> } } };
}

export function tenantInventory(tenants: readonly AnsibleTenantVars[], opts: TenantInventoryOptions = {}): TenantInventory {
  const hosts: Record<string, unknown> = {};
  for (const t of tenants) hosts[inventoryHost(t.tenant_id)] = { ...t, ...opts.hostVars };
  return { all: { children: { tenants: { hosts, ...(opts.groupVars ? { vars: { ...opts.groupVars } } : {}) } } } };
}
