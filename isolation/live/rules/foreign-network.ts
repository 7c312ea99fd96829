/**
 * foreign-network: a server attached to a network of another tenant (or, with
 * no tenant_id, to any tenant network); and a tenant's server attached to a
 * network that belongs to no tenant.
 */
import type { Rule, Violation } from '../../rule';
import { type LiveInput, tenantOf } from '../input';
import { describe } from '../snapshot';

export const foreignNetworkRule: Rule<LiveInput> = {
  id: 'foreign-network',
  phase: 'live',
  severity: 'error',
  info: 'A server is attached to a network that is not its tenant\'s.',
  explanation:
    'A tenant network is the tenant\'s private segment; a server of anyone else on it can reach every tenant host directly, past the firewall\'s public side.',
  check({ snapshot }) {
    if (snapshot.networks.length === 0 && snapshot.servers.every((s) => s.networks.length === 0)) return 'not-applicable';
    const out: Violation[] = [];
    const servers = new Map(snapshot.servers.map((s) => [s.id, s]));
    const networks = new Map(snapshot.networks.map((n) => [n.id, n]));
    for (const net of snapshot.networks) {
      const owner = tenantOf(net);
      if (owner === undefined) continue;
      for (const id of net.servers) {
        const server = servers.get(id);
        const st = server ? tenantOf(server) : undefined;
        if (st === owner) continue;
        const who = server ? describe(server) : `server #${id}`;
        out.push({
          tenant: owner,
          ...(st ? { otherTenant: st } : {}),
          resource: who,
          message: `${who} (${st ? `tenant ${st}` : 'no tenant_id'}) is attached to ${describe(net)} of tenant ${owner}`,
        });
      }
    }
    for (const server of snapshot.servers) {
      const st = tenantOf(server);
      if (st === undefined) continue;
      for (const id of server.networks) {
        const net = networks.get(id);
        if (net && tenantOf(net) !== undefined) continue; // owned networks are handled above
        const what = net ? describe(net) : `network #${id}`;
        out.push({ tenant: st, resource: describe(server), message: `${describe(server)} is attached to ${what}, which belongs to no tenant` });
      }
    }
    return out;
  },
};
