/**
 * foreign-firewall: a tenant's server covered by a firewall of another tenant
 * (or of no tenant). Hetzner adds up the rules of all firewalls on a server,
 * so such a firewall can open what the tenant's own firewall keeps closed.
 */
import type { Rule, Violation } from '../../rule';
import { firewallById, type LiveInput, tenantOf } from '../input';
import { describe } from '../snapshot';

export const foreignFirewallRule: Rule<LiveInput> = {
  id: 'foreign-firewall',
  phase: 'live',
  severity: 'error',
  info: 'A tenant\'s server is covered by a firewall of another tenant, or of no tenant.',
  explanation:
    'Hetzner adds up the rules of every firewall on a server; another tenant\'s firewall can open ports or egress the tenant never asked for.',
  check({ snapshot }) {
    if (snapshot.servers.length === 0) return 'not-applicable';
    const out: Violation[] = [];
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
          resource: describe(s),
          message: `${describe(s)} is covered by ${what} of ${ft ? `tenant ${ft}` : 'no tenant'}`,
        });
      }
    }
    return out;
  },
};
