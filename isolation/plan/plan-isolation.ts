/**
 * Isolation checks that need the whole fleet or the plan, so that no single
 * stack's synth-time rules can make them. Pure; plugged into the review
 * beside the synth-time rule pack (`isolation/synth/`).
 *
 * foreign-tenant-range: a firewall rule names an address range that overlaps
 * another tenant's private network (10.<seq>.0.0/16). A tenant's firewall may
 * admit its own network and public addresses; naming another tenant's range
 * is a cross-tenant opening, whether written by hand or by a too-wide CIDR
 * such as 10.0.0.0/8.
 */
import { cidrsOverlap, isWorld, parseCidr } from '../../lib/cidr';
import type { IsolationCheck, IsolationFinding } from './isolation';

interface RuleValues { direction?: string; protocol?: string; port?: string | null; source_ips?: string[]; destination_ips?: string[] }

export const FOREIGN_TENANT_RANGE = 'foreign-tenant-range';

export const foreignTenantRangeCheck: IsolationCheck = (input) => {
  if (input.destroying) return [];
  const others = input.fleet.filter((t) => t.id !== input.tenantId);
  const findings: IsolationFinding[] = [];
  for (const rc of input.plan.resource_changes ?? []) {
    if (rc.mode !== 'managed' || rc.type !== 'hcloud_firewall' || !rc.change.after) continue;
    for (const rule of (rc.change.after.rule ?? []) as RuleValues[]) {
      const cidrs = rule.direction === 'out' ? rule.destination_ips ?? [] : rule.source_ips ?? [];
      for (const cidr of cidrs) {
        if (isWorld(cidr) || !parseCidr(cidr).ok) continue;
        const hit = others.filter((t) => cidrsOverlap(cidr, t.networkCidr)).map((t) => `${t.id} (${t.networkCidr})`);
        if (hit.length === 0) continue;
        const shown = hit.length > 3 ? `${hit.slice(0, 3).join(', ')} and ${hit.length - 3} more` : hit.join(', ');
        findings.push({
          tenant: input.tenantId,
          resource: rc.address,
          rule: FOREIGN_TENANT_RANGE,
          message: `${rule.direction === 'out' ? 'outbound' : 'inbound'} ${rule.protocol ?? 'tcp'} rule${rule.port ? ` on port ${rule.port}` : ''} ${rule.direction === 'out' ? 'to' : 'from'} ${cidr} overlaps the network of tenant ${shown}`,
        });
      }
    }
  }
  return findings;
};
