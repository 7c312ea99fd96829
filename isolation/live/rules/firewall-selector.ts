/**
 * firewall-selector: the tenant firewall `tenant-<id>-fw` must be applied by
 * the tenant's label selector (lib/labels.ts firewallSelector: `tenant_id=<id>`,
 * offline `tenant_id=<id>,role=jump`; built by the same function that labels
 * the servers) and be labelled as the tenant's own.
 */
import { firewallSelector } from '../../../lib/labels';
import type { Rule, Violation } from '../../rule';
import { type LiveInput, tenantFirewall, tenantOf } from '../input';
import { describe } from '../snapshot';

export const firewallSelectorRule: Rule<LiveInput> = {
  id: 'firewall-selector',
  phase: 'live',
  severity: 'error',
  info: 'A tenant firewall is not applied by the tenant\'s label selector, or is labelled as another tenant\'s.',
  explanation:
    'The firewall must select the tenant\'s servers by `tenant_id=<id>`, so that every server of the tenant, including new ones, is covered and no other tenant\'s is (in an offline tenant by `tenant_id=<id>,role=jump`: its jump host is the one server with a public interface).',
  check({ snapshot, tenants }) {
    const out: Violation[] = [];
    for (const t of tenants) {
      const fw = tenantFirewall(snapshot, t.id);
      if (!fw) continue;
      const selector = firewallSelector(t.id, t.mode);
      if (!fw.appliedTo.some((a) => a.type === 'label_selector' && a.selector === selector)) {
        const how = fw.appliedTo.map((a) => (a.type === 'server' ? `server #${a.serverId}` : `selector "${a.selector}"`)).join(', ') || 'nothing';
        out.push({ tenant: t.id, resource: describe(fw), message: `${describe(fw)} is applied to ${how}, not by the label selector "${selector}"` });
      }
      const owner = tenantOf(fw);
      if (owner !== t.id) {
        out.push({ tenant: t.id, resource: describe(fw), message: `${describe(fw)} is labelled tenant_id=${owner ?? '(none)'}, expected ${t.id}` });
      }
    }
    return out;
  },
};
