/**
 * foreign-firewall: a tenant's server covered by a firewall of another tenant
 * (or of no tenant). Hetzner adds up the rules of all firewalls on a server,
 * so such a firewall can open what the tenant's own firewall keeps closed.
 */
import type { Finding } from './finding';
import { describe } from '../../verify/live';
import type { Check } from './input';
import { firewallById, tenantOf } from './input';

export const foreignFirewall: Check = ({ snapshot }) => {
  const out: Finding[] = [];
  for (const s of snapshot.servers) {
    const st = tenantOf(s);
    if (st === undefined) continue;
    for (const id of s.firewalls) {
      const fw = firewallById(snapshot, id);
      const ft = fw ? tenantOf(fw) : undefined;
      if (ft === st) continue;
      const what = fw ? describe(fw) : `firewall #${id}`;
      out.push({
        tenant: st,
        ...(ft ? { otherTenant: ft } : {}),
        rule: 'foreign-firewall',
        resource: describe(s),
        message: `${describe(s)} is covered by ${what} of ${ft ? `tenant ${ft}` : 'no tenant'}`,
      });
    }
  }
  return out;
};
