/**
 * firewall-missing / firewall-selector / firewall-not-covering: every server of
 * a tenant must be covered by the firewall `tenant-<id>-fw`, applied by the
 * label selector `tenant_id=<id>` (the same function that labels the servers
 * builds the selector).
 */
import { TENANT_LABEL, tenantSelector } from '../../lib/labels';
import { firewallName } from '../../lib/naming';
import type { Finding } from './finding';
import { describe } from '../../verify/live';
import type { Check } from './input';
import { serversOf, tenantOf } from './input';

export const firewallCoverage: Check = ({ snapshot, tenants }) => {
  const out: Finding[] = [];
  for (const t of tenants) {
    const servers = serversOf(snapshot, t.id);
    const name = firewallName(t.id);
    const fw = snapshot.firewalls.find((f) => f.name === name);
    if (!fw) {
      if (servers.length > 0) {
        out.push({ tenant: t.id, rule: 'firewall-missing', resource: `firewall ${name}`, message: `firewall ${name} does not exist, so ${servers.length} server(s) of tenant ${t.id} have no tenant firewall` });
      }
      continue;
    }
    const selector = tenantSelector(t.id);
    const bySelector = fw.appliedTo.some((a) => a.type === 'label_selector' && a.selector === selector);
    if (!bySelector) {
      const how = fw.appliedTo.map((a) => (a.type === 'server' ? `server #${a.serverId}` : `selector "${a.selector}"`)).join(', ') || 'nothing';
      out.push({ tenant: t.id, rule: 'firewall-selector', resource: describe(fw), message: `${describe(fw)} is applied to ${how}, not by the label selector "${selector}"` });
    }
    const owner = tenantOf(fw);
    if (owner !== t.id) {
      out.push({ tenant: t.id, rule: 'firewall-selector', resource: describe(fw), message: `${describe(fw)} is labelled ${TENANT_LABEL}=${owner ?? '(none)'}, expected ${t.id}` });
    }
    for (const s of servers) {
      if (!s.firewalls.includes(fw.id as number)) {
        out.push({ tenant: t.id, rule: 'firewall-not-covering', resource: describe(s), message: `${describe(s)} is not covered by ${describe(fw)}` });
      }
    }
  }
  return out;
};
