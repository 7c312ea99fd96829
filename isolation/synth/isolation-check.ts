import { firewallEgressClosedRule } from './rules/firewall-egress-closed';
import { firewallSelectsTenantRule } from './rules/firewall-selects-tenant';
import { noCrossStackReferenceRule } from './rules/no-cross-stack-reference';
import { noWorldOpenIngressRule } from './rules/no-world-open-ingress';
import { serverOwnNetworkRule } from './rules/server-own-network';
import { tenantLabelRule } from './rules/tenant-label';
import type { Finding, IsolationRule, StackJson, TenantContext } from './rule';

/** The rule pack every tenant stack must pass. */
export const ISOLATION_RULES: readonly IsolationRule[] = [
  tenantLabelRule,
  firewallEgressClosedRule,
  firewallSelectsTenantRule,
  noWorldOpenIngressRule,
  serverOwnNetworkRule,
  noCrossStackReferenceRule,
];

/** Runs every rule; returns all findings (empty = isolated). */
export function checkIsolation(stack: StackJson, tenant: TenantContext, rules = ISOLATION_RULES): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    const result = rule.check(stack, tenant);
    if (result !== 'not-applicable') out.push(...result);
  }
  return out;
}

/** `[tenant-acme/firewall/firewall] firewall-egress-closed: ...` */
export const formatFinding = (f: Finding) => `${f.rule}: ${f.message}`;
