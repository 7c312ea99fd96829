/**
 * offline-public-server: a server of an offline tenant, other than its jump
 * host, with a public IPv4 or IPv6 address (the live side of the synth rule
 * offline-public-interface: an address added through the API, or a server
 * made by hand, shows up here).
 */
import type { Rule, Violation } from '../../rule';
import { type LiveInput, serversOf } from '../input';
import { describe, isPrivateOnly } from '../snapshot';

export const offlinePublicServerRule: Rule<LiveInput> = {
  id: 'offline-public-server',
  phase: 'live',
  severity: 'error',
  info: 'A server of an offline tenant other than its jump host has a public address.',
  explanation: 'Offline mode is structural: the data plane has no public interface and so no route out; only the jump host, which admits SSH from the management sources and sends nowhere, may have one.',
  check({ snapshot, tenants }) {
    const offline = tenants.filter((t) => t.mode === 'offline');
    if (offline.length === 0 || snapshot.servers.length === 0) return 'not-applicable';
    return offline.flatMap((t) =>
      serversOf(snapshot, t.id)
        .filter((s) => !isPrivateOnly(s) && s.name !== t.jumpHost)
        .map((s): Violation => ({
          tenant: t.id,
          resource: describe(s),
          message: `${describe(s)} has a public address; in offline tenant ${t.id} only the jump host ${t.jumpHost ?? '(none)'} may have one`,
        })),
    );
  },
};
