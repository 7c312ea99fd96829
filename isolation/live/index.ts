/** The live rules the verifier runs on a project's snapshot, and how they are run. Each is a pure function. */
import type { Finding } from '../finding';
import { runRules, type Rule } from '../rule';
import type { LiveInput } from './input';
import { egressBeyondAllowListRule } from './rules/egress-beyond-allow-list';
import { egressOpenRule } from './rules/egress-open';
import { firewallMissingRule } from './rules/firewall-missing';
import { firewallNotCoveringRule } from './rules/firewall-not-covering';
import { firewallSelectorRule } from './rules/firewall-selector';
import { foreignFirewallRule } from './rules/foreign-firewall';
import { foreignNetworkRule } from './rules/foreign-network';
import { missingTenantLabelRule } from './rules/missing-tenant-label';
import { offlinePublicServerRule } from './rules/offline-public-server';
import { orphanRule } from './rules/orphan';

export const LIVE_RULES: readonly Rule<LiveInput>[] = [
  missingTenantLabelRule,
  foreignNetworkRule,
  firewallMissingRule,
  firewallSelectorRule,
  firewallNotCoveringRule,
  foreignFirewallRule,
  egressOpenRule,
  egressBeyondAllowListRule,
  offlinePublicServerRule,
  orphanRule,
];

/** Every finding of `rules` on one project's snapshot, sorted and de-duplicated. */
export function checkLive(input: LiveInput, rules = LIVE_RULES): Finding[] {
  return runRules(rules, input);
}

export type { LiveInput, TenantForVerify } from './input';
export { tenantOf } from './input';
export * from './snapshot';
