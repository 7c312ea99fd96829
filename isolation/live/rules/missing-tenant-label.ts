/** missing-tenant-label: a resource the platform manages (managed_by=<platform>) without a tenant_id label. */
import { NO_TENANT } from '../../finding';
import type { Rule } from '../../rule';
import { allResources, type LiveInput, tenantOf } from '../input';
import { describe } from '../snapshot';

export const missingTenantLabelRule: Rule<LiveInput> = {
  id: 'missing-tenant-label',
  phase: 'live',
  severity: 'error',
  info: 'A resource labelled as the platform\'s has no tenant_id label.',
  explanation:
    'Every selector (firewall coverage, inventory, verification) finds a tenant\'s resources by the tenant_id label; an unlabelled resource is invisible to them and belongs to nobody.',
  check({ snapshot, managedBy }) {
    return allResources(snapshot)
      .filter((r) => r.labels.managed_by === managedBy && tenantOf(r) === undefined)
      .map((r) => ({
        tenant: NO_TENANT,
        resource: describe(r),
        message: `${describe(r)} is labelled managed_by=${managedBy} but has no tenant_id label`,
      }));
  },
};
