/**
 * What a plan-time rule sees of one planned stack: what no single stack's
 * synth-time rules can see (the whole fleet, the plan). The review runs these
 * rules on every stack it plans; the synth rules already passed when the stack
 * synthesized.
 */
import type { Tenant } from '../../lib/tenant/model';
import type { PlanJson } from '../../lib/plan-json';

export interface PlanInput {
  readonly tenantId: string;
  /** The validated tenant, when the tenant file loads (absent for offboarding). */
  readonly tenant?: Tenant;
  /** Every tenant of the fleet after the change, for cross-tenant rules. */
  readonly fleet: readonly Tenant[];
  /** The plan (`tofu show -json`). */
  readonly plan: PlanJson;
  /** True for an offboarding (destroy) plan. */
  readonly destroying: boolean;
}
