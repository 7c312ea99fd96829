/**
 * egress-open: a tenant's server on which no firewall has an outbound rule.
 * Hetzner combines the rules of every firewall on a server, and with no
 * outbound rule at all it allows all egress. A server without a public
 * interface has no way out to begin with.
 */
import type { Rule, Violation } from '../../rule';
import { outboundOf } from '../egress-allow-list';
import { type LiveInput, serversOf } from '../input';
import { describe, isPrivateOnly } from '../snapshot';

export const egressOpenRule: Rule<LiveInput> = {
  id: 'egress-open',
  phase: 'live',
  severity: 'error',
  info: 'No firewall of a tenant\'s server has an outbound rule.',
  explanation: 'With no outbound rule on any firewall of a server, Hetzner allows all egress: the tenant can send data anywhere.',
  check({ snapshot, tenants }) {
    if (snapshot.servers.length === 0) return 'not-applicable';
    return tenants.flatMap((t) =>
      serversOf(snapshot, t.id).filter((s) => !isPrivateOnly(s)).flatMap((server): Violation[] => {
        const { firewalls, outbound } = outboundOf(snapshot, server);
        if (outbound.length > 0) return [];
        const via = firewalls.length ? `its firewalls (${firewalls.map((f) => f.name).join(', ')}) have` : 'it has no firewall and so';
        return [{ tenant: t.id, resource: describe(server), message: `${describe(server)} may send anywhere: ${via} no outbound rule` }];
      }),
    );
  },
};
