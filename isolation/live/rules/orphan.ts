/**
 * orphan: a resource no tenant file owns. Either it is labelled
 * managed_by=<platform> with a tenant_id that no tenant file has (a tenant
 * file removed without destroying its stack, a leftover of a failed run), or
 * it carries no labels at all (made by hand, outside every stack; the
 * verifier reads those too, since no label selector can find them).
 */
import { NO_TENANT } from '../../finding';
import type { Rule, Violation } from '../../rule';
import { allResources, type LiveInput, tenantOf } from '../input';
import { describe } from '../snapshot';

export const orphanRule: Rule<LiveInput> = {
  id: 'orphan',
  phase: 'live',
  severity: 'error',
  info: 'A resource belongs to a tenant that has no tenant file, or carries no labels at all.',
  explanation:
    'A resource that no tenant file owns is owned by no stack: nobody updates, pays attention to, or destroys it; one without labels also escapes every firewall selector and the inventory.',
  check({ snapshot, tenants, managedBy, fleetIds }) {
    const known = new Set(fleetIds ?? tenants.map((t) => t.id));
    return allResources(snapshot).flatMap((r): Violation[] => {
      if (Object.keys(r.labels).length === 0) {
        return [{ tenant: NO_TENANT, resource: describe(r), message: `${describe(r)} has no labels at all, so no tenant and no stack owns it` }];
      }
      const t = tenantOf(r);
      if (r.labels.managed_by !== managedBy || t === undefined || known.has(t)) return [];
      return [{ tenant: t, resource: describe(r), message: `${describe(r)} belongs to tenant ${t}, which has no tenant file` }];
    });
  },
};
