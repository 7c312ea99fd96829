/**
 * The seam where isolation checks plug into the review. The review does not
 * decide what isolation means; it runs every check it is given on each
 * planned stack and reports what they find. `isolation/synth/` owns the
 * synth-time rules; `plan-isolation.ts` adds checks that need the plan.
 */
import type { Tenant } from '../../lib/tenant/model';
import type { PlanJson } from '../../review/plan-json';

/** One isolation problem, named by resource and rule (cdk-nag style). */
export interface IsolationFinding {
  readonly tenant: string;
  /** Resource address or construct path the finding is about. */
  readonly resource: string;
  /** Short rule id, e.g. `no-world-open-ingress`. */
  readonly rule: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
}

/** What a check sees of one stack. */
export interface IsolationInput {
  readonly tenantId: string;
  /** The validated tenant, when the tenant file loads (absent for offboarding). */
  readonly tenant?: Tenant;
  /** Every tenant of the fleet after the change, for cross-tenant rules. */
  readonly fleet: readonly Tenant[];
  /** The synthesized stack (`cdk.tf.json`, parsed). */
  readonly stack: unknown;
  /** The plan (`tofu show -json`). */
  readonly plan: PlanJson;
  /** True for an offboarding (destroy) plan. */
  readonly destroying: boolean;
}

export type IsolationCheck = (input: IsolationInput) => readonly IsolationFinding[] | Promise<readonly IsolationFinding[]>;

/** Runs every check and returns all findings, sorted and de-duplicated. */
export async function runIsolationChecks(checks: readonly IsolationCheck[], input: IsolationInput): Promise<IsolationFinding[]> {
  const all: IsolationFinding[] = [];
  for (const check of checks) all.push(...(await check(input)));
  const key = (f: IsolationFinding) => `${f.tenant}\u0000${f.resource}\u0000${f.rule}\u0000${f.message}`;
  const seen = new Map<string, IsolationFinding>();
  for (const f of all) seen.set(key(f), f);
  return [...seen.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
