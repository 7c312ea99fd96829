/**
 * egress-beyond-allow-list: an outbound rule on a tenant's server reaches
 * beyond the tenant's allow-list (its egress rules plus its own network,
 * exactly what `firewallRules(tenant)` puts in the tenant firewall).
 */
import type { Rule, Violation } from '../../rule';
import { allowList, destinationsBeyond, outboundOf, ruleText } from '../egress-allow-list';
import { type LiveInput, serversOf } from '../input';
import { describe } from '../snapshot';

export const egressBeyondAllowListRule: Rule<LiveInput> = {
  id: 'egress-beyond-allow-list',
  phase: 'live',
  severity: 'error',
  info: 'An outbound rule on a tenant\'s server allows more than the tenant file\'s egress allow-list.',
  explanation: 'Outbound rules must stay within the tenant file\'s egress allow-list plus the tenant\'s own network.',
  check({ snapshot, tenants }) {
    if (snapshot.servers.length === 0) return 'not-applicable';
    const out: Violation[] = [];
    for (const t of tenants) {
      const allowed = allowList(t);
      const reported = new Set<string>();
      for (const server of serversOf(snapshot, t.id)) {
        for (const { fw, rule, index } of outboundOf(snapshot, server).outbound) {
          const key = `${fw.id}#${index}`;
          if (reported.has(key)) continue;
          const beyond = destinationsBeyond(rule, allowed);
          if (beyond.length === 0) continue;
          reported.add(key);
          out.push({
            tenant: t.id,
            resource: describe(fw),
            message: `${describe(fw)} rule ${index + 1} allows ${ruleText(rule)} out to ${beyond.join(', ')}, beyond tenant ${t.id}'s allow-list`,
          });
        }
      }
    }
    return out;
  },
};
