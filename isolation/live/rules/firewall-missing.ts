/** firewall-missing: a tenant has servers but its firewall `tenant-<id>-fw` does not exist. */
import type { Rule, Violation } from '../../rule';
import { type LiveInput, serversOf, tenantFirewall } from '../input';
import { firewallName } from '../../../lib/naming';

export const firewallMissingRule: Rule<LiveInput> = {
  id: 'firewall-missing',
  phase: 'live',
  severity: 'error',
  info: 'A tenant has servers but no tenant firewall.',
  explanation: 'Without its firewall a tenant\'s servers accept any inbound traffic and send anywhere.',
  check({ snapshot, tenants }) {
    if (snapshot.servers.length === 0) return 'not-applicable';
    return tenants.flatMap((t): Violation[] => {
      const servers = serversOf(snapshot, t.id);
      if (servers.length === 0 || tenantFirewall(snapshot, t.id)) return [];
      const name = firewallName(t.id);
      return [{ tenant: t.id, resource: `firewall ${name}`, message: `firewall ${name} does not exist, so ${servers.length} server(s) of tenant ${t.id} have no tenant firewall` }];
    });
  },
};
