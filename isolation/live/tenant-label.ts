/**
 * missing-tenant-label: a resource the platform manages (managed_by=<platform>)
 * without a tenant_id label.
 */
import type { Finding } from './finding';
import { describe } from '../../verify/live';
import type { Check } from './input';
import { tenantOf } from './input';

export const missingTenantLabel: Check = ({ snapshot, managedBy }) => {
  const all = [...snapshot.servers, ...snapshot.networks, ...snapshot.firewalls, ...snapshot.others];
  return all
    .filter((r) => r.labels.managed_by === managedBy && tenantOf(r) === undefined)
    .map((r): Finding => ({
      tenant: '-',
      rule: 'missing-tenant-label',
      resource: describe(r),
      message: `${describe(r)} is labelled managed_by=${managedBy} but has no tenant_id label`,
    }));
};
