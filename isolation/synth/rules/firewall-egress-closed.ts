import type { Rule, Violation } from '../../rule';
import { stackResources, type SynthInput, violationAt } from '../stack';

/** Every firewall has at least one outbound rule, which makes egress deny-by-default. */
export const firewallEgressClosedRule: Rule<SynthInput> = {
  id: 'firewall-egress-closed',
  phase: 'synth',
  severity: 'error',
  info: 'A firewall has no outbound rule, so its servers may connect anywhere.',
  explanation: 'Hetzner allows all egress when a firewall has no outbound rule; one outbound rule turns egress into deny-by-default. Without it an offline tenant is online and data can leave freely.',
  check({ stack, tenant }) {
    const firewalls = stackResources(stack).filter((r) => r.type === 'hcloud_firewall');
    if (firewalls.length === 0) return 'not-applicable';
    const violations: Violation[] = [];
    for (const fw of firewalls) {
      const rules = (fw.config.rule ?? []) as Array<{ direction?: string }>;
      if (!rules.some((r) => r.direction === 'out')) {
        violations.push(violationAt(tenant, fw, `${fw.address} has no outbound rule; egress is open to the world (add at least the tenant network as an outbound rule)`));
      }
    }
    return violations;
  },
};
