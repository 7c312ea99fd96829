/**
 * The complete rule set of a tenant's firewall: the tenant's own rules plus the
 * implicit ones that keep the tenant network open to itself. There is always at
 * least one outbound rule (to the tenant's own CIDR), which turns Hetzner's
 * egress into deny-by-default.
 */
import type { FirewallRule, Tenant } from './tenant/model';

type RuleInput = Pick<Tenant, 'networkCidr' | 'ingress' | 'egress' | 'mode'>;

function ownNetwork(direction: 'in' | 'out', cidr: string): FirewallRule[] {
  const description = 'tenant network';
  return [
    { direction, protocol: 'tcp', port: 'any', cidrs: [cidr], description },
    { direction, protocol: 'udp', port: 'any', cidrs: [cidr], description },
    { direction, protocol: 'icmp', cidrs: [cidr], description },
  ];
}

/** Every rule the firewall will carry, inbound first, in a stable order. */
export function firewallRules(tenant: RuleInput): FirewallRule[] {
  const egress = tenant.mode === 'online' ? tenant.egress : [];
  return [
    ...ownNetwork('in', tenant.networkCidr),
    ...tenant.ingress,
    ...ownNetwork('out', tenant.networkCidr),
    ...egress,
  ];
}

/** Hetzner counts a rule once per address range it names. */
export function effectiveRuleCount(rules: readonly FirewallRule[]): number {
  return rules.reduce((sum, r) => sum + Math.max(1, r.cidrs.length), 0);
}
