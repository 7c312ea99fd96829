/**
 * What a tenant's servers may send, for the rules egress-open and
 * egress-beyond-allow-list.
 *
 * Hetzner combines the rules of every firewall on a server; with no outbound
 * rule at all it allows all egress. So for each server of a tenant, the
 * outbound rules of all its firewalls must (a) exist and (b) each stay within
 * the tenant's allow-list: the tenant file's egress rules plus its own
 * network (and SFTP to the platform's Storage Box when backups are on),
 * exactly what `firewallRules(tenant)` puts in the tenant firewall.
 * A rule is within the list when every destination lies inside a destination
 * of an allowed rule with the same protocol whose port range covers it.
 */
import { cidrContains } from '../../lib/cidr';
import { firewallRules } from '../../lib/firewall-rules';
import type { FirewallRule } from '../../lib/tenant/model';
import { firewallById, type TenantForVerify } from './input';
import type { LiveFirewall, LiveRule, LiveServer, Snapshot } from './snapshot';

type PortRange = readonly [number, number] | 'none';

/** "443" -> [443,443], "80-85" -> [80,85], "any" -> [1,65535]; none for protocols without ports. */
export function portRange(port: string | null | undefined): PortRange {
  if (port === null || port === undefined || port === '') return 'none';
  if (port === 'any') return [1, 65535];
  const [lo, hi = lo] = port.split('-').map(Number);
  return [lo, hi];
}

function portCovers(allowed: PortRange, live: PortRange): boolean {
  if (allowed === 'none' || live === 'none') return allowed === live;
  return allowed[0] <= live[0] && live[1] <= allowed[1];
}

function contains(outer: string, inner: string): boolean {
  try {
    return cidrContains(outer, inner);
  } catch {
    return false;
  }
}

/** The outbound rules the tenant may have: its own network, its egress allow-list, the backup target. */
export function allowList(tenant: TenantForVerify): FirewallRule[] {
  return firewallRules(tenant).filter((r) => r.direction === 'out');
}

/** The destinations of `rule` that no allowed rule covers (empty when the rule is within the list). */
export function destinationsBeyond(rule: LiveRule, allowed: readonly FirewallRule[]): string[] {
  const live = portRange(rule.port);
  const candidates = allowed.filter((a) => a.protocol === rule.protocol && portCovers(portRange(a.port), live));
  return rule.cidrs.filter((d) => !candidates.some((a) => a.cidrs.some((c) => contains(c, d))));
}

export function ruleText(r: Pick<LiveRule, 'protocol' | 'port'>): string {
  return r.port ? `${r.protocol}/${r.port}` : r.protocol;
}

/** The firewalls Hetzner applies to `server`, and their outbound rules with their 0-based index. */
export function outboundOf(snapshot: Snapshot, server: LiveServer): { firewalls: LiveFirewall[]; outbound: { fw: LiveFirewall; rule: LiveRule; index: number }[] } {
  const firewalls = server.firewalls.map((id) => firewallById(snapshot, id)).filter((f): f is LiveFirewall => f !== undefined);
  const outbound = firewalls.flatMap((fw) => fw.rules.map((rule, index) => ({ fw, rule, index }))).filter((x) => x.rule.direction === 'out');
  return { firewalls, outbound };
}
