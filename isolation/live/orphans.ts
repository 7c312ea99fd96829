/**
 * orphan: a resource labelled managed_by=<platform> whose tenant_id no tenant
 * file has (a tenant file removed without destroying its stack, or a leftover
 * of a failed run).
 */
import type { Finding } from './finding';
import { describe } from '../../verify/live';
import type { Check } from './input';
import { tenantOf } from './input';

export const orphans: Check = ({ snapshot, tenants, managedBy }) => {
  const known = new Set(tenants.map((t) => t.id));
  const all = [...snapshot.servers, ...snapshot.networks, ...snapshot.firewalls, ...snapshot.others];
  return all
    .filter((r) => r.labels.managed_by === managedBy)
    .flatMap((r): Finding[] => {
      const t = tenantOf(r);
      if (t === undefined || known.has(t)) return [];
      return [{ tenant: t, rule: 'orphan', resource: describe(r), message: `${describe(r)} belongs to tenant ${t}, which has no tenant file` }];
    });
};
