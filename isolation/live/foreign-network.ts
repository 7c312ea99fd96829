/**
 * foreign-network: a server attached to a network of another tenant (or, with
 * no tenant_id, to any tenant network); and a tenant's server attached to a
 * network that belongs to no tenant.
 */
import type { Finding } from './finding';
import { describe } from '../../verify/live';
import type { Check } from './input';
import { tenantOf } from './input';

export const foreignNetwork: Check = ({ snapshot }) => {
  const out: Finding[] = [];
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
        rule: 'foreign-network',
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
      out.push({
        tenant: st,
        rule: 'foreign-network',
        resource: describe(server),
        message: `${describe(server)} is attached to ${what}, which belongs to no tenant`,
      });
    }
  }
  return out;
};
