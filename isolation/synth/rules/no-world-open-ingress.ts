import { worldOpenIngress } from '../../../lib/world-open';
import type { Rule, Violation } from '../../rule';
import { stackResources, type SynthInput, violationAt } from '../stack';

interface RuleJson { direction?: string; protocol?: string; port?: string; source_ips?: string[] }

/** No inbound rule opens a port other than 80/443 to the world unless the tenant file says public: true. */
export const noWorldOpenIngressRule: Rule<SynthInput> = {
  id: 'no-world-open-ingress',
  phase: 'synth',
  severity: 'error',
  info: 'An inbound rule opens a port other than 80/443 to the internet (0.0.0.0/0, ::/0, or ranges that together make it; lib/world-open.ts) without public: true.',
  explanation: 'SSH, databases and admin ports open to the internet are the most common way tenants are breached; such a rule must be a written decision in the tenant file.',
  check({ stack, tenant }) {
    const firewalls = stackResources(stack).filter((r) => r.type === 'hcloud_firewall');
    if (firewalls.length === 0) return 'not-applicable';
    const violations: Violation[] = [];
    for (const fw of firewalls) {
      for (const rule of (fw.config.rule ?? []) as RuleJson[]) {
        if (rule.direction !== 'in') continue;
        const world = worldOpenIngress({ port: rule.port, cidrs: rule.source_ips ?? [] })?.ranges ?? [];
        if (world.length === 0) continue;
        const declared = tenant.publicIngress.some(
          (p) => p.protocol === (rule.protocol ?? 'tcp') && p.port === rule.port && world.every((w) => p.cidrs.includes(w)),
        );
        if (!declared) {
          violations.push(violationAt(tenant, fw, `${fw.address} opens ${rule.protocol ?? 'tcp'} port ${rule.port ?? '(all)'} to ${world.join(', ')}; only 80 and 443 may be world-open unless the tenant file marks the rule public: true`));
        }
      }
    }
    return violations;
  },
};
