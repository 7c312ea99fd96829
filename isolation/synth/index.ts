/** The synth-time rule pack every tenant stack must pass, and how it is run. */
import type { Finding } from '../finding';
import { runRules, type Rule } from '../rule';
import { backupSubaccountConfinedRule } from './rules/backup-subaccount-confined';
import { firewallEgressClosedRule } from './rules/firewall-egress-closed';
import { firewallSelectsTenantRule } from './rules/firewall-selects-tenant';
import { noCrossStackReferenceRule } from './rules/no-cross-stack-reference';
import { noWorldOpenIngressRule } from './rules/no-world-open-ingress';
import { offlinePublicInterfaceRule } from './rules/offline-public-interface';
import { serverOwnNetworkRule } from './rules/server-own-network';
import { tenantLabelRule } from './rules/tenant-label';
import type { StackJson, SynthInput, TenantContext } from './stack';

export const SYNTH_RULES: readonly Rule<SynthInput>[] = [
  tenantLabelRule,
  firewallEgressClosedRule,
  firewallSelectsTenantRule,
  noWorldOpenIngressRule,
  serverOwnNetworkRule,
  noCrossStackReferenceRule,
  offlinePublicInterfaceRule,
  backupSubaccountConfinedRule,
];

/** Every finding of the synth rules on one stack (empty = isolated). */
export function checkStack(stack: StackJson, tenant: TenantContext, rules = SYNTH_RULES): Finding[] {
  return runRules(rules, { stack, tenant });
}

export type { StackJson, StackResource, SynthInput, TenantContext } from './stack';
export { isolationContext, stackResources } from './stack';
export { IsolationError, formatSynthFinding } from './isolation-error';
