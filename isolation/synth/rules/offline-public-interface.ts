import type { Rule, Violation } from '../../rule';
import { stackResources, type StackResource, type SynthInput, violationAt } from '../stack';

/** Resources that give a server a public address of their own, and the field naming the server. */
const PUBLIC_ADDRESS_OF: Readonly<Record<string, string>> = {
  hcloud_primary_ip: 'assignee_id',
  hcloud_floating_ip: 'server_id',
  hcloud_floating_ip_assignment: 'server_id',
};

/**
 * In an offline tenant no server but its jump host has a public interface:
 * `public_net` must turn IPv4 and IPv6 off (Hetzner turns both on when it
 * is left out), and no primary or floating IP may be given to such a server.
 */
export const offlinePublicInterfaceRule: Rule<SynthInput> = {
  id: 'offline-public-interface',
  phase: 'synth',
  severity: 'error',
  info: 'A server of an offline tenant other than its jump host has a public interface.',
  explanation:
    'Offline mode is structural: the data plane has no public interface, so it has no route out at all, whatever its firewall or its own configuration says. Only the jump host, which admits SSH from the management sources and sends nowhere, may have one.',
  check({ stack, tenant }) {
    if (tenant.mode !== 'offline') return 'not-applicable';
    const resources = stackResources(stack);
    const servers = resources.filter((r) => r.type === 'hcloud_server');
    if (servers.length === 0) return 'not-applicable';
    const isJump = (s: StackResource) => tenant.jumpHost !== undefined && s.config.name === tenant.jumpHost;
    const violations: Violation[] = [];
    for (const s of servers.filter((x) => !isJump(x))) {
      const net = ((s.config.public_net ?? []) as Array<{ ipv4_enabled?: unknown; ipv6_enabled?: unknown }>)[0];
      const on = [net?.ipv4_enabled === false ? undefined : 'IPv4', net?.ipv6_enabled === false ? undefined : 'IPv6'].filter(Boolean);
      if (on.length > 0) {
        violations.push(violationAt(tenant, s, `${s.address} (${String(s.config.name)}) has a public ${on.join(' and ')} interface${net ? '' : ' (public_net is not set, so Hetzner gives it both)'}; in an offline tenant only the jump host ${tenant.jumpHost ?? '(none)'} may have one`));
      }
    }
    for (const r of resources.filter((x) => x.type in PUBLIC_ADDRESS_OF)) {
      const ref = String(r.config[PUBLIC_ADDRESS_OF[r.type]] ?? '');
      const target = servers.find((s) => ref === `\${hcloud_server.${s.name}.id}`);
      if (target && !isJump(target)) {
        violations.push(violationAt(tenant, r, `${r.address} gives ${target.address} (${String(target.config.name)}) a public address; in an offline tenant only the jump host ${tenant.jumpHost ?? '(none)'} may have one`));
      }
    }
    return violations;
  },
};
