/** The plan-time rules the review runs on every planned stack, and how they are run. */
import type { Finding } from '../finding';
import { runRules, type Rule } from '../rule';
import type { PlanInput } from './input';
import { foreignTenantRangeRule } from './rules/foreign-tenant-range';

export const PLAN_RULES: readonly Rule<PlanInput>[] = [foreignTenantRangeRule];

/** Every finding of `rules` on one planned stack, sorted and de-duplicated. */
export function checkPlan(input: PlanInput, rules = PLAN_RULES): Finding[] {
  return runRules(rules, input);
}

export type { PlanInput } from './input';
