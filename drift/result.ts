/**
 * The drift check as data: what `drift.md` renders, what `--json` prints and
 * what the exit code is computed from. Built by `check-drift.ts`.
 */
import type { ResourceDrift } from './resource-drift';

export interface TenantDrift {
  readonly tenant: string;
  /**
   * `clean`: live resources match the state; `drift`: something changed
   * outside OpenTofu; `not-deployed`: no state to compare with; `error`: the
   * check could not run (no token, tofu failed).
   */
  readonly status: 'clean' | 'drift' | 'not-deployed' | 'error';
  /** Resources in the state (after the refresh). */
  readonly managed: number;
  readonly resources: readonly ResourceDrift[];
  readonly error?: string;
}

export interface DriftResult {
  /** Tenants sorted by id. */
  readonly tenants: readonly TenantDrift[];
}

/** 0: no drift; 1: something changed outside OpenTofu; 2: some tenant could not be checked. */
export function driftExitCode(r: DriftResult): 0 | 1 | 2 {
  if (r.tenants.some((t) => t.status === 'error')) return 2;
  return r.tenants.some((t) => t.status === 'drift') ? 1 : 0;
}
