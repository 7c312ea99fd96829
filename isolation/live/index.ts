/** Every live-isolation check, in report order. Each is a pure function of the snapshot and the fleet. */
import { egress } from './egress';
import { firewallCoverage } from './firewall-coverage';
import { foreignFirewall } from './foreign-firewall';
import { foreignNetwork } from './foreign-network';
import type { Check } from './input';
import { orphans } from './orphans';
import { missingTenantLabel } from './tenant-label';

export const CHECKS: readonly Check[] = [missingTenantLabel, foreignNetwork, firewallCoverage, foreignFirewall, egress, orphans];

export type { CheckInput, TenantForVerify } from './input';
