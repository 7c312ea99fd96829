/**
 * The reviewed change as data: what the markdown renders, what the exit code
 * is computed from, and what `--json` prints. Built by `review.ts`.
 */
import type { AffectKind } from './affected';
import type { CostChange } from './cost';
import type { DataLossRisk } from './data-loss';
import type { Finding } from '../isolation/finding';
import type { PlanSummary } from './plan-summary';
import type { PolicyViolation } from './policy';

export interface TenantReview {
  readonly tenant: string;
  readonly kind: AffectKind;
  readonly reasons: readonly string[];
  /** The tenant file was removed: this is a destroy plan. */
  readonly offboarding: boolean;
  /** From the tenant file (for offboarding: the base revision's file). */
  readonly environment?: string;
  readonly allowDestroy: boolean;
  /** Absent when the stack could not be synthesized or planned. */
  readonly summary?: PlanSummary;
  readonly cost?: CostChange;
  readonly risks: readonly DataLossRisk[];
  readonly isolation: readonly Finding[];
  /**
   * An offboarding that destroys the tenant's backup subaccount: `archived`
   * when the tenant's SOPS file is gone from the change (offboard.yml moves
   * it only after the final backup and the repository's archive succeeded),
   * `missing` when it is still there.
   */
  readonly finalBackup?: 'archived' | 'missing';
  /** Why there is no plan: invalid tenant file, synth or tofu failure. */
  readonly error?: string;
}

export interface ReviewResult {
  /** The base as the user named it (`main`, `origin/main`, a sha). */
  readonly base: string;
  /** Tenants sorted by id. */
  readonly tenants: readonly TenantReview[];
  readonly violations: readonly PolicyViolation[];
  /** Shared files that changed, sorted (context: whether a stack changed is decided by comparing it). */
  readonly sharedChanges: readonly string[];
  /** How the affected tenants were found: each stack synthesized at the base and here, and compared. */
  readonly comparison: {
    /** Tenants with a stack on both sides, compared. */
    readonly compared: number;
    /** Of those, the ones whose synthesized stack is the same: not planned. */
    readonly unchanged: number;
    /** Why every tenant was planned whatever the comparison said (new tool versions, a base that does not synthesize). */
    readonly planAll?: string;
  };
  readonly prices: { readonly date: string; readonly approximate: boolean; readonly currency: string; readonly basis: string };
  /** True when plans ran without refreshing state (no real token). */
  readonly offline: boolean;
}

/** 0: clean; 1: a policy is violated; 2: the review is incomplete (a tenant could not be planned). */
export function exitCode(r: ReviewResult): 0 | 1 | 2 {
  if (r.tenants.some((t) => t.error !== undefined)) return 2;
  return r.violations.length > 0 ? 1 : 0;
}
