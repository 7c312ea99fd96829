import type { Rule, Violation } from '../../rule';
import { stackResources, type SynthInput, violationAt } from '../stack';

/**
 * Every server joins only a network of its own stack, and that network is the
 * tenant's range. A literal network id (or a reference into another stack)
 * would put a server into a network the tenant does not own.
 */
export const serverOwnNetworkRule: Rule<SynthInput> = {
  id: 'server-own-network',
  phase: 'synth',
  severity: 'error',
  info: 'A server joins a network that is not its tenant\'s.',
  explanation: 'A server in another tenant\'s network can reach that tenant\'s databases and services directly; private networks are the tenant boundary.',
  check({ stack, tenant }) {
    const resources = stackResources(stack);
    const servers = resources.filter((r) => r.type === 'hcloud_server');
    if (servers.length === 0) return 'not-applicable';
    const ownNetworks = new Set(
      resources
        .filter((r) => r.type === 'hcloud_network' && r.config.ip_range === tenant.networkCidr)
        .map((r) => r.name),
    );
    const violations: Violation[] = [];
    for (const s of servers) {
      for (const n of (s.config.network ?? []) as Array<{ network_id?: unknown; subnet_id?: unknown }>) {
        const ref = String(n.network_id ?? n.subnet_id ?? '');
        const m = /^\$\{hcloud_network(?:_subnet)?\.([A-Za-z0-9_-]+)\.(id|network_id)\}$/.exec(ref);
        const target = m ? resources.find((r) => r.name === m[1] && r.type.startsWith('hcloud_network')) : undefined;
        const networkName = target?.type === 'hcloud_network_subnet'
          ? /hcloud_network\.([A-Za-z0-9_-]+)\.id/.exec(String(target.config.network_id))?.[1]
          : target?.name;
        if (!networkName || !ownNetworks.has(networkName)) {
          violations.push(violationAt(tenant, s, `${s.address} joins network ${ref || '(none)'}, which is not tenant ${tenant.tenantId}'s own network ${tenant.networkCidr}`));
        }
      }
    }
    return violations;
  },
};
