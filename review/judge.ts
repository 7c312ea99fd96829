/**
 * Judging one planned tenant: its plan summarized, priced, checked for data
 * loss and by the plan-time isolation rules; and the policy over all of
 * them. The decisions are the pure functions of this folder; this file only
 * puts each tenant's pieces together.
 */
import type { Tenant } from '../lib/tenant/model';
import type { AffectedTenant } from './affected';
import { planCost } from './cost';
import { dataLossRisks } from './data-loss';
import type { Finding } from '../isolation/finding';
import { checkPlan, type PlanInput } from '../isolation/plan';
import type { Rule } from '../isolation/rule';
import { relativize } from './load-fleet';
import type { PlannedStack } from './plan-stacks';
import { summarizePlan } from './plan-summary';
import { policyViolations, type PolicyViolation } from './policy';
import type { PriceTable } from './prices';
import type { TenantReview } from './result';

/** What the review learned about one affected tenant before judging it. */
export interface TenantOutcome {
  readonly affected: AffectedTenant;
  /** The validated tenant (for offboarding: as it was at the base). */
  readonly tenant?: Tenant;
  /** The synthesized stack that was planned. */
  readonly stack?: unknown;
  readonly planned?: PlannedStack;
  /** Why there is no stack (invalid tenant file, synth failure). */
  readonly error?: string;
  /** Findings of a synth that failed its isolation rules. */
  readonly synthFindings: readonly Finding[];
}

export interface JudgeContext {
  /** Every tenant of the fleet after the change, for cross-tenant checks. */
  readonly fleet: readonly Tenant[];
  readonly prices: PriceTable;
  /** The plan-time isolation rules (synth-time rules already held when the stack synthesized). */
  readonly planRules: readonly Rule<PlanInput>[];
  /** Paths in error messages are made relative to it. */
  readonly projectDir: string;
  /** Whether the change still holds the tenant's SOPS file (secrets/tenants/<id>.sops.yaml). @default - it does not */
  readonly hasSecretsFile?: (tenant: string) => boolean;
}

export async function judgeTenant(o: TenantOutcome, ctx: JudgeContext): Promise<TenantReview> {
  const a = o.affected;
  const offboarding = a.kind === 'removed';
  const common = {
    tenant: a.tenant,
    kind: a.kind,
    reasons: a.reasons,
    offboarding,
    environment: o.tenant?.environment,
    allowDestroy: o.tenant?.allowDestroy ?? false,
  };
  if (!o.planned?.plan || o.stack === undefined) {
    return { ...common, risks: [], isolation: o.synthFindings, error: relativize(o.error ?? o.planned?.error ?? 'not planned', ctx.projectDir) };
  }
  const summary = summarizePlan(o.planned.plan);
  const isolation = checkPlan({ tenantId: a.tenant, tenant: o.tenant, fleet: ctx.fleet, plan: o.planned.plan, destroying: offboarding }, ctx.planRules);
  // offboard.yml takes the final backup and archives the repository before it moves the secrets file away.
  const destroysBackup = offboarding && summary.resources.some((r) => r.type === 'hcloud_storage_box_subaccount' && r.kind === 'destroy');
  const finalBackup = destroysBackup ? (ctx.hasSecretsFile?.(a.tenant) ? 'missing' : 'archived') : undefined;
  return { ...common, summary, cost: planCost(summary, ctx.prices), risks: dataLossRisks(summary), isolation, ...(finalBackup ? { finalBackup } : {}) };
}

/** The policy over every judged tenant. */
export function reviewViolations(tenants: readonly TenantReview[]): PolicyViolation[] {
  return policyViolations(tenants.map((t) => ({
    tenant: t.tenant,
    environment: t.environment,
    allowDestroy: t.allowDestroy,
    risks: t.risks,
    isolation: t.isolation,
    finalBackup: t.finalBackup,
  })));
}
