import { firewallSelector } from '../../../lib/labels';
import type { Rule, Violation } from '../../rule';
import { stackResources, type SynthInput, violationAt } from '../stack';

/**
 * Every firewall is applied by exactly this tenant's label selector
 * (lib/labels.ts firewallSelector): `tenant_id=<id>`, and in an offline
 * tenant `tenant_id=<id>,role=jump`, its only server with a public interface.
 */
export const firewallSelectsTenantRule: Rule<SynthInput> = {
  id: 'firewall-selects-tenant',
  phase: 'synth',
  severity: 'error',
  info: 'A firewall is not applied with the tenant\'s own label selector.',
  explanation:
    'Applied by `tenant_id=<id>`, the firewall covers every server of the tenant, present and future, and none of another tenant\'s. In an offline tenant it is `tenant_id=<id>,role=jump`: the jump host is the only server with a public interface, and Hetzner refuses a firewall on one without.',
  check({ stack, tenant }) {
    const firewalls = stackResources(stack).filter((r) => r.type === 'hcloud_firewall');
    if (firewalls.length === 0) return 'not-applicable';
    const expected = firewallSelector(tenant.tenantId, tenant.mode ?? 'online');
    const violations: Violation[] = [];
    for (const fw of firewalls) {
      const selectors = ((fw.config.apply_to ?? []) as Array<{ label_selector?: string; server?: unknown }>).map((a) => a.label_selector ?? `server ${String(a.server)}`);
      if (selectors.length !== 1 || selectors[0] !== expected) {
        violations.push(violationAt(tenant, fw, `${fw.address} is applied to [${selectors.join(', ') || 'nothing'}]; expected exactly label_selector ${expected}`));
      }
    }
    return violations;
  },
};
