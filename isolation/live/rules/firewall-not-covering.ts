/**
 * firewall-not-covering: a server of a tenant, with a public interface, that
 * its tenant firewall does not cover. (Hetzner applies no firewall to a
 * server without one; offline-public-server says which servers may have one.)
 */
import type { Rule, Violation } from '../../rule';
import { type LiveInput, serversOf, tenantFirewall } from '../input';
import { describe, isPrivateOnly } from '../snapshot';

export const firewallNotCoveringRule: Rule<LiveInput> = {
  id: 'firewall-not-covering',
  phase: 'live',
  severity: 'error',
  info: 'A tenant\'s server is not covered by its tenant firewall.',
  explanation: 'A server outside its tenant firewall is open inbound and unrestricted outbound.',
  check({ snapshot, tenants }) {
    if (snapshot.servers.length === 0) return 'not-applicable';
    return tenants.flatMap((t): Violation[] => {
      const fw = tenantFirewall(snapshot, t.id);
      if (!fw) return []; // firewall-missing
      return serversOf(snapshot, t.id)
        .filter((s) => !isPrivateOnly(s) && !s.firewalls.includes(fw.id as number))
        .map((s) => ({ tenant: t.id, resource: describe(s), message: `${describe(s)} is not covered by ${describe(fw)}` }));
    });
  },
};
