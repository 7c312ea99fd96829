/**
 * foreign-tenant-range: a firewall rule names an address range that overlaps
 * another tenant's private network (10.<seq>.0.0/16). A tenant's firewall may
 * admit its own network and public addresses; naming another tenant's range
 * is a cross-tenant opening, whether written by hand or by a too-wide CIDR
 * such as 10.0.0.0/8. Needs the whole fleet, so no single stack's synth can
 * check it.
 */
import { cidrsOverlap, isWorld, parseCidr } from '../../../lib/cidr';
import type { Rule, Violation } from '../../rule';
import type { PlanInput } from '../input';

interface RuleValues { direction?: string; protocol?: string; port?: string | null; source_ips?: string[]; destination_ips?: string[] }

export const foreignTenantRangeRule: Rule<PlanInput> = {
  id: 'foreign-tenant-range',
  phase: 'plan',
  severity: 'error',
  info: 'A firewall rule names an address range that overlaps another tenant\'s network.',
  explanation: 'Tenant networks are the isolation boundary; a firewall rule naming another tenant\'s range opens a path between two tenants that neither tenant file asked for.',
  check(input) {
    if (input.destroying) return 'not-applicable';
    const firewalls = (input.plan.resource_changes ?? []).filter((rc) => rc.mode === 'managed' && rc.type === 'hcloud_firewall' && rc.change.after);
    if (firewalls.length === 0) return 'not-applicable';
    const others = input.fleet.filter((t) => t.id !== input.tenantId);
    const violations: Violation[] = [];
    for (const rc of firewalls) {
      for (const rule of (rc.change.after!.rule ?? []) as RuleValues[]) {
        const cidrs = rule.direction === 'out' ? rule.destination_ips ?? [] : rule.source_ips ?? [];
        for (const cidr of cidrs) {
          if (isWorld(cidr) || !parseCidr(cidr).ok) continue;
          const hit = others.filter((t) => cidrsOverlap(cidr, t.networkCidr)).map((t) => `${t.id} (${t.networkCidr})`);
          if (hit.length === 0) continue;
          const shown = hit.length > 3 ? `${hit.slice(0, 3).join(', ')} and ${hit.length - 3} more` : hit.join(', ');
          violations.push({
            tenant: input.tenantId,
            resource: rc.address,
            message: `${rule.direction === 'out' ? 'outbound' : 'inbound'} ${rule.protocol ?? 'tcp'} rule${rule.port ? ` on port ${rule.port}` : ''} ${rule.direction === 'out' ? 'to' : 'from'} ${cidr} overlaps the network of tenant ${shown}`,
          });
        }
      }
    }
    return violations;
  },
};
